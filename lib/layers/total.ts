import { tf } from '../backend/tf';
import { formatDims, sameDims } from '../shapes';
import { defineLayer } from './define';

/** TotalLayer: the sum of its inputs Input1, Input2, ..., which have equal dimensions. */
export const TotalLayer = defineLayer({
  type: 'TotalLayer',
  params: {},
  inputs: { variadic: 2 },
  infer(ctx) {
    const ports = Object.keys(ctx.inputs);
    const first = { dims: ctx.need(ports[0]!).dims };
    for (const p of ports.slice(1)) {
      const t = ctx.need(p);
      if (!sameDims(t.dims, first.dims)) ctx.fail(`needs inputs of equal dimensions, but "${ports[0]}" is ${formatDims(first.dims)} and "${p}" is ${formatDims(t.dims)}`);
    }
    return { inputs: Object.fromEntries(ports.map((p) => [p, first])), outputs: { Output: first }, arrays: {} };
  },
  forward({ inputs }) {
    const xs = Object.values(inputs);
    return { Output: xs.length === 1 ? tf.clone(xs[0]!) : tf.addN(xs) };
  },
  examples: [
    { title: 'Input1={3} Input2={3}', layer: { Input1: 3, Input2: 3 } },
    { title: 'Input1={2, 2} Input2={2, 2} Input3={2, 2}', layer: { Inputs: [[2, 2], [2, 2], [2, 2]] } },
  ],
});
