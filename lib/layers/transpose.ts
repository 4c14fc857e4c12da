import { z } from 'zod';
import { tf } from '../backend/tf';
import { formatDims } from '../shapes';
import { defineLayer } from './define';

const nonZero = z.number().int().refine((n) => n !== 0, 'level 0 does not exist');
const swap = z.tuple([nonZero, nonZero]);

/**
 * TransposeLayer. In JSON, Wolfram's `{n1, n2, ...}` is a list of integers (a permutation:
 * level k of the input becomes level n_k of the output; it may cover only the first
 * levels), `m <-> n` is `[[m, n]]` and `{m1 <-> n1, m2 <-> n2}` is `[[m1, n1], [m2, n2]]`
 * (swaps applied in order; negative levels count from the end). A bare integer n is
 * `1 <-> n`, as the paclet reads it. The default swaps levels 1 and 2.
 *
 * TensorFlow.js's `perm` says the opposite: output axis k takes input axis perm[k], so a
 * Wolfram permutation becomes its inverse (and the batch axis stays in front).
 */
export const TransposeLayer = defineLayer({
  type: 'TransposeLayer',
  // The paclet's Transpose.m (12.x): "Specification" is a ValidatedParameter.
  wolfram: { positional: ['Specification'], params: { Specification: 'transpose' }, internal: { validated: ['Specification'] } },
  params: {
    Specification: z
      .union([nonZero, z.array(z.number().int().positive()).min(1), z.array(swap).min(1)])
      .default([[1, 2]])
      .describe('a permutation list [n1, n2, ...], a list of [i, j] swaps applied in order, or an integer n (swap 1 and n)'),
  },
  inputs: ['Input'],
  infer(ctx) {
    const input = ctx.need('Input');
    const { dims } = input;
    const rank = dims.length;
    const spec = ctx.params.Specification;
    const shown = JSON.stringify(spec);
    if (rank < 2) ctx.fail(`needs an array of rank at least 2, but "Input" is ${rank === 0 ? 'a scalar' : formatDims(dims)}`);
    // source[k]: the input level (0-based) that becomes output level k.
    const source = Array.from({ length: rank }, (_, k) => k);
    const swaps = typeof spec === 'number' ? [[1, spec] as const] : spec.every(Array.isArray) ? (spec as Array<readonly [number, number]>) : undefined;
    if (swaps) {
      for (const [a, b] of swaps) {
        const bad = [a, b].find((l) => Math.abs(l) > rank);
        if (bad !== undefined) ctx.fail(`is ${shown}, which swaps level ${bad}, but the input ${formatDims(dims)} has ${rank} levels`, 'Specification');
        const i = a > 0 ? a - 1 : rank + a;
        const j = b > 0 ? b - 1 : rank + b;
        [source[i], source[j]] = [source[j]!, source[i]!];
      }
    } else {
      const perm = spec as number[];
      if ([...perm].sort((p, q) => p - q).some((p, i) => p !== i + 1)) {
        ctx.fail(`is ${shown}, which is not a permutation of 1..${perm.length}`, 'Specification');
      }
      if (perm.length > rank) ctx.fail(`is ${shown}, which permutes ${perm.length} levels, but the input ${formatDims(dims)} has ${rank}`, 'Specification');
      perm.forEach((p, k) => (source[p - 1] = k));
    }
    const out = source.map((s) => dims[s]!);
    const output = input.index === undefined ? { dims: out } : { dims: out, index: input.index };
    return { inputs: { Input: input }, outputs: { Output: output }, arrays: {}, plan: [0, ...source.map((s) => s + 1)] };
  },
  forward({ inputs, plan: perm }) {
    return { Output: tf.transpose(inputs.Input!, perm) };
  },
  examples: [
    { title: 'Input={2, 3}', layer: { Input: [2, 3] } },
    { title: 'Specification={3, 1, 2} Input={2, 3, 4}', layer: { Specification: [3, 1, 2], Input: [2, 3, 4] } },
    { title: 'Specification={2, 1} Input={2, 3, 2}', layer: { Specification: [2, 1], Input: [2, 3, 2] } },
    { title: 'Specification={1 <-> 3, 1 <-> 4} Input={2, 3, 4, 1}', layer: { Specification: [[1, 3], [1, 4]], Input: [2, 3, 4, 1] } },
    { title: 'Specification={2 <-> -1} Input={2, 3, 4}', layer: { Specification: [[2, -1]], Input: [2, 3, 4] } },
    { title: 'Specification=3 Input={2, 3, 4}', layer: { Specification: 3, Input: [2, 3, 4] } },
  ],
});
