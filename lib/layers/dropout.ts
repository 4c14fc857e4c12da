import { z } from 'zod';
import { realInput } from './common';
import { defineLayer } from './define';

/**
 * DropoutLayer: the identity, as Wolfram evaluates it outside training. Wolfram 12.x
 * computes NetPortGradient in inference mode too (WOLFRAM-NOTES.md section 5), so no
 * element is ever dropped; `DropoutProbability` is validated and otherwise unused.
 */
export const DropoutLayer = defineLayer({
  type: 'DropoutLayer',
  // The paclet's Dropout.m (12.x): "DropoutProbability" and "Method" ("Dropout" or "AlphaDropout"; netport has the first).
  wolfram: { positional: ['DropoutProbability'], params: { DropoutProbability: 'real' }, internal: { fixed: { Method: '"Dropout"' } } },
  params: {
    DropoutProbability: z.number().min(0).lt(1).default(0.5).describe('a number p with 0 <= p < 1'),
  },
  inputs: ['Input'],
  infer(ctx) {
    const input = realInput(ctx);
    return { inputs: { Input: input }, outputs: { Output: input }, arrays: {} };
  },
  layout: 'passthrough',
  forward({ inputs }) {
    return { Output: inputs.Input! };
  },
  examples: [
    { title: 'Input={3}', layer: { Input: 3 } },
    { title: 'DropoutProbability=0.2 Input={2, 3, 4}', layer: { DropoutProbability: 0.2, Input: [2, 3, 4] } },
    { title: 'Input=Real', layer: { Input: 'Real' } },
  ],
});
