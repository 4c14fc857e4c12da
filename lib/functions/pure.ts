/**
 * Pure functions of ElementwiseLayer (one argument) and ThreadingLayer (n arguments),
 * compiled to TensorFlow.js ops that have gradients on every backend.
 *
 * Compilation checks everything up front (unknown functions, slots beyond the arity,
 * malformed Clip or Piecewise) and returns a closure; constants are folded in plain
 * JavaScript numbers and only become tensors when they meet one. The closure runs in
 * tf.tidy, so it leaves no intermediate tensors behind (the tape keeps what the
 * gradient needs).
 *
 * Wolfram quirks kept: Ramp's derivative at 0 is 0 (tf.relu's step(0) = 0); Clip[x]
 * clips to {-1, 1}; Piecewise's default is 0; Log[b, x] is Log[x]/Log[b]; Round rounds
 * half to even, like tf.round. Where Wolfram's derivative at a kink is unknown (Max at a
 * tie, Abs at 0) TensorFlow.js's choice stands: Max/Min send the gradient to the first
 * argument on ties, Abs and Sign have derivative 0 at 0.
 */
import { own, table } from '../names';
import type { Tensor } from '@tensorflow/tfjs-core';
import { tf } from '../backend/tf';
import { NetError } from '../errors';
import { type CallExpr, type Expr, call, symbolName } from '../wolfram/ast';
import { quote } from '../limits';
import { exprProblem } from '../wolfram/validate';
import { WolframSyntaxError, locate, parse } from '../wolfram/parse';
import { printExpr } from '../wolfram/print';
import { closest } from '../text';

/**
 * A condition on tensors: a 0/1 float mask. TensorFlow.js comparisons have no
 * gradients, and tf.where hands its condition a (zero) gradient that backprop then
 * tries to push through them, so conditions are built from tf.step, which has one.
 * For finite floats `a - b > 0` exactly when `a > b`.
 */
class Mask {
  constructor(readonly t: Tensor) {}
}

type Value = number | boolean | Tensor | Mask;
type Node = (args: readonly Tensor[]) => Value;

/** A compiled pure function: the arguments are the layer's inputs, in order. */
export type PureFunction = (args: readonly Tensor[]) => Tensor;

export interface PureFunctionInfo {
  /** Canonical InputForm text, the form the net JSON stores (`#^2 &`, `Ramp`, `ReLU`). */
  text: string;
  /** Number of arguments it reads: the highest slot, the named slots, or its parameters. */
  arity: number;
  /** For `#name` slots: the names in order of first appearance (ThreadingLayer's port names). */
  slotNames: string[];
}

export interface CompileOptions {
  /** The layer named in error messages (default ElementwiseLayer for 1 argument, else ThreadingLayer). */
  layer?: string;
  /** The source the Expr was parsed from, so errors can give line and column. */
  text?: string;
  /** Where the function is, in the user's terms (`layer 2 (ElementwiseLayer) "Function"`), for errors. */
  where?: string;
}

/**
 * ElementwiseLayer["name"] functions; they may also appear as `"name"[x]` inside a
 * pure function. Wolfram's definitions win where they differ from the usual ones:
 * SELU takes its x >= 0 branch at 0 itself, GELU is the exact erf form, HardSigmoid is
 * Clip[(x + 1)/2, {0, 1}], and HardTanh and HardSigmoid are built from two ramps (as the
 * paclet builds them), which fixes their derivatives at the kinks: the inner slope at
 * +1, zero at -1. "Square" is x^2.
 */
