/**
 * What every saliency method shares: one example, the input port explained, the output
 * gradient that defines the objective, and weighted sums of input gradients over many
 * points, evaluated as batches (one `net.evaluate` per chunk of `batchSize` points).
 */
import { netError } from '../errors';
import { objectiveOf, objectiveWeights } from '../objective';
import type { Net } from '../runtime';
import { formatDims, sameDims, volume } from '../shapes';
import { keyedByPort } from '../data';
import { fromNested, isTypedValue, ShapeProblem, type NumArray } from '../tensors';

export interface Problem {
  readonly net: Net;
  /** The input port explained. */
  readonly port: string;
  readonly dims: readonly number[];
  /** The example's value at `port`, without a batch dimension. */
  readonly x: Float32Array;
  /** The example's other input ports, each without a batch dimension. */
  readonly others: ReadonlyMap<string, NumArray>;
  /** Imposed output gradients for one example, or undefined for Wolfram's seed of ones. */
  readonly ograd: Readonly<Record<string, unknown>> | undefined;
  /** Points per evaluation. */
  readonly batchSize: number;
}

/** Input values per batch: about 16 MB of input data (a 224 x 224 RGB image gives 27 points). */
const BATCH_VALUES = 1 << 22;

export function defaultBatchSize(dims: readonly number[]): number {
  return Math.max(1, Math.floor(BATCH_VALUES / Math.max(1, volume(dims))));
}

/** Reads one example for `port` (and the other ports); a batch is refused. */
export function problemOf(net: Net, data: unknown, port: string | undefined, ograd: Readonly<Record<string, unknown>> | undefined, batchSize?: number): Problem {
  const real = net.inputs.filter((p) => p.classes === undefined);
  const name = port ?? (real.length === 1 ? real[0]!.name : undefined);
  if (name === undefined) {
    throw netError('unknown_port', `The net has ${real.length} real-valued input ports (${net.inputs.map((p) => `"${p.name}"`).join(', ')}); name the one to explain`);
  }
  const info = net.inputs.find((p) => p.name === name);
  if (!info) throw netError('unknown_port', `"${name}" is not an input port of the net (inputs: ${net.inputs.map((p) => `"${p.name}"`).join(', ')})`);
  if (info.classes !== undefined) throw netError('integer_gradient', `"${name}" takes integers and has no gradient`);
  const record = (net.inputs.length === 1 && !keyedByPort(data) ? { [name]: data } : data) as Record<string, unknown>;
  if (!keyedByPort(record)) throw netError('invalid_data', `Invalid data: expected an object keyed by input port, got ${Array.isArray(record) ? 'a list' : typeof record}`);
  const others = new Map<string, NumArray>();
  let x: Float32Array | undefined;
  for (const p of net.inputs) {
    if (!(p.name in record)) throw netError('invalid_data', `Invalid data: no value for the input port "${p.name}"`);
    const a = readArray(record[p.name], p.name);
    if (!sameDims(a.dims, p.dims)) {
      throw netError('invalid_data', `Invalid data: "${p.name}" has dimensions ${formatDims(a.dims)}, but saliency explains one example of ${formatDims(p.dims)}`);
    }
    if (p.name === name) x = Float32Array.from(a.data);
    else others.set(p.name, a);
  }
  if (batchSize !== undefined && !(Number.isInteger(batchSize) && batchSize > 0)) {
    throw netError('unsupported', `saliency: batchSize must be a positive integer, got ${batchSize}`);
  }
  // With Wolfram's batch statistics in BatchNormalizationLayer the points of one batch
  // would normalize one another: each point then goes through alone, as net[point] would.
  const size = net.batchNorm === 'batch' ? 1 : (batchSize ?? defaultBatchSize(info.dims));
  return { net, port: name, dims: info.dims, x: x!, others, ograd, batchSize: size };
}

/**
 * Sum over k of weights[k] * the input gradient at point k, in float64, where `point(k,
 * into)` writes point k into `into`. Points go through the net `batchSize` at a time.
 */
export function weightedGradients(p: Problem, count: number, weights: (k: number) => number, point: (k: number, into: Float32Array) => void): Float64Array {
  const n = p.x.length;
  const sum = new Float64Array(n);
  for (let start = 0; start < count; start += p.batchSize) {
    const rows = Math.min(p.batchSize, count - start);
    const values = new Float32Array(rows * n);
    for (let r = 0; r < rows; r++) point(start + r, values.subarray(r * n, (r + 1) * n));
    const result = p.net.evaluate(batchData(p, values, rows), { gradients: [p.port], ograd: batchOgrad(p.ograd, rows), format: 'typed' });
    const g = result.gradients[0]!.value.data;
    for (let r = 0; r < rows; r++) {
      const w = weights(start + r);
      const base = r * n;
      for (let i = 0; i < n; i++) sum[i] = sum[i]! + w * g[base + i]!;
    }
  }
  return sum;
}

/** The objective (float64) at each of the given points of `port`, in one evaluation. */
export function objectives(p: Problem, points: readonly Float32Array[]): number[] {
  const n = p.x.length;
  const values = new Float32Array(points.length * n);
  points.forEach((pt, r) => values.set(pt, r * n));
  const ports = objectiveWeights(p.net, p.ograd, 1, false)[0]!;
  const outputs = p.net.evaluate(batchData(p, values, points.length), { outputs: [...ports.keys()], format: 'typed' }).outputs;
  return points.map((_, r) => objectiveOf(outputs, ports, r));
}

function batchData(p: Problem, values: Float32Array, rows: number): Record<string, NumArray> {
  const data: Record<string, NumArray> = { [p.port]: { dims: [rows, ...p.dims], data: values } };
  for (const [name, a] of p.others) data[name] = { dims: [rows, ...a.dims], data: repeat(a.data, rows) };
  return data;
}

/** One example's imposed output gradients, repeated for a batch of `rows`. */
function batchOgrad(ograd: Readonly<Record<string, unknown>> | undefined, rows: number): Record<string, unknown> | undefined {
  if (ograd === undefined) return undefined;
  const out: Record<string, unknown> = {};
  for (const [name, v] of Object.entries(ograd)) {
    if (v === null || v === undefined || typeof v === 'number') out[name] = v;
    else {
      const a = readArray(v, name, 'invalid_ograd');
      out[name] = { dims: [rows, ...a.dims], data: repeat(a.data, rows) };
    }
  }
  return out;
}

function repeat(data: ArrayLike<number>, rows: number): Float32Array {
  const out = new Float32Array(rows * data.length);
  for (let r = 0; r < rows; r++) out.set(data, r * data.length);
  return out;
}

function readArray(v: unknown, name: string, code: 'invalid_data' | 'invalid_ograd' = 'invalid_data'): NumArray {
  if (isTypedValue(v)) return { dims: [...v.dims], data: Float32Array.from(v.data) };
  try {
    return fromNested(v);
  } catch (e) {
    if (e instanceof ShapeProblem) throw netError(code, `${code === 'invalid_data' ? 'Invalid data' : 'Invalid output gradient'}: "${name}" ${e.message}`);
    throw e;
  }
}

