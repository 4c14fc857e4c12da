/**
 * compileArrayFunction: FunctionLayer's Wolfram function over whole arrays, lowered to
 * netport's own layers. The scalar compiler (pure.ts) maps a function over elements;
 * here a value is an array per example, and each construct becomes the layer that
 * computes it, so its shape rules and its gradient formulation are the layer's:
 *   Part -> PartLayer, Transpose -> TransposeLayer, Dot (a . b) -> DotLayer,
 *   Catenate and Join -> CatenateLayer, Total and Mean -> AggregationLayer,
 *   Reverse -> PartLayer (-1;;1;;-1), Flatten -> FlattenLayer,
 *   Max and Min of arrays -> AggregationLayer over All (Wolfram's Max flattens),
 * and the arithmetic and elementwise functions (those of ElementwiseLayer) act
 * elementwise with Wolfram's listability: an array of rank r meets one of rank s >= r
 * when its dimensions are the first r of the other's, and is repeated over the rest
 * ({2} + {2, 3} adds x[[i]] to row i; numpy would align the last dimensions). A list
 * {a, b, ...} of arrays of one shape is the array with a new first level.
 * Everything else is refused with an `unsupported` error naming the construct.
 *
 * Ports, as the 13.x reference page has them: a function of one array (`Sin[#] &`,
 * `Function[x, ...]`, a bare symbol) has the port "Input"; named slots (`#x + #y &`) are
 * ports named after the slots, in order of first appearance; `Apply[f]` of a function of
 * n arguments has ports Input1, ..., Inputn (the page says "automatically named").
 * `Function[{x, y}, ...]` (which Wolfram would apply to one argument) is taken as the
 * ports "x" and "y" (netport extension).
 */
import type { Tensor } from '@tensorflow/tfjs-core';
import { tf } from '../backend/tf';
import { NetError } from '../errors';
import { AggregationLayer } from '../layers/aggregation';
import { CatenateLayer } from '../layers/catenate';
import type { LayerDef } from '../layers/define';
import { DotLayer } from '../layers/dot';
import { FlattenLayer } from '../layers/flatten';
import { PartLayer } from '../layers/part';
import { TransposeLayer } from '../layers/transpose';
import { formatDims } from '../shapes';
import { type CallExpr, type Expr, call, isSymbol, symbolName } from '../wolfram/ast';
import { WolframSyntaxError, locate, parse } from '../wolfram/parse';
import { printExpr } from '../wolfram/print';
import { NAMED_FUNCTIONS, UNARY } from './pure';

type Run = (xs: readonly Tensor[]) => Tensor;
/** A value: a number, or an array per example (`run` gives it with the batch dimension first). */
type Val = { readonly kind: 'num'; readonly value: number } | { readonly kind: 'arr'; readonly dims: readonly number[]; readonly run: Run };
type Arr = Extract<Val, { kind: 'arr' }>;

export interface ArrayFunctionOptions {
  /** Where the function is, in the user's terms (`layer 2 (FunctionLayer) "Function"`). */
  where?: string;
}

export interface ArrayFunctionInfo {
  /** Canonical InputForm text. */
  readonly text: string;
  /** The input ports, in order. */
  readonly ports: readonly string[];
}

export interface ArrayFunction extends ArrayFunctionInfo {
  /** The output's dimensions per example ([] for a number). */
  readonly dims: readonly number[];
  /** The output for the inputs (each with the batch dimension first), in port order. */
  readonly run: Run;
}

interface Scope {
  readonly where: string | undefined;
  readonly text: string | undefined;
  /** Argument positions of slots (1, 2, ... or names) and Function parameters. */
  readonly bind: (e: Expr) => number | undefined;
  readonly dims: readonly (readonly number[])[];
}

const SUBJECT = 'FunctionLayer function';