export const NAMED_FUNCTIONS: Readonly<Record<string, (x: Tensor) => Tensor>> = table({
  ReLU: (x) => tf.relu(x),
  ELU: (x) => tf.elu(x),
  SELU: (x) =>
    // x >= 0 as a mask with a gradient (see Mask): the scale applies at 0 itself. The
    // negative branch takes exp of min(x, 0): exp(x) overflows above about 89, and its
    // gradient (0 * Infinity) would be NaN even where the branch is not used.
    tf.where(
      tf.cast(tf.sub(1, tf.step(tf.neg(x))), 'bool'),
      tf.mul(x, 1.0507009873554805),
      tf.mul(tf.sub(tf.exp(tf.minimum(x, 0)), 1), 1.7580993408473766),
    ),
  GELU: (x) => tf.mul(tf.mul(x, 0.5), tf.add(tf.erf(tf.mul(x, Math.SQRT1_2)), 1)),
  Swish: (x) => tf.mul(x, tf.sigmoid(x)),
  HardSwish: (x) => tf.mul(x, tf.div(tf.relu6(tf.add(x, 3)), 6)),
  Mish: (x) => tf.mul(x, tf.tanh(tf.softplus(x))),
  SoftSign: (x) => tf.div(x, tf.add(tf.abs(x), 1)),
  SoftPlus: (x) => tf.softplus(x),
  HardTanh: (x) => tf.sub(twoRamps(x), 1),
  HardSigmoid: (x) => tf.mul(twoRamps(x), 0.5),
  Sigmoid: (x) => tf.sigmoid(x),
  Square: (x) => tf.square(x),
});

/** Ramp[x + 1] - Ramp[x - 1]: 0 below -1, x + 1 between, 2 above 1. */
function twoRamps(x: Tensor): Tensor {
  return tf.sub(tf.relu(tf.add(x, 1)), tf.relu(tf.sub(x, 1)));
}

function notANumber(): never {
  throw new NetError('invalid_net', 'Invalid net: a function uses True/False where a number is needed');
}

function notACondition(): never {
  throw new NetError('invalid_net', 'Invalid net: a function uses a number where True/False is needed');
}

const T = (v: Value): Tensor => (typeof v === 'number' ? tf.scalar(v) : typeof v === 'boolean' || v instanceof Mask ? notANumber() : v);

const C = (v: Value): boolean | Mask => (typeof v === 'boolean' || v instanceof Mask ? v : notACondition());

function unary(num: ((x: number) => number) | null, ten: (x: Tensor) => Tensor): (v: Value) => Value {
  return (v) => (typeof v === 'number' && num ? num(v) : ten(T(v)));
}

function binary(num: (a: number, b: number) => number, ten: (a: Tensor, b: Tensor) => Tensor) {
  return (a: Value, b: Value): Value => (typeof a === 'number' && typeof b === 'number' ? num(a, b) : ten(T(a), T(b)));
}

const add = binary((a, b) => a + b, (a, b) => tf.add(a, b));
const mul = binary((a, b) => a * b, (a, b) => tf.mul(a, b));
const div = binary((a, b) => a / b, (a, b) => tf.div(a, b));
const max = binary(Math.max, (a, b) => tf.maximum(a, b));
const min = binary(Math.min, (a, b) => tf.minimum(a, b));

function power(a: Value, b: Value): Value {
  if (typeof b === 'number') {
    if (typeof a === 'number') return a ** b;
    if (b === 1) return a;
    if (b === 2) return tf.square(T(a));
    if (b === 0.5) return tf.sqrt(T(a));
    if (b === -1) return tf.reciprocal(T(a));
  }
  return tf.pow(T(a), T(b));
}

/**
 * Piecewise selection: values[i] where conds[i] holds and no earlier one does, else
 * `otherwise`. Each branch reads its inputs through a gate that drops their gradient
 * where the branch is not taken, so a branch that overflows where it is unused (Exp of
 * a large input, Log at 0) cannot turn the gradient into 0 * Infinity = NaN: tf.where's
 * gradient multiplies by the mask, and 0 times a non-finite number is not 0.
 */
function branches(conds: readonly (boolean | Mask)[], values: readonly Node[], otherwise: Node, xs: readonly Tensor[]): Value {
  const results: Value[] = [];
  let taken: boolean | Mask = false;
  for (let i = 0; i < values.length; i++) {
    const active = and(conds[i]!, not(taken)) as boolean | Mask;
    results.push(active === false ? 0 : (values[i] as Node)(gated(active, xs)));
    taken = or(taken, conds[i]!) as boolean | Mask;
  }
  let result = taken === true ? 0 : otherwise(gated(not(taken) as boolean | Mask, xs));
  for (let i = values.length - 1; i >= 0; i--) result = select(conds[i]!, results[i]!, result);
  return result;
}

