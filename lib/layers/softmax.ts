import { tf } from '../backend/tf';
import { formatDims } from '../shapes';
import { level, range, realInput, resolveLevel } from './common';
import { defineLayer } from './define';

/**
 * SoftmaxLayer normalizes over one level, the last by default. TensorFlow.js's softmax
 * only works on the last axis, so another level is transposed there and back.
 */
export const SoftmaxLayer = defineLayer({
  type: 'SoftmaxLayer',
  wolfram: { positional: ['Level'], params: { Level: 'int' } },
  params: { Level: level().default(-1) },
  inputs: ['Input'],
  infer(ctx) {
    const input = realInput(ctx, 'Input', 1);
    if (resolveLevel(ctx.params.Level, input.dims.length) === undefined) {
      ctx.fail(`is ${ctx.params.Level}, but the input ${formatDims(input.dims)} has ${input.dims.length} level${input.dims.length === 1 ? '' : 's'}`, 'Level');
    }
    return { inputs: { Input: input }, outputs: { Output: input }, arrays: {} };
  },
  forward({ params, inputs, shapes }) {
    const x = inputs.Input!;
    const rank = shapes.inputs.Input!.dims.length;
    const axis = resolveLevel(params.Level, rank)!;
    if (axis === rank) return { Output: tf.softmax(x) };
    const perm = [...range(0, axis), ...range(axis + 1, rank + 1), axis];
    const inverse = perm.map((_, i) => perm.indexOf(i));
    return { Output: tf.transpose(tf.softmax(tf.transpose(x, perm)), inverse) };
  },
  examples: [
    { title: 'Input={5}', layer: { Input: 5 } },
    { title: 'Input={3, 4}', layer: { Input: [3, 4] } },
    { title: 'Level=1 Input={3, 4}', layer: { Level: 1, Input: [3, 4] } },
  ],
});
