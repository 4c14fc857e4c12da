/**
 * SmoothGrad (Smilkov et al. 2017, "SmoothGrad: removing noise by adding noise"): the mean
 * of the input gradients at `samples` copies of x with Gaussian noise N(0, sigma^2),
 * sigma = noise * (max x - min x), the paper's noise level relative to the input's range.
 * Defaults: 5 samples (Captum's NoiseTunnel `nt_samples`) and noise 0.15 (the middle of the
 * paper's recommended 10-20%; Captum's `stdevs=1.0` is absolute, meaningless for inputs in
 * 0..1). The noise is seeded, so a map is reproducible. All samples go through the net as
 * one batch where `batchSize` allows.
 */
import { netError } from '../errors';
import { weightedGradients, type Problem } from './problem';

export interface SmoothGradOptions {
  readonly samples?: number;
  readonly noise?: number;
  readonly seed?: number;
}

export function smoothGrad(p: Problem, options: SmoothGradOptions = {}): Float64Array {
  const samples = options.samples ?? 5;
  const noise = options.noise ?? 0.15;
  if (!(Number.isInteger(samples) && samples > 0)) throw netError('unsupported', `SmoothGrad: samples must be a positive integer, got ${samples}`);
  if (!(noise >= 0 && Number.isFinite(noise))) throw netError('unsupported', `SmoothGrad: noise must be a non-negative number, got ${noise}`);
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of p.x) {
    lo = Math.min(lo, v);
    hi = Math.max(hi, v);
  }
  const sigma = noise * (hi - lo);
  const normal = gaussian(options.seed ?? 0);
  return weightedGradients(
    p,
    samples,
    () => 1 / samples,
    (_, into) => {
      for (let i = 0; i < into.length; i++) into[i] = p.x[i]! + sigma * normal();
    },
  );
}

/** Standard normal deviates from a seeded mulberry32 stream (Box-Muller). */
export function gaussian(seed: number): () => number {
  let s = seed >>> 0;
  const uniform = () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  let spare: number | undefined;
  return () => {
    if (spare !== undefined) {
      const v = spare;
      spare = undefined;
      return v;
    }
    const u = 1 - uniform();
    const r = Math.sqrt(-2 * Math.log(u));
    const a = 2 * Math.PI * uniform();
    spare = r * Math.sin(a);
    return r * Math.cos(a);
  };
}
