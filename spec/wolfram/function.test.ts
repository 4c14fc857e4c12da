import type { Tensor } from '@tensorflow/tfjs-core';
import { tf } from '../../lib/backend/tf';
import { compilePureFunction, constantValue, describePureFunction } from '../../lib/functions/pure';
import { parse } from '../../lib/wolfram/parse';
import { netErrorOf } from './net-error';

/** Abramowitz & Stegun 7.1.26 (absolute error below 1.5e-7), an independent reference for Erf. */
function erf(x: number): number {
  const t = 1 / (1 + 0.3275911 * Math.abs(x));
  const y = 1 - ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * Math.exp(-x * x);
  return Math.sign(x) * y;
}
const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));
const softplus = (x: number) => Math.log1p(Math.exp(x));
const clip = (x: number, lo: number, hi: number) => Math.min(Math.max(x, lo), hi);

type Ref = (...xs: number[]) => number;

/** Central differences of the float64 reference. */
function numericGradient(ref: Ref, point: number[], i: number): number {
  const h = 1e-6 * Math.max(1, Math.abs(point[i] as number));
  const plus = [...point];
  const minus = [...point];
  plus[i] = (plus[i] as number) + h;
  minus[i] = (minus[i] as number) - h;
  return (ref(...plus) - ref(...minus)) / (2 * h);
}

function expectClose(actual: ArrayLike<number>, expected: number[], rtol: number, atol: number, what: string): void {
  expect(actual.length).toBe(expected.length);
  expected.forEach((e, k) => {
    const a = actual[k] as number;
    if (!(Math.abs(a - e) <= atol + rtol * Math.abs(e))) {
      throw new Error(`${what}[${k}]: got ${a}, expected ${e}`);
    }
  });
}

/** Values against the reference and gradients against its finite differences, for every argument. */
function checkFunction(source: string, arity: number, ref: Ref, points: number[][]): void {
  const f = compilePureFunction(source, arity);
  const args = Array.from({ length: arity }, (_, i) => tf.tensor1d(points.map((p) => p[i] as number)));
  const y = f(args);
  expectClose(y.dataSync(), points.map((p) => ref(...p)), 1e-5, 1e-6, `${source} value`);
  const grads = tf.grads((...xs: Tensor[]) => f(xs).sum())(args);
  grads.forEach((g, i) => {
    expectClose(g.dataSync(), points.map((p) => numericGradient(ref, p, i)), 1e-3, 1e-5, `${source} d/d#${i + 1}`);
  });
  tf.dispose([...args, y, ...grads]);
}

const xs1 = [-2.3, -0.7, -0.2, 0.35, 1.1, 2.6].map((x) => [x]);
const inside = [-0.8, -0.3, 0.1, 0.45, 0.9].map((x) => [x]);
const positive = [0.2, 0.7, 1.3, 2.9, 5.5].map((x) => [x]);
const above1 = [1.2, 1.7, 3.4, 8].map((x) => [x]);
const pairs = [
  [-1.3, 0.4],
  [0.6, -2.2],
  [1.7, 1.1],
  [0.25, 0.8],
  [-0.45, -1.6],
];

const BACKENDS = ['cpu', 'wasm'];

let start = 0;
beforeAll(async () => {
  await tf.setBackend('cpu');
});
beforeEach(() => {
  start = tf.memory().numTensors;
});
afterEach(() => {
  expect(tf.memory().numTensors).toBe(start);
});

