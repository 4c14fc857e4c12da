import type { Tensor } from '@tensorflow/tfjs-core';
import { z } from 'zod';
import { tf } from '../backend/tf';
import { volume } from '../shapes';
import { realInput } from './common';
import { defineLayer } from './define';

/**
 * LocalResponseNormalizationLayer[] (reference page, and the paclet's MXNet LRN with
 * nsize 2c + 1): each channel i of the input {channels, ...} is divided by
 *   (Alpha / (2c + 1) Sum[x_j^2, {j, Max[1, i - c], Min[channels, i + c]}] + Bias)^Beta
 * with c = ChannelWindowSize: the sum is clipped at the edges, the divisor 2c + 1 is not.
 * Wolfram's input is a rank-3 array; netport takes any rank >= 1 (the channel is the
 * first dimension). The page warns that the channels must number at least 2c + 1; netport
 * refuses fewer.
 *
 * tf.localResponseNormalization computes the same thing (with alpha / (2c + 1)) but only
 * on 4-D channel-last tensors, so it would need a transpose each way; the window sum is
 * written out instead, for any rank: the squares padded with c zero channels on each
 * side, and the 2c + 1 shifted slices added (slice, pad and add have gradients everywhere).
 */
export const LocalResponseNormalizationLayer = defineLayer({
  type: 'LocalResponseNormalizationLayer',
  wolfram: { positional: [], params: { ChannelWindowSize: 'int', Alpha: 'real', Beta: 'real', Bias: 'real' } },
  params: {
    ChannelWindowSize: z.number().int().nonnegative().default(2).describe('c: the window is 2c + 1 channels'),
    Alpha: z.number().default(1).describe('a number'),
    Beta: z.number().default(0.5).describe('a number'),
    Bias: z.number().default(1).describe('a number'),
  },
  inputs: ['Input'],
  infer(ctx) {
    const input = realInput(ctx, 'Input', 1);
    const c = ctx.params.ChannelWindowSize;
    const channels = input.dims[0]!;
    if (channels < 2 * c + 1) {
      ctx.fail(`is ${c}, a window of ${2 * c + 1} channels, but the input has ${channels} channel${channels === 1 ? '' : 's'}`, 'ChannelWindowSize');
    }
    return { inputs: { Input: input }, outputs: { Output: input }, arrays: {} };
  },
  forward({ params, inputs, shapes }) {
    const x = inputs.Input!;
    const dims = shapes.inputs.Input!.dims;
    const n = x.shape[0]!;
    const channels = dims[0]!;
    const rest = volume(dims.slice(1));
    const c = params.ChannelWindowSize;
    const squares = tf.pad(tf.reshape(tf.square(x), [n, channels, rest]), [[0, 0], [c, c], [0, 0]]);
    let sum: Tensor = tf.slice(squares, [0, 0, 0], [n, channels, rest]);
    for (let k = 1; k <= 2 * c; k++) sum = tf.add(sum, tf.slice(squares, [0, k, 0], [n, channels, rest]));
    const d = tf.add(tf.mul(sum, params.Alpha / (2 * c + 1)), params.Bias);
    return { Output: tf.mul(x, tf.reshape(tf.pow(d, -params.Beta), x.shape)) };
  },
  examples: [
    { title: 'Input={5, 2, 2} (defaults)', layer: { Input: [5, 2, 2] } },
    { title: 'ChannelWindowSize=1 Alpha=2 Beta=0.75 Bias=0.5 Input={4, 3}', layer: { ChannelWindowSize: 1, Alpha: 2, Beta: 0.75, Bias: 0.5, Input: [4, 3] } },
    { title: 'ChannelWindowSize=0 Input={2, 2, 2}', layer: { ChannelWindowSize: 0, Alpha: 0.5, Input: [2, 2, 2] } },
    { title: 'ChannelWindowSize=3 Beta=1 Input={7} (rank 1)', layer: { ChannelWindowSize: 3, Beta: 1, Input: 7 } },
  ],
});
