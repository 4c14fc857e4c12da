/**
 * Input data and imposed output gradients, checked against the net's ports before any
 * tensor exists. Data has either the port's rank (one example) or one more (a batch).
 */
import type { Plan } from './compile';
import { netError } from './errors';
import { MAX_RANK, quote } from './limits';
import { dict, hasOwn } from './names';
import { formatDims, formatType, sameDims, volume, type PortType } from './shapes';
import { beyondFloat32, emptyProblem, formatPosition, fromNested, isFloat32, isTypedValue, ShapeProblem, type NumArray } from './tensors';

export interface PreparedData {
  /** Examples in the batch; 1 for a single example. */
  readonly batch: number;
  /** Whether the data was a batch (results then keep the batch dimension). */
  readonly batched: boolean;
  /** Per input port: data with the batch dimension in front. */
  readonly inputs: ReadonlyMap<string, NumArray>;
}

/** Checks and reads the data for every input port of the net. `invalid_data` otherwise. */
export function prepareData(plan: Plan, data: unknown): PreparedData {
  const record = plan.inputs.length === 1 && !keyedByPort(data) ? dict([[plan.inputs[0]!.name, data]]) : data;
  if (typeof record !== 'object' || record === null || Array.isArray(record)) {
    throw netError('invalid_data', `Invalid data: expected an object keyed by input port (${portList(plan)}), got ${describe(record)}`);
  }
  const given = record as Record<string, unknown>;
  for (const key of Object.keys(given)) {
    if (!plan.inputs.some((p) => p.name === key)) {
      throw netError('invalid_data', `Invalid data: ${quote(key)} is not an input port of the net (inputs: ${portList(plan)})`);
    }
  }
  const read = new Map<string, { array: NumArray; batched: boolean }>();
  for (const { name, value } of plan.inputs) {
    if (!hasOwn(given, name)) throw netError('invalid_data', `Invalid data: no value for the input port "${name}"`);
    const type = value.type!;
    // Integer ports read the values exactly: 1.00000001 must not round to the class 1.
    let array = readArray(given[name], `"${name}"`, 'invalid_data', type.index !== undefined);
    const batched = array.dims.length === type.dims.length + 1;
    const dims = batched ? array.dims.slice(1) : array.dims;
    if (!sameDims(dims, type.dims)) {
      throw netError(
        'invalid_data',
        `Invalid data: "${name}" has dimensions ${formatDims(array.dims)}, but the port takes ${formatType(type)}${type.dims.length === 0 ? '' : ` (or a batch of them, ${formatDims(['n' as unknown as number, ...type.dims])})`}`,
      );
    }
    if (type.index !== undefined) array = toIndices(array, type, name);
    read.set(name, { array, batched });
  }
  const entries = [...read.entries()];
  const batched = entries.length > 0 && entries[0]![1].batched;
  const batch = batched ? (entries[0]![1].array.dims[0] as number) : 1;
  for (const [name, r] of entries) {
    if (r.batched !== batched) {
      throw netError('invalid_data', `Invalid data: "${entries[0]![0]}" is ${batched ? 'a batch' : 'one example'} but "${name}" is ${r.batched ? 'a batch' : 'one example'}`);
    }
    if (batched && r.array.dims[0] !== batch) {
      throw netError('invalid_data', `Invalid data: "${entries[0]![0]}" has ${batch} examples but "${name}" has ${r.array.dims[0]}`);
    }
  }
  if (batched && batch === 0) throw netError('invalid_data', 'Invalid data: the batch is empty');
  const inputs = new Map(entries.map(([name, r]) => [name, r.batched ? r.array : { dims: [1, ...r.array.dims], data: r.array.data }]));
  return { batch, batched, inputs };
}

/** An imposed output gradient: an array like the port (with the batch), a number, or null (zero). */
export type Ograd = { kind: 'array'; array: NumArray } | { kind: 'fill'; value: number } | { kind: 'zero' };

