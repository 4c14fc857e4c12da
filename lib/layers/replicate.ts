import { z } from 'zod';
import { tf } from '../backend/tf';
import { formatDims, PositiveInt, volume } from '../shapes';
import { level } from './common';
import { defineLayer } from './define';

const size = z.union([PositiveInt, z.literal('Automatic')]);

interface Plan {
  /** 0-based position of the new dimensions among the output's dimensions. */
  readonly at: number;
  readonly inserted: readonly number[];
}

/**
 * ReplicateLayer[spec, level]: copies of the input along new dimensions, inserted so that
 * they sit at position `level` of the output (`Insert[dims, spec, level]`: -1 appends).
 * `"Automatic"` sizes come from the declared "Output".
 */
export const ReplicateLayer = defineLayer({
  type: 'ReplicateLayer',
  // The paclet's Replicate.m: "Specification" a ValidatedParameter, "Level"; 11.x copies also derive "OutputSize" (read past).
  wolfram: { positional: ['Specification', 'Level'], params: { Specification: 'replicate', Level: 'int' }, internal: { validated: ['Specification'], derived: ['OutputSize'] } },
  params: {
    Specification: z
      .union([size, z.array(size).min(1)])
      .describe('a positive integer or "Automatic", or a list of these (the inserted dimensions)'),
    Level: level('a non-zero integer: where the new dimensions go in the output (negative counts from the end)').default(1),
  },
  inputs: ['Input'],
  infer(ctx) {
    const input = ctx.need('Input');
    const rank = input.dims.length;
    const spec = Array.isArray(ctx.params.Specification) ? ctx.params.Specification : [ctx.params.Specification];
    const lvl = ctx.params.Level;
    if (Math.abs(lvl) > rank + 1) {
      ctx.fail(`is ${lvl}, but with an input of rank ${rank} it must be between ${-(rank + 1)} and ${rank + 1} (and not 0)`, 'Level');
    }
    const at = lvl > 0 ? lvl - 1 : rank + 1 + lvl;
    let inserted: number[];
    if (spec.includes('Automatic')) {
      const out = ctx.declared.Output?.dims ?? ctx.fail('has "Automatic", which takes its size from the "Output" shape: declare "Output"', 'Specification');
      if (out.length !== rank + spec.length) {
        ctx.fail(`inserts ${spec.length} dimension${spec.length === 1 ? '' : 's'} into ${formatDims(input.dims)}, but "Output" is declared ${formatDims(out)}`, 'Specification');
      }
      inserted = spec.map((s, i) => (s === 'Automatic' ? out[at + i]! : s));
    } else {
      inserted = spec as number[];
    }
    const dims = [...input.dims.slice(0, at), ...inserted, ...input.dims.slice(at)];
    const output = input.index === undefined ? { dims } : { dims, index: input.index };
    return { inputs: { Input: input }, outputs: { Output: output }, arrays: {}, plan: { at, inserted } satisfies Plan };
  },
  // A multiplication by ones, broadcast over a rank-3 view [before, copies, after]: its
  // gradient sums the copies back at rank 3. tile's gradient is written for rank <= 4
  // only (one slice per copy), and wasm's broadcasting ops give garbage above rank 6.
  forward({ inputs, shapes, plan }) {
    const x = inputs.Input!;
    const inDims = shapes.inputs.Input!.dims;
    const before = x.shape[0]! * volume(inDims.slice(0, plan.at));
    const view = tf.reshape(x, [before, 1, volume(inDims.slice(plan.at))]);
    const copies = tf.mul(view, tf.ones([1, volume(plan.inserted), 1], x.dtype));
    return { Output: tf.reshape(copies, [x.shape[0]!, ...shapes.outputs.Output!.dims]) };
  },
  examples: [
    { title: 'Specification=3 Input={2}', layer: { Specification: 3, Input: 2 } },
    { title: 'Specification={2, 3} Level=2 Input={2, 2}', layer: { Specification: [2, 3], Level: 2, Input: [2, 2] } },
    { title: 'Specification=2 Level=-1 Input={3, 2}', layer: { Specification: 2, Level: -1, Input: [3, 2] } },
    { title: 'Specification=2 Level=-2 Input={3, 2}', layer: { Specification: 2, Level: -2, Input: [3, 2] } },
    { title: 'Specification=Automatic Output={4, 3} Input={3}', layer: { Specification: 'Automatic', Input: 3, Output: [4, 3] } },
    { title: 'Specification=3 Input=Real', layer: { Specification: 3, Input: 'Real' } },
    { title: 'Specification={2, Automatic} Level=2 Output={2, 2, 3} Input={2}', layer: { Specification: [2, 'Automatic'], Level: 2, Input: 2, Output: [2, 2, 3] } },
  ],
});