describe.each(BACKENDS)('on %s', (backend) => {
  beforeAll(async () => {
    await tf.setBackend(backend);
    await tf.ready();
  });
  afterAll(async () => {
    await tf.setBackend('cpu');
  });

  describe('compilePureFunction: one argument (ElementwiseLayer)', () => {
    test.each<[string, Ref, number[][]]>([
      ['#^2 &', (x) => x * x, xs1],
      ['#^3 &', (x) => x ** 3, xs1],
      ['-#^2 &', (x) => -(x * x), xs1],
      ['#^0.5 &', Math.sqrt, positive],
      ['#^-2 &', (x) => x ** -2, positive],
      ['2^# &', (x) => 2 ** x, xs1],
      ['#^# &', (x) => x ** x, positive],
      ['1/# &', (x) => 1 / x, positive],
      ['(# - 1)/(# + 3) &', (x) => (x - 1) / (x + 3), xs1],
      ['0.5 # + 2 &', (x) => 0.5 * x + 2, xs1],
      ['Sqrt[#] &', Math.sqrt, positive],
      ['Exp[#] &', Math.exp, xs1],
      ['Log[#] &', Math.log, positive],
      ['Log[2, #] &', Math.log2, positive],
      ['Log[#, 3] &', (x) => Math.log(3) / Math.log(x), above1],
      ['Abs[#] &', Math.abs, xs1],
      ['Sin[#] &', Math.sin, xs1],
      ['Cos[#] &', Math.cos, xs1],
      ['Tan[#] &', Math.tan, inside],
      ['ArcSin[#] &', Math.asin, inside],
      ['ArcCos[#] &', Math.acos, inside],
      ['ArcTan[#] &', Math.atan, xs1],
      ['Sinh[#] &', Math.sinh, xs1],
      ['Cosh[#] &', Math.cosh, xs1],
      ['Tanh[#] &', Math.tanh, xs1],
      ['ArcSinh[#] &', Math.asinh, xs1],
      ['ArcCosh[#] &', Math.acosh, above1],
      ['ArcTanh[#] &', Math.atanh, inside],
      ['LogisticSigmoid[#] &', sigmoid, xs1],
      ['Ramp[#] &', (x) => Math.max(x, 0), xs1],
      ['Erf[#] &', erf, xs1],
      ['Max[#, 0.1 #] &', (x) => Math.max(x, 0.1 * x), xs1],
      ['Min[#, 1, {2 #}] &', (x) => Math.min(x, 1, 2 * x), xs1],
      ['Clip[#] &', (x) => clip(x, -1, 1), xs1],
      ['Clip[2 #, {-0.5, 2}] &', (x) => clip(2 * x, -0.5, 2), xs1],
      ['If[# > 0, #^2, -#] &', (x) => (x > 0 ? x * x : -x), xs1],
      ['If[# >= 1 || # < -1, 1, #^3] &', (x) => (x >= 1 || x < -1 ? 1 : x ** 3), xs1],
      ['Piecewise[{{#^2, # < 0}, {#, # < 1}}, 1] &', (x) => (x < 0 ? x * x : x < 1 ? x : 1), xs1],
      ['Piecewise[{{Sin[#], 0 < # <= 1}}] &', (x) => (0 < x && x <= 1 ? Math.sin(x) : 0), xs1],
      ['Which[# < 0, 0, True, #] &', (x) => (x < 0 ? 0 : x), xs1],
      ['Sign[#] + # &', (x) => Math.sign(x) + x, xs1],
      ['Floor[#] + Ceiling[#] + Round[#] + # &', (x) => Math.floor(x) + Math.ceil(x) + Math.round(x) + x, xs1],
      ['Pi # + E &', (x) => Math.PI * x + Math.E, xs1],
      ['90 Degree Sin[#] &', (x) => (Math.PI / 2) * Math.sin(x), xs1],
      ['Function[x, x^2 - 3 x]', (x) => x * x - 3 * x, xs1],
      ['Function[{x}, Exp[-x^2]]', (x) => Math.exp(-x * x), xs1],
      ['"SELU"[2 #] &', (x) => (2 * x >= 0 ? 1.0507009873554805 * 2 * x : 1.7580993408473766 * (Math.exp(2 * x) - 1)), xs1],
      ['Ramp', (x) => Math.max(x, 0), xs1],
      ['Tanh', Math.tanh, xs1],
      ['ReLU', (x) => Math.max(x, 0), xs1],
      ['ELU', (x) => (x > 0 ? x : Math.exp(x) - 1), xs1],
      ['SELU', (x) => (x >= 0 ? 1.0507009873554805 * x : 1.7580993408473766 * (Math.exp(x) - 1)), xs1],
      ['GELU', (x) => 0.5 * x * (1 + erf(x / Math.SQRT2)), xs1],
      ['Swish', (x) => x * sigmoid(x), xs1],
      ['HardSwish', (x) => (x * clip(x + 3, 0, 6)) / 6, [[-4], [-1.2], [0.5], [2.5], [3.5]]],
      ['Mish', (x) => x * Math.tanh(softplus(x)), xs1],
      ['SoftSign', (x) => x / (1 + Math.abs(x)), xs1],
      ['SoftPlus', softplus, xs1],
      ['HardTanh', (x) => clip(x, -1, 1), xs1],
      ['HardSigmoid', (x) => clip((x + 1) / 2, 0, 1), xs1],
      ['Sigmoid', sigmoid, xs1],
    ])('%s', (source, ref, points) => {
      checkFunction(source, 1, ref, points);
    });

    test("Ramp's derivative at exactly 0 is 0", () => {
      const f = compilePureFunction('Ramp', 1);
      const x = tf.tensor1d([-1, 0, 1]);
      const g = tf.grad((t: Tensor) => f([t]).sum())(x);
      expect(Array.from(g.dataSync())).toEqual([0, 0, 1]);
      tf.dispose([x, g]);
    });

    test('the output has the input shape and is a new tensor', () => {
      const x = tf.ones([2, 3]);
      const same = compilePureFunction('# &', 1)([x]);
      const constant = compilePureFunction('2.5 &', 1)([x]);
      expect(same).not.toBe(x);
      expect(same.shape).toEqual([2, 3]);
      expect(constant.shape).toEqual([2, 3]);
      expect(Array.from(constant.dataSync())).toEqual([2.5, 2.5, 2.5, 2.5, 2.5, 2.5]);
      tf.dispose([x, same, constant]);
    });
  });

  describe('compilePureFunction: n arguments (ThreadingLayer)', () => {
    test.each<[string, Ref, number[][]]>([
      ['Plus', (a, b) => a + b, pairs],
      ['Subtract', (a, b) => a - b, pairs],
      ['Times', (a, b) => a * b, pairs],
      ['Divide', (a, b) => a / b, pairs],
      ['Power', (a, b) => a ** b, [[0.4, 1.3], [1.6, -0.7], [2.2, 2.5]]],
      ['Min', Math.min, pairs],
      ['Max', Math.max, pairs],
      ['#1 + #2 &', (a, b) => a + b, pairs],
      ['#1 #2^2 - #2 &', (a, b) => a * b * b - b, pairs],
      ['#1/#2 &', (a, b) => a / b, pairs],
      ['If[#1 > #2, #1, #2^2] &', (a, b) => (a > b ? a : b * b), pairs],
      ['If[#1 > 0 && #2 > 0, #1 #2, #1 - #2] &', (a, b) => (a > 0 && b > 0 ? a * b : a - b), pairs],
      ['If[!(#1 > #2) || #2 == 0.8, #1, #2] &', (a, b) => (!(a > b) || b === 0.8 ? a : b), pairs],
      ['If[#1 != #2 && #1 <= 0.5, Exp[#1], Sin[#2]] &', (a, b) => (a !== b && a <= 0.5 ? Math.exp(a) : Math.sin(b)), pairs],
      ['#a - 2 #b &', (a, b) => a - 2 * b, pairs],
      ['Function[{x, y}, x Log[y]]', (a, b) => a * Math.log(b), [[0.4, 1.3], [1.6, 0.7], [-2.2, 2.5]]],
      ['Clip[#1, {-#2^2, #2^2}] &', (a, b) => clip(a, -b * b, b * b), pairs],
      ['"ELU"[#1] + "Swish"[#2] &', (a, b) => (a > 0 ? a : Math.exp(a) - 1) + b * sigmoid(b), pairs],
    ])('%s', (source, ref, points) => {
      checkFunction(source, 2, ref, points);
    });

    test('three arguments', () => {
      checkFunction('#1 #2 + #3 &', 3, (a, b, c) => a * b + c, [[1, 2, 3], [-0.5, 0.25, 2]]);
      checkFunction('Plus', 3, (a, b, c) => a + b + c, [[1, 2, 3], [-0.5, 0.25, 2]]);
    });

    test('the output takes the common shape of the inputs', () => {
      const a = tf.ones([2, 3]);
      const b = tf.ones([2, 3]);
      const first = compilePureFunction('#1 &', 2)([a, b]);
      const one = compilePureFunction('1 &', 2)([a, b]);
      expect(first.shape).toEqual([2, 3]);
      expect(one.shape).toEqual([2, 3]);
      tf.dispose([a, b, first, one]);
    });
  });

    test('conditions at exact equality, and SELU at 0', () => {
      const f = compilePureFunction('If[# == 1, 5 #, 0] + If[# != 2, #, 0] &', 1);
      const x = tf.tensor1d([1, 2, 3]);
      const y = f([x]);
      const g = tf.grad((t: Tensor) => f([t]).sum())(x);
      expect(Array.from(y.dataSync())).toEqual([6, 0, 3]);
      expect(Array.from(g.dataSync())).toEqual([6, 0, 1]);
      const selu = compilePureFunction('SELU', 1);
      const zero = tf.tensor1d([0]);
      const dSelu = tf.grad((t: Tensor) => selu([t]).sum())(zero);
      expect(dSelu.dataSync()[0]).toBeCloseTo(1.0507009873554805, 6);
      tf.dispose([x, y, g, zero, dSelu]);
    });
});

