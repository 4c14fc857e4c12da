import { z } from 'zod';
import { tf } from '../backend/tf';
import { formatDims, volume } from '../shapes';
import { defineLayer } from './define';

/**
 * FlattenLayer: Wolfram's `Flatten[x, n]` on each example, row-major (as TensorFlow.js's
 * reshape is). `n` merges the first n + 1 levels, `-n` the last n + 1, `Infinity` (the
 * default) all of them. Wolfram refuses level 0 and levels the input does not have.
 * Integers pass through with their range, as in Wolfram.
 */
export const FlattenLayer = defineLayer({
  type: 'FlattenLayer',
  // The paclet's Flatten.m: "Level" (12.x); 11.x copies also derive "OutputSize" and 11.0 "Dimensions" (read past).
  wolfram: { positional: ['Level'], params: { Level: 'levelOrInfinity' }, internal: { derived: ['OutputSize', 'Dimensions'] } },
  params: {
    Level: z
      .union([z.number().int().refine((n) => n !== 0, 'level 0 is not allowed (Wolfram: "level specification should be a non-zero integer")'), z.literal('Infinity')])
      .default('Infinity')
      .describe('a non-zero integer n (merge the first n + 1 levels; -n: the last n + 1) or "Infinity" (everything)'),
  },
  inputs: ['Input'],
  infer(ctx) {
    const input = ctx.need('Input');
    const { dims } = input;
    const level = ctx.params.Level;
    if (dims.length === 0) ctx.fail('needs an array, but "Input" is a scalar');
    let out: number[];
    if (level === 'Infinity') out = [volume(dims)];
    else {
      if (Math.abs(level) >= dims.length) {
        ctx.fail(`is ${level}, which merges ${Math.abs(level) + 1} levels, but the input ${formatDims(dims)} has ${dims.length}`, 'Level');
      }
      const k = Math.abs(level) + 1;
      out = level > 0 ? [volume(dims.slice(0, k)), ...dims.slice(k)] : [...dims.slice(0, dims.length - k), volume(dims.slice(dims.length - k))];
    }
    const output = input.index === undefined ? { dims: out } : { dims: out, index: input.index };
    return { inputs: { Input: input }, outputs: { Output: output }, arrays: {} };
  },
  forward({ inputs, shapes }) {
    const x = inputs.Input!;
    return { Output: tf.reshape(x, [x.shape[0]!, ...shapes.outputs.Output!.dims]) };
  },
  examples: [
    { title: 'Input={2, 3, 2}', layer: { Input: [2, 3, 2] } },
    { title: 'Level=1 Input={2, 3, 2}', layer: { Level: 1, Input: [2, 3, 2] } },
    { title: 'Level=-1 Input={2, 3, 2}', layer: { Level: -1, Input: [2, 3, 2] } },
    { title: 'Level="Infinity" Input={4}', layer: { Level: 'Infinity', Input: 4 } },
  ],
});
