/**
 * The forward pass of every layer family on ONE example, in float64, with plain loops,
 * written from the Wolfram conventions (SEMANTICS.md, README "Wolfram's conventions",
 * WOLFRAM-NOTES.md): channel-first images, Weights {out, in, k...}, 1-based positions
 * (negative from the end), Wolfram's spans, pooling's padded cells counting in the Mean
 * divisor and never winning a Max, the cross-entropy's eps rules.
 */
import { type Arr, fromNested, offset, reshape, scalar, unravel, volume, zeros } from './array';
import { abs, kink, max2, min2, NAMED, PURE } from './functions';
// issue 12 (w12c)
import { NORMALIZATION_ARRAYS, NORMALIZATION_FORWARD } from './normalization';
import { FUNCTION_LAYER_FORWARD, functionPorts } from './function-layer';

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type Layer = { [key: string]: Json } & { type: string };

/** $MachineEpsilon. */
const EPS = 2.220446049250313e-16;

export interface LayerContext {
  /** For a CrossEntropyLossLayer fed directly by a SoftmaxLayer over the last level: that softmax's input. */
  readonly logits?: Arr;
}

type Forward = (layer: Layer, x: Record<string, Arr>, w: Record<string, Arr | null>, ctx: LayerContext) => Record<string, Arr>;

/** Each layer's arrays, in declaration order, and which are auxiliary. */
export const ARRAYS: Readonly<Record<string, readonly { name: string; aux?: boolean }[]>> = {
  LinearLayer: [{ name: 'Weights' }, { name: 'Biases' }],
  ConvolutionLayer: [{ name: 'Weights' }, { name: 'Biases' }],
  BatchNormalizationLayer: [{ name: 'Scaling' }, { name: 'Biases' }, { name: 'MovingMean', aux: true }, { name: 'MovingVariance', aux: true }],
  EmbeddingLayer: [{ name: 'Weights' }],
  ConstantArrayLayer: [{ name: 'Array' }],
  NetArrayLayer: [{ name: 'Array' }],
  // issue 12 (w12c)
  ...NORMALIZATION_ARRAYS,
  // Image-model layers (issue 12)
  ParametricRampLayer: [{ name: 'Slope' }],
  DeconvolutionLayer: [{ name: 'Weights' }, { name: 'Biases' }],
};

const VARIADIC = new Set(['ThreadingLayer', 'TotalLayer', 'CatenateLayer', 'DotLayer']);
const LOSSES = new Set(['CrossEntropyLossLayer', 'MeanSquaredLossLayer', 'MeanAbsoluteLossLayer']);

/** A layer's input ports; a variadic layer's count comes from its description or its wiring. */
export function layerInputs(layer: Layer, wired?: number): string[] {
  if (LOSSES.has(layer.type)) return ['Input', 'Target'];
  if (layer.type === 'ConstantArrayLayer' || layer.type === 'NetArrayLayer') return [];
  if (layer.type === 'FunctionLayer') return functionPorts(layer); // issue 12 (w12c)
  if (!VARIADIC.has(layer.type)) return ['Input'];
  let n = Array.isArray(layer.Inputs) ? layer.Inputs.length : 0;
  for (const key of Object.keys(layer)) if (/^Input\d+$/.test(key)) n = Math.max(n, Number(key.slice(5)));
  if (n === 0) n = wired ?? 2;
  return Array.from({ length: n }, (_, i) => `Input${i + 1}`);
}

export function layerOutputs(layer: Layer): string[] {
  return LOSSES.has(layer.type) ? ['Loss'] : ['Output'];
}

// ---------------------------------------------------------------------------------
// helpers

const num = (v: Json | undefined, fallback: number): number => (typeof v === 'number' ? v : fallback);

/** n or {n1, ..., nk} as k numbers. */
function perDim(v: Json | undefined, k: number, fallback: number): number[] {
  if (v === undefined) return Array(k).fill(fallback);
  if (typeof v === 'number') return Array(k).fill(v);
  return (v as number[]).map(Number);
}

