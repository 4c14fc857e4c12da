/**
 * defineLayer(): everything netport knows about one Wolfram layer, in one place: its
 * zod schema (parameters, arrays, port shapes), its ports, shape inference, its
 * TensorFlow.js forward function, and examples that the test sweep differentiates.
 */
import type { Tensor } from '@tensorflow/tfjs-core';
import { z } from 'zod';
import { PortSchema } from '../coders/ports';
import type { PortType } from '../shapes';
import { ArrayValueSchema } from '../tensors';
import { NO_PARAMS, type WolframForm } from './wolfram-form';

/**
 * How initialization fills a missing array (see init.ts): 'weights' is Wolfram's
 * Xavier rule, 'array' is Wolfram's rule for other names (weights if rank 2, else zeros),
 * a number fills the array with that constant (ParametricRampLayer's Slope: 0.1).
 */
export type InitKind = 'weights' | 'zeros' | 'ones' | 'array' | number;

export interface ArrayDecl {
  readonly name: string;
  /** `None` allowed (e.g. LinearLayer "Biases" -> None). */
  readonly nullable?: boolean;
  /** Auxiliary (not learned): no gradient, skipped by `All`. */
  readonly aux?: boolean;
  readonly init: InitKind;
  /** Values must be >= 0 (a variance): checked wherever the array gets a value. */
  readonly nonNegative?: boolean;
  /**
   * The layout the forward pass gets the array in, as a permutation of Wolfram's
   * dimensions (TensorFlow.js's dense weights are [in, out], its filters
   * [k1, ..., in, out]). The net keeps the array in that layout between evaluations (so
   * the backend can cache what it derives from it, such as XNNPACK's packed weights)
   * and permutes its gradient back to Wolfram's layout. Undefined: Wolfram's own. It is
   * asked with the net's backend active, and may depend on it.
   */
  readonly layout?: (rank: number) => number[] | undefined;
}

/** BatchNormalizationLayer's statistics: see ForwardContext. */
export type Statistics = 'moving' | 'batch';

/** Inferred port types and array dimensions of one layer (per example). */
export interface Shapes {
  readonly inputs: Readonly<Record<string, PortType>>;
  readonly outputs: Readonly<Record<string, PortType>>;
  readonly arrays: Readonly<Record<string, readonly number[] | null>>;
}

/** What inference returns: the shapes, and whatever the forward pass wants precomputed. */
export interface Inferred<T = unknown> extends Shapes {
  readonly plan?: T;
}

export interface InferContext<P> {
  readonly params: P;
  /** Input types known so far (from upstream layers or declarations). */
  readonly inputs: Readonly<Record<string, PortType | undefined>>;
  /** Port shapes the layer's own description declares ("Input": 3, "Output": {2, 2}). */
  readonly declared: Readonly<Record<string, PortType | undefined>>;
  /** Dimensions of the arrays the description gives; null for None. */
  readonly arrays: Readonly<Record<string, readonly number[] | null | undefined>>;
  /** The type of an input; inference stops with a clear error if it is unknown. */
  need(port: string): PortType;
  /** Rejects the layer as described: throws invalid_net naming the layer and field. */
  fail(message: string, field?: string): never;
  /** The layer in the user's terms, for messages: `layer 2 (ElementwiseLayer)`. */
  readonly where: string;
}

export interface ForwardContext<P, T = unknown> {
  readonly params: P;
  readonly shapes: Shapes;
  /** The `plan` that inference returned (geometry, resolved specs...). */
  readonly plan: T;
  /** The number of examples (the leading dimension of every tensor). */
  readonly batch: number;
  /**
   * The statistics BatchNormalizationLayer normalizes with: 'moving' (its MovingMean and
   * MovingVariance, inference) or 'batch' (those of the examples being evaluated, as
   * Wolfram's training-mode forward pass computes them when it takes gradients).
   */
  readonly statistics: Statistics;
  /** One tensor per input port, each with a leading batch dimension. */
  readonly inputs: Readonly<Record<string, Tensor>>;
  readonly arrays: Readonly<Record<string, Tensor | null>>;
  /** Input ports that receive the producer's input instead (see `fuse`). */
  readonly fused: ReadonlySet<string>;
  /**
   * Input ports whose tensor arrived channel-last ([N, d1, ..., dk, C]) instead of in
   * Wolfram's layout: with the 'channels-last' layout, and with 'passthrough' when the
   * producer left it so (a layer that reads the channel axis must look here).
   */
  readonly channelsLast: ReadonlySet<string>;
}

