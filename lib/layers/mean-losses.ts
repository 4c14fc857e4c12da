import type { Tensor } from '@tensorflow/tfjs-core';
import { tf } from '../backend/tf';
import { formatDims, sameDims } from '../shapes';
import { meanPerExample, realInput } from './common';
import { defineLayer } from './define';

/** A loss comparing "Input" with a "Target" of the same shape, averaged per example. */
function regressionLoss(type: 'MeanSquaredLossLayer' | 'MeanAbsoluteLossLayer', f: (d: Tensor) => Tensor) {
  return defineLayer({
    type,
    params: {},
    inputs: ['Input', 'Target'],
    outputs: ['Loss'],
    infer(ctx) {
      const input = realInput(ctx);
      const target = ctx.inputs.Target;
      if (target && !sameDims(target.dims, input.dims)) {
        ctx.fail(`has dimensions ${formatDims(target.dims)}, but "Input" has ${formatDims(input.dims)}`, 'Target');
      }
      return { inputs: { Input: input, Target: input }, outputs: { Loss: { dims: [] } }, arrays: {} };
    },
    forward({ inputs }) {
      return { Loss: meanPerExample(f(tf.sub(inputs.Input!, inputs.Target!))) };
    },
    examples: [
      { title: 'Input={3}', layer: { Input: 3 } },
      { title: 'Input={2, 2}', layer: { Input: [2, 2] } },
      { title: 'Input=Real', layer: { Input: 'Real' } },
    ],
  });
}

/** MeanSquaredLossLayer: the mean of (x - t)^2 over all elements of one example. */
export const MeanSquaredLossLayer = regressionLoss('MeanSquaredLossLayer', (d) => tf.square(d));
/** MeanAbsoluteLossLayer: the mean of |x - t| over all elements of one example. */
export const MeanAbsoluteLossLayer = regressionLoss('MeanAbsoluteLossLayer', (d) => tf.abs(d));

