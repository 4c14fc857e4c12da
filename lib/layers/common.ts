/**
 * Pieces shared by layer files: parameter schemas with human descriptions (they appear
 * in error messages and in the published JSON Schema) and layout helpers.
 */
import type { Tensor } from '@tensorflow/tfjs-core';
import { z } from 'zod';
import { tf } from '../backend/tf';
import { formatDims, type PortType } from '../shapes';
import type { ArrayDecl, InferContext } from './define';

/**
 * The arrays of LinearLayer and ConvolutionLayer: Weights, then Biases (which may be
 * None). Weights {out, in, k1, ..., kr} reach the forward pass as TensorFlow.js's
 * [k1, ..., kr, in, out]; LinearLayer's {out, in} as [in, out], except on tensorflow
 * (denseWeightsAsIs).
 */
export const WEIGHTS_AND_BIASES: readonly ArrayDecl[] = [
  { name: 'Weights', init: 'weights', layout: (rank) => (rank === 2 && denseWeightsAsIs() ? undefined : [...range(2, rank), 1, 0]) },
  { name: 'Biases', nullable: true, init: 'zeros' },
];

/**
 * Whether dense weights stay in Wolfram's {out, in} layout on the active backend.
 * libtensorflow's MatMul takes a transposed operand at no cost, so on tensorflow a
 * LinearLayer multiplies by W^T with a flag and its weight gradient comes out of the
 * tape in Wolfram's layout, with no transpose back. On wasm, [in, out] is what lets
 * XNNPACK keep the packed weights (BENCHMARKS.md).
 */
export function denseWeightsAsIs(): boolean {
  return tf.getBackend() === 'tensorflow';
}

/** `n` or `{n1, n2, ...}`: one value per spatial dimension. */
export const intOrList = (what: string, min = 1) =>
  z.union([z.number().int().min(min), z.array(z.number().int().min(min)).min(1)]).describe(what);

/** Wolfram levels count per example: 1 is the first non-batch dimension, -1 the last. */
export const level = (what = 'a non-zero integer (a level; negative counts from the end)') =>
  z.number().int().refine((n) => n !== 0, 'level 0 does not exist').describe(what);

/** The input type of a layer that takes real numbers of any shape. */
export function realInput<P>(ctx: InferContext<P>, port = 'Input', minRank = 0): PortType {
  const t = ctx.need(port);
  if (minRank > 0 && t.dims.length < minRank) {
    ctx.fail(`needs an input of rank at least ${minRank}, but "${port}" is ${t.dims.length === 0 ? 'a scalar' : formatDims(t.dims)}`, port);
  }
  return { dims: t.dims };
}

/** Expands a per-dimension option (a number or a list of `rank` numbers). */
export function perDimension<P>(ctx: InferContext<P>, field: string, value: number | readonly number[], rank: number): number[] {
  if (typeof value === 'number') return Array.from({ length: rank }, () => value);
  if (value.length !== rank) {
    ctx.fail(`has ${value.length} values, but the input has ${rank} spatial dimension${rank === 1 ? '' : 's'}`, field);
  }
  return [...value];
}

/**
 * Padding as Wolfram writes it: `n` (every side), `{n1, n2}` (per dimension, both
 * sides) or `{{lo1, hi1}, {lo2, hi2}}`.
 */
export const paddingSchema = z
  .union([
    z.number().int().nonnegative(),
    z.array(z.number().int().nonnegative()).min(1),
    z.array(z.tuple([z.number().int().nonnegative(), z.number().int().nonnegative()])).min(1),
  ])
  .describe('n, a list of n per spatial dimension, or a list of [lo, hi] per spatial dimension');
export type Padding = z.infer<typeof paddingSchema>;

export function paddingPairs<P>(ctx: InferContext<P>, value: Padding, rank: number): Array<[number, number]> {
  if (typeof value === 'number') return Array.from({ length: rank }, () => [value, value]);
  if (value.length !== rank) {
    ctx.fail(`has ${value.length} entries, but the input has ${rank} spatial dimension${rank === 1 ? '' : 's'}`, 'PaddingSize');
  }
  return value.map((v) => (typeof v === 'number' ? [v, v] : [v[0], v[1]]));
}

/** `[N, C, d1, ..., dk]` (Wolfram's channel-first) to `[N, d1, ..., dk, C]`. */
export function channelsLast(x: Tensor): Tensor {
  const r = x.rank;
  return tf.transpose(x, [0, ...range(2, r), 1]);
}

/** `[N, d1, ..., dk, C]` back to `[N, C, d1, ..., dk]`. */
export function channelsFirst(x: Tensor): Tensor {
  const r = x.rank;
  return tf.transpose(x, [0, r - 1, ...range(1, r - 1)]);
}

export function range(from: number, to: number): number[] {
  return Array.from({ length: Math.max(0, to - from) }, (_, i) => from + i);
}

/** Resolves a Wolfram level (1-based, negative from the end) against a rank; undefined if out of range. */
export function resolveLevel(level: number, rank: number): number | undefined {
  const k = level > 0 ? level : rank + 1 + level;
  return k >= 1 && k <= rank ? k : undefined;
}

/** The mean over every dimension but the batch dimension: a loss per example. */
export function meanPerExample(x: Tensor): Tensor {
  return x.rank === 1 ? x : tf.mean(x, range(1, x.rank));
}

/**
 * The tensor axis of a (1-based) Wolfram level of an example of rank `rank`, for a layer
 * that takes its input as it comes ('passthrough'): level 1 is the last axis of a
 * channel-last tensor [N, d2, ..., dk, d1], level l the axis l - 1 there.
 */
export function levelAxis(level: number, rank: number, last: boolean): number {
  return last && rank >= 2 ? (level === 1 ? rank : level - 1) : level;
}
