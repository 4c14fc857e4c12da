import { z } from 'zod';
import { tf } from '../backend/tf';
import { realInput } from './common';
import { defineLayer } from './define';

/**
 * BatchNormalizationLayer: Scaling (x - mean) / Sqrt[variance + Epsilon] + Biases, per
 * channel, the channel being the first dimension of the input (a vector {c} normalizes
 * each element). Which mean and variance depends on the evaluation's statistics
 * (ForwardContext, SEMANTICS.md "Evaluation mode during gradients"):
 * - 'moving' (netport's default, and every evaluation without gradients): MovingMean and
 *   MovingVariance, as Wolfram evaluates outside training. The per-channel factors are
 *   folded first, so the input sees one multiply and one add:
 *   y = x scale + shift with scale = Scaling / Sqrt[MovingVariance + Epsilon] and
 *   shift = Biases - MovingMean scale.
 * - 'batch' (Wolfram's under gradients: the paclet runs MXNet's forward pass in training
 *   mode, its BatchNorm with use_global_stats -> False): the mean and the biased variance
 *   of the batch given, per channel over the examples and every spatial position, with
 *   the gradient flowing through them. One example of a vector input then has variance 0
 *   and the output is Biases.
 * MovingMean and MovingVariance are auxiliary: they have no gradient and `All` skips them.
 * Momentum only matters for training, which netport does not do.
 */
export const BatchNormalizationLayer = defineLayer({
  type: 'BatchNormalizationLayer',
  wolfram: {
    positional: [],
    params: { Epsilon: 'real', Momentum: 'real' },
    // The paclet's definition (BatchNormalizationLayer.m): "Channels" is derived.
    internal: { derived: ['Channels'], fixed: { Interleaving: 'False' } },
  },
  params: {
    Epsilon: z.number().positive().default(0.001).describe('a positive number'),
    Momentum: z.number().min(0).max(1).default(0.9).describe('a number between 0 and 1'),
  },
  arrays: [
    { name: 'Scaling', init: 'ones' },
    { name: 'Biases', init: 'zeros' },
    { name: 'MovingMean', init: 'zeros', aux: true },
    { name: 'MovingVariance', init: 'ones', aux: true, nonNegative: true },
  ],
  inputs: ['Input'],
  infer(ctx) {
    const input = realInput(ctx, 'Input', 1);
    const channels = input.dims[0]!;
    return {
      inputs: { Input: input },
      outputs: { Output: input },
      arrays: { Scaling: [channels], Biases: [channels], MovingMean: [channels], MovingVariance: [channels] },
    };
  },
  // Elementwise but for its per-channel factors, so a tensor that a spatial layer left
  // channel-last stays so (the channel is then the last axis).
  layout: 'passthrough',
  forward({ params, inputs, arrays, channelsLast, statistics }) {
    const x = inputs.Input!;
    if (statistics === 'batch') return { Output: batchStatistics(x, arrays, params.Epsilon, channelsLast.has('Input')) };
    let scale = tf.div(arrays.Scaling!, tf.sqrt(tf.add(arrays.MovingVariance!, params.Epsilon)));
    let shift = tf.sub(arrays.Biases!, tf.mul(arrays.MovingMean!, scale));
    if (x.rank > 2 && !channelsLast.has('Input')) {
      // [N, C, d1, ...]: the factors broadcast as [C, 1, ...].
      const shape = [scale.shape[0]!, ...Array<number>(x.rank - 2).fill(1)];
      scale = tf.reshape(scale, shape);
      shift = tf.reshape(shift, shape);
    }
    return { Output: tf.add(tf.mul(x, scale), shift) };
  },
  examples: [
    {
      title: 'Input={3} (rank 1)',
      layer: { Input: 3, Scaling: [1.5, -0.5, 2], Biases: [0.1, -0.2, 0.3], MovingMean: [0.2, -0.4, 0.1], MovingVariance: [0.5, 2, 1.2] },
    },
    {
      title: 'Input={2, 3} (rank 2)',
      layer: { Input: [2, 3], Scaling: [0.8, -1.2], Biases: [0.25, -0.5], MovingMean: [0.3, -0.1], MovingVariance: [1.5, 0.7] },
    },
    {
      title: 'Epsilon=0.1 Input={3, 2, 2} (rank 3)',
      layer: { Epsilon: 0.1, Input: [3, 2, 2], Scaling: [1.1, 0.6, -0.9], Biases: [0, 0.4, -0.3], MovingMean: [-0.2, 0.5, 0], MovingVariance: [0.3, 1, 2.5] },
    },
    {
      title: 'Input={2, 2, 3, 2} (rank 4)',
      layer: { Input: [2, 2, 3, 2], Scaling: [0.7, 1.3], Biases: [-0.1, 0.2], MovingMean: [0.05, -0.3], MovingVariance: [0.9, 0.4] },
    },
    { title: 'initialized arrays Input={4, 3}', layer: { Input: [4, 3] } },
  ],
});

/** Normalization with the batch's own statistics (see the layer's comment). */
function batchStatistics(x: tf.Tensor, arrays: Readonly<Record<string, tf.Tensor | null>>, epsilon: number, last: boolean): tf.Tensor {
  // The channel axis: 1 for [N, C, d1, ...] and [N, C], the last for a channel-last tensor.
  const channel = last ? x.rank - 1 : 1;
  const axes = Array.from({ length: x.rank }, (_, i) => i).filter((i) => i !== channel);
  const shape = Array.from({ length: x.rank }, (_, i) => (i === channel ? x.shape[channel]! : 1));
  const mean = tf.mean(x, axes, true);
  const centered = tf.sub(x, mean);
  const variance = tf.mean(tf.square(centered), axes, true);
  const scale = tf.div(tf.reshape(arrays.Scaling!, shape), tf.sqrt(tf.add(variance, epsilon)));
  return tf.add(tf.mul(centered, scale), tf.reshape(arrays.Biases!, shape));
}
