/**
 * FunctionLayer in float64: the functions the cases use, by their text in the case's
 * net, written again by hand with loops (the reference does not parse Wolfram, and
 * shares nothing with lib/functions/array.ts), with their ports in order.
 */
import { type Arr, offset, scalar, unravel, volume, zeros } from './array';
import { max2 } from './functions';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type Layer = { [key: string]: Json } & { type: string };

interface Definition {
  readonly ports: readonly string[];
  readonly f: (...xs: Arr[]) => Arr;
}

const at = (a: Arr, ...index: number[]) => a.data[offset(a.dims, index)]!;
const each = (a: Arr, f: (v: number, i: number) => number): Arr => ({ dims: [...a.dims], data: a.data.map(f) });
const sum = (a: Arr) => a.data.reduce((s, v) => s + v, 0);

/** An array of dimensions `dims` from a function of its multi-index. */
function build(dims: number[], f: (index: number[]) => number): Arr {
  const out = zeros(dims);
  for (let i = 0; i < out.data.length; i++) out.data[i] = f(unravel(dims, i));
  return out;
}

/** Matrix (or vector) products contracting the last index of a with the first of b. */
function dot(a: Arr, b: Arr): Arr {
  const k = b.dims[0]!;
  const dims = [...a.dims.slice(0, -1), ...b.dims.slice(1)];
  const rows = volume(a.dims) / k;
  const cols = volume(b.dims) / k;
  const out = zeros(dims);
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) for (let m = 0; m < k; m++) out.data[i * cols + j] = out.data[i * cols + j]! + a.data[i * k + m]! * b.data[m * cols + j]!;
  return out;
}

export const FUNCTIONS: Readonly<Record<string, Definition>> = {
  'Total[#^2] &': { ports: ['Input'], f: (x) => scalar(x.data.reduce((s, v) => s + v * v, 0)) },
  // Mean over the first level of Tanh, minus the largest element.
  'Mean[Tanh[#]] - Max[#] &': {
    ports: ['Input'],
    f: (x) => {
      const [n, m] = x.dims as [number, number];
      const top = x.data.reduce((s, v) => max2(s, v));
      return build([m], ([j]) => Array.from({ length: n }, (_, i) => Math.tanh(at(x, i, j!))).reduce((s, v) => s + v, 0) / n - top);
    },
  },
  '#x*Exp[-#y^2] + 1 &': { ports: ['x', 'y'], f: (x, y) => each(x, (v, i) => v * Math.exp(-(y.data[i]! ** 2)) + 1) },
  // Wolfram's listability: v[[i]] is added to row i of m.
  '#v + #m &': { ports: ['v', 'm'], f: (v, m) => build([...m.dims], ([i, j]) => at(v, i!) + at(m, i!, j!)) },
  '#a . #b &': { ports: ['a', 'b'], f: dot },
  'Transpose[#] . # &': {
    ports: ['Input'],
    f: (x) => {
      const [n, m] = x.dims as [number, number];
      return build([m, m], ([i, j]) => Array.from({ length: n }, (_, k) => at(x, k, i!) * at(x, k, j!)).reduce((s, v) => s + v, 0));
    },
  },
  '#[[1]] - 2*#[[-1]] + #[[2, 1]] &': {
    ports: ['Input'],
    f: (x) => {
      const [n, m] = x.dims as [number, number];
      return build([m], ([j]) => at(x, 0, j!) - 2 * at(x, n - 1, j!) + at(x, 1, 0));
    },
  },
  '#[[2 ;; 3, {1, 3}]] &': { ports: ['Input'], f: (x) => build([2, 2], ([i, j]) => at(x, 1 + i!, [0, 2][j!]!)) },
  'Catenate[{#x, Tanh[#y]}] &': {
    ports: ['x', 'y'],
    f: (x, y) => {
      const rows = x.dims[0]!;
      return build([rows + y.dims[0]!, x.dims[1]!], ([i, j]) => (i! < rows ? at(x, i!, j!) : Math.tanh(at(y, i! - rows, j!))));
    },
  },
  'Apply[# + 2*#2 &]': { ports: ['Input1', 'Input2'], f: (a, b) => each(a, (v, i) => v + 2 * b.data[i]!) },
  'Function[{u, v}, Total[u*v, 2]]': { ports: ['u', 'v'], f: (u, v) => scalar(sum(each(u, (x, i) => x * v.data[i]!))) },
  '{Sin[#], LogisticSigmoid[#]} &': {
    ports: ['Input'],
    f: (x) => build([2, ...x.dims], ([k, ...i]) => (k === 0 ? Math.sin(at(x, ...i)) : 1 / (1 + Math.exp(-at(x, ...i))))),
  },
  // Flatten[#, 1] of {2, 2, 3} is the {4, 3} of its rows in order; Reverse reverses those rows.
  'Reverse[Flatten[#, 1]] - Flatten[#, 1] &': {
    ports: ['Input'],
    f: (x) => {
      const rows = x.dims[0]! * x.dims[1]!;
      const cols = x.dims[2]!;
      return build([rows, cols], ([i, k]) => x.data[(rows - 1 - i!) * cols + k!]! - x.data[i! * cols + k!]!);
    },
  },
  // Level k goes to position p[k]: output[i3, i1, i2] = input[i1, i2, i3] for {2, 3, 1}.
  'Transpose[#, {2, 3, 1}] &': {
    ports: ['Input'],
    f: (x) => {
      const [a, b, c] = x.dims as [number, number, number];
      return build([c, a, b], ([k, i, j]) => at(x, i!, j!, k!));
    },
  },
};

function definition(layer: Layer): Definition {
  const d = FUNCTIONS[layer.Function as string];
  if (!d) throw new Error(`reference: no float64 definition of FunctionLayer function ${JSON.stringify(layer.Function)}`);
  return d;
}

export const functionPorts = (layer: Layer): string[] => [...definition(layer).ports];

export const FUNCTION_LAYER_FORWARD = {
  FunctionLayer: (layer: Layer, x: Record<string, Arr>): Record<string, Arr> => {
    const d = definition(layer);
    return { Output: d.f(...d.ports.map((p) => x[p]!)) };
  },
};