/** Checks imposed output gradients (`invalid_ograd`); ports not mentioned get zero. */
export function prepareOgrad(plan: Plan, ograd: unknown, data: PreparedData): Map<string, Ograd> {
  if (typeof ograd !== 'object' || ograd === null || Array.isArray(ograd)) {
    throw netError('invalid_ograd', `Invalid output gradient: expected an object keyed by output port (${outputList(plan)}), got ${describe(ograd)}`);
  }
  const result = new Map<string, Ograd>();
  for (const [name, raw] of Object.entries(ograd)) {
    const port = plan.outputs.find((p) => p.name === name);
    if (!port) {
      throw netError('invalid_ograd', `Invalid output gradient: ${quote(name)} is not an output port of the net (outputs: ${outputList(plan)})`);
    }
    if (raw === null || raw === undefined) {
      result.set(name, { kind: 'zero' });
    } else if (typeof raw === 'number') {
      if (!Number.isFinite(raw)) throw netError('invalid_ograd', `Invalid output gradient: "${name}" is ${raw}, not a finite number`);
      if (!isFloat32(raw)) throw netError('invalid_ograd', `Invalid output gradient: "${name}" ${beyondFloat32(raw, '')}`);
      result.set(name, { kind: 'fill', value: raw });
    } else {
      const array = readArray(raw, `the output gradient for "${name}"`, 'invalid_ograd');
      const type = port.value.type!;
      const expected = data.batched ? [data.batch, ...type.dims] : type.dims;
      if (!sameDims(array.dims, expected)) {
        throw netError(
          'invalid_ograd',
          `Invalid output gradient: "${name}" has dimensions ${formatDims(array.dims)}, but the output is ${formatDims(expected)}${data.batched ? ' for this batch' : ''}`,
        );
      }
      result.set(name, { kind: 'array', array: data.batched ? array : { dims: [1, ...array.dims], data: array.data } });
    }
  }
  for (const p of plan.outputs) if (!result.has(p.name)) result.set(p.name, { kind: 'zero' });
  return result;
}

/** Nested lists, a number, or `{dims, data}` (typed arrays, e.g. from a previous result). */
function readArray(value: unknown, what: string, code: 'invalid_data' | 'invalid_ograd' = 'invalid_data', exact = false): NumArray {
  const prefix = code === 'invalid_data' ? 'Invalid data' : 'Invalid output gradient';
  if (isTypedValue(value)) {
    if (value.dims.length > MAX_RANK) throw netError(code, `${prefix}: ${what} has rank ${value.dims.length}, beyond netport's limit of ${MAX_RANK}`);
    if (value.dims.includes(0)) throw netError(code, `${prefix}: ${what} ${emptyProblem(value.dims)}`);
    if (value.data.length !== volume(value.dims)) {
      throw netError(code, `${prefix}: ${what} has ${value.data.length} values for dimensions ${formatDims(value.dims)}`);
    }
    // Math.fround(x) * 0 is 0 for a value float32 holds and NaN otherwise (NaN, infinite or
    // beyond float32): one sum tests every value (a third faster than a test per value, which
    // shows on the native backend); the loop below finds the place.
    let probe = 0;
    for (let i = 0; i < value.data.length; i++) probe += Math.fround(value.data[i]!) * 0;
    if (probe !== 0) {
      for (let i = 0; i < value.data.length; i++) {
        const x = value.data[i]!;
        if (!Number.isFinite(x)) throw netError(code, `${prefix}: ${what} contains ${x} at position ${formatPosition(i, value.dims)}, not a finite number`);
        if (!isFloat32(x)) throw netError(code, `${prefix}: ${what} ${beyondFloat32(x, ` at position ${formatPosition(i, value.dims)}`)}`);
      }
    }
    // A Float32Array goes to the backend as it is (which copies it into its own memory).
    if (exact) return { dims: [...value.dims], data: Float64Array.from(value.data) as unknown as Float32Array };
    return { dims: [...value.dims], data: value.data instanceof Float32Array ? value.data : Float32Array.from(value.data) };
  }
  try {
    return fromNested(value, exact ? 'float64' : 'float32');
  } catch (e) {
    if (e instanceof ShapeProblem) throw netError(code, `${prefix}: ${what} ${e.message}`);
    throw e;
  }
}

/** Integer ports take 1..n (Wolfram's classes); anything else is refused, not truncated. */
function toIndices(array: NumArray, type: PortType, name: string): NumArray {
  const n = type.index!;
  array.data.forEach((v, i) => {
    if (!Number.isInteger(v) || v < 1 || v > n) {
      const at = array.dims.length === 0 ? '' : ` at position ${formatPosition(i, array.dims)}`;
      throw netError('invalid_data', `Invalid data: "${name}" takes integers from 1 to ${n}, but has ${v}${at}`);
    }
  });
  return { dims: array.dims, data: Int32Array.from(array.data) };
}

/** Whether data is keyed by port (a one-input net also takes its input's value alone). */
export function keyedByPort(data: unknown): data is Record<string, unknown> {
  return typeof data === 'object' && data !== null && !Array.isArray(data) && !isTypedValue(data);
}

function portList(plan: Plan): string {
  return plan.inputs.map((p) => `"${p.name}"`).join(', ') || 'none';
}

function outputList(plan: Plan): string {
  return plan.outputs.map((p) => `"${p.name}"`).join(', ');
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  return typeof value;
}