/** PaddingSize: n, {n1, ...} or {{lo, hi}, ...}, as [lo, hi] per dimension. */
function pads(v: Json | undefined, k: number): [number, number][] {
  if (v === undefined) return Array.from({ length: k }, () => [0, 0]);
  if (typeof v === 'number') return Array.from({ length: k }, () => [v, v]);
  return (v as Json[]).map((p) => (typeof p === 'number' ? [p, p] : [(p as number[])[0]!, (p as number[])[1]!]));
}

/** A Wolfram level (1-based, negative from the end) as a 0-based axis. */
function axisOf(level: number, rank: number): number {
  const k = level > 0 ? level - 1 : rank + level;
  if (k < 0 || k >= rank) throw new Error(`level ${level} does not exist at rank ${rank}`);
  return k;
}

function map(a: Arr, f: (x: number, i: number) => number): Arr {
  return { dims: [...a.dims], data: a.data.map(f) };
}

/** Visits every multi-index of dims, in row-major order. */
function eachIndex(dims: readonly number[], f: (index: number[], flat: number) => void): void {
  const n = volume(dims);
  for (let flat = 0; flat < n; flat++) f(unravel(dims, flat), flat);
}

/** A span "i;;j" or "i;;j;;k" of a level of size n, as 0-based positions (Wolfram's Span). */
function spanPositions(text: string, n: number): number[] {
  const parts = text.split(';;').map((s) => s.trim());
  const step = parts[2] ? Number(parts[2]) : 1;
  // Omitted start 1, omitted end or All the last part, whatever the step (Wolfram).
  const pos = (s: string | undefined, open: number) => (s === undefined || s === '' ? open : s === 'All' ? n - 1 : Number(s) > 0 ? Number(s) - 1 : n + Number(s));
  const start = pos(parts[0], 0);
  const end = pos(parts[1], n - 1);
  const out: number[] = [];
  for (let i = start; step > 0 ? i <= end : i >= end; i += step) out.push(i);
  return out;
}

/** A level set: n, All, "i;;j", or a list of these, as sorted 0-based axes. */
function levelSet(spec: Json, rank: number): number[] {
  const set = new Set<number>();
  for (const s of Array.isArray(spec) ? spec : [spec]) {
    if (typeof s === 'number') set.add(axisOf(s, rank));
    else if (s === 'All') for (let i = 0; i < rank; i++) set.add(i);
    else spanPositions(s as string, rank).forEach((i) => set.add(i));
  }
  return [...set].sort((a, b) => a - b);
}

/** Max or Min of several values, recording the gap to the runner-up (a tie is a kink). */
function extreme(values: number[], sign: 1 | -1): number {
  let best = -Infinity;
  let second = -Infinity;
  for (const v of values) {
    const s = sign * v;
    if (s > best) [best, second] = [s, best];
    else if (s > second) second = s;
  }
  if (second > -Infinity) kink(best - second);
  return sign * best;
}

// ---------------------------------------------------------------------------------
// layers

const linear: Forward = (l, x, w) => {
  const W = w.Weights!;
  const b = w.Biases;
  const [m, n] = W.dims as [number, number];
  const input = x.Input!.data;
  if (input.length !== n) throw new Error(`LinearLayer: input has ${input.length} elements, Weights {${W.dims}}`);
  const y = zeros([m]);
  for (let i = 0; i < m; i++) {
    let s = b ? b.data[i]! : 0;
    for (let j = 0; j < n; j++) s += W.data[i * n + j]! * input[j]!;
    y.data[i] = s;
  }
  const out = l.OutputDimensions === undefined ? [m] : typeof l.OutputDimensions === 'number' ? [l.OutputDimensions] : (l.OutputDimensions as number[]);
  return { Output: reshape(y, out) };
};

const elementwise: Forward = (l, x) => {
  const name = l.Function as string;
  const f = NAMED[name] ?? PURE[name];
  if (!f) throw new Error(`reference: no float64 definition of ElementwiseLayer function ${JSON.stringify(name)}`);
  return { Output: map(x.Input!, (v) => f(v)) };
};

