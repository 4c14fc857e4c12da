import { tf } from '../backend/tf';
import { defineLayer } from './define';

/**
 * ConstantArrayLayer and NetArrayLayer (its newer name): no input; the output is the
 * learned array "Array", the same for every example of a batch.
 */
function arrayLayer(type: 'ConstantArrayLayer' | 'NetArrayLayer') {
  return defineLayer({
    type,
    // ConstantArrayLayer[a] is read as an extension: both pages document only "Array" -> a.
    wolfram: { positional: type === 'ConstantArrayLayer' ? ['Array'] : [], params: {} },
    params: {},
    arrays: [{ name: 'Array', init: 'array' }],
    inputs: [],
    infer(ctx) {
      const given = ctx.arrays.Array;
      const declared = ctx.declared.Output;
      const dims = given ?? declared?.dims ?? ctx.fail('has neither an "Array" nor an "Output" shape');
      return { inputs: {}, outputs: { Output: { dims } }, arrays: { Array: dims } };
    },
    forward({ arrays, batch }) {
      const a = arrays.Array!;
      return { Output: tf.broadcastTo(tf.expandDims(a, 0), [batch, ...a.shape]) };
    },
    examples: [
      { title: 'Array={2, 3}', layer: { Array: [[0.5, -1, 2], [0.25, 3, -0.75]] } },
      { title: 'Output={4}', layer: { Output: 4 } },
    ],
  });
}

export const ConstantArrayLayer = arrayLayer('ConstantArrayLayer');
export const NetArrayLayer = arrayLayer('NetArrayLayer');
