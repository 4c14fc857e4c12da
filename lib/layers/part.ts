import type { Tensor } from '@tensorflow/tfjs-core';
import { z } from 'zod';
import { tf } from '../backend/tf';
import { formatDims } from '../shapes';
import { defineLayer, type InferContext } from './define';

const SPAN = /^\s*(-?\d+|All)?\s*;;\s*(-?\d+|All)?\s*(?:;;\s*(-?\d+)\s*)?$/;

const index = z.number().int().refine((n) => n !== 0, 'index 0 does not exist in Wolfram (positions start at 1)');
const span = z.string().regex(SPAN, 'a span is written "i;;j" or "i;;j;;k"');
const levelSpec = z.union([index, z.literal('All'), span, z.array(index).min(1)]);

/** One level of a part specification, resolved against its dimension (0-based). */
type Take =
  | { kind: 'index'; at: number }
  | { kind: 'span'; start: number; step: number; count: number }
  | { kind: 'list'; at: number[] };

/**
 * Resolves Wolfram's 1-based (negative from the end) positions. Spans keep their level,
 * integers drop it; `i;;j;;k` may step backwards.
 */
function resolve(ctx: InferContext<unknown>, spec: z.infer<typeof levelSpec>, n: number, level: number): Take {
  const fail = (why: string): never => ctx.fail(why, 'Specification');
  const position = (i: number): number => {
    const p = i > 0 ? i - 1 : n + i;
    if (p < 0 || p >= n) fail(`asks for part ${i} at level ${level}, but that level has ${n}`);
    return p;
  };
  if (typeof spec === 'number') return { kind: 'index', at: position(spec) };
  if (Array.isArray(spec)) return { kind: 'list', at: spec.map(position) };
  if (spec === 'All') return { kind: 'span', start: 0, step: 1, count: n };
  const m = SPAN.exec(spec)!;
  const step = m[3] === undefined ? 1 : Number(m[3]);
  if (step === 0) fail(`has a span with step 0 at level ${level}`);
  // As in Wolfram, an omitted start is 1 and an omitted end (or All) is the last part,
  // whatever the step: `;; ;; -1` is Span[1, All, -1], an empty span (Part::take).
  const bound = (text: string | undefined, fallback: number) => (text === undefined ? fallback : text === 'All' ? n - 1 : position(Number(text)));
  const start = bound(m[1], 0);
  const end = bound(m[2], n - 1);
  const count = Math.floor((end - start) / step) + 1;
  if (count < 1) fail(`has the empty span ${JSON.stringify(spec)} at level ${level}`);
  return { kind: 'span', start, step, count };
}

/** A list at the top is one spec per level; a list inside it picks several parts of one level. */
function levelsOf(spec: unknown): Array<z.infer<typeof levelSpec>> {
  return Array.isArray(spec) ? (spec as Array<z.infer<typeof levelSpec>>) : [spec as z.infer<typeof levelSpec>];
}

function resolveAll(ctx: InferContext<unknown>, spec: unknown, dims: readonly number[]): Take[] {
  const levels = levelsOf(spec);
  if (levels.length > dims.length) {
    ctx.fail(`has ${levels.length} levels, but the input ${formatDims(dims)} has ${dims.length}`, 'Specification');
  }
  return dims.map((n, l) => (l < levels.length ? resolve(ctx, levels[l]!, n, l + 1) : { kind: 'span', start: 0, step: 1, count: n }));
}

/**
 * PartLayer: Wolfram's Part on each example. Built from slice, reverse, pad and concat
 * only, whose gradients every backend computes (stridedSlice has none, and gather's
 * is missing on stock wasm).
 */