function gated(active: boolean | Mask, xs: readonly Tensor[]): Tensor[] {
  return typeof active === 'boolean' ? [...xs] : xs.map((x) => gate(active.t, x));
}

/**
 * x itself; its gradient is selected away (not multiplied by 0) where `active` is 0.
 * A mask wider than x (a broadcast input) gates an element only where no broadcast copy
 * of it is active.
 */
function gate(active: Tensor, x: Tensor): Tensor {
  let m = active;
  if (m.rank > x.rank) return x;
  if (m.rank < x.rank) m = tf.reshape(m, [...Array.from({ length: x.rank - m.rank }, () => 1), ...m.shape]);
  const wider = m.shape.flatMap((d, i) => (d > x.shape[i]! ? [i] : []));
  if (wider.length > 0) m = tf.max(m, wider, true);
  if (!sameShape(m.shape, x.shape)) m = tf.broadcastTo(m, x.shape);
  return GATE(x, m);
}

const GATE = tf.customGrad((...args) => {
  const [x, m, save] = args as [Tensor, Tensor, (tensors: Tensor[]) => void];
  save([m]);
  return {
    // A reshape shares x's data (a clone would copy it on wasm).
    value: tf.reshape(x, x.shape),
    gradFunc: (dy, [mask]) => [tf.where(tf.cast(mask!, 'bool'), dy as Tensor, tf.zerosLike(dy as Tensor)), tf.zerosLike(mask!)],
  };
}) as (x: Tensor, m: Tensor) => Tensor;

/** 1 where x > 0, else 0. */
const positive = (x: Tensor) => tf.step(x);
const notMask = (m: Tensor) => tf.sub(1, m);

function select(c: Value, a: Value, b: Value): Value {
  const k = C(c);
  if (typeof k === 'boolean') return k ? a : b;
  return tf.where(tf.cast(k.t, 'bool'), T(a), T(b));
}

const COMPARE: Record<string, { num: (a: number, b: number) => boolean; mask: (a: Tensor, b: Tensor) => Tensor }> = table({
  Less: { num: (a, b) => a < b, mask: (a, b) => positive(tf.sub(b, a)) },
  Greater: { num: (a, b) => a > b, mask: (a, b) => positive(tf.sub(a, b)) },
  LessEqual: { num: (a, b) => a <= b, mask: (a, b) => notMask(positive(tf.sub(a, b))) },
  GreaterEqual: { num: (a, b) => a >= b, mask: (a, b) => notMask(positive(tf.sub(b, a))) },
  Equal: { num: (a, b) => a === b, mask: (a, b) => tf.mul(notMask(positive(tf.sub(a, b))), notMask(positive(tf.sub(b, a)))) },
  Unequal: { num: (a, b) => a !== b, mask: (a, b) => tf.maximum(positive(tf.sub(a, b)), positive(tf.sub(b, a))) },
});

function logical(num: (a: boolean, b: boolean) => boolean, ten: (a: Tensor, b: Tensor) => Tensor) {
  return (a: Value, b: Value): Value => {
    const [x, y] = [C(a), C(b)];
    if (typeof x === 'boolean' && typeof y === 'boolean') return num(x, y);
    const t = (v: boolean | Mask) => (typeof v === 'boolean' ? tf.scalar(v ? 1 : 0) : v.t);
    return new Mask(ten(t(x), t(y)));
  };
}

const and = logical((a, b) => a && b, (a, b) => tf.mul(a, b));
const or = logical((a, b) => a || b, (a, b) => tf.maximum(a, b));

function not(v: Value): Value {
  const k = C(v);
  return typeof k === 'boolean' ? !k : new Mask(notMask(k.t));
}

function compare(op: (typeof COMPARE)[string], a: Value, b: Value): Value {
  return typeof a === 'number' && typeof b === 'number' ? op.num(a, b) : new Mask(op.mask(T(a), T(b)));
}