/**
 * An example for the test sweep: a layer description (arrays may be omitted: they are
 * initialized with a seed) and, optionally, the data range for each input port.
 */
export interface LayerExample {
  readonly title: string;
  readonly layer: Readonly<Record<string, unknown>>;
  readonly ranges?: Readonly<Record<string, readonly [number, number]>>;
  /** Explicit data for ports whose values must satisfy a constraint. */
  readonly data?: Readonly<Record<string, unknown>>;
}

/**
 * A layer may absorb the layer that feeds one of its inputs: CrossEntropyLossLayer
 * reads the logits of a directly preceding SoftmaxLayer (Wolfram computes a log-softmax,
 * so saturated logits stay finite).
 */
export interface Fusion {
  readonly input: string;
  readonly producer: string;
  readonly when: (producer: { params: any; shapes: Shapes }, consumer: { params: any }) => boolean;
}

/**
 * How a layer meets Wolfram's channel-first layout. TensorFlow.js's spatial kernels are
 * channel-last, so a chain of spatial layers would transpose back and forth between each
 * pair; instead the forward pass keeps their tensors channel-last and transposes only
 * where a layer needs Wolfram's layout (see gradient.ts).
 * - 'canonical' (default): "Input" arrives and "Output" leaves channel-first.
 * - 'channels-last': "Input" arrives as [N, d1, ..., dk, C] and "Output" leaves so.
 * - 'passthrough': an elementwise layer; "Output" keeps whatever layout "Input" came in.
 */
export type Layout = 'canonical' | 'channels-last' | 'passthrough';

export interface LayerDef<P = any> {
  readonly type: string;
  readonly layout: Layout;
  /** The strict zod schema of the layer's JSON description. */
  readonly schema: z.ZodType<P>;
  /** Parameter names, in Wolfram's positional order. */
  readonly paramNames: readonly string[];
  /** How Wolfram writes the layer (positional arguments, parameter kinds, internal name). */
  readonly wolfram: WolframForm;
  readonly arrays: readonly ArrayDecl[];
  /** Input ports; variadic layers take their count from the description or the wiring. */
  inputs(params: P, arity?: number): string[];
  readonly outputs: readonly string[];
  readonly variadic: boolean;
  /** Input ports named by the parameters (FunctionLayer's slots): `inputs(params)` gives them. */
  readonly named: boolean;
  infer(ctx: InferContext<P>): Inferred;
  forward(ctx: ForwardContext<P>): Record<string, Tensor>;
  readonly fuse?: Fusion;
  readonly examples: readonly LayerExample[];
}

export type Params<S extends z.ZodRawShape> = z.output<z.ZodObject<S>> & Record<string, unknown>;

interface LayerConfig<S extends z.ZodRawShape, T> {
  type: string;
  params: S;
  arrays?: readonly ArrayDecl[];
  /**
   * Fixed input ports, or `{variadic: count}` for Input1, Input2, ...: the count used when
   * neither the description nor the wiring gives one (it may depend on the parameters),
   * or `{named: ports}` for ports the parameters name (FunctionLayer's `#x + #y &` has
   * ports "x" and "y"); their shapes are keys of the description like fixed ports'.
   * `ports` gives undefined when the parameters are malformed: the layer then has no
   * input ports and its inference says what is wrong.
   */
  inputs:
    | readonly string[]
    | { readonly variadic: number | ((params: Params<S>) => number) }
    | { readonly named: (params: Params<S>) => string[] | undefined };
  outputs?: readonly string[];
  infer(ctx: InferContext<Params<S>>): Inferred<T>;
  forward(ctx: ForwardContext<Params<S>, T>): Record<string, Tensor>;
  fuse?: Fusion;
  layout?: Layout;
  /** How Wolfram writes it; a layer without parameters may leave it out. */
  wolfram?: WolframForm;
  examples: readonly LayerExample[];
}