function fail(s: Pick<Scope, 'where' | 'text'>, code: 'invalid_net' | 'unsupported', detail: string, e?: Expr): never {
  const at = s.text && e && e.pos >= 0 ? (({ line, column }) => ` at line ${line}, column ${column}`)(locate(s.text, e.pos)) : '';
  const prefix = code === 'invalid_net' ? 'Invalid net' : 'Unsupported';
  throw new NetError(code, `${prefix}: ${s.where ?? SUBJECT}: ${detail}${at}`, s.where);
}

interface Analysed {
  readonly body: Expr;
  readonly ports: string[];
  readonly bind: (e: Expr) => number | undefined;
}

const slot = (index: number): Expr => ({ kind: 'slot', index, sequence: false, pos: -1 });

/** The body of the function and its ports (see the file comment). */
function analyse(e: Expr, s: Pick<Scope, 'where' | 'text'>): Analysed {
  if (e.kind === 'symbol' || e.kind === 'string') return { body: call(e, [slot(1)], e.pos), ports: ['Input'], bind: (x) => (x.kind === 'slot' && x.index === 1 ? 0 : undefined) };
  const applied = e.kind === 'call' && isSymbol(e.head, 'Apply') && e.args.length === 1;
  const f = applied ? (e as CallExpr).args[0]! : e;
  if (f.kind !== 'function') return fail(s, 'invalid_net', `expected a pure function such as Total[#^2] &, got ${printExpr(e)}`, e);
  if (f.params) {
    const params = new Map(f.params.map((p, i) => [p, i]));
    const ports = applied ? f.params.map((_, i) => `Input${i + 1}`) : f.params.length === 1 ? ['Input'] : [...f.params];
    return { body: f.body, ports, bind: (x) => (x.kind === 'symbol' && x.context === '' ? params.get(x.name) : undefined) };
  }
  const names: string[] = [];
  let highest = 0;
  const visit = (x: Expr): void => {
    if (x.kind === 'slot') {
      if (x.sequence) fail(s, 'unsupported', 'SlotSequence (##) is not supported', x);
      if (typeof x.index === 'string') {
        if (!names.includes(x.index)) names.push(x.index);
      } else highest = Math.max(highest, x.index);
    } else if (x.kind === 'call') {
      visit(x.head);
      x.args.forEach(visit);
    } else if (x.kind === 'list') x.items.forEach(visit);
    else if (x.kind === 'span') [x.start, x.end, ...(x.step ? [x.step] : [])].forEach(visit);
    else if (x.kind === 'rule') [x.lhs, x.rhs].forEach(visit);
  };
  visit(f.body);
  if (names.length > 0) {
    if (highest > 0) fail(s, 'invalid_net', 'mixes named slots (#x) with numbered ones (#1)', f);
    if (applied) fail(s, 'unsupported', 'Apply of a function with named slots is not supported; give #x-style slots without Apply', e);
    return { body: f.body, ports: names, bind: (x) => (x.kind === 'slot' && typeof x.index === 'string' ? names.indexOf(x.index) : undefined) };
  }
  if (highest > 1 && !applied) {
    fail(s, 'invalid_net', `uses #${highest}, but FunctionLayer's function takes one argument (use Apply[f] for a function of several, or named slots #x)`, f);
  }
  const n = applied ? Math.max(highest, 1) : 1;
  return {
    body: f.body,
    ports: applied ? Array.from({ length: n }, (_, i) => `Input${i + 1}`) : ['Input'],
    bind: (x) => (x.kind === 'slot' && typeof x.index === 'number' && x.index >= 1 ? x.index - 1 : undefined),
  };
}

function toExpr(source: string | Expr, s: ArrayFunctionOptions): { expr: Expr; text: string | undefined } {
  if (typeof source !== 'string') return { expr: source, text: undefined };
  try {
    return { expr: parse(source), text: source };
  } catch (err) {
    if (err instanceof WolframSyntaxError) throw new NetError('invalid_net', `Invalid net: ${s.where ?? SUBJECT}: ${err.message}`, s.where);
    throw err;
  }
}