/** Unary functions of one argument: [plain-number version or null, tensor version]. */
export const UNARY: Record<string, [((x: number) => number) | null, (x: Tensor) => Tensor]> = table({
  Abs: [Math.abs, (x) => tf.abs(x)],
  Exp: [Math.exp, (x) => tf.exp(x)],
  Sqrt: [Math.sqrt, (x) => tf.sqrt(x)],
  Sin: [Math.sin, (x) => tf.sin(x)],
  Cos: [Math.cos, (x) => tf.cos(x)],
  Tan: [Math.tan, (x) => tf.tan(x)],
  ArcSin: [Math.asin, (x) => tf.asin(x)],
  ArcCos: [Math.acos, (x) => tf.acos(x)],
  ArcTan: [Math.atan, (x) => tf.atan(x)],
  Sinh: [Math.sinh, (x) => tf.sinh(x)],
  Cosh: [Math.cosh, (x) => tf.cosh(x)],
  Tanh: [Math.tanh, (x) => tf.tanh(x)],
  ArcSinh: [Math.asinh, (x) => tf.asinh(x)],
  ArcCosh: [Math.acosh, (x) => tf.acosh(x)],
  ArcTanh: [Math.atanh, (x) => tf.atanh(x)],
  LogisticSigmoid: [(x) => 1 / (1 + Math.exp(-x)), (x) => tf.sigmoid(x)],
  Ramp: [(x) => Math.max(x, 0), (x) => tf.relu(x)],
  Erf: [null, (x) => tf.erf(x)],
  Sign: [Math.sign, (x) => tf.sign(x)],
  Floor: [Math.floor, (x) => tf.floor(x)],
  Ceiling: [Math.ceil, (x) => tf.ceil(x)],
  Round: [null, (x) => tf.round(x)],
  Log2: [Math.log2, (x) => tf.div(tf.log(x), Math.LN2)],
  Log10: [Math.log10, (x) => tf.div(tf.log(x), Math.LN10)],
  Minus: [(x) => -x, (x) => tf.neg(x)],
});

const CONSTANTS: Record<string, number | boolean> = table({
  Pi: Math.PI,
  E: Math.E,
  Degree: Math.PI / 180,
  True: true,
  False: false,
});

interface Scope {
  layer: string;
  arity: number;
  /** Function[{x, y}, ...] parameters mapped to argument positions. */
  params: ReadonlyMap<string, number>;
  /** #name slots mapped to argument positions. */
  slots: ReadonlyMap<string, number>;
  /** The body source, for locating errors. */
  text: string | undefined;
  where: string | undefined;
}

type Builder = (args: readonly Expr[], compile: (e: Expr) => Node, e: CallExpr, scope: Scope) => Node;

const fold =
  (op: (a: Value, b: Value) => Value) =>
  (nodes: Node[]): Node =>
  (xs) =>
    nodes.map((n) => n(xs)).reduce(op);

