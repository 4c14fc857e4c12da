import type { Tensor } from '@tensorflow/tfjs-core';
import { z } from 'zod';
import { tf } from '../backend/tf';
import { volume } from '../shapes';
import { range } from './common';
import { defineLayer, type InferContext } from './define';

const SPAN = /^\s*(-?\d+|All)?\s*;;\s*(-?\d+|All)?\s*$/;

const levelInt = z.number().int().refine((n) => n !== 0, 'level 0 does not exist');
const span = z.string().regex(SPAN, 'a span of levels is written "i;;j" ("All" or nothing for an open end)');
/** One level, "All" or a span: an entry of a level set (ParametricRampLayer uses it too). */
export const single = z.union([levelInt, z.literal('All'), span]);
/** A level set as Wolfram writes it: n, All, "i;;j", or a list of these (also NormalizationLayer's). */
export const levelSpecSchema = z.union([single, z.array(single)]);
export type LevelSpec = z.infer<typeof levelSpecSchema>;

/** Reductions over one axis of a rank-3 view; Mean divides by the count, as Wolfram does. */
const REDUCE: Readonly<Record<string, (x: Tensor, axis: number) => Tensor>> = {
  Total: (x, axis) => tf.sum(x, axis),
  Mean: (x, axis) => tf.mean(x, axis),
  Max: (x, axis) => tf.max(x, axis),
  Min: (x, axis) => tf.min(x, axis),
  Times: (x, axis) => tf.prod(x, axis),
};

interface Plan {
  /** Aggregated levels, 1-based, sorted, without repeats. */
  readonly levels: readonly number[];
  /** For levels that are not contiguous: the input's axes, batch first, as [kept..., aggregated...]. */
  readonly perm?: readonly number[];
  /** For contiguous levels: the sizes per example before, inside and after the aggregated block. */
  readonly block?: readonly [number, number, number];
}

/** Wolfram's ToLevelSet: integers (negative from the end), spans and All, as a sorted set of 1-based levels. */
export function levelSet(ctx: InferContext<unknown>, spec: unknown, rank: number, field = 'Levels'): number[] {
  const fail = (why: string): never => ctx.fail(why, field);
  const at = (n: number): number => {
    const l = n > 0 ? n : rank + 1 + n;
    if (l < 1 || l > rank) fail(`refers to level ${n}, but the input has ${rank} level${rank === 1 ? '' : 's'}`);
    return l;
  };
  const levels = new Set<number>();
  for (const s of Array.isArray(spec) ? spec : [spec]) {
    if (typeof s === 'number') levels.add(at(s));
    else if (s === 'All') range(1, rank + 1).forEach((l) => levels.add(l));
    else {
      const m = SPAN.exec(s as string)!;
      const bound = (text: string | undefined, open: number): number => {
        if (text === undefined || text === 'All') return open;
        const n = Number(text);
        const l = n > 0 ? n : rank + 1 + n;
        if (l < 1 || l > rank) fail(`has the span ${JSON.stringify(s)}, but the input has ${rank} level${rank === 1 ? '' : 's'}`);
        return l;
      };
      const from = bound(m[1], 1);
      const to = bound(m[2], rank);
      if (from > to) fail(`has the span ${JSON.stringify(s)}, which is empty for an input of rank ${rank}`);
      range(from, to + 1).forEach((l) => levels.add(l));
    }
  }
  return [...levels].sort((a, b) => a - b);
}

/**
 * AggregationLayer[f, levels]: f over the given levels of each example, which disappear
 * from the output; by default `2;;All`, giving a vector as long as the first level. Wolfram
 * has no default f. Max and Min keep integers (and their range); the others need reals.
 *
 * Max and Min pass the output gradient to every element equal to the extreme value, ties
 * included: TensorFlow.js does so, and so does MXNet, which Wolfram runs on (its
 * `_backward_max` is `ReduceAxesBackwardUseInOut<mshadow_op::eq>`: ograd * (x == max)). The reduction works on a rank-3 view [kept, aggregated, kept] (after one
 * transpose when the levels are not contiguous): wasm's broadcasting, which the reduction
 * gradients use, is wrong above rank 6.
 */