function softmaxAlong(a: Arr, axis: number, log: boolean): Arr {
  const out = zeros(a.dims);
  const n = a.dims[axis]!;
  const stride = volume(a.dims.slice(axis + 1));
  eachIndex(a.dims, (index, flat) => {
    if (index[axis] !== 0) return;
    let m = -Infinity;
    for (let k = 0; k < n; k++) m = Math.max(m, a.data[flat + k * stride]!);
    let s = 0;
    for (let k = 0; k < n; k++) s += Math.exp(a.data[flat + k * stride]! - m);
    for (let k = 0; k < n; k++) {
      const z = a.data[flat + k * stride]! - m;
      out.data[flat + k * stride] = log ? z - Math.log(s) : Math.exp(z) / s;
    }
  });
  return out;
}

const softmax: Forward = (l, x) => {
  const a = x.Input!;
  return { Output: softmaxAlong(a, axisOf(num(l.Level, -1), a.dims.length), false) };
};

const crossEntropy: Forward = (l, x, _w, ctx) => {
  const p = x.Input!;
  const t = x.Target!;
  const form = l.TargetForm as string;
  if (form === 'Binary') {
    // -(t Log[x + eps] + (1 - t) Log[1 - x + eps]), the mean over all elements.
    let s = 0;
    for (let i = 0; i < p.data.length; i++) {
      const xi = p.data[i]!;
      const ti = t.data[i]!;
      s += ti * Math.log(xi + EPS) + (1 - ti) * Math.log(1 - xi + EPS);
    }
    return { Loss: scalar(-s / p.data.length) };
  }
  // Index and Probabilities: Log[Max[p, eps]], or the log-softmax of the fused logits.
  const c = p.dims[p.dims.length - 1]!;
  const logp = ctx.logits ? softmaxAlong(ctx.logits, ctx.logits.dims.length - 1, true) : map(p, (v) => (kink(v - EPS), Math.log(Math.max(v, EPS))));
  const positions = p.data.length / c;
  let s = 0;
  for (let i = 0; i < positions; i++) {
    if (form === 'Index') s += logp.data[i * c + t.data[i]! - 1]!;
    else for (let k = 0; k < c; k++) s += t.data[i * c + k]! * logp.data[i * c + k]!;
  }
  return { Loss: scalar(-s / positions) };
};

const meanLoss = (f: (d: number) => number): Forward => (_l, x) => {
  const a = x.Input!.data;
  const t = x.Target!.data;
  let s = 0;
  for (let i = 0; i < a.length; i++) s += f(a[i]! - t[i]!);
  return { Loss: scalar(s / a.length) };
};

const part: Forward = (l, x) => {
  const a = x.Input!;
  const spec = l.Specification!;
  const levels = Array.isArray(spec) ? spec : [spec];
  // Per level: the 0-based positions taken, and whether the level stays.
  const takes = a.dims.map((n, i) => {
    const s = levels[i];
    if (s === undefined || s === 'All') return { at: Array.from({ length: n }, (_, k) => k), keep: true };
    if (typeof s === 'number') return { at: [s > 0 ? s - 1 : n + s], keep: false };
    if (Array.isArray(s)) return { at: (s as number[]).map((k) => (k > 0 ? k - 1 : n + k)), keep: true };
    return { at: spanPositions(s as string, n), keep: true };
  });
  const full = takes.map((t) => t.at.length);
  const out = zeros(full);
  eachIndex(full, (index, flat) => {
    out.data[flat] = a.data[offset(a.dims, index.map((k, i) => takes[i]!.at[k]!))]!;
  });
  return { Output: reshape(out, full.filter((_, i) => takes[i]!.keep)) };
};