const VARIADIC_PORT = /^Input[1-9][0-9]*$/;

/** Builds a LayerDef; see the file comment. */
export function defineLayer<const S extends z.ZodRawShape, T = undefined>(cfg: LayerConfig<S, T>): LayerDef<Params<S>> {
  const outputs = cfg.outputs ?? ['Output'];
  const arrays = cfg.arrays ?? [];
  const fixedInputs = Array.isArray(cfg.inputs) ? (cfg.inputs as readonly string[]) : undefined;
  const namedInputs = !fixedInputs && 'named' in cfg.inputs ? (cfg.inputs as { named: (p: Params<S>) => string[] | undefined }).named : undefined;
  const shape: Record<string, z.ZodType> = { type: z.literal(cfg.type) };
  Object.assign(shape, cfg.params);
  for (const a of arrays) {
    const value = a.nullable ? ArrayValueSchema.nullable() : ArrayValueSchema;
    shape[a.name] = value.optional().describe(
      `the array "${a.name}": a nested list, or {"Dimensions", "Data"}${a.nullable ? ', or null for None' : ''}`,
    );
  }
  const portShape = PortSchema.optional().describe('a port shape: n, a list of dimensions, "Real", {"Index": n, "Dimensions": [...]}, or a coder {"NetEncoder": ...} / {"NetDecoder": ...}');
  for (const p of [...(fixedInputs ?? []), ...outputs]) shape[p] = portShape;

  let schema: z.ZodType;
  if (fixedInputs) {
    schema = z.object(shape).strict();
  } else if (namedInputs) {
    schema = z
      .object(shape)
      .catchall(PortSchema)
      .superRefine((value, ctx) => {
        const ports = namedInputs(value as Params<S>);
        if (ports === undefined) return;
        for (const key of Object.keys(value)) {
          if (!(key in shape) && !ports.includes(key)) {
            ctx.addIssue({ code: 'unrecognized_keys', keys: [key], input: value, message: `Unrecognized key: "${key}"` });
          }
        }
      });
  } else {
    shape.Inputs = z.array(PortSchema).min(1).optional().describe('the shapes of the inputs Input1, Input2, ...');
    schema = z
      .object(shape)
      .catchall(PortSchema)
      .superRefine((value, ctx) => {
        for (const key of Object.keys(value)) {
          if (!Object.prototype.hasOwnProperty.call(shape, key) && !VARIADIC_PORT.test(key)) {
            ctx.addIssue({ code: 'unrecognized_keys', keys: [key], input: value, message: `Unrecognized key: "${key}"` });
          }
        }
      });
  }

  const defaultArity = fixedInputs || namedInputs ? () => 0 : arityOf((cfg.inputs as { variadic: number | ((p: Params<S>) => number) }).variadic);
  return {
    type: cfg.type,
    layout: cfg.layout ?? 'canonical',
    schema: schema as z.ZodType<Params<S>>,
    paramNames: Object.keys(cfg.params),
    wolfram: cfg.wolfram ?? NO_PARAMS,
    arrays,
    outputs,
    variadic: !fixedInputs && !namedInputs,
    named: namedInputs !== undefined,
    inputs(params, arity) {
      if (fixedInputs) return [...fixedInputs];
      if (namedInputs) return namedInputs(params) ?? [];
      const n = arity ?? declaredArity(params) ?? defaultArity(params);
      return Array.from({ length: n }, (_, i) => `Input${i + 1}`);
    },
    infer: cfg.infer,
    forward: cfg.forward as LayerDef<Params<S>>['forward'],
    fuse: cfg.fuse,
    examples: cfg.examples,
  };
}

function arityOf<P>(v: number | ((p: P) => number)): (p: P) => number {
  return typeof v === 'number' ? () => v : v;
}

/** The number of inputs a variadic layer's description implies: "Inputs" or InputN keys. */
function declaredArity(params: Record<string, unknown>): number | undefined {
  if (Array.isArray(params.Inputs)) return params.Inputs.length;
  let n = 0;
  for (const key of Object.keys(params)) {
    if (VARIADIC_PORT.test(key)) n = Math.max(n, Number(key.slice(5)));
  }
  return n > 0 ? n : undefined;
}