describe('compilePureFunction: errors', () => {
  const errorOf = (f: () => unknown) => {
    const { code, message } = netErrorOf(f);
    return `${code}: ${message}`;
  };

  test.each([
    ['Gamma[#] &', 1, 'unsupported: Unsupported: ElementwiseLayer function uses Gamma, which netport cannot compute at line 1, column 1'],
    ['Max[#1, BesselJ[0, #2]] &', 2, 'unsupported: Unsupported: ThreadingLayer function uses BesselJ, which netport cannot compute at line 1, column 9'],
    ['Gamma', 1, 'unsupported: Unsupported: ElementwiseLayer function uses Gamma, which netport cannot compute'],
    ['#2 &', 1, 'invalid_net: Invalid net: ElementwiseLayer function: uses #2 but the layer has 1 input at line 1, column 1'],
    ['Function[{x, y}, x + y]', 1, 'invalid_net: Invalid net: ElementwiseLayer function: uses y but the layer has 1 input at line 1, column 22'],
    ['x + # &', 1, 'invalid_net: Invalid net: ElementwiseLayer function: uses the symbol x, which has no value at line 1, column 1'],
    ['Sin + # &', 1, 'invalid_net: Invalid net: ElementwiseLayer function: uses Sin without arguments at line 1, column 1'],
    ['Plus[##] &', 1, 'unsupported: Unsupported: ElementwiseLayer function: SlotSequence (##) is not supported at line 1, column 6'],
    ['#0 &', 1, 'unsupported: Unsupported: ElementwiseLayer function: #0 is not supported at line 1, column 1'],
    ['Clip[#, 1] &', 1, 'invalid_net: Invalid net: ElementwiseLayer function: Clip needs bounds {min, max} at line 1, column 9'],
    ['Sin[#, 2] &', 1, 'invalid_net: Invalid net: ElementwiseLayer function: Sin called with 2 arguments at line 1, column 1'],
    ['Which[# > 0, 1] &', 1, 'unsupported: Unsupported: ElementwiseLayer function: Which needs pairs of condition and value ending with a True case at line 1, column 1'],
    ['{#, #} &', 1, 'unsupported: Unsupported: ElementwiseLayer function: lists are only supported inside Max, Min, Clip and Piecewise at line 1, column 1'],
    ['"Nope"[#] &', 1, 'unsupported: Unsupported: ElementwiseLayer function: uses the unknown named function "Nope" at line 1, column 1'],
    ['# +', 1, 'invalid_net: Invalid net: ElementwiseLayer function: Wolfram syntax: unexpected end of input at line 1, column 4'],
    ['3', 1, 'invalid_net: Invalid net: ElementwiseLayer function: expected a pure function such as #^2 &, got 3 at line 1, column 1'],
  ])('%s', (source, arity, message) => {
    expect(errorOf(() => compilePureFunction(source, arity))).toBe(message);
  });

  test('True/False and numbers do not mix, when run', () => {
    const x = tf.tensor1d([1, -1]);
    expect(() => compilePureFunction('# > 0 &', 1)([x])).toThrow('Invalid net: ElementwiseLayer function gives True/False, not a number');
    expect(() => compilePureFunction('(# > 0) + 1 &', 1)([x])).toThrow('Invalid net: a function uses True/False where a number is needed');
    expect(() => compilePureFunction('If[#, 1, 0] &', 1)([x])).toThrow('Invalid net: a function uses a number where True/False is needed');
    x.dispose();
  });
});