/** Canonical text and ports; throws for a malformed function (not for constructs it cannot lower). */
export function describeArrayFunction(source: string | Expr, options: ArrayFunctionOptions = {}): ArrayFunctionInfo {
  const { expr, text } = toExpr(source, options);
  const a = analyse(expr, { where: options.where, text });
  return { text: expr.kind === 'string' ? expr.value : printExpr(expr), ports: a.ports };
}

/** Compiles the function for inputs of the given dimensions (per example, in port order). */
export function compileArrayFunction(source: string | Expr, dims: readonly (readonly number[])[], options: ArrayFunctionOptions = {}): ArrayFunction {
  const { expr, text } = toExpr(source, options);
  const a = analyse(expr, { where: options.where, text });
  const scope: Scope = { where: options.where, text, bind: a.bind, dims };
  const v = compile(a.body, scope);
  const out: Arr = v.kind === 'arr' ? v : { kind: 'arr', dims: [], run: (xs) => tf.fill([xs[0]!.shape[0]!], v.value) };
  return {
    text: expr.kind === 'string' ? expr.value : printExpr(expr),
    ports: a.ports,
    dims: out.dims,
    run: (xs) =>
      tf.tidy(() => {
        const y = out.run(xs);
        // Never hand back an input tensor itself (`# &`).
        return xs.includes(y) ? tf.clone(y) : y;
      }),
  };
}

const arr = (dims: readonly number[], run: Run): Arr => ({ kind: 'arr', dims, run });
const num = (value: number): Val => ({ kind: 'num', value });

/** A value as a tensor [N, ...dims] (numbers are filled in). */
function tensorOf(v: Val, dims: readonly number[]): Run {
  if (v.kind === 'arr') return v.run;
  return (xs) => tf.fill([xs[0]!.shape[0]!, ...dims], v.value);
}

/**
 * Two values combined elementwise with Wolfram's listability: the lower-rank array's
 * dimensions must be the leading ones of the other's; it gets trailing 1s so that
 * TensorFlow.js's broadcasting repeats it over the remaining levels.
 */
function listable(a: Val, b: Val, op: (x: Tensor | number, y: Tensor | number) => Tensor, numOp: (x: number, y: number) => number, s: Scope, e: Expr): Val {
  if (a.kind === 'num' && b.kind === 'num') return num(numOp(a.value, b.value));
  if (a.kind === 'num') return arr((b as Arr).dims, (xs) => op(a.value, (b as Arr).run(xs)));
  if (b.kind === 'num') return arr(a.dims, (xs) => op(a.run(xs), b.value));
  const [lo, hi] = a.dims.length <= b.dims.length ? [a, b] : [b, a];
  if (lo.dims.some((d, i) => d !== hi.dims[i])) {
    fail(s, 'invalid_net', `${symbolName((e as CallExpr).head) ?? 'an operation'} combines arrays of dimensions ${formatDims(a.dims)} and ${formatDims(b.dims)}, which do not thread (the dimensions of one must begin the other's)`, e);
  }
  const extra = hi.dims.length - lo.dims.length;
  const lift = (v: Arr): Run => (v === lo && extra > 0 ? (xs) => tf.reshape(v.run(xs), [xs[0]!.shape[0]!, ...v.dims, ...Array<number>(extra).fill(1)]) : v.run);
  const [ra, rb] = [lift(a), lift(b)];
  return arr(hi.dims, (xs) => op(ra(xs), rb(xs)));
}

const T = (x: Tensor | number): Tensor => (typeof x === 'number' ? tf.scalar(x) : x);
const ADD = (x: Tensor | number, y: Tensor | number) => tf.add(T(x), T(y));
const MUL = (x: Tensor | number, y: Tensor | number) => tf.mul(T(x), T(y));
const DIV = (x: Tensor | number, y: Tensor | number) => tf.div(T(x), T(y));

function power(a: Val, b: Val, s: Scope, e: Expr): Val {
  if (b.kind === 'num' && a.kind === 'arr') {
    const p = b.value;
    if (p === 1) return a;
    if (p === 2) return arr(a.dims, (xs) => tf.square(a.run(xs)));
    if (p === 0.5) return arr(a.dims, (xs) => tf.sqrt(a.run(xs)));
    if (p === -1) return arr(a.dims, (xs) => tf.reciprocal(a.run(xs)));
  }
  return listable(a, b, (x, y) => tf.pow(T(x), T(y)), (x, y) => x ** y, s, e);
}

