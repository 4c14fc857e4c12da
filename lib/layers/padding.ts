import type { Tensor } from '@tensorflow/tfjs-core';
import { z } from 'zod';
import { tf } from '../backend/tf';
import { formatDims } from '../shapes';
import { formatReal, formatString } from '../wolfram/print';
import { levelAxis } from './common';
import { defineLayer } from './define';
import type { ParamCodec } from './wolfram-form';

const METHODS = ['Fixed', 'Reflected', 'Periodic'] as const;
type Method = (typeof METHODS)[number];

/** `Padding -> c` (a number) or one of the methods, read from and printed to Wolfram. */
const PADDING: ParamCodec = {
  read(e, ctx) {
    if (e.kind === 'number') return e.value;
    if (e.kind === 'string' && (METHODS as readonly string[]).includes(e.value)) return e.value;
    if (e.kind === 'string') return ctx.fail(`"Padding" -> "${e.value}" is not supported (netport supports a number, "Fixed", "Reflected" and "Periodic")`, e, 'unsupported');
    return ctx.fail(`expected a number, "Fixed", "Reflected" or "Periodic", got ${ctx.show(e)}`, e);
  },
  print: (v) => (typeof v === 'number' ? formatReal(v) : formatString(String(v))),
};

const pair = z.tuple([z.number().int().nonnegative(), z.number().int().nonnegative()]);

/**
 * Where output cell j of a padded level of size n reads, for the methods (p = j - lo, the
 * position relative to the first input cell): "Fixed" repeats the edge cell, "Periodic"
 * wraps around, "Reflected" mirrors about the edge cell without repeating it
 * ({a, b, c} padded by 2 is {c, b, a, b, c, b, a}), and keeps mirroring when the padding
 * is wider than the level, as Wolfram's ArrayPad does.
 */
function source(method: Method, p: number, n: number): number {
  if (method === 'Fixed') return Math.min(Math.max(p, 0), n - 1);
  if (method === 'Periodic') return ((p % n) + n) % n;
  if (n === 1) return 0;
  const period = 2 * (n - 1);
  const m = ((p % period) + period) % period;
  return m < n ? m : period - m;
}

/**
 * PaddingLayer[{{lo1, hi1}, {lo2, hi2}, ...}]: pads each level of the input by lo cells
 * before and hi after (one pair per level, the channels included: images are padded
 * {{0, 0}, {1, 1}, {1, 1}}). "Padding" -> c fills with the constant c (0 by default);
 * "Fixed", "Reflected" and "Periodic" repeat the input (see `source`): those are a
 * gather along each padded level, whose gradient adds up every copy of a cell.
 *
 * It takes its input as it comes: after a spatial layer, level 1 (the channels) is the
 * last axis.
 */
export const PaddingLayer = defineLayer({
  type: 'PaddingLayer',
  wolfram: {
    positional: ['Specification'],
    params: { Specification: 'padding', Padding: PADDING },
    // The paclet's Padding.m (12.x): "Specification", "Padding", derived "$Rank", "$InputSize", "$OutputSize".
    internal: {
      derive: ({ inputs, outputs }) => ({ $Rank: inputs.Input!.dims.length, $InputSize: [...inputs.Input!.dims], $OutputSize: [...outputs.Output!.dims] }),
    },
  },
  params: {
    Specification: z.array(pair).min(1).describe('a list of [lo, hi] per level of the input'),
    Padding: z
      .union([z.number(), z.enum(METHODS)])
      .default(0)
      .describe('a number (the constant to pad with), "Fixed", "Reflected" or "Periodic"'),
  },
  inputs: ['Input'],
  infer(ctx) {
    const input = ctx.need('Input');
    if (input.index !== undefined) ctx.fail('needs real numbers, but "Input" is integer-valued', 'Input');
    const { dims } = input;
    const spec = ctx.params.Specification;
    if (spec.length !== dims.length) {
      ctx.fail(`has ${spec.length} pair${spec.length === 1 ? '' : 's'} {lo, hi}, but the input ${dims.length === 0 ? 'is a scalar' : `is ${formatDims(dims)}`}: give one per level`, 'Specification');
    }
    return { inputs: { Input: { dims } }, outputs: { Output: { dims: dims.map((d, i) => d + spec[i]![0] + spec[i]![1]) } }, arrays: {} };
  },
  layout: 'passthrough',
  forward({ params, inputs, shapes, channelsLast }) {
    let x = inputs.Input!;
    const dims = shapes.inputs.Input!.dims;
    const last = channelsLast.has('Input');
    const axes = params.Specification.map((p, i) => ({ axis: levelAxis(i + 1, dims.length, last), lo: p[0], hi: p[1], n: dims[i]! }));
    const method = params.Padding;
    if (typeof method === 'number') {
      if (axes.every((a) => a.lo === 0 && a.hi === 0)) return { Output: x };
      const pads = x.shape.map((): [number, number] => [0, 0]);
      for (const a of axes) pads[a.axis] = [a.lo, a.hi];
      return { Output: tf.pad(x, pads, method) };
    }
    for (const { axis, lo, hi, n } of axes) {
      if (lo === 0 && hi === 0) continue;
      const at = Array.from({ length: n + lo + hi }, (_, j) => source(method, j - lo, n));
      x = tf.gather(x, tf.tensor1d(at, 'int32'), axis) as Tensor;
    }
    return { Output: x };
  },
  examples: [
    { title: 'Specification={{1, 2}} Input={3}', layer: { Specification: [[1, 2]], Input: 3 } },
    { title: 'Specification={{0, 0}, {1, 1}, {2, 0}} Padding=0.5 Input={2, 2, 3}', layer: { Specification: [[0, 0], [1, 1], [2, 0]], Padding: 0.5, Input: [2, 2, 3] } },
    { title: 'Specification={{1, 0}, {0, 2}} Padding="Fixed" Input={2, 3}', layer: { Specification: [[1, 0], [0, 2]], Padding: 'Fixed', Input: [2, 3] } },
    { title: 'Specification={{0, 0}, {2, 1}, {1, 2}} Padding="Reflected" Input={2, 3, 3}', layer: { Specification: [[0, 0], [2, 1], [1, 2]], Padding: 'Reflected', Input: [2, 3, 3] } },
    { title: 'Specification={{4, 3}} Padding="Reflected" Input={3} (wider than the level)', layer: { Specification: [[4, 3]], Padding: 'Reflected', Input: 3 } },
    { title: 'Specification={{1, 1}, {3, 2}} Padding="Periodic" Input={2, 2}', layer: { Specification: [[1, 1], [3, 2]], Padding: 'Periodic', Input: [2, 2] } },
  ],
});