const pooling: Forward = (l, x) => {
  const a = x.Input!;
  const [channels, ...spatial] = a.dims as [number, ...number[]];
  const k = spatial.length;
  const kernel = perDim(l.KernelSize, k, 1);
  const stride = perDim(l.Stride, k, 1);
  const pad = pads(l.PaddingSize, k);
  const f = (l.Function as string | undefined) ?? 'Max';
  const outSpatial = spatial.map((n, i) => Math.floor((n + pad[i]![0] + pad[i]![1] - kernel[i]!) / stride[i]!) + 1);
  const out = zeros([channels, ...outSpatial]);
  eachIndex(out.dims, ([c, ...o], flat) => {
    const cells: number[] = [];
    eachIndex(kernel, (kk) => {
      const at = o.map((oi, i) => oi * stride[i]! + kk[i]! - pad[i]![0]);
      // A padded cell: 0 for Mean and Total (it still counts in the divisor), never a Max.
      if (at.some((p, i) => p < 0 || p >= spatial[i]!)) {
        if (f !== 'Max') cells.push(0);
      } else {
        cells.push(a.data[offset(a.dims, [c!, ...at])]!);
      }
    });
    const total = cells.reduce((s, v) => s + v, 0);
    out.data[flat] = f === 'Max' ? extreme(cells, 1) : f === 'Mean' ? total / volume(kernel) : total;
  });
  return { Output: out };
};

const convolution: Forward = (l, x, w) => {
  const a = x.Input!;
  const W = w.Weights!;
  const b = w.Biases;
  const [channels, ...spatial] = a.dims as [number, ...number[]];
  const [outChannels, perGroup, ...kernel] = W.dims as [number, number, ...number[]];
  const k = spatial.length;
  const groups = num(l.ChannelGroups, 1);
  if (perGroup * groups !== channels) throw new Error('ConvolutionLayer: Weights do not fit the input channels');
  const stride = perDim(l.Stride, k, 1);
  const dilation = perDim(l.Dilation, k, 1);
  const pad = pads(l.PaddingSize, k);
  const outSpatial = spatial.map((n, i) => Math.floor((n + pad[i]![0] + pad[i]![1] - (dilation[i]! * (kernel[i]! - 1) + 1)) / stride[i]!) + 1);
  const out = zeros([outChannels, ...outSpatial]);
  const outPerGroup = outChannels / groups;
  eachIndex(out.dims, ([o, ...p], flat) => {
    const g = Math.floor(o! / outPerGroup);
    let s = b ? b.data[o!]! : 0;
    for (let ci = 0; ci < perGroup; ci++) {
      eachIndex(kernel, (kk) => {
        const at = p.map((pi, i) => pi * stride[i]! + kk[i]! * dilation[i]! - pad[i]![0]);
        if (at.some((q, i) => q < 0 || q >= spatial[i]!)) return; // zero padding
        s += W.data[offset(W.dims, [o!, ci, ...kk])]! * a.data[offset(a.dims, [g * perGroup + ci, ...at])]!;
      });
    }
    out.data[flat] = s;
  });
  return { Output: out };
};

const batchNorm: Forward = (l, x, w) => {
  const a = x.Input!;
  const eps = num(l.Epsilon, 0.001);
  const per = volume(a.dims.slice(1));
  return {
    Output: map(a, (v, i) => {
      const c = Math.floor(i / per);
      return (w.Scaling!.data[c]! * (v - w.MovingMean!.data[c]!)) / Math.sqrt(w.MovingVariance!.data[c]! + eps) + w.Biases!.data[c]!;
    }),
  };
};

const embedding: Forward = (_l, x, w) => {
  const idx = x.Input!;
  const W = w.Weights!;
  const [classes, size] = W.dims as [number, number];
  const out = zeros([...idx.dims, size]);
  idx.data.forEach((v, i) => {
    if (!Number.isInteger(v) || v < 1 || v > classes) throw new Error(`EmbeddingLayer: index ${v} outside 1..${classes}`);
    for (let j = 0; j < size; j++) out.data[i * size + j] = W.data[(v - 1) * size + j]!;
  });
  return { Output: out };
};

