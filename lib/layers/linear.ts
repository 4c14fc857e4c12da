import { tf } from '../backend/tf';
import { volume } from '../shapes';
import { denseWeightsAsIs, realInput, WEIGHTS_AND_BIASES } from './common';
import { defineLayer } from './define';
import { z } from 'zod';

/**
 * LinearLayer: y = W.x + b with Wolfram's `Weights` {out, in} (TensorFlow.js's dense
 * layers store the transpose, and so does the net between evaluations on wasm and cpu;
 * see denseWeightsAsIs). An input of rank > 1 is flattened row-major first and an
 * output spec `{n1, n2}` reshapes the result row-major.
 */
export const LinearLayer = defineLayer({
  type: 'LinearLayer',
  wolfram: {
    positional: ['OutputDimensions'],
    params: { OutputDimensions: 'dims' },
    // As a 13.0.3 .wlnet shows it: OutputDimensions always a list, and the sizes derived from the shapes.
    internal: {
      write: (p): Record<string, number[]> => (p.OutputDimensions === undefined ? {} : { OutputDimensions: [p.OutputDimensions as number | number[]].flat() }),
      derive: ({ inputs, outputs }) => ({
        $OutputSize: volume(outputs.Output!.dims),
        $InputSize: volume(inputs.Input!.dims),
        $InputDimensions: [...inputs.Input!.dims],
      }),
    },
  },
  params: {
    OutputDimensions: z
      .union([z.number().int().positive(), z.array(z.number().int().positive()).min(1)])
      .optional()
      .describe('a positive integer or a list of positive integers'),
  },
  arrays: WEIGHTS_AND_BIASES,
  inputs: ['Input'],
  infer(ctx) {
    const { params, arrays } = ctx;
    const weights = arrays.Weights;
    const input =
      ctx.inputs.Input === undefined && weights && weights.length === 2
        ? { dims: [weights[1] as number] }
        : realInput(ctx);
    const n = volume(input.dims);
    let out: number[] | undefined =
      params.OutputDimensions === undefined
        ? undefined
        : typeof params.OutputDimensions === 'number'
          ? [params.OutputDimensions]
          : [...params.OutputDimensions];
    if (!out && weights && weights.length === 2) out = [weights[0] as number];
    if (!out && arrays.Biases) out = [...arrays.Biases];
    if (!out) return ctx.fail('has no "OutputDimensions" and no "Weights" to infer it from');
    const m = volume(out);
    return {
      inputs: { Input: input },
      outputs: { Output: { dims: out } },
      arrays: { Weights: [m, n], Biases: arrays.Biases === null ? null : [m] },
    };
  },
  forward({ inputs, arrays, shapes }) {
    const x = inputs.Input!;
    const n = shapes.arrays.Weights![1]!;
    const batch = x.shape[0]!;
    const flat = x.rank === 2 ? x : tf.reshape(x, [batch, n]);
    // Weights arrive as [in, out] (see WEIGHTS_AND_BIASES): x.W^T with no transpose flag,
    // the fast path of wasm and cpu (and on wasm, XNNPACK keeps the packed weights); on
    // tensorflow as Wolfram's {out, in}, multiplied with a transpose flag.
    let y = tf.matMul(flat, arrays.Weights!, false, denseWeightsAsIs());
    if (arrays.Biases) y = tf.add(y, arrays.Biases);
    const outDims = shapes.outputs.Output!.dims;
    return { Output: outDims.length === 1 ? y : tf.reshape(y, [batch, ...outDims]) };
  },
  examples: [
    { title: 'OutputDimensions=3 Input={4}', layer: { OutputDimensions: 3, Input: 4 } },
    { title: 'OutputDimensions={2, 2} Input={2, 3}', layer: { OutputDimensions: [2, 2], Input: [2, 3] } },
    { title: 'OutputDimensions=2 Biases=None Input=Real', layer: { OutputDimensions: 2, Biases: null, Input: 'Real' } },
  ],
});