function elementwise(v: Val, numOp: ((x: number) => number) | null, op: (x: Tensor) => Tensor, s: Scope, e: Expr): Val {
  if (v.kind === 'num') {
    if (numOp) return num(numOp(v.value));
    return fail(s, 'unsupported', `${printExpr(e)} of a number is not supported; apply it to an array`, e);
  }
  return arr(v.dims, (xs) => op(v.run(xs)));
}

/** Runs one of netport's layers on compiled values: its shape rules, its forward pass. */
function lower(def: LayerDef, params: Record<string, unknown>, args: readonly Val[], s: Scope, e: CallExpr): Arr {
  const name = symbolName(e.head) ?? 'a construct';
  const parsed = def.schema.safeParse({ type: def.type, ...params });
  if (!parsed.success) return fail(s, 'invalid_net', `${name} has an invalid specification: ${parsed.error.issues[0]?.message ?? ''}`, e);
  const p = parsed.data as Record<string, unknown>;
  const ports = def.variadic ? args.map((_, i) => `Input${i + 1}`) : def.inputs(p);
  const values = args.map((v) => (v.kind === 'arr' ? v : arr([], tensorOf(v, []))));
  const types = Object.fromEntries(ports.map((port, i) => [port, { dims: values[i]!.dims }]));
  const inferred = def.infer({
    params: p,
    inputs: types,
    declared: {},
    arrays: {},
    need: (port) => types[port]!,
    fail: (message) => fail(s, 'invalid_net', `${name}: ${message}`, e),
    where: `${name} in ${s.where ?? SUBJECT}`,
  });
  const shapes = { inputs: inferred.inputs, outputs: inferred.outputs, arrays: {} };
  const none = new Set<string>();
  return arr(inferred.outputs.Output!.dims, (xs) => {
    const inputs = Object.fromEntries(ports.map((port, i) => [port, values[i]!.run(xs)]));
    const forward = { params: p, shapes, plan: inferred.plan, batch: xs[0]!.shape[0]!, statistics: 'moving' as const, inputs, arrays: {}, fused: none, channelsLast: none };
    return def.forward(forward).Output!;
  });
}

/** An integer, All or a span, as the JSON of PartLayer's, AggregationLayer's or TransposeLayer's specifications. */
function specOf(x: Expr, s: Scope, e: Expr): unknown {
  const int = (y: Expr): number | undefined => (y.kind === 'number' && !y.real ? y.value : undefined);
  if (isSymbol(x, 'All')) return 'All';
  const n = int(x);
  if (n !== undefined) return n;
  if (x.kind === 'span') {
    const end = (y: Expr) => (isSymbol(y, 'All') ? 'All' : (int(y) ?? fail(s, 'unsupported', `${printExpr(x)}: spans need integer ends`, e)));
    return [end(x.start), end(x.end), ...(x.step ? [end(x.step)] : [])].join(';;');
  }
  if (x.kind === 'list' && x.items.length > 0 && x.items.every((y) => int(y) !== undefined)) return x.items.map(int);
  return fail(s, 'unsupported', `${printExpr(x)} is not a part or level specification netport can lower (give integers, All, spans or lists of integers)`, x);
}

