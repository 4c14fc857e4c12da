import { z } from 'zod';
import { tf } from '../backend/tf';
import { realInput } from './common';
import { defineLayer } from './define';

/**
 * BatchNormalizationLayer with its moving statistics, as Wolfram evaluates it outside
 * training: Scaling (x - MovingMean) / Sqrt[MovingVariance + Epsilon] + Biases, per
 * channel, the channel being the first dimension of the input (a vector {c} normalizes
 * each element). netport uses the moving statistics for gradients too (SEMANTICS.md);
 * Wolfram 12.x may use the batch's statistics there (WOLFRAM-NOTES.md section 5,
 * unconfirmed). MovingMean and MovingVariance are auxiliary: they have no gradient and
 * `All` skips them. Momentum only matters for training, which netport does not do.
 *
 * The per-channel factors are folded first, so the input sees one multiply and one add:
 * y = x scale + shift with scale = Scaling / Sqrt[MovingVariance + Epsilon] and
 * shift = Biases - MovingMean scale.
 */
export const BatchNormalizationLayer = defineLayer({
  type: 'BatchNormalizationLayer',
  wolfram: { positional: [], params: { Epsilon: 'real', Momentum: 'real' } },
  params: {
    Epsilon: z.number().positive().default(0.001).describe('a positive number'),
    Momentum: z.number().min(0).max(1).default(0.9).describe('a number between 0 and 1'),
  },
  arrays: [
    { name: 'Scaling', init: 'ones' },
    { name: 'Biases', init: 'zeros' },
    { name: 'MovingMean', init: 'zeros', aux: true },
    { name: 'MovingVariance', init: 'ones', aux: true },
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
  forward({ params, inputs, arrays, channelsLast }) {
    const x = inputs.Input!;
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