export const PartLayer = defineLayer({
  type: 'PartLayer',
  // The paclet's Part.m (12.x): "Specification" is a ValidatedParameter.
  wolfram: { positional: ['Specification'], params: { Specification: 'partSpec' }, internal: { validated: ['Specification'] } },
  params: {
    Specification: z
      .union([index, z.literal('All'), span, z.array(levelSpec).min(1)])
      .describe('an integer, "All", a span "i;;j" or "i;;j;;k", or a list of these for successive levels'),
  },
  inputs: ['Input'],
  infer(ctx) {
    const input = ctx.need('Input');
    const takes = resolveAll(ctx, ctx.params.Specification, input.dims);
    const dims = takes.flatMap((t) => (t.kind === 'index' ? [] : [t.kind === 'list' ? t.at.length : t.count]));
    const output = input.index === undefined ? { dims } : { dims, index: input.index };
    return { inputs: { Input: input }, outputs: { Output: output }, arrays: {}, plan: takes };
  },
  forward({ inputs, shapes, plan: takes }) {
    const inDims = shapes.inputs.Input!.dims;
    let x: Tensor = inputs.Input!;
    const batch = x.shape[0]!;
    const begin = [0];
    const size = [batch];
    takes.forEach((t, l) => {
      const n = inDims[l]!;
      if (t.kind === 'index') begin.push(t.at), size.push(1);
      else if (t.kind === 'list') begin.push(0), size.push(n);
      else {
        const extent = (t.count - 1) * Math.abs(t.step) + 1;
        begin.push(t.step > 0 ? t.start : t.start - extent + 1);
        size.push(extent);
      }
    });
    if (size.some((s, i) => i > 0 && s !== inDims[i - 1])) x = tf.slice(x, begin, size);
    const reversed = takes.flatMap((t, l) => (t.kind === 'span' && t.step < 0 ? [l + 1] : []));
    if (reversed.length > 0) x = tf.reverse(x, reversed);
    takes.forEach((t, l) => {
      const axis = l + 1;
      if (t.kind === 'span' && Math.abs(t.step) > 1) x = everyKth(x, axis, Math.abs(t.step), t.count);
      if (t.kind === 'list') {
        x = tf.concat(t.at.map((p) => tf.slice(x, begin.map((_, i) => (i === axis ? p : 0)), x.shape.map((d, i) => (i === axis ? 1 : d)))), axis);
      }
    });
    return { Output: tf.reshape(x, [batch, ...shapes.outputs.Output!.dims]) };
  },
  examples: [
    { title: 'Specification=1 Input={3, 2, 2}', layer: { Specification: 1, Input: [3, 2, 2] } },
    { title: 'Specification=-1 Input={4}', layer: { Specification: -1, Input: 4 } },
    { title: 'Specification="2;;3" Input={4, 2}', layer: { Specification: '2;;3', Input: [4, 2] } },
    { title: 'Specification={All, "1;;-1;;2"} Input={2, 5}', layer: { Specification: ['All', '1;;-1;;2'], Input: [2, 5] } },
    { title: 'Specification={"-1;;1;;-1", 2} Input={3, 3}', layer: { Specification: ['-1;;1;;-1', 2], Input: [3, 3] } },
    { title: 'Specification={{3, 1, 3}} Input={4, 2}', layer: { Specification: [[3, 1, 3]], Input: [4, 2] } },
  ],
});

/** Every k-th element along `axis` (whose length is (count - 1) k + 1): pad, fold, slice. */
function everyKth(x: Tensor, axis: number, k: number, count: number): Tensor {
  const padded = tf.pad(x, x.shape.map((_, i) => (i === axis ? [0, count * k - x.shape[axis]!] : [0, 0])) as Array<[number, number]>);
  const folded = tf.reshape(padded, [...x.shape.slice(0, axis), count, k, ...x.shape.slice(axis + 1)]);
  const first = tf.slice(folded, folded.shape.map(() => 0), folded.shape.map((d, i) => (i === axis + 1 ? 1 : d)));
  return tf.reshape(first, [...x.shape.slice(0, axis), count, ...x.shape.slice(axis + 1)]);
}
