import type { Tensor } from '@tensorflow/tfjs-core';
import { z } from 'zod';
import { tf } from '../backend/tf';
import { formatDims, volume } from '../shapes';
import { levelSet, levelSpecSchema } from './aggregation';
import { BOOLEAN, levelsOr, NONE_OR_POSITIVE_INTEGERS, stringOf } from './codecs';
import { range, realInput } from './common';
import { defineLayer } from './define';

interface Plan {
  /** The input's per-example dimensions with each grouped aggregation level split into {groups, size / groups}. */
  readonly view: readonly number[];
  /** Axes of [N, ...view] that are aggregated over. */
  readonly axes: readonly number[];
  /** How many values each statistic aggregates. */
  readonly count: number;
  /** The broadcast shape [1, ...] of Scaling and Biases against [N, ...dims]. */
  readonly scaleShape: readonly number[];
}

/**
 * NormalizationLayer[aggregationLevels, scalingLevels] (12.x and 13.x reference pages):
 * each example is normalized with the mean and variance over the aggregation levels
 * (default `2;;All`), then scaled and shifted by Scaling and Biases, arrays over the
 * scaling levels ("Complement" of the aggregation levels by default, "Same" for the
 * aggregation levels themselves, or levels), in level order:
 *   Scaling (x - mean) / Sqrt[variance + Epsilon] + Biases
 * With Method -> "RMS", x / Sqrt[Mean[x^2] + Epsilon] (no centering). "Unbiased" -> True
 * divides the sum of squares by n - 1 instead of n (for "RMS" too: netport decision).
 * "GroupNumber" -> {g1, ...} splits aggregation level ai into gi groups normalized
 * separately (a single integer g is {g, 1, ...}: the first aggregation level, as group
 * normalization splits channels; netport decision). Scaling and Biases may be None.
 * Unlike BatchNormalizationLayer the statistics are per example, so there is no moving
 * state and the gradient always flows through them.
 */
