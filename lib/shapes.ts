/**
 * Port types: what flows along an edge of a net, per example (without the batch
 * dimension). Wolfram writes them as `"Real"` (a scalar), `n` (a vector), `{n1, n2}`
 * or an integer encoder; netport keeps `dims` plus, for integer ports, the class count.
 */
import { z } from 'zod';

export interface PortType {
  /** Dimensions of one example; `[]` is a scalar ("Real"). */
  readonly dims: readonly number[];
  /** For integer-valued ports: values are 1..index. */
  readonly index?: number;
}

export const PositiveInt = z.number().int().positive();

/** A port shape as the JSON description writes it (CONTRACT section 1). */
export const PortShapeSchema = z.union([
  PositiveInt,
  z.array(PositiveInt),
  z.literal('Real'),
  z
    .object({ Index: PositiveInt, Dimensions: z.array(PositiveInt).optional() })
    .strict(),
]);
export type PortShape = z.infer<typeof PortShapeSchema>;

export function portTypeOf(shape: PortShape): PortType {
  if (shape === 'Real') return { dims: [] };
  if (typeof shape === 'number') return { dims: [shape] };
  if (Array.isArray(shape)) return { dims: [...shape] };
  return { dims: [...(shape.Dimensions ?? [])], index: shape.Index };
}

export const real = (...dims: number[]): PortType => ({ dims });

export function sameType(a: PortType, b: PortType): boolean {
  return a.index === b.index && sameDims(a.dims, b.dims);
}

/**
 * Whether a declared port shape admits a type. A shape declared without "Index" (n, a
 * list of dimensions, "Real") gives dimensions only, as Wolfram's `"Input" -> 4` does:
 * it admits integers of those dimensions too (an EmbeddingLayer's input, an "Index"
 * target), which then take the integer type of the port they feed.
 */
export function admits(declared: PortType, t: PortType): boolean {
  return sameDims(declared.dims, t.dims) && (declared.index === undefined || declared.index === t.index);
}

export function sameDims(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

export function volume(dims: readonly number[]): number {
  let n = 1;
  for (const d of dims) n *= d;
  return n;
}

/** Wolfram's way of writing dimensions: `{2, 3}`. */
export function formatDims(dims: readonly number[]): string {
  return `{${dims.join(', ')}}`;
}

/** A port type for messages: `{3, 32, 32}`, `a scalar`, `integers 1..10 {5}`. */
export function formatType(t: PortType): string {
  if (t.index !== undefined) {
    return t.dims.length === 0 ? `an integer in 1..${t.index}` : `integers in 1..${t.index} of dimensions ${formatDims(t.dims)}`;
  }
  return t.dims.length === 0 ? 'a scalar' : formatDims(t.dims);
}