function compile(e: Expr, s: Scope): Val {
  const bound = s.bind(e);
  if (bound !== undefined) {
    const dims = s.dims[bound];
    if (bound < 0 || dims === undefined) return fail(s, 'invalid_net', `uses ${printExpr(e)}, which is not one of its arguments`, e);
    return arr(dims, (xs) => xs[bound]!);
  }
  switch (e.kind) {
    case 'number':
      return num(e.value);
    case 'slot':
      return fail(s, 'invalid_net', `uses ${printExpr(e)}, which is not one of its arguments`, e);
    case 'symbol': {
      const name = symbolName(e) ?? e.name;
      const value = { Pi: Math.PI, E: Math.E, Degree: Math.PI / 180 }[name];
      if (value !== undefined) return num(value);
      return fail(s, 'invalid_net', `uses the symbol ${name}, which has no value`, e);
    }
    case 'list': {
      const items = e.items.map((x) => compile(x, s));
      if (items.length === 0) return fail(s, 'unsupported', 'an empty list is not an array', e);
      const dims = items.find((v) => v.kind === 'arr')?.dims ?? [];
      items.forEach((v) => {
        const d = v.kind === 'arr' ? v.dims : [];
        if (formatDims(d) !== formatDims(dims)) fail(s, 'invalid_net', `is a list of arrays of different dimensions (${formatDims(dims)} and ${formatDims(d)}), which is not an array`, e);
      });
      const runs = items.map((v) => tensorOf(v, dims));
      return arr([items.length, ...dims], (xs) => tf.stack(runs.map((r) => r(xs)), 1));
    }
    case 'call':
      return compileCall(e, s);
    default:
      return fail(s, 'unsupported', `uses ${printExpr(e)}, which netport cannot lower to its layers`, e);
  }
}

