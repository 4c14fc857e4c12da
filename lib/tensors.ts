/**
 * Numeric arrays at the boundary: JSON (nested lists, or `{Dimensions, Data}`),
 * typed arrays with dimensions, and TensorFlow.js tensors. Everything user-visible is
 * row-major, as in Wolfram and as in TensorFlow.js.
 */
import type { Tensor } from '@tensorflow/tfjs-core';
import { z } from 'zod';
import { MAX_RANK } from './limits';
import { formatDims, volume } from './shapes';

/** A nested list of numbers, any depth (a bare number is a rank-0 array). */
export type Nested = number | Nested[];

/** A dense array with its dimensions: the typed form of results. */
export interface NumArray {
  readonly dims: readonly number[];
  readonly data: Float32Array | Int32Array;
}

const NestedSchema: z.ZodType<Nested> = z.lazy(() => z.union([z.number(), z.array(NestedSchema)]));

/** An array value in a net description: nested lists or `{Dimensions, Data}`. */
export const ArrayValueSchema = z.union([
  z.array(NestedSchema),
  z.object({ Dimensions: z.array(z.number().int().nonnegative()), Data: z.array(z.number()) }).strict(),
]);
export type ArrayValue = z.infer<typeof ArrayValueSchema>;

/** Why a value could not be read as an array; the caller adds where it was. */
export class ShapeProblem extends Error {}

/** `{dims, data}` with a typed array: a value given in TensorFlow.js's flat form. */
export function isTypedValue(value: unknown): value is { dims: readonly number[]; data: ArrayLike<number> } {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as { dims?: unknown; data?: unknown };
  return Array.isArray(v.dims) && ArrayBuffer.isView(v.data);
}

/** An object that is not a list or a typed array: an association of names to values. */
export function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !ArrayBuffer.isView(v);
}

/**
 * Reads a nested list (or a bare number) into dims and row-major data.
 * Throws ShapeProblem for ragged lists, non-numbers and non-finite numbers.
 */
export function fromNested(value: unknown, dtype: 'float32' | 'int32' | 'float64' = 'float32'): NumArray {
  const dims: number[] = [];
  let probe: unknown = value;
  while (Array.isArray(probe) && dims.length <= MAX_RANK) {
    dims.push(probe.length);
    if (probe.length === 0) break;
    probe = probe[0];
  }
  if (dims.length > MAX_RANK) throw new ShapeProblem(`has rank ${dims.length} or more, beyond netport's limit of ${MAX_RANK}`);
  if (dims.includes(0)) throw new ShapeProblem(emptyProblem(dims));
  // float64 reads the values exactly (integer ports check them before any rounding);
  // the caller converts to float32 or int32.
  const n = volume(dims);
  const data = dtype === 'int32' ? new Int32Array(n) : dtype === 'float64' ? (new Float64Array(n) as unknown as Float32Array) : new Float32Array(n);
  let k = 0;
  const at: number[] = [];
  const position = () => (at.length === 0 ? '' : ` at position {${at.join(', ')}}`);
  const walk = (v: unknown, depth: number): void => {
    if (depth === dims.length) {
      if (typeof v !== 'number') {
        throw new ShapeProblem(Array.isArray(v) ? `is ragged (a sublist is deeper than the others${position()})` : `contains ${describeValue(v)}${position()}, not a number`);
      }
      if (!Number.isFinite(v)) throw new ShapeProblem(`contains ${v}${position()}, not a finite number`);
      if (!isFloat32(v)) throw new ShapeProblem(beyondFloat32(v, position()));
      data[k++] = v;
      return;
    }
    if (!Array.isArray(v)) {
      throw new ShapeProblem(typeof v === 'number' ? `is ragged (a number stands where a sublist should${position()})` : `contains ${describeValue(v)}${position()}, not a number`);
    }
    if (v.length !== dims[depth]) throw new ShapeProblem(`is ragged (the sublist${position()} has length ${v.length}, expected ${dims[depth]})`);
    for (let i = 0; i < v.length; i++) {
      at.push(i + 1);
      // A sparse JavaScript array ([1, , 3]) has a hole, not a number: never shift past it.
      if (!(i in v)) throw new ShapeProblem(`has a hole (an empty slot of a sparse array)${position()}`);
      walk(v[i], depth + 1);
      at.pop();
    }
  };
  walk(value, 0);
  return { dims, data };
}