export const AggregationLayer = defineLayer({
  type: 'AggregationLayer',
  // The paclet's Aggregation.m (12.x): "Function", "Levels" a ValidatedParameter, "$InputDimensions", "$OutputDimensions".
  wolfram: { positional: ['Function', 'Levels'], params: { Function: 'aggregationFunction', Levels: 'levels' }, internal: { validated: ['Levels'] } },
  params: {
    Function: z.enum(['Total', 'Mean', 'Max', 'Min', 'Times']).describe('"Total", "Mean", "Max", "Min" or "Times"'),
    Levels: levelSpecSchema
      .default('2;;All')
      .describe('a level n (negative from the end), "All", a span "i;;j", or a list of levels and spans ([] aggregates nothing)'),
  },
  inputs: ['Input'],
  infer(ctx) {
    const input = ctx.need('Input');
    const { dims } = input;
    const rank = dims.length;
    if (rank === 0) ctx.fail('needs an array, but "Input" is a scalar');
    const keepsIntegers = ctx.params.Function === 'Max' || ctx.params.Function === 'Min';
    if (input.index !== undefined && !keepsIntegers) {
      ctx.fail(`is ${ctx.params.Function}, which needs real numbers, but "Input" is integer-valued (Max and Min take integers)`, 'Function');
    }
    const levels = levelSet(ctx, ctx.params.Levels, rank);
    const kept = range(1, rank + 1).filter((l) => !levels.includes(l));
    const out = kept.map((l) => dims[l - 1]!);
    const contiguous = levels.every((l, i) => i === 0 || l === levels[i - 1]! + 1);
    let plan: Plan;
    if (levels.length === 0) plan = { levels };
    else if (contiguous) {
      const first = levels[0]! - 1;
      const last = levels[levels.length - 1]!;
      plan = { levels, block: [volume(dims.slice(0, first)), volume(dims.slice(first, last)), volume(dims.slice(last))] };
    } else {
      plan = { levels, perm: [0, ...kept, ...levels] };
    }
    const output = input.index === undefined ? { dims: out } : { dims: out, index: input.index };
    return { inputs: { Input: input }, outputs: { Output: output }, arrays: {}, plan };
  },
  forward({ params, inputs, shapes, plan }) {
    const x = inputs.Input!;
    const n = x.shape[0]!;
    const outDims = [n, ...shapes.outputs.Output!.dims];
    if (plan.levels.length === 0) return { Output: tf.reshape(x, outDims) };
    const reduce = REDUCE[params.Function]!;
    const inDims = shapes.inputs.Input!.dims;
    let view: Tensor;
    if (plan.block) {
      const [before, inside, after] = plan.block;
      view = tf.reshape(x, [n * before, inside, after]);
    } else {
      const aggregated = volume(plan.levels.map((l) => inDims[l - 1]!));
      view = tf.reshape(tf.transpose(x, [...plan.perm!]), [n * (volume(inDims) / aggregated), aggregated, 1]);
    }
    return { Output: tf.reshape(reduce(view, 1), outDims) };
  },
  examples: [
    { title: 'Function=Max Input={3, 2, 2}', layer: { Function: 'Max', Input: [3, 2, 2] } },
    { title: 'Function=Mean Levels=2 Input={2, 3, 2}', layer: { Function: 'Mean', Levels: 2, Input: [2, 3, 2] } },
    { title: 'Function=Total Levels=All Input={2, 3}', layer: { Function: 'Total', Levels: 'All', Input: [2, 3] } },
    { title: 'Function=Min Levels={1, 3} Input={2, 3, 2}', layer: { Function: 'Min', Levels: [1, 3], Input: [2, 3, 2] } },
    { title: 'Function=Max Levels=";;-2" Input={2, 2, 3}', layer: { Function: 'Max', Levels: ';;-2', Input: [2, 2, 3] } },
    { title: 'Function=Times Levels=-1 Input={2, 3}', layer: { Function: 'Times', Levels: -1, Input: [2, 3] }, ranges: { Input: [0.5, 1.5] as const } },
    { title: 'Function=Total Levels={} Input={2, 2}', layer: { Function: 'Total', Levels: [], Input: [2, 2] } },
    { title: 'Function=Mean Levels={1, "3;;-1"} Input={2, 3, 2, 2}', layer: { Function: 'Mean', Levels: [1, '3;;-1'], Input: [2, 3, 2, 2] } },
  ],
});