const FUNCTIONS: Record<string, { args: [number, number]; build: Builder }> = table({
  Plus: { args: [1, Infinity], build: (a, c) => fold(add)(a.map(c)) },
  Times: { args: [1, Infinity], build: (a, c) => fold(mul)(a.map(c)) },
  Subtract: { args: [2, 2], build: (a, c) => fold((x, y) => add(x, mul(-1, y)))(a.map(c)) },
  Divide: { args: [2, 2], build: (a, c) => fold(div)(a.map(c)) },
  Power: {
    args: [1, Infinity],
    // Power is right-associative: Power[a, b, c] is a^(b^c).
    build: (a, c) => {
      const nodes = a.map(c);
      return (xs) => nodes.map((n) => n(xs)).reduceRight((acc, v) => power(v, acc));
    },
  },
  Max: { args: [1, Infinity], build: (a, c, e, s) => fold(max)(flattenLists(a, e, s).map(c)) },
  Min: { args: [1, Infinity], build: (a, c, e, s) => fold(min)(flattenLists(a, e, s).map(c)) },
  Log: {
    args: [1, 2],
    build: (a, c) => {
      const nodes = a.map(c);
      const log = unary(Math.log, (x) => tf.log(x));
      if (nodes.length === 1) return (xs) => log((nodes[0] as Node)(xs));
      const [base, x] = nodes as [Node, Node];
      return (xs) => div(log(x(xs)), log(base(xs)));
    },
  },
  Clip: {
    args: [1, 2],
    build: (a, c, e, s) => {
      const x = c(a[0] as Expr);
      let lo: Node = () => -1;
      let hi: Node = () => 1;
      if (a.length === 2) {
        const bounds = a[1] as Expr;
        if (bounds.kind !== 'list' || bounds.items.length !== 2) fail(s, 'invalid_net', 'Clip needs bounds {min, max}', bounds);
        [lo, hi] = bounds.items.map(c) as [Node, Node];
      }
      return (xs) => {
        const [v, l, h] = [x(xs), lo(xs), hi(xs)];
        if (typeof l === 'number' && typeof h === 'number') {
          return typeof v === 'number' ? Math.min(Math.max(v, l), h) : tf.clipByValue(T(v), l, h);
        }
        return min(max(v, l), h);
      };
    },
  },
  If: {
    args: [3, 3],
    build: (a, c) => {
      const [cond, yes, no] = a.map(c) as [Node, Node, Node];
      return (xs) => {
        const k = C(cond(xs));
        return typeof k === 'boolean' ? (k ? yes(xs) : no(xs)) : branches([k], [yes], no, xs);
      };
    },
  },
  Piecewise: {
    args: [1, 2],
    build: (a, c, e, s) => {
      const cases = a[0] as Expr;
      const pairs =
        cases.kind === 'list'
          ? cases.items.map((p) => {
              if (p.kind !== 'list' || p.items.length !== 2) fail(s, 'invalid_net', 'Piecewise needs {{value, condition}, ...}', p);
              return p.items.map(c) as [Node, Node];
            })
          : fail(s, 'invalid_net', 'Piecewise needs {{value, condition}, ...}', cases);
      const otherwise: Node = a[1] ? c(a[1]) : () => 0;
      return (xs) => branches(pairs.map(([, cond]) => C(cond(xs))), pairs.map(([value]) => value), otherwise, xs);
    },
  },
  Which: {
    args: [2, Infinity],
    build: (a, c, e, s) => {
      const last = a[a.length - 2];
      if (a.length % 2 !== 0 || !last || symbolName(last) !== 'True') {
        fail(s, 'unsupported', 'Which needs pairs of condition and value ending with a True case', e);
      }
      const nodes = a.map(c);
      const conds = nodes.filter((_, i) => i % 2 === 0 && i < nodes.length - 2);
      const values = nodes.filter((_, i) => i % 2 === 1 && i < nodes.length - 2);
      return (xs) => branches(conds.map((k) => C(k(xs))), values, nodes[nodes.length - 1] as Node, xs);
    },
  },
  And: { args: [1, Infinity], build: (a, c) => fold(and)(a.map(c)) },
  Or: { args: [1, Infinity], build: (a, c) => fold(or)(a.map(c)) },
  Not: {
    args: [1, 1],
    build: (a, c) => {
      const x = c(a[0] as Expr);
      return (xs) => not(x(xs));
    },
  },
  Inequality: {
    args: [3, Infinity],
    build: (a, c, e, s) => {
      const links: [Node, (typeof COMPARE)[string], Node][] = [];
      for (let i = 1; i < a.length; i += 2) {
        const op = COMPARE[symbolName(a[i] as Expr) ?? ''];
        if (!op || !a[i + 1]) fail(s, 'invalid_net', 'malformed Inequality', e);
        links.push([c(a[i - 1] as Expr), op, c(a[i + 1] as Expr)]);
      }
      return (xs) => links.map(([l, op, r]) => compare(op, l(xs), r(xs))).reduce(and);
    },
  },
});

for (const [name, [num, ten]] of Object.entries(UNARY)) {
  FUNCTIONS[name] = {
    args: [1, 1],
    build: (a, c) => {
      const x = c(a[0] as Expr);
      const f = unary(num, ten);
      return (xs) => f(x(xs));
    },
  };
}
for (const [name, op] of Object.entries(COMPARE)) {
  FUNCTIONS[name] = {
    args: [2, Infinity],
    build: (a, c) => {
      const nodes = a.map(c);
      return (xs) => {
        const vs = nodes.map((n) => n(xs));
        return vs.slice(1).map((v, i) => compare(op, vs[i] as Value, v)).reduce(and);
      };
    },
  };
}

