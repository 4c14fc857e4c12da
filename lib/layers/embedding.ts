import type { Tensor } from '@tensorflow/tfjs-core';
import { z } from 'zod';
import { tf } from '../backend/tf';
import { formatType, type PortType } from '../shapes';
import { defineLayer } from './define';

/**
 * EmbeddingLayer[size, n]: each integer 1..n of the input picks a row of `Weights`
 * {n, size}; the output appends a dimension of `size`. Wolfram's first positional
 * argument is the output size, the second the class count (the reverse of Keras).
 *
 * The input is integer-valued: its type is `{"Index": n, "Dimensions": [...]}`. A shape
 * declared without "Index" ("Input": 4, [2, 3], "Real") gives the dimensions only, as in
 * Wolfram, where `"Input" -> 4` is a vector of 4 integers here; "Real" is one integer.
 * Data outside 1..n is refused (`invalid_data`), and the input has no gradient
 * (`integer_gradient`).
 */
export const EmbeddingLayer = defineLayer({
  type: 'EmbeddingLayer',
  wolfram: { positional: ['OutputDimension', 'ClassCount'], params: { OutputDimension: 'posInt', ClassCount: 'posInt' } },
  params: {
    OutputDimension: z.number().int().positive().optional().describe('a positive integer (the size of each embedding vector)'),
    ClassCount: z.number().int().positive().optional().describe('a positive integer (the number of classes n; the input takes 1..n)'),
  },
  arrays: [{ name: 'Weights', init: 'weights' }],
  inputs: ['Input'],
  infer(ctx) {
    const { params, arrays } = ctx;
    const weights = arrays.Weights ?? undefined;
    const given = ctx.inputs.Input ?? ctx.need('Input');
    const classes =
      params.ClassCount ?? weights?.[0] ?? given.index ?? ctx.fail('has no "ClassCount", no "Weights" and no "Index" input type to infer it from');
    const size = params.OutputDimension ?? weights?.[1] ?? ctx.fail('has no "OutputDimension" and no "Weights" to infer it from');
    if (given.index !== undefined && given.index !== classes) {
      ctx.fail(`is ${formatType(given)}, but the layer has ${classes} classes`, 'Input');
    }
    const input: PortType = { dims: given.dims, index: classes };
    return {
      inputs: { Input: input },
      outputs: { Output: { dims: [...given.dims, size] } },
      arrays: { Weights: [classes, size] },
    };
  },
  forward({ inputs, arrays }) {
    return { Output: lookup(inputs.Input!, arrays.Weights!) };
  },
  examples: [
    { title: 'OutputDimension=3 ClassCount=5 Input={"Index": 5, "Dimensions": [4]}', layer: { OutputDimension: 3, ClassCount: 5, Input: { Index: 5, Dimensions: [4] } } },
    { title: 'OutputDimension=2 ClassCount=3 Input={2, 3}', layer: { OutputDimension: 2, ClassCount: 3, Input: [2, 3] } },
    { title: 'OutputDimension=4 ClassCount=6 Input=Real (one integer)', layer: { OutputDimension: 4, ClassCount: 6, Input: 'Real' } },
    { title: 'OutputDimension=2 ClassCount=300 Input={6} (gather where it is faster)', layer: { OutputDimension: 2, ClassCount: 300, Input: 6 } },
    { title: 'Weights={3, 2} Input={"Index": 3, "Dimensions": [5]}', layer: { Weights: [[0.5, -1], [2, 0.25], [-0.75, 1.5]], Input: { Index: 3, Dimensions: [5] } } },
  ],
});

/**
 * From this many classes on, gather beats one-hot . weights where gather's gradient
 * (UnsortedSegmentSum) is a real kernel. Measured on wasm with netport's kernels
 * (64-wide rows, 256 indices, forward and weight gradient): one-hot 1.57 ms against
 * gather 1.93 ms at 200 classes, 1.66 against 1.14 at 300, 56 against 8.4 at 10000.
 */
const GATHER_FROM = 256;

/**
 * Rows of `weights` ({n, size}) picked by 1-based `indices` ([N, ...]). Small class
 * counts, and backends without a usable UnsortedSegmentSum, use oneHot(indices - 1) .
 * weights: exact (each output is one weight times 1 plus zeros), and its gradient is a
 * matMul, which accumulates repeated indices and which every backend has. Otherwise
 * gather, whose gradient scatters (and accumulates) the output gradient into the rows.
 */
function lookup(indices: Tensor, weights: Tensor): Tensor {
  const [n, size] = weights.shape as [number, number];
  const zeroBased = tf.sub(indices, tf.scalar(1, 'int32'));
  if (n >= GATHER_FROM && fastGatherGradient()) return tf.gather(weights, zeroBased);
  const hot = tf.oneHot(tf.reshape(zeroBased, [-1]), n);
  return tf.reshape(tf.matMul(hot, weights), [...indices.shape, size]);
}

/**
 * Whether gather's gradient is fast on the active backend: stock wasm has no
 * UnsortedSegmentSum (netport's wasm kernels add one), and cpu's loops over every class
 * for every index (measured: 12.8 s against one-hot's 0.64 s at 3000 classes). The
 * tensorflow backend is not measured here, so it keeps the one-hot form.
 */
function fastGatherGradient(): boolean {
  return tf.getBackend() === 'wasm' && tf.getKernel('UnsortedSegmentSum', 'wasm') !== undefined;
}
