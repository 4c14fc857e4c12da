import { z } from 'zod';
import { tf } from '../backend/tf';
import { levelSet, single } from './aggregation';
import { range } from './common';
import { defineLayer } from './define';

/**
 * ParametricRampLayer[levels]: x where x > 0, Slope x elsewhere (a leaky ramp whose slope
 * is learned). The slope varies along the given levels of the input and is shared along
 * the others: "Slope" has the input's dimensions at those levels, in order (level 1, the
 * channels, by default; `{}` is one slope for everything). Wolfram initializes it to 0.1.
 *
 * The JSON name of the level specification, "Levels", is netport's: the reference page
 * writes it only as the positional argument, and the paclet's parameter name was not
 * found (WOLFRAM-NOTES.md section 12).
 *
 * It takes its input as it comes: after a spatial layer the channels (level 1) are the
 * last axis, and the slope is laid out to match.
 */
export const ParametricRampLayer = defineLayer({
  type: 'ParametricRampLayer',
  wolfram: {
    positional: ['Levels'],
    params: { Levels: 'levels' },
    // The paclet's ParametricRamp.m (12.x) has no parameter but the derived "$Channels" (a
    // slope per channel, netport's default Levels 1), so the default is not written; the
    // 13.x name of the levels parameter was not found, netport's "Levels" is written otherwise.
    internal: { write: (p) => (p.Levels === 1 ? { Levels: undefined } : {}) },
  },
  params: {
    Levels: z
      .union([single, z.array(single)])
      .default(1)
      .describe('a level n (negative from the end), "All", a span "i;;j", or a list of these ([] is one slope for all elements)'),
  },
  arrays: [{ name: 'Slope', init: 0.1 }],
  inputs: ['Input'],
  infer(ctx) {
    const input = ctx.need('Input');
    if (input.index !== undefined) ctx.fail('needs real numbers, but "Input" is integer-valued', 'Input');
    const rank = input.dims.length;
    const levels = levelSet(ctx, ctx.params.Levels, rank);
    return {
      inputs: { Input: { dims: input.dims } },
      outputs: { Output: { dims: input.dims } },
      arrays: { Slope: levels.map((l) => input.dims[l - 1]!) },
      plan: levels,
    };
  },
  layout: 'passthrough',
  forward({ inputs, arrays, shapes, plan: levels, channelsLast }) {
    const x = inputs.Input!;
    const dims = shapes.inputs.Input!.dims;
    // The slope broadcast over the example: its own sizes at its levels, 1 elsewhere.
    let slope = tf.reshape(arrays.Slope!, dims.map((d, i) => (levels.includes(i + 1) ? d : 1)));
    if (channelsLast.has('Input') && dims.length >= 2) slope = tf.transpose(slope, [...range(1, dims.length), 0]);
    // x for x > 0, Slope x below: Ramp[x] - Slope Ramp[-x].
    return { Output: tf.sub(tf.relu(x), tf.mul(tf.expandDims(slope, 0), tf.relu(tf.neg(x)))) };
  },
  examples: [
    { title: 'Input={3} (default level 1)', layer: { Input: 3, Slope: [0.1, -0.5, 2] } },
    { title: 'Input={2, 3, 2} (one slope per channel)', layer: { Input: [2, 3, 2], Slope: [0.3, 1.5] } },
    { title: 'Levels={} Input={2, 3}', layer: { Levels: [], Input: [2, 3], Slope: { Dimensions: [], Data: [0.25] } } },
    { title: 'Levels=2;;3 Input={2, 3, 2}', layer: { Levels: '2;;3', Input: [2, 3, 2] } },
    { title: 'Levels={1, -1} Input={2, 2, 3}', layer: { Levels: [1, -1], Input: [2, 2, 3] } },
    { title: 'Levels=All Input={2, 3}', layer: { Levels: 'All', Input: [2, 3] } },
  ],
});