/** Inputs, in port order, broadcast Wolfram's way: equal ranks with 1s replicated, scalars everywhere. */
function threadInputs(l: Layer, x: Record<string, Arr>): { dims: number[]; at: (flat: number) => number[] } {
  const xs = layerInputs(l, Object.keys(x).length).map((p) => x[p]!);
  const ranked = xs.filter((a) => a.dims.length > 0);
  const rank = ranked[0]?.dims.length ?? 0;
  const dims = Array.from({ length: rank }, (_, i) => Math.max(...ranked.map((a) => a.dims[i]!)));
  for (const a of ranked) if (a.dims.length !== rank || a.dims.some((d, i) => d !== 1 && d !== dims[i])) throw new Error('ThreadingLayer: shapes do not thread');
  return {
    dims,
    at: (flat) => {
      const index = unravel(dims, flat);
      return xs.map((a) => (a.dims.length === 0 ? a.data[0]! : a.data[offset(a.dims, index.map((k, i) => (a.dims[i] === 1 ? 0 : k)))]!));
    },
  };
}

const THREADING: Readonly<Record<string, (...xs: number[]) => number>> = {
  Plus: (...xs) => xs.reduce((s, v) => s + v, 0),
  Times: (...xs) => xs.reduce((s, v) => s * v, 1),
  Subtract: (a, b) => a - b,
  Divide: (a, b) => a / b,
  Power: (a, b) => a ** b,
  Max: (...xs) => xs.reduce((s, v) => max2(s, v)),
  Min: (...xs) => xs.reduce((s, v) => min2(s, v)),
};

const threading: Forward = (l, x) => {
  const name = l.Function as string;
  const f = THREADING[name] ?? PURE[name];
  if (!f) throw new Error(`reference: no float64 definition of ThreadingLayer function ${JSON.stringify(name)}`);
  const { dims, at } = threadInputs(l, x);
  const out = zeros(dims);
  for (let i = 0; i < out.data.length; i++) out.data[i] = f(...at(i));
  return { Output: out };
};

const total: Forward = (l, x) => {
  const xs = layerInputs(l, Object.keys(x).length).map((p) => x[p]!);
  return { Output: map(xs[0]!, (_, i) => xs.reduce((s, a) => s + a.data[i]!, 0)) };
};

const catenate: Forward = (l, x) => {
  const xs = layerInputs(l, Object.keys(x).length).map((p) => x[p]!);
  const rank = xs[0]!.dims.length;
  const axis = axisOf(num(l.Level, 1), rank);
  const dims = [...xs[0]!.dims];
  dims[axis] = xs.reduce((s, a) => s + a.dims[axis]!, 0);
  const out = zeros(dims);
  eachIndex(dims, (index, flat) => {
    let k = index[axis]!;
    let which = 0;
    while (k >= xs[which]!.dims[axis]!) k -= xs[which++]!.dims[axis]!;
    const a = xs[which]!;
    out.data[flat] = a.data[offset(a.dims, index.map((v, i) => (i === axis ? k : v)))]!;
  });
  return { Output: out };
};

const summation: Forward = (_l, x) => ({ Output: scalar(x.Input!.data.reduce((s, v) => s + v, 0)) });

const arrayLayer: Forward = (_l, _x, w) => ({ Output: w.Array! });

const flatten: Forward = (l, x) => {
  const a = x.Input!;
  const level = l.Level ?? 'Infinity';
  if (level === 'Infinity') return { Output: reshape(a, [a.data.length]) };
  const n = level as number;
  const k = Math.abs(n) + 1;
  const d = a.dims;
  return { Output: reshape(a, n > 0 ? [volume(d.slice(0, k)), ...d.slice(k)] : [...d.slice(0, d.length - k), volume(d.slice(d.length - k))]) };
};

const reshapeLayer: Forward = (l, x) => {
  const a = x.Input!;
  const spec = l.Dimensions as Json[];
  const dims: (number | null)[] = spec.flatMap((e, i) => (e === 'All' ? a.dims.slice(i) : e === 'Inherited' ? [a.dims[i]!] : e === 'Automatic' ? [null] : [e as number]));
  const known = volume(dims.filter((d): d is number => d !== null));
  return { Output: reshape(a, dims.map((d) => d ?? a.data.length / known)) };
};