/** Reads an array value of a net description (nested or `{Dimensions, Data}`). */
export function fromArrayValue(value: ArrayValue): NumArray {
  if (Array.isArray(value)) return fromNested(value);
  if (value.Dimensions.length > MAX_RANK) throw new ShapeProblem(`has rank ${value.Dimensions.length}, beyond netport's limit of ${MAX_RANK}`);
  if (value.Dimensions.includes(0)) throw new ShapeProblem(emptyProblem(value.Dimensions));
  const n = volume(value.Dimensions);
  if (value.Data.length !== n) {
    throw new ShapeProblem(`has ${value.Data.length} elements in "Data", but "Dimensions" ${formatDims(value.Dimensions)} needs ${n}`);
  }
  for (let i = 0; i < value.Data.length; i++) {
    const x = value.Data[i]!;
    if (!Number.isFinite(x)) throw new ShapeProblem(`contains ${x}, not a finite number`);
    if (!isFloat32(x)) throw new ShapeProblem(beyondFloat32(x, ` at position ${i + 1} of "Data"`));
  }
  return { dims: [...value.Dimensions], data: Float32Array.from(value.Data) };
}

/** A zero-size array: Wolfram's nets have no empty ports or arrays. */
export function emptyProblem(dims: readonly number[]): string {
  return `is empty (dimensions ${formatDims(dims)}): netport takes no zero-size arrays`;
}

/** The first negative value of an array that must not have one, as a ShapeProblem message. */
export function negativeProblem(a: NumArray): string | undefined {
  for (let i = 0; i < a.data.length; i++) {
    if (a.data[i]! < 0) return `has the negative value ${a.data[i]} at position ${formatPosition(i, a.dims)}; it must be at least 0`;
  }
  return undefined;
}

/** Whether a finite number stays finite as a float32 (|x| up to about 3.4e38). */
export function isFloat32(x: number): boolean {
  return Number.isFinite(Math.fround(x));
}

/** The problem of a finite number that overflows float32, for ShapeProblem and NetError messages. */
export function beyondFloat32(x: number, at: string): string {
  return `contains ${x}${at}, beyond the float32 range (magnitudes up to 3.4028235e38)`;
}

/** A flat row-major index as Wolfram's 1-based position: `{2, 1}`. */
export function formatPosition(index: number, dims: readonly number[]): string {
  const at: number[] = [];
  for (let d = dims.length - 1; d >= 0; d--) {
    at.unshift((index % dims[d]!) + 1);
    index = Math.floor(index / dims[d]!);
  }
  return `{${at.join(', ')}}`;
}

/** Row-major data back to nested lists; rank 0 gives a number. */
export function toNested(a: NumArray): Nested {
  const { dims, data } = a;
  if (dims.length === 0) return data[0] as number;
  let k = 0;
  const build = (depth: number): Nested[] => {
    const n = dims[depth] as number;
    const out: Nested[] = new Array(n);
    if (depth === dims.length - 1) {
      for (let i = 0; i < n; i++) out[i] = data[k++] as number;
    } else {
      for (let i = 0; i < n; i++) out[i] = build(depth + 1);
    }
    return out;
  };
  return build(0);
}

/**
 * A tensor's values, read synchronously, in an array the caller owns. wasm and
 * tfjs-node read into a fresh array; the cpu backend hands out its own buffer (which a
 * tensor sharing its data, such as a net's array, may still use), so that one is copied.
 */
export function readTensor(t: Tensor, backend: string, dims: readonly number[] = t.shape): NumArray {
  const data = t.dataSync() as Float32Array | Int32Array;
  return { dims: [...dims], data: backend === 'cpu' ? data.slice() : data };
}

function describeValue(v: unknown): string {
  if (v === null) return 'null';
  if (typeof v === 'string') return JSON.stringify(v.length > 20 ? `${v.slice(0, 20)}...` : v);
  return typeof v;
}