/** Max and Min flatten list arguments, as in Wolfram (Max[{a, b}, c]). */
function flattenLists(args: readonly Expr[], e: CallExpr, s: Scope): Expr[] {
  const out = args.flatMap((a) => (a.kind === 'list' ? a.items : [a]));
  if (out.length === 0) fail(s, 'invalid_net', `${symbolName(e.head)} needs at least one argument`, e);
  return out;
}

function where(s: Scope, e: Expr | undefined): string {
  // A bare name ("Tanh") needs no line and column.
  if (!s.text || !e || e.pos < 0 || /^\s*"?[A-Za-z$`]+"?\s*$/.test(s.text)) return '';
  const { line, column } = locate(s.text, e.pos);
  return ` at line ${line}, column ${column}`;
}

function fail(s: Scope, code: 'invalid_net' | 'unsupported', detail: string, e?: Expr): never {
  throw new NetError(code, `${PREFIX[code]}: ${subject(s.where, s.layer)}: ${detail}${where(s, e)}`, s.where);
}

const PREFIX = { invalid_net: 'Invalid net', unsupported: 'Unsupported' } as const;
/** What errors are about: the caller's place for the function, or `ElementwiseLayer function`. */
const subject = (where: string | undefined, layer: string) => where ?? `${layer} function`;

function compileNode(e: Expr, s: Scope): Node {
  const c = (x: Expr) => compileNode(x, s);
  switch (e.kind) {
    case 'number': {
      const v = e.value;
      return () => v;
    }
    case 'slot': {
      if (e.sequence) fail(s, 'unsupported', 'SlotSequence (##) is not supported', e);
      const index = typeof e.index === 'string' ? (s.slots.get(e.index) ?? -1) + 1 : e.index;
      if (index < 1) fail(s, 'unsupported', '#0 is not supported', e);
      if (index > s.arity) fail(s, 'invalid_net', `uses #${index} but the layer has ${s.arity} input${s.arity === 1 ? '' : 's'}`, e);
      return (xs) => xs[index - 1] as Tensor;
    }
    case 'symbol': {
      const name = symbolName(e) ?? `${e.context}${e.name}`;
      const param = s.params.get(name);
      if (param !== undefined && e.context === '') {
        if (param >= s.arity) fail(s, 'invalid_net', `uses ${name} but the layer has ${s.arity} input${s.arity === 1 ? '' : 's'}`, e);
        return (xs) => xs[param] as Tensor;
      }
      const v = CONSTANTS[name];
      if (v !== undefined) return () => v;
      if (name in FUNCTIONS) fail(s, 'invalid_net', `uses ${name} without arguments`, e);
      return fail(s, 'invalid_net', `uses the symbol ${name}, which has no value`, e);
    }
    case 'call': {
      if (e.head.kind === 'string') {
        const f = NAMED_FUNCTIONS[e.head.value];
        if (!f) fail(s, 'unsupported', `uses the unknown named function ${quote(e.head.value)}`, e);
        if (e.args.length !== 1) fail(s, 'invalid_net', `${quote(e.head.value)} takes one argument`, e);
        const x = c(e.args[0] as Expr);
        return (xs) => f(T(x(xs)));
      }
      const name = symbolName(e.head);
      const def = name === undefined ? undefined : FUNCTIONS[name];
      if (!def) {
        const shown = name ?? printExpr(e.head);
        const hint = name === undefined ? undefined : closest(name, [...Object.keys(FUNCTIONS), ...Object.keys(NAMED_FUNCTIONS)]);
        throw new NetError(
          'unsupported',
          `Unsupported: ${s.where ? `${s.where}: uses` : `${s.layer} function uses`} ${shown}, which netport cannot compute${where(s, e)}${hint ? ` (did you mean ${hint}?)` : ''}`,
          s.where,
        );
      }
      const [lo, hi] = def.args;
      if (e.args.length < lo || e.args.length > hi) {
        fail(s, 'invalid_net', `${name} called with ${e.args.length} argument${e.args.length === 1 ? '' : 's'}`, e);
      }
      return def.build(e.args, c, e, s);
    }
    case 'list':
      return fail(s, 'unsupported', 'lists are only supported inside Max, Min, Clip and Piecewise', e);
    default:
      return fail(s, 'unsupported', `${printExpr(e)} is not supported inside a function`, e);
  }
}