function compileCall(e: CallExpr, s: Scope): Val {
  if (e.head.kind === 'string') {
    const f = NAMED_FUNCTIONS[e.head.value];
    if (!f) return fail(s, 'unsupported', `uses the unknown named function "${e.head.value}"`, e);
    if (e.args.length !== 1) return fail(s, 'invalid_net', `"${e.head.value}" takes one argument`, e);
    return elementwise(compile(e.args[0]!, s), null, f, s, e);
  }
  const name = symbolName(e.head);
  const args = e.args;
  const c = (x: Expr) => compile(x, s);
  const arity = (lo: number, hi: number) => {
    if (args.length < lo || args.length > hi) fail(s, 'invalid_net', `${name} called with ${args.length} argument${args.length === 1 ? '' : 's'}`, e);
  };
  switch (name) {
    case 'Plus':
      return args.map(c).reduce((a, b) => listable(a, b, ADD, (x, y) => x + y, s, e));
    case 'Times':
      return args.map(c).reduce((a, b) => listable(a, b, MUL, (x, y) => x * y, s, e));
    case 'Subtract':
      arity(2, 2);
      return listable(c(args[0]!), c(args[1]!), (x, y) => tf.sub(T(x), T(y)), (x, y) => x - y, s, e);
    case 'Divide':
      arity(2, 2);
      return listable(c(args[0]!), c(args[1]!), DIV, (x, y) => x / y, s, e);
    case 'Power':
      arity(1, Infinity);
      return args.map(c).reduceRight((acc, v) => power(v, acc, s, e));
    case 'Log': {
      arity(1, 2);
      const log = (v: Val) => elementwise(v, Math.log, (x) => tf.log(x), s, e);
      return args.length === 1 ? log(c(args[0]!)) : listable(log(c(args[1]!)), log(c(args[0]!)), DIV, (x, y) => x / y, s, e);
    }
    case 'Clip': {
      arity(1, 2);
      let [lo, hi] = [-1, 1];
      if (args[1]) {
        const b = args[1];
        const bounds = b.kind === 'list' && b.items.length === 2 ? b.items.map(c) : [];
        if (bounds.length !== 2 || bounds.some((v) => v.kind !== 'num')) return fail(s, 'unsupported', 'Clip needs numeric bounds {min, max}', b);
        [lo, hi] = bounds.map((v) => (v as { value: number }).value) as [number, number];
      }
      return elementwise(c(args[0]!), (x) => Math.min(Math.max(x, lo), hi), (x) => tf.clipByValue(x, lo, hi), s, e);
    }
    case 'Max':
    case 'Min': {
      // Max and Min flatten their arguments: the extreme of every element of every argument.
      const items = args.flatMap((x) => (x.kind === 'list' ? x.items : [x])).map(c);
      if (items.length === 0) return fail(s, 'invalid_net', `${name} needs at least one argument`, e);
      const scalars = items.map((v) => (v.kind === 'arr' && v.dims.length > 0 ? lower(AggregationLayer, { Function: name, Levels: 'All' }, [v], s, e) : v));
      const pick = name === 'Max' ? (x: Tensor | number, y: Tensor | number) => tf.maximum(T(x), T(y)) : (x: Tensor | number, y: Tensor | number) => tf.minimum(T(x), T(y));
      return scalars.reduce((a, b) => listable(a, b, pick, name === 'Max' ? Math.max : Math.min, s, e));
    }
    case 'Total': {
      arity(1, 2);
      const x = c(args[0]!);
      let levels: unknown = 1;
      const spec = args[1];
      if (spec) {
        if (isSymbol(spec, 'Infinity')) levels = 'All';
        else if (spec.kind === 'list' && spec.items.length === 1) levels = specOf(spec.items[0]!, s, e);
        else if (spec.kind === 'list' && spec.items.length === 2) levels = `${specOf(spec.items[0]!, s, e)};;${specOf(spec.items[1]!, s, e)}`;
        else {
          const n = specOf(spec, s, e);
          levels = typeof n === 'number' && n > 0 ? `1;;${n}` : fail(s, 'unsupported', `Total[x, ${printExpr(spec)}] is not supported (give n, {n}, {m, n} or Infinity)`, spec);
        }
      }
      return lower(AggregationLayer, { Function: 'Total', Levels: levels }, [x], s, e);
    }
    case 'Mean':
      arity(1, 1);
      return lower(AggregationLayer, { Function: 'Mean', Levels: 1 }, [c(args[0]!)], s, e);
    case 'Dot':
      arity(2, Infinity);
      return lower(DotLayer, {}, args.map(c), s, e);
    case 'Part':
      arity(2, Infinity);
      return lower(PartLayer, { Specification: args.slice(1).map((x) => specOf(x, s, e)) }, [c(args[0]!)], s, e);
    case 'Transpose': {
      arity(1, 2);
      const spec = args[1];
      let params: Record<string, unknown> = {};
      if (spec && spec.kind === 'call' && isSymbol(spec.head, 'TwoWayRule')) params = { Specification: [spec.args.map((x) => specOf(x, s, e))] };
      else if (spec) params = { Specification: specOf(spec, s, e) };
      return lower(TransposeLayer, params, [c(args[0]!)], s, e);
    }
    case 'Catenate': {
      arity(1, 1);
      const list = args[0]!;
      if (list.kind !== 'list' || list.items.length === 0) return fail(s, 'unsupported', 'Catenate needs a list of arrays {a, b, ...}', list);
      return list.items.length === 1 ? c(list.items[0]!) : lower(CatenateLayer, {}, list.items.map(c), s, e);
    }
    case 'Reverse':
      arity(1, 1);
      return lower(PartLayer, { Specification: ['-1;;1;;-1'] }, [c(args[0]!)], s, e);
    case 'Flatten': {
      // Flatten[x] flattens every level; Flatten[x, n] the first n + 1.
      arity(1, 2);
      const n = args[1] ? specOf(args[1], s, e) : 'Infinity';
      if (n !== 'Infinity' && (typeof n !== 'number' || n < 1)) return fail(s, 'unsupported', 'Flatten[x, n] needs a positive integer n', e);
      return lower(FlattenLayer, { Level: n }, [c(args[0]!)], s, e);
    }
    case 'Join':
      arity(1, Infinity);
      return args.length === 1 ? c(args[0]!) : lower(CatenateLayer, {}, args.map(c), s, e);
    default: {
      const unary = name === undefined ? undefined : UNARY[name];
      if (unary) {
        arity(1, 1);
        return elementwise(c(args[0]!), unary[0], unary[1], s, e);
      }
      const shown = name ?? printExpr(e.head);
      return fail(s, 'unsupported', `uses ${shown}, which netport cannot lower to its layers`, e);
    }
  }
}