const replicate: Forward = (l, x) => {
  const a = x.Input!;
  const rank = a.dims.length;
  const spec = Array.isArray(l.Specification) ? l.Specification : [l.Specification!];
  const level = num(l.Level, 1);
  const at = level > 0 ? level - 1 : rank + 1 + level;
  const declared = l.Output as number[] | undefined;
  const inserted = spec.map((s, i) => (s === 'Automatic' ? declared![at + i]! : (s as number)));
  const dims = [...a.dims.slice(0, at), ...inserted, ...a.dims.slice(at)];
  const out = zeros(dims);
  eachIndex(dims, (index, flat) => {
    out.data[flat] = a.data[offset(a.dims, [...index.slice(0, at), ...index.slice(at + inserted.length)])]!;
  });
  return { Output: out };
};

const transpose: Forward = (l, x) => {
  const a = x.Input!;
  const rank = a.dims.length;
  const spec = l.Specification ?? [[1, 2]];
  // source[k]: the input level that becomes output level k (0-based).
  const source = Array.from({ length: rank }, (_, k) => k);
  const swaps = typeof spec === 'number' ? [[1, spec]] : (spec as Json[]).every(Array.isArray) ? (spec as number[][]) : undefined;
  if (swaps) {
    for (const [m, n] of swaps) {
      const i = axisOf(m!, rank);
      const j = axisOf(n!, rank);
      [source[i], source[j]] = [source[j]!, source[i]!];
    }
  } else {
    (spec as number[]).forEach((p, k) => (source[p - 1] = k)); // input level k+1 becomes output level p
  }
  const dims = source.map((s) => a.dims[s]!);
  const out = zeros(dims);
  eachIndex(dims, (index, flat) => {
    const inIndex = new Array<number>(rank);
    source.forEach((s, k) => (inIndex[s] = index[k]!));
    out.data[flat] = a.data[offset(a.dims, inIndex)]!;
  });
  return { Output: out };
};

const aggregation: Forward = (l, x) => {
  const a = x.Input!;
  const rank = a.dims.length;
  const levels = levelSet(l.Levels ?? '2;;All', rank);
  const kept = a.dims.map((_, i) => i).filter((i) => !levels.includes(i));
  const dims = kept.map((i) => a.dims[i]!);
  const groups = new Map<number, number[]>();
  eachIndex(a.dims, (index, flat) => {
    const key = offset(dims, kept.map((i) => index[i]!));
    if (!groups.has(key)) groups.set(key, []);
    groups.get(key)!.push(a.data[flat]!);
  });
  const f = l.Function as string;
  const out = zeros(dims);
  for (let i = 0; i < out.data.length; i++) {
    const v = groups.get(i)!;
    const sum = v.reduce((s, y) => s + y, 0);
    out.data[i] = f === 'Total' ? sum : f === 'Mean' ? sum / v.length : f === 'Times' ? v.reduce((s, y) => s * y, 1) : extreme(v, f === 'Max' ? 1 : -1);
  }
  return { Output: out };
};

const dot: Forward = (l, x) => {
  const xs = layerInputs(l, Object.keys(x).length).map((p) => x[p]!);
  let acc = xs[0]!;
  for (const b of xs.slice(1)) {
    const k = b.dims[0]!;
    if (acc.dims[acc.dims.length - 1] !== k) throw new Error('DotLayer: dimensions do not fit');
    const rows = acc.data.length / k;
    const cols = b.data.length / k;
    const out = zeros([...acc.dims.slice(0, -1), ...b.dims.slice(1)]);
    for (let i = 0; i < rows; i++) {
      for (let j = 0; j < cols; j++) {
        let s = 0;
        for (let m = 0; m < k; m++) s += acc.data[i * k + m]! * b.data[m * cols + j]!;
        out.data[i * cols + j] = s;
      }
    }
    acc = out;
  }
  return { Output: acc };
};

// ---------------------------------------------------------------------------------
// Image-model layers (issue 12)