describe('describePureFunction and constantValue', () => {
  test.each([
    ['#1^2&', undefined, { text: '#^2 &', arity: 1, slotNames: [] }],
    ['#1 + #3 &', undefined, { text: '# + #3 &', arity: 3, slotNames: [] }],
    ['#b*#a - #b &', undefined, { text: '#b*#a - #b &', arity: 2, slotNames: ['b', 'a'] }],
    ['Function[{x, y}, x/y]', undefined, { text: 'Function[{x, y}, x/y]', arity: 2, slotNames: [] }],
    ['System`Ramp', 1, { text: 'Ramp', arity: 1, slotNames: [] }],
    ['Plus', 2, { text: 'Plus', arity: 2, slotNames: [] }],
    ['ReLU', 1, { text: 'ReLU', arity: 1, slotNames: [] }],
  ])('%s', (source, arity, info) => {
    expect(describePureFunction(source, arity)).toEqual(info);
  });

  test.each([
    ['3', 3],
    ['-1/2', -0.5],
    ['2^-10', 2 ** -10],
    ['3 Pi', 3 * Math.PI],
    ['Sqrt[2]', Math.SQRT2],
    ['Erf[0.5]', 0.5204998778130465],
    ['x', undefined],
    ['Sqrt[-1]', undefined],
    ['"a"', undefined],
  ])('constantValue(%s)', (text, v) => {
    const got = constantValue(parse(text));
    if (v === undefined) expect(got).toBeUndefined();
    else expect(got).toBeCloseTo(v, 6);
  });
});
