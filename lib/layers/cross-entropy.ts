import type { Tensor } from '@tensorflow/tfjs-core';
import { z } from 'zod';
import { tf } from '../backend/tf';
import { meanPerExample, realInput, resolveLevel } from './common';
import { defineLayer } from './define';

/** $MachineEpsilon: Wolfram keeps the cross-entropy's logs finite with it. */
const EPS = 2.220446049250313e-16;

/** "Index" and "Probabilities": Log[Max[x, eps]] (the paclet's own formulation). */
const clampedLog = (x: Tensor) => tf.log(tf.maximum(x, EPS));
/** "Binary" adds eps inside the log instead of clamping (the paclet's own formulation). */
const shiftedLog = (x: Tensor) => tf.log(tf.add(x, EPS));

/**
 * CrossEntropyLossLayer takes probabilities, never logits. "Binary" is
 * -(t Log[x + eps] + (1 - t) Log[1 - x + eps]) averaged over all elements, "Index" and "Probabilities" over the positions other than the class
 * dimension (the last). When a SoftmaxLayer over the last level feeds "Input" directly,
 * Wolfram fuses the two into a log-softmax: logits {1000, 1, 2} with target 3 give a
 * loss of 998 (not the clamped 36.04) and the finite gradient {1, 0, -1}.
 */
export const CrossEntropyLossLayer = defineLayer({
  type: 'CrossEntropyLossLayer',
  wolfram: { positional: ['TargetForm'], params: { TargetForm: 'targetForm' } },
  params: {
    TargetForm: z.enum(['Binary', 'Index', 'Probabilities']).describe('"Binary", "Index" or "Probabilities"'),
  },
  inputs: ['Input', 'Target'],
  outputs: ['Loss'],
  infer(ctx) {
    const form = ctx.params.TargetForm;
    const input = form === 'Binary' ? realInput(ctx) : realInput(ctx, 'Input', 1);
    const target =
      form === 'Index'
        ? { dims: input.dims.slice(0, -1), index: input.dims[input.dims.length - 1] as number }
        : { dims: input.dims };
    return { inputs: { Input: input, Target: target }, outputs: { Loss: { dims: [] } }, arrays: {} };
  },
  forward({ params, inputs, shapes, fused }) {
    const x = inputs.Input!;
    const t = inputs.Target!;
    if (params.TargetForm === 'Binary') {
      const oneMinus = (a: Tensor) => tf.sub(1, a);
      const terms = tf.add(tf.mul(t, shiftedLog(x)), tf.mul(oneMinus(t), shiftedLog(oneMinus(x))));
      return { Loss: tf.neg(meanPerExample(terms)) };
    }
    const logp = fused.has('Input') ? tf.logSoftmax(x) : clampedLog(x);
    const classes = shapes.inputs.Input!.dims.at(-1)!;
    // One-hot instead of gather: gather's gradient (UnsortedSegmentSum) is missing on
    // some backends, and the multiply costs nothing next to the log.
    const weights = params.TargetForm === 'Index' ? tf.oneHot(tf.sub(t, tf.scalar(1, 'int32')), classes) : t;
    const perPosition = tf.sum(tf.mul(weights, logp), -1);
    return { Loss: tf.neg(meanPerExample(perPosition)) };
  },
  fuse: {
    input: 'Input',
    producer: 'SoftmaxLayer',
    when: (softmax, ce) => {
      const rank = softmax.shapes.inputs.Input!.dims.length;
      return ce.params.TargetForm !== 'Binary' && resolveLevel(softmax.params.Level, rank) === rank;
    },
  },
  examples: [
    { title: 'TargetForm=Binary Input={4}', layer: { TargetForm: 'Binary', Input: 4 }, ranges: { Input: [0.05, 0.95] as const, Target: [0, 1] as const } },
    { title: 'TargetForm=Binary Input=Real', layer: { TargetForm: 'Binary', Input: 'Real' }, ranges: { Input: [0.05, 0.95] as const, Target: [0, 1] as const } },
    { title: 'TargetForm=Index Input={5}', layer: { TargetForm: 'Index', Input: 5 }, ranges: { Input: [0.05, 1] as const } },
    { title: 'TargetForm=Index Input={3, 4}', layer: { TargetForm: 'Index', Input: [3, 4] }, ranges: { Input: [0.05, 1] as const } },
    { title: 'TargetForm=Probabilities Input={2, 3}', layer: { TargetForm: 'Probabilities', Input: [2, 3] }, ranges: { Input: [0.05, 1] as const, Target: [0, 1] as const } },
  ],
});