export const NormalizationLayer = defineLayer({
  type: 'NormalizationLayer',
  wolfram: {
    positional: ['AggregationLevels', 'ScalingLevels'],
    params: {
      AggregationLevels: 'levels',
      ScalingLevels: levelsOr(['Complement', 'Same']),
      Epsilon: 'real',
      GroupNumber: NONE_OR_POSITIVE_INTEGERS,
      Unbiased: BOOLEAN,
      Method: stringOf(['Standardize', 'RMS']),
    },
    // The paclet's Normalization.m (12.x): the same names ("AggregationLevels",
    // "ScalingLevels", "Epsilon"; "$Dimensions", "$StatsDimensions" derived). Its code
    // unwraps both level parameters with First, so they are written as ValidatedParameter
    // [inference: the wrapper's head is not shown]; the reader takes them bare too.
    internal: { validated: ['AggregationLevels', 'ScalingLevels'] },
  },
  params: {
    AggregationLevels: levelSpecSchema
      .default('2;;All')
      .describe('the levels the statistics aggregate: n (negative from the end), "All", a span "i;;j", or a list of these'),
    ScalingLevels: z
      .union([z.enum(['Complement', 'Same']), levelSpecSchema])
      .default('Complement')
      .describe('"Complement" (the levels not aggregated), "Same" (the aggregation levels), or levels as for AggregationLevels'),
    Epsilon: z.number().positive().default(0.001).describe('a positive number'),
    GroupNumber: z
      .union([z.number().int().positive(), z.array(z.number().int().positive()).min(1)])
      .optional()
      .describe('groups per aggregation level: a list of positive integers (absent for None)'),
    Unbiased: z.boolean().default(false).describe('true to divide by n - 1'),
    Method: z.enum(['Standardize', 'RMS']).default('Standardize').describe('"Standardize" or "RMS"'),
  },
  arrays: [
    { name: 'Scaling', nullable: true, init: 'ones' },
    { name: 'Biases', nullable: true, init: 'zeros' },
  ],
  inputs: ['Input'],
  infer(ctx) {
    const input = realInput(ctx, 'Input', 1);
    const dims = input.dims;
    const rank = dims.length;
    const { params } = ctx;
    const aggregated = levelSet(ctx, params.AggregationLevels, rank, 'AggregationLevels');
    if (aggregated.length === 0) ctx.fail('aggregates no level', 'AggregationLevels');
    const s = params.ScalingLevels;
    const scaled =
      s === 'Complement' ? range(1, rank + 1).filter((l) => !aggregated.includes(l)) : s === 'Same' ? aggregated : levelSet(ctx, s, rank, 'ScalingLevels');
    const g = params.GroupNumber;
    const groups = g === undefined ? aggregated.map(() => 1) : typeof g === 'number' ? aggregated.map((_, i) => (i === 0 ? g : 1)) : g;
    if (groups.length !== aggregated.length) {
      ctx.fail(`has ${groups.length} entries, but there ${aggregated.length === 1 ? 'is 1 aggregation level' : `are ${aggregated.length} aggregation levels`}`, 'GroupNumber');
    }
    // The view: each level, a grouped aggregation level as {groups (kept), size / groups
    // (aggregated)}, then neighbouring levels of one kind merged, so that the statistics
    // reduce a tensor of rank at most 1 + (number of alternations); wasm's broadcasting,
    // which the gradients of mean and sub use, is wrong above rank 6.
    const parts: Array<[number, boolean]> = [];
    dims.forEach((d, i) => {
      const k = aggregated.indexOf(i + 1);
      if (k < 0) return void parts.push([d, false]);
      const n = groups[k]!;
      if (d % n !== 0) ctx.fail(`splits level ${i + 1} of size ${d} into ${n} groups; ${d} is not a multiple of ${n}`, 'GroupNumber');
      if (n > 1) parts.push([n, false]);
      parts.push([d / n, true]);
    });
    const view: number[] = [];
    const axes: number[] = [];
    parts.forEach(([d, agg], i) => {
      if (i > 0 && parts[i - 1]![1] === agg) view[view.length - 1] = view[view.length - 1]! * d;
      else {
        view.push(d);
        if (agg) axes.push(view.length);
      }
    });
    const count = volume(axes.map((a) => view[a - 1]!));
    if (params.Unbiased && count < 2) ctx.fail(`aggregates ${count} value, and the unbiased variance needs at least 2`, 'Unbiased');
    const arrayDims = scaled.map((l) => dims[l - 1]!);
    const scaleShape = [1, ...dims.map((d, i) => (scaled.includes(i + 1) ? d : 1))];
    for (const name of ['Scaling', 'Biases']) {
      const given = ctx.arrays[name];
      if (given && formatDims(given) !== formatDims(arrayDims)) {
        ctx.fail(`has dimensions ${formatDims(given)}, expected ${formatDims(arrayDims)} (the scaling levels ${formatDims(scaled)} of ${formatDims(dims)})`, name);
      }
    }
    const nullable = (name: string) => (ctx.arrays[name] === null ? null : arrayDims);
    return {
      inputs: { Input: input },
      outputs: { Output: input },
      arrays: { Scaling: nullable('Scaling'), Biases: nullable('Biases') },
      plan: { view, axes, count, scaleShape } satisfies Plan,
    };
  },
  forward({ params, inputs, arrays, plan }) {
    const x = inputs.Input!;
    const shape = x.shape;
    const v = tf.reshape(x, [shape[0]!, ...plan.view]);
    const divisor = params.Unbiased ? plan.count - 1 : plan.count;
    const meanSquare = (t: Tensor) => tf.div(tf.sum(tf.square(t), [...plan.axes], true), divisor);
    let y: Tensor;
    if (params.Method === 'RMS') {
      y = tf.mul(v, tf.rsqrt(tf.add(meanSquare(v), params.Epsilon)));
    } else {
      const centered = tf.sub(v, tf.mean(v, [...plan.axes], true));
      y = tf.mul(centered, tf.rsqrt(tf.add(meanSquare(centered), params.Epsilon)));
    }
    y = tf.reshape(y, shape);
    if (arrays.Scaling) y = tf.mul(y, tf.reshape(arrays.Scaling, [...plan.scaleShape]));
    if (arrays.Biases) y = tf.add(y, tf.reshape(arrays.Biases, [...plan.scaleShape]));
    return { Output: y };
  },
  examples: [
    {
      title: 'Input={3, 4} (default levels: each row of the first level)',
      layer: { Input: [3, 4], Scaling: [1.5, -0.5, 2], Biases: [0.1, -0.2, 0.3] },
    },
    {
      title: 'AggregationLevels=-1 ScalingLevels="Same" Input={2, 3} (layer normalization)',
      layer: { AggregationLevels: -1, ScalingLevels: 'Same', Input: [2, 3], Scaling: [0.8, -1.2, 0.6], Biases: [0.25, -0.5, 0] },
    },
    {
      title: 'AggregationLevels={1, 3} ScalingLevels=2 Epsilon=0.1 Input={2, 3, 2}',
      layer: { AggregationLevels: [1, 3], ScalingLevels: 2, Epsilon: 0.1, Input: [2, 3, 2], Scaling: [1.1, 0.6, -0.9], Biases: [0, 0.4, -0.3] },
    },
    {
      title: 'AggregationLevels="1;;All" GroupNumber={2, 1, 1} Input={4, 2, 2} (group normalization)',
      layer: { AggregationLevels: '1;;All', ScalingLevels: 1, GroupNumber: [2, 1, 1], Input: [4, 2, 2], Scaling: [0.7, 1.3, -0.4, 1], Biases: [-0.1, 0.2, 0, 0.5] },
    },
    {
      title: 'Method="RMS" Unbiased=True Input={2, 3}',
      layer: { Method: 'RMS', Unbiased: true, Input: [2, 3], Scaling: [1.2, -0.7], Biases: [0.3, 0.1] },
    },
    {
      title: 'Unbiased=True Scaling=None Biases=None Input={3, 3}',
      layer: { Unbiased: true, Input: [3, 3], Scaling: null, Biases: null },
    },
    // Rank 5 with groups: the view merges to [N, 2, 8], below wasm's rank limit for broadcasting.
    { title: 'GroupNumber={2, 1, 1, 1, 1} Input={4, 1, 2, 1, 2} (rank 5)', layer: { AggregationLevels: 'All', ScalingLevels: 1, GroupNumber: [2, 1, 1, 1, 1], Input: [4, 1, 2, 1, 2] } },
    { title: 'AggregationLevels={2, 4} Input={2, 2, 1, 2, 2} (rank 5, alternating levels)', layer: { AggregationLevels: [2, 4], Input: [2, 2, 1, 2, 2] } },
    { title: 'initialized arrays ScalingLevels={1, 2} AggregationLevels=3 Input={2, 2, 3}', layer: { AggregationLevels: 3, ScalingLevels: [1, 2], Input: [2, 2, 3] } },
  ],
});