interface Analysed {
  body: Expr;
  arity: number;
  params: Map<string, number>;
  slotNames: string[];
}

/** The body, its argument names and the number of arguments it reads. */
function analyse(e: Expr, arityHint: number, s: Pick<Scope, 'layer' | 'text' | 'where'>): Analysed {
  if (e.kind === 'symbol' || e.kind === 'string') {
    // A bare head (Ramp, Plus) or name ("ReLU") applied to the layer's inputs.
    const slots = Array.from({ length: Math.max(arityHint, 1) }, (_, i) => ({ kind: 'slot', index: i + 1, sequence: false, pos: -1 }) as const);
    return { body: call(e, slots, e.pos), arity: slots.length, params: new Map(), slotNames: [] };
  }
  if (e.kind !== 'function') {
    fail({ ...s, arity: 0, params: new Map(), slots: new Map() }, 'invalid_net', `expected a pure function such as #^2 &, got ${printExpr(e)}`, e);
  }
  if (e.params) {
    return { body: e.body, arity: e.params.length, params: new Map(e.params.map((p, i) => [p, i])), slotNames: [] };
  }
  let arity = 0;
  const slotNames: string[] = [];
  const visit = (x: Expr): void => {
    switch (x.kind) {
      case 'slot':
        if (typeof x.index === 'string') {
          if (!slotNames.includes(x.index)) slotNames.push(x.index);
        } else arity = Math.max(arity, x.index);
        return;
      case 'call':
        visit(x.head);
        x.args.forEach(visit);
        return;
      case 'list':
        x.items.forEach(visit);
        return;
      case 'rule':
        visit(x.lhs);
        visit(x.rhs);
        return;
      default:
        return;
    }
  };
  visit(e.body);
  return { body: e.body, arity: Math.max(arity, slotNames.length), params: new Map(), slotNames };
}

function toExpr(source: string | Expr, layer: string, options: CompileOptions): { expr: Expr; text: string | undefined } {
  if (typeof source !== 'string') {
    // An Expr built by hand has no parser to check its nodes or bound its depth.
    const problem = exprProblem(source);
    if (problem) throw new NetError('invalid_net', `Invalid net: ${subject(options.where, layer)}: ${problem}`, options.where);
    return { expr: source, text: options.text };
  }
  try {
    return { expr: parse(source), text: source };
  } catch (err) {
    if (err instanceof WolframSyntaxError) {
      throw new NetError('invalid_net', `Invalid net: ${subject(options.where, layer)}: ${err.message}`, options.where);
    }
    throw err;
  }
}

/**
 * Compiles a Wolfram pure function (`#^2 &`, `Function[{x, y}, x y]`, `Max[#, 0.1 #] &`),
 * a bare function symbol (`Ramp`, `Plus`) or an ElementwiseLayer name (`ReLU`, given as
 * the text `"ReLU"` or the bare word) into a function of `arity` tensors.
 * Throws NetError 'unsupported' for functions netport cannot compute and 'invalid_net'
 * for malformed ones.
 */
export function compilePureFunction(source: string | Expr, arity: number, options: CompileOptions = {}): PureFunction {
  const layer = options.layer ?? (arity === 1 ? 'ElementwiseLayer' : 'ThreadingLayer');
  const { expr, text } = toExpr(namedSource(source), layer, options);
  const a = analyse(expr, arity, { layer, text, where: options.where });
  const node = compileNode(a.body, scopeOf(a, layer, arity, text, options.where));
  const direct = directOp(expr, arity);
  if (direct) return direct;
  return (args) =>
    tf.tidy(() => {
      const v = node(args);
      if (typeof v === 'boolean' || v instanceof Mask) {
        throw new NetError('invalid_net', `Invalid net: ${layer} function gives True/False, not a number`, `${layer} function`);
      }
      // The output has the inputs' common shape even where the function ignores some
      // of them (`1 &`, `#1 &` of two inputs), and is never an input tensor itself.
      const shape = broadcastShape(args.map((x) => x.shape));
      const out = typeof v === 'number' ? tf.fill(shape, v) : v;
      if (!sameShape(out.shape, shape)) return tf.broadcastTo(out, shape);
      return args.includes(out) ? tf.clone(out) : out;
    });
}