const parametricRamp: Forward = (l, x, w) => {
  const a = x.Input!;
  const levels = levelSet(l.Levels ?? 1, a.dims.length);
  const slope = w.Slope!;
  const slopeDims = levels.map((k) => a.dims[k]!);
  return {
    Output: map(a, (v, i) => {
      kink(v);
      const index = unravel(a.dims, i);
      return v > 0 ? v : slope.data[offset(slopeDims, levels.map((k) => index[k]!))]! * v;
    }),
  };
};

/** Where a padded cell reads (0-based p relative to the first input cell), by Wolfram's method names. */
function padSource(method: string, p: number, n: number): number {
  if (method === 'Fixed') return Math.min(Math.max(p, 0), n - 1);
  if (method === 'Periodic') return ((p % n) + n) % n;
  // Reflected: mirror about the edge cell, period 2 (n - 1).
  if (n === 1) return 0;
  let m = p;
  while (m < 0 || m >= n) m = m < 0 ? -m : 2 * (n - 1) - m;
  return m;
}

const padding: Forward = (l, x) => {
  const a = x.Input!;
  const spec = l.Specification as number[][];
  const method = l.Padding ?? 0;
  const dims = a.dims.map((d, i) => d + spec[i]![0]! + spec[i]![1]!);
  const out = zeros(dims);
  eachIndex(dims, (index, flat) => {
    const at = index.map((j, i) => j - spec[i]![0]!);
    if (typeof method === 'number') {
      out.data[flat] = at.some((p, i) => p < 0 || p >= a.dims[i]!) ? method : a.data[offset(a.dims, at)]!;
    } else {
      out.data[flat] = a.data[offset(a.dims, at.map((p, i) => padSource(method as string, p, a.dims[i]!)))]!;
    }
  });
  return { Output: out };
};

/**
 * ResizeLayer: "Linear" samples output cell i of m at i (n - 1) / (m - 1) of the n input
 * cells (corners aligned), bilinearly; "Nearest" (integer upscaling) reads Floor[i n / m].
 */
const resize: Forward = (l, x) => {
  const a = x.Input!;
  const [channels, ...from] = a.dims as [number, ...number[]];
  const spec = l.Specification as Json[];
  const to = spec.map((s, i) => (typeof s === 'number' ? s : Math.floor(from[i]! * ((s as { Scaled: number }).Scaled))));
  const nearest = l.Resampling === 'Nearest';
  // Per dimension, per output cell: the input cells read and their weights.
  const taps = to.map((m, d) =>
    Array.from({ length: m }, (_, i): [number, number][] => {
      const n = from[d]!;
      if (nearest) return [[Math.floor((i * n) / m), 1]];
      const at = m > 1 ? (i * (n - 1)) / (m - 1) : 0;
      const lo = Math.min(Math.floor(at), n - 1);
      return lo + 1 < n ? [[lo, 1 - (at - lo)], [lo + 1, at - lo]] : [[lo, 1]];
    }),
  );
  const out = zeros([channels, ...to]);
  eachIndex(out.dims, ([c, ...o], flat) => {
    let s = 0;
    const visit = (d: number, at: number[], w: number): void => {
      if (d === o.length) {
        s += w * a.data[offset(a.dims, [c!, ...at])]!;
        return;
      }
      for (const [j, wj] of taps[d]![o[d]!]!) visit(d + 1, [...at, j], w * wj);
    };
    visit(0, [], 1);
    out.data[flat] = s;
  });
  return { Output: out };
};

/** ImageAugmentationLayer at evaluation: the central crop, from Floor[(H - h)/2]. */
const imageAugmentation: Forward = (l, x) => {
  const a = x.Input!;
  const [channels, ...spatial] = a.dims as [number, ...number[]];
  const crop = perDim(l.CropSize, spatial.length, 1);
  const start = crop.map((c, i) => Math.floor((spatial[i]! - c) / 2));
  const out = zeros([channels, ...crop]);
  eachIndex(out.dims, ([c, ...p], flat) => {
    out.data[flat] = a.data[offset(a.dims, [c!, ...p.map((q, i) => q + start[i]!)])]!;
  });
  return { Output: out };
};

