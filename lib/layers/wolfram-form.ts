/**
 * How Wolfram writes a layer: which parameters its positional arguments fill, in order,
 * and what kind of value each parameter takes. Each layer declares its form next to its
 * zod schema (defineLayer's `wolfram`); the Wolfram reader and printer (lib/wolfram/) and
 * the internal-form translation read it from the registry, so they know no layer by name.
 *
 * Positional orders are checked against reference.wolfram.com/language/ref/<Name>.html
 * and, where the paclet shows it, the NeuralNetworks layer definitions (the order of
 * their "Parameters" with "PosArgCount"); each layer file says what it was checked
 * against where that is not obvious.
 */
import type { Expr } from '../wolfram/ast';
import type { Json } from '../wolfram/json';

/** What a parameter's value looks like; lib/wolfram reads and prints each kind. */
export type ParamKind =
  | 'posInt' // a positive integer
  | 'int' // an integer
  | 'dims' // n or {n1, n2, ...}, positive
  | 'reshape' // {d1, ...}: positive integers, Inherited, Automatic or All (strings in JSON)
  | 'replicate' // n, Automatic, or a list of these
  | 'levelOrInfinity' // a non-zero integer, or Infinity ("Infinity" in JSON) for all levels
  | 'real' // a number
  | 'padding' // n, {n1, ...} or {{lo, hi}, ...}
  | 'targetForm' // "Binary" | "Index" | "Probabilities"
  | 'elementwise' // ElementwiseLayer's function
  | 'threading' // ThreadingLayer's function
  | 'poolingFunction' // Max | Mean | Total
  | 'aggregationFunction' // Total | Mean | Max | Min | Times
  | 'partSpec' // n, All, i;;j(;;k), or a list of these and of index lists {i1, i2, ...}
  | 'levels' // n, All, i;;j, or a list of these
  | 'transpose' // m <-> n, {m1 <-> n1, ...}, {n1, n2, ...} or n (1 <-> n)
  | 'automatic' // only Automatic is accepted, and nothing is recorded
  | 'array'; // a learned array

/** What a layer's own value reader gets: failing with the place, and a short display of an expression. */
export interface ParamReadContext {
  /** Rejects the value (invalid_net by default), naming the place and the line and column. */
  fail(detail: string, e?: Expr, code?: 'invalid_net' | 'unsupported'): never;
  /** A short InputForm display of an expression, for messages. */
  show(e: Expr): string;
}

/**
 * A parameter kind that one layer alone uses, defined in that layer's file: how its
 * Wolfram expression becomes the JSON value, and back (InputForm text).
 */
export interface ParamCodec {
  read(e: Expr, ctx: ParamReadContext): Json | undefined;
  print(v: Json): string;
}

export interface WolframForm {
  /** Parameters filled by positional arguments, in Wolfram's order. */
  readonly positional: readonly string[];
  /**
   * Every parameter (positional or option) and its kind; arrays come from the layer's
   * array declarations. Names starting with `#` are read and checked, never stored.
   */
  readonly params: Readonly<Record<string, ParamKind | ParamCodec>>;
  /**
   * How Mathematica's internal form (`<|"Type" -> "Linear", "Parameters" -> ...|>`, what
   * `InputForm`, WXF and .wlnet files hold) writes the layer: its type name, or more
   * (lib/formats/internal.ts). Default: the head without "Layer", the same parameter names.
   */
  readonly internal?: string | InternalForm;
}

/** A layer's internal form where it differs from the default. */
export interface InternalForm {
  /** The type name ("Linear"); default: the head without "Layer". */
  readonly type?: string;
  /** Internal parameter names that are not netport's: internal name -> netport name. */
  readonly rename?: Readonly<Record<string, string>>;
  /**
   * Parameters without a `$` that Mathematica derives from the shapes (ConvolutionLayer's
   * "InputChannels"): read past, since shape inference recomputes and checks them.
   */
  readonly derived?: readonly string[];
  /** Parameters netport supports with one value only, as InputForm (`Interleaving: "False"`). */
  readonly fixed?: Readonly<Record<string, string>>;
  /** Parameters whose internal value is wrapped in `ValidatedParameter[...]`. */
  readonly validated?: readonly string[];
  /**
   * The derived (`$`) parameters as the internal form writes them, from the inferred port
   * shapes: written by `netport convert`, and compared with a file's when one is read.
   */
  readonly derive?: (shapes: { inputs: Readonly<Record<string, { dims: readonly number[] }>>; outputs: Readonly<Record<string, { dims: readonly number[] }>> }, params: Readonly<Record<string, unknown>>) => Record<string, Json>;
  /**
   * Parameter values the internal form writes differently (LinearLayer's OutputDimensions
   * as a list); undefined: the parameter is not written (a default the paclet lacks).
   */
  readonly write?: (params: Readonly<Record<string, unknown>>) => Record<string, Json | undefined>;
}

export const NO_PARAMS: WolframForm = { positional: [], params: {} };
