import { z } from 'zod';
import { tf } from '../backend/tf';
import { formatDims, PositiveInt, volume } from '../shapes';
import { defineLayer } from './define';

const entry = z.union([PositiveInt, z.literal('Inherited'), z.literal('Automatic'), z.literal('All')]);
type Entry = z.infer<typeof entry>;

const show = (spec: readonly Entry[]) => `{${spec.join(', ')}}`;

/**
 * ReshapeLayer: the example's elements, row-major, in new dimensions. Entries of
 * `Dimensions` are sizes, `"Inherited"` (the input's dimension at the same position),
 * `"Automatic"` (whatever makes the element count come out) or `"All"` (the input's
 * dimensions from that position to the end: `{All, 1}` appends a level of size 1).
 * Wolfram's `"ReferenceShape"` form (a second port) is not supported.
 */
export const ReshapeLayer = defineLayer({
  type: 'ReshapeLayer',
  // The paclet's Reshape.m (12.x): "Dimensions" is a ValidatedParameter.
  wolfram: { positional: ['Dimensions'], params: { Dimensions: 'reshape' }, internal: { validated: ['Dimensions'] } },
  params: {
    Dimensions: z
      .array(entry)
      .describe('a list of positive integers, "Inherited", "Automatic" or "All" (at most one "Automatic" or "All"); [] is a scalar'),
  },
  inputs: ['Input'],
  infer(ctx) {
    const input = ctx.need('Input');
    const dims = input.dims;
    const spec = ctx.params.Dimensions;
    const fail = (why: string): never => ctx.fail(why, 'Dimensions');
    const wild = spec.filter((e) => e === 'Automatic' || e === 'All').length;
    if (wild > 1) fail(`is ${show(spec)}, but only one "Automatic" or "All" is allowed`);
    const all = spec.indexOf('All');
    if (all > dims.length) fail(`is ${show(spec)}, whose "All" copies the input's levels from ${all + 1} on, but the input ${formatDims(dims)} has ${dims.length}`);
    const out: Array<number | 'Automatic'> = spec.flatMap((e, i) => {
      if (e === 'All') return dims.slice(all);
      if (e === 'Inherited') {
        if (all >= 0 && i > all) fail(`has "Inherited" after "All", which has already copied the input's remaining levels`);
        if (i >= dims.length) fail(`has "Inherited" at position ${i + 1}, but the input ${formatDims(dims)} has ${dims.length} level${dims.length === 1 ? '' : 's'}`);
        return [dims[i]!];
      }
      return [e];
    });
    const known = volume(out.filter((d): d is number => d !== 'Automatic'));
    const n = volume(dims);
    if (out.includes('Automatic')) {
      if (n % known !== 0) fail(`is ${show(spec)}: no size for "Automatic" turns the ${n} elements of ${formatDims(dims)} into it`);
      out[out.indexOf('Automatic')] = n / known;
    } else if (known !== n) {
      fail(`asks for ${formatDims(out as number[])} (${known} element${known === 1 ? '' : 's'}), but the input ${formatDims(dims)} has ${n}`);
    }
    const outDims = out as number[];
    const output = input.index === undefined ? { dims: outDims } : { dims: outDims, index: input.index };
    return { inputs: { Input: input }, outputs: { Output: output }, arrays: {} };
  },
  forward({ inputs, shapes }) {
    const x = inputs.Input!;
    return { Output: tf.reshape(x, [x.shape[0]!, ...shapes.outputs.Output!.dims]) };
  },
  examples: [
    { title: 'Dimensions={3, 2} Input={6}', layer: { Dimensions: [3, 2], Input: 6 } },
    { title: 'Dimensions={Inherited, Automatic} Input={2, 2, 3}', layer: { Dimensions: ['Inherited', 'Automatic'], Input: [2, 2, 3] } },
    { title: 'Dimensions={All, 1} Input={2, 3}', layer: { Dimensions: ['All', 1], Input: [2, 3] } },
    { title: 'Dimensions={Inherited, All} Input={2, 3, 2}', layer: { Dimensions: ['Inherited', 'All'], Input: [2, 3, 2] } },
    { title: 'Dimensions={} Input={1}', layer: { Dimensions: [], Input: 1 } },
  ],
});
