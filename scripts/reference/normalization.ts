/**
 * NormalizationLayer and LocalResponseNormalizationLayer in float64 on one example, with
 * plain loops over multi-indices, written from the reference pages' formulas (see
 * WOLFRAM-NOTES.md section 13), independently of lib/.
 */
import { type Arr, unravel, volume, zeros } from './array';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type Layer = { [key: string]: Json } & { type: string };
type Forward = (layer: Layer, x: Record<string, Arr>, w: Record<string, Arr | null>) => Record<string, Arr>;

/** A Wolfram level (1-based, negative from the end) as a 1-based level. */
function levelOf(n: number, rank: number): number {
  const l = n > 0 ? n : rank + 1 + n;
  if (l < 1 || l > rank) throw new Error(`level ${n} does not exist at rank ${rank}`);
  return l;
}

/** n, All, "i;;j" or a list of these as a sorted list of 1-based levels. */
function levels(spec: Json, rank: number): number[] {
  const set = new Set<number>();
  for (const s of Array.isArray(spec) ? spec : [spec]) {
    if (typeof s === 'number') set.add(levelOf(s, rank));
    else if (s === 'All') for (let l = 1; l <= rank; l++) set.add(l);
    else {
      const [a, b] = (s as string).split(';;').map((t) => t.trim());
      const from = !a ? 1 : a === 'All' ? rank : levelOf(Number(a), rank);
      const to = !b || b === 'All' ? rank : levelOf(Number(b), rank);
      for (let l = from; l <= to; l++) set.add(l);
    }
  }
  return [...set].sort((p, q) => p - q);
}

/**
 * Mean and variance over the aggregation levels, per example; GroupNumber g on level a
 * puts positions k and k' of that level in one group when Floor[k / (size / g)] agree.
 */
const normalization: Forward = (l, x, w) => {
  const a = x.Input!;
  const dims = a.dims;
  const rank = dims.length;
  const agg = levels(l.AggregationLevels ?? '2;;All', rank);
  const s = l.ScalingLevels ?? 'Complement';
  const scaled = s === 'Complement' ? dims.map((_, i) => i + 1).filter((v) => !agg.includes(v)) : s === 'Same' ? agg : levels(s, rank);
  const g = l.GroupNumber ?? null;
  const groups = g === null ? agg.map(() => 1) : typeof g === 'number' ? agg.map((_, i) => (i === 0 ? g : 1)) : (g as number[]);
  const eps = typeof l.Epsilon === 'number' ? l.Epsilon : 0.001;
  const rms = l.Method === 'RMS';
  // The statistic an element belongs to: its kept coordinates and its groups.
  const keyOf = (index: number[]) =>
    index
      .map((k, i) => {
        const j = agg.indexOf(i + 1);
        return j < 0 ? k : Math.floor(k / (dims[i]! / groups[j]!));
      })
      .join(',');
  const members = new Map<string, number[]>();
  for (let f = 0; f < a.data.length; f++) {
    const key = keyOf(unravel(dims, f));
    if (!members.has(key)) members.set(key, []);
    members.get(key)!.push(f);
  }
  const out = zeros(dims);
  for (const flats of members.values()) {
    const n = flats.length;
    const divisor = l.Unbiased === true ? n - 1 : n;
    const mean = rms ? 0 : flats.reduce((t, f) => t + a.data[f]!, 0) / n;
    const square = flats.reduce((t, f) => t + (a.data[f]! - mean) ** 2, 0) / divisor;
    for (const f of flats) out.data[f] = (a.data[f]! - mean) / Math.sqrt(square + eps);
  }
  const scaleDims = scaled.map((v) => dims[v - 1]!);
  for (let f = 0; f < out.data.length; f++) {
    const index = unravel(dims, f);
    let at = 0;
    scaled.forEach((v, i) => (at = at * scaleDims[i]! + index[v - 1]!));
    if (w.Scaling) out.data[f] = out.data[f]! * w.Scaling.data[at]!;
    if (w.Biases) out.data[f] = out.data[f]! + w.Biases.data[at]!;
  }
  return { Output: out };
};

/** x_i / (Alpha / (2c + 1) Sum[x_j^2, j within c of i, inside 1..channels] + Bias)^Beta. */
const localResponse: Forward = (l, x) => {
  const a = x.Input!;
  const c = typeof l.ChannelWindowSize === 'number' ? l.ChannelWindowSize : 2;
  const alpha = typeof l.Alpha === 'number' ? l.Alpha : 1;
  const beta = typeof l.Beta === 'number' ? l.Beta : 0.5;
  const bias = typeof l.Bias === 'number' ? l.Bias : 1;
  const channels = a.dims[0]!;
  const per = volume(a.dims.slice(1));
  const out = zeros(a.dims);
  for (let i = 0; i < channels; i++) {
    for (let p = 0; p < per; p++) {
      let sum = 0;
      for (let j = Math.max(0, i - c); j <= Math.min(channels - 1, i + c); j++) sum += a.data[j * per + p]! ** 2;
      out.data[i * per + p] = a.data[i * per + p]! / ((alpha / (2 * c + 1)) * sum + bias) ** beta;
    }
  }
  return { Output: out };
};

export const NORMALIZATION_FORWARD: Readonly<Record<string, Forward>> = {
  NormalizationLayer: normalization,
  LocalResponseNormalizationLayer: localResponse,
};

export const NORMALIZATION_ARRAYS: Readonly<Record<string, readonly { name: string }[]>> = {
  NormalizationLayer: [{ name: 'Scaling' }, { name: 'Biases' }],
};