/**
 * DeconvolutionLayer: input cell q of channel i adds W[i, o, k] x[i, q] to output cell
 * s q + d k - lo of channel o of its group (Weights {in, out/groups, k...}); the output
 * is the full s (n - 1) + d (k - 1) + 1 less the cropped {lo, hi}.
 */
const deconvolution: Forward = (l, x, w) => {
  const a = x.Input!;
  const W = w.Weights!;
  const b = w.Biases;
  const [channels, ...spatial] = a.dims as [number, ...number[]];
  const [inChannels, outPerGroup, ...kernel] = W.dims as [number, number, ...number[]];
  if (inChannels !== channels) throw new Error('DeconvolutionLayer: Weights do not fit the input channels');
  const k = spatial.length;
  const groups = num(l.ChannelGroups, 1);
  const inPerGroup = channels / groups;
  const stride = perDim(l.Stride, k, 1);
  const dilation = perDim(l.Dilation, k, 1);
  const crop = pads(l.PaddingSize, k);
  const outSpatial = spatial.map((n, i) => stride[i]! * (n - 1) + dilation[i]! * (kernel[i]! - 1) + 1 - crop[i]![0] - crop[i]![1]);
  const out = zeros([outPerGroup * groups, ...outSpatial]);
  if (b) eachIndex(out.dims, ([o], flat) => (out.data[flat] = b.data[o!]!));
  eachIndex(a.dims, ([i, ...q], flat) => {
    const group = Math.floor(i! / inPerGroup);
    for (let o = 0; o < outPerGroup; o++) {
      eachIndex(kernel, (kk) => {
        const at = q.map((qi, d) => stride[d]! * qi + dilation[d]! * kk[d]! - crop[d]![0]);
        if (at.some((p, d) => p < 0 || p >= outSpatial[d]!)) return; // cropped
        out.data[offset(out.dims, [group * outPerGroup + o, ...at])]! += W.data[offset(W.dims, [i!, o, ...kk])]! * a.data[flat]!;
      });
    }
  });
  return { Output: out };
};

export const FORWARD: Readonly<Record<string, Forward>> = {
  LinearLayer: linear,
  ElementwiseLayer: elementwise,
  SoftmaxLayer: softmax,
  CrossEntropyLossLayer: crossEntropy,
  MeanSquaredLossLayer: meanLoss((d) => d * d),
  MeanAbsoluteLossLayer: meanLoss((d) => abs(d)),
  PartLayer: part,
  PoolingLayer: pooling,
  ConvolutionLayer: convolution,
  BatchNormalizationLayer: batchNorm,
  DropoutLayer: (_l, x) => ({ Output: x.Input! }),
  EmbeddingLayer: embedding,
  ThreadingLayer: threading,
  TotalLayer: total,
  CatenateLayer: catenate,
  SummationLayer: summation,
  ConstantArrayLayer: arrayLayer,
  NetArrayLayer: arrayLayer,
  FlattenLayer: flatten,
  ReshapeLayer: reshapeLayer,
  ReplicateLayer: replicate,
  TransposeLayer: transpose,
  AggregationLayer: aggregation,
  DotLayer: dot,
  // issue 12 (w12c)
  ...NORMALIZATION_FORWARD,
  ...FUNCTION_LAYER_FORWARD,
  // Image-model layers (issue 12)
  ParametricRampLayer: parametricRamp,
  PaddingLayer: padding,
  ResizeLayer: resize,
  ImageAugmentationLayer: imageAugmentation,
  DeconvolutionLayer: deconvolution,
};

/** A layer's arrays as float64 arrays (null for None). */
export function layerArrays(layer: Layer): Record<string, Arr | null> {
  const out: Record<string, Arr | null> = {};
  for (const { name } of ARRAYS[layer.type] ?? []) {
    const v = layer[name];
    if (v === undefined) throw new Error(`reference: ${layer.type} needs its "${name}" written out`);
    out[name] = v === null ? null : fromNested(v as number[]);
  }
  return out;
}

