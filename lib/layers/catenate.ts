import { tf } from '../backend/tf';
import { formatDims } from '../shapes';
import { level, resolveLevel } from './common';
import { defineLayer } from './define';

/** CatenateLayer: joins Input1, Input2, ... along a level (1, the first, by default). */
export const CatenateLayer = defineLayer({
  type: 'CatenateLayer',
  wolfram: { positional: ['Level'], params: { Level: 'int' } },
  params: { Level: level().default(1) },
  inputs: { variadic: 2 },
  infer(ctx) {
    const ports = Object.keys(ctx.inputs);
    const types = ports.map((p) => ctx.need(p));
    const first = types[0]!;
    const rank = first.dims.length;
    const at = resolveLevel(ctx.params.Level, rank) ?? ctx.fail(`is ${ctx.params.Level}, but the inputs have rank ${rank}`, 'Level');
    const dims = [...first.dims];
    types.slice(1).forEach((t, i) => {
      const agree = t.dims.length === rank && t.dims.every((d, k) => k === at - 1 || d === first.dims[k]);
      if (!agree || t.index !== first.index) {
        ctx.fail(`cannot join "${ports[i + 1]}" ${formatDims(t.dims)} with "${ports[0]}" ${formatDims(first.dims)} at level ${at}`);
      }
      dims[at - 1]! += t.dims[at - 1]!;
    });
    const integer = first.index === undefined ? {} : { index: first.index };
    return {
      inputs: Object.fromEntries(ports.map((p, i) => [p, types[i]!])),
      outputs: { Output: { dims, ...integer } },
      arrays: {},
      plan: at,
    };
  },
  forward({ inputs, plan: axis }) {
    return { Output: tf.concat(Object.values(inputs), axis) };
  },
  examples: [
    { title: 'Input1={2} Input2={3}', layer: { Input1: 2, Input2: 3 } },
    { title: 'Level=2 Input1={2, 1} Input2={2, 3}', layer: { Level: 2, Input1: [2, 1], Input2: [2, 3] } },
    { title: 'Level=-1 Input1={2, 2} Input2={2, 2} Input3={2, 1}', layer: { Level: -1, Inputs: [[2, 2], [2, 2], [2, 1]] } },
  ],
});
