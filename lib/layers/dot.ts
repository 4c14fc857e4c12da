import type { Tensor } from '@tensorflow/tfjs-core';
import { tf } from '../backend/tf';
import { formatDims, volume } from '../shapes';
import { defineLayer } from './define';

/**
 * DotLayer: Wolfram's `Dot[Input1, Input2, ...]` on each example, applied left to right.
 * Each step contracts the last level of the left array with the first level of the right
 * one: dimensions `Join[Most[a], Rest[b]]`. Each step is one batched matMul of the rank-3
 * views [batch, Times @@ Most[a], k] and [batch, k, Times @@ Rest[b]], with no transpose
 * flags (on wasm a flagged matMul is many times slower than the plain one).
 */
export const DotLayer = defineLayer({
  type: 'DotLayer',
  params: {},
  inputs: { variadic: 2 },
  infer(ctx) {
    const ports = Object.keys(ctx.inputs);
    if (ports.length < 2) ctx.fail(`needs at least 2 inputs, but has ${ports.length}`);
    const types = ports.map((p) => ctx.need(p));
    types.forEach((t, i) => {
      if (t.index !== undefined || t.dims.length === 0) {
        ctx.fail(`needs arrays of real numbers of rank at least 1, but "${ports[i]}" is ${t.index !== undefined ? 'integer-valued' : 'a scalar'}`);
      }
    });
    let dims = types[0]!.dims;
    types.slice(1).forEach((t, i) => {
      if (dims[dims.length - 1] !== t.dims[0]) {
        const left = i === 0 ? `"${ports[0]}" ${formatDims(dims)}` : `the product ${ports.slice(0, i + 1).map((p) => `"${p}"`).join(' . ')} ${formatDims(dims)}`;
        ctx.fail(`cannot take the dot product of ${left} and "${ports[i + 1]}" ${formatDims(t.dims)}: the last dimension of the one must equal the first of the other`);
      }
      dims = [...dims.slice(0, -1), ...t.dims.slice(1)];
    });
    return { inputs: Object.fromEntries(ports.map((p, i) => [p, { dims: types[i]!.dims }])), outputs: { Output: { dims } }, arrays: {} };
  },
  forward({ inputs, shapes }) {
    const ports = Object.keys(inputs);
    const n = inputs[ports[0]!]!.shape[0]!;
    let acc: Tensor = inputs[ports[0]!]!;
    let dims = shapes.inputs[ports[0]!]!.dims;
    for (const p of ports.slice(1)) {
      const right = shapes.inputs[p]!.dims;
      const k = right[0]!;
      const product = tf.matMul(tf.reshape(acc, [n, volume(dims) / k, k]), tf.reshape(inputs[p]!, [n, k, volume(right) / k]));
      dims = [...dims.slice(0, -1), ...right.slice(1)];
      acc = tf.reshape(product, [n, ...dims]);
    }
    return { Output: acc };
  },
  examples: [
    { title: 'Input1={3} Input2={3}', layer: { Input1: 3, Input2: 3 } },
    { title: 'Input1={2, 3} Input2={3}', layer: { Input1: [2, 3], Input2: 3 } },
    { title: 'Input1={3} Input2={3, 2}', layer: { Input1: 3, Input2: [3, 2] } },
    { title: 'Input1={2, 2, 3} Input2={3, 2}', layer: { Input1: [2, 2, 3], Input2: [3, 2] } },
    { title: 'Input1={2, 3} Input2={3, 2, 2}', layer: { Input1: [2, 3], Input2: [3, 2, 2] } },
    { title: 'Input1={2, 3} Input2={3, 4} Input3={4, 2}', layer: { Inputs: [[2, 3], [3, 4], [4, 2]] } },
  ],
});