/**
 * The common cases, a bare unary function (`Tanh`, `"ReLU"`) or a bare Plus/Times/Min/Max,
 * as the TensorFlow.js op itself: evaluations are hot, and these need none of the
 * general path's bookkeeping (their output is always a new tensor of the full shape).
 */
function directOp(e: Expr, arity: number): PureFunction | undefined {
  if (arity === 1 && e.kind === 'string') {
    // Named activations are several ops: tidy their intermediates.
    const f = NAMED_FUNCTIONS[e.value];
    return f && ((args) => tf.tidy(() => f(args[0]!)));
  }
  const name = e.kind === 'symbol' ? symbolName(e) : undefined;
  if (name === undefined) return undefined;
  // Log2 and Log10 are two ops each: the general path tidies them.
  const unaryOp = arity === 1 && name !== 'Log2' && name !== 'Log10' ? UNARY[name]?.[1] : undefined;
  if (unaryOp) return (args) => unaryOp(args[0]!);
  const fold = own(FOLDS, name);
  if (!fold || arity < 2) return undefined;
  return arity === 2 ? (args) => fold(args[0]!, args[1]!) : (args) => tf.tidy(() => args.slice(1).reduce((acc, x) => fold(acc, x), args[0]!));
}

const FOLDS: Readonly<Record<string, (a: Tensor, b: Tensor) => Tensor>> = table({ Plus: tf.add, Times: tf.mul, Min: tf.minimum, Max: tf.maximum });

function scopeOf(a: Analysed, layer: string, arity: number, text: string | undefined, where: string | undefined): Scope {
  return { layer, arity, params: a.params, slots: new Map(a.slotNames.map((n, i) => [n, i])), text, where };
}

function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

/** Numpy-style broadcast of shapes (the caller has already conformed Wolfram's rules). */
function broadcastShape(shapes: readonly (readonly number[])[]): number[] {
  const rank = Math.max(0, ...shapes.map((s) => s.length));
  return Array.from({ length: rank }, (_, i) =>
    Math.max(1, ...shapes.map((s) => s[s.length - rank + i] ?? 1)),
  );
}

/** The bare names ElementwiseLayer takes as strings (`ReLU`) become string expressions. */
function namedSource(source: string | Expr): string | Expr {
  return typeof source === 'string' && source in NAMED_FUNCTIONS ? { kind: 'string', value: source, pos: -1 } : source;
}

/**
 * Checks a function the way compilePureFunction does and describes it: canonical text,
 * arity and #name slots. `arity` defaults to what the function reads.
 */
export function describePureFunction(source: string | Expr, arity?: number, options: CompileOptions = {}): PureFunctionInfo {
  const layer = options.layer ?? (arity === undefined || arity === 1 ? 'ElementwiseLayer' : 'ThreadingLayer');
  const { expr, text } = toExpr(namedSource(source), layer, options);
  const a = analyse(expr, arity ?? 1, { layer, text, where: options.where });
  compileNode(a.body, scopeOf(a, layer, arity ?? a.arity, text, options.where));
  const canonical = expr.kind === 'string' ? expr.value : printExpr(expr);
  return { text: canonical, arity: a.arity, slotNames: a.slotNames };
}

/** The value of a constant numeric expression (`1/2`, `-3 Pi`, `2^-10`), or undefined. */
export function constantValue(e: Expr): number | undefined {
  if (e.kind === 'number') return e.value;
  try {
    const node = compileNode(e, { layer: 'constant', arity: 0, params: new Map(), slots: new Map(), text: undefined, where: undefined });
    // Erf and Round of a number go through a scalar tensor; tidy releases it.
    const v = tf.tidy(() => {
      const r = node([]);
      if (typeof r === 'number') return r;
      return r instanceof Mask || typeof r === 'boolean' || r.rank !== 0 ? NaN : (r.dataSync()[0] ?? NaN);
    });
    return typeof v === 'number' && !Number.isNaN(v) ? v : undefined;
  } catch {
    return undefined;
  }
}
