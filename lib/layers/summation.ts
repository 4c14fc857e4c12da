import { tf } from '../backend/tf';
import { realInput } from './common';
import { defineLayer } from './define';

/** SummationLayer: the sum of every element of one example, a scalar. */
export const SummationLayer = defineLayer({
  type: 'SummationLayer',
  // The paclet's Summation.m (11.0): no parameters but "Dimensions", derived from the input (read past).
  wolfram: { positional: [], params: {}, internal: { derived: ['Dimensions'] } },
  params: {},
  inputs: ['Input'],
  infer(ctx) {
    return { inputs: { Input: realInput(ctx) }, outputs: { Output: { dims: [] } }, arrays: {} };
  },
  forward({ inputs }) {
    const x = inputs.Input!;
    return { Output: x.rank === 1 ? tf.clone(x) : tf.sum(x, Array.from({ length: x.rank - 1 }, (_, i) => i + 1)) };
  },
  examples: [
    { title: 'Input={2, 3}', layer: { Input: [2, 3] } },
    { title: 'Input={4}', layer: { Input: 4 } },
  ],
});
