/**
 * gradcheck: every requested gradient against central finite differences of the
 * objective (lib/objective.ts), the check Wolfram's reference page does by hand ("compare
 * with a naive numeric calculation"). The net evaluates in float32 on its backend; the
 * objective, the steps actually taken (x + h and x - h rounded to float32) and the
 * difference quotients are float64 on the host. Input perturbations go through the net as
 * one batch (chunked); an array perturbation is one evaluation of the whole data each.
 */
import { classOgrads } from './coders/ports';
import { netError } from './errors';
import { objectiveOf, objectiveWeights, type ExampleWeights } from './objective';
import type { GradientRequest, Net } from './runtime';
import { volume } from './shapes';
import { formatPosition, fromNested, isTypedValue, ShapeProblem, type NumArray } from './tensors';
import { keyedByPort } from './data';
import type { SpecTarget } from './paths';

export interface GradcheckOptions {
  /** Imposed output gradients, as `net.evaluate` takes them. */
  readonly ograd?: Readonly<Record<string, unknown>>;
  /** The step, relative: h = step * max(1, |x|). Default 1e-2: about the cube root of float32's epsilon, where rounding (eps/h) and truncation (h^2) balance. */
  readonly step?: number;
  /** The largest acceptable error (default 1e-2). */
  readonly tolerance?: number;
  /** At most this many elements per gradient (default 256): beyond it, a seeded sample. */
  readonly maxElements?: number;
}

export interface GradcheckEntry {
  readonly key: string;
  readonly spec: SpecTarget;
  /** Elements compared, of `total`. */
  readonly checked: number;
  readonly total: number;
  /**
   * The worst relative error over the elements compared: |g - n| / max(|g|, |n|, 1e-3 M)
   * with M the largest magnitude of either gradient, so that elements far below the
   * gradient's scale (where float32 rounding dominates) are measured against that scale.
   */
  readonly error: number;
  /** Where the worst error is (Wolfram's 1-based position), with both values. */
  readonly at: string;
  readonly gradient: number;
  readonly numeric: number;
}

export interface GradcheckReport {
  readonly entries: GradcheckEntry[];
  readonly error: number;
  readonly tolerance: number;
  readonly passed: boolean;
}

/** Rows of perturbed inputs per evaluation: about 16 MB of input data. */
const CHUNK_VALUES = 1 << 22;

/** Compares the gradients `gradients` (default All) of `net` at `data` with central differences. */
export function gradcheck(net: Net, data: unknown, gradients: readonly GradientRequest[] = ['All'], options: GradcheckOptions = {}): GradcheckReport {
  const step = options.step ?? 1e-2;
  const tolerance = options.tolerance ?? 1e-2;
  const maxElements = options.maxElements ?? 256;
  if (!(step > 0 && step < 1)) throw netError('unsupported', `gradcheck: the step must be between 0 and 1, got ${step}`);
  if (!(tolerance > 0)) throw netError('unsupported', `gradcheck: the tolerance must be positive, got ${tolerance}`);
  if (!(Number.isInteger(maxElements) && maxElements > 0)) throw netError('unsupported', `gradcheck: the element limit must be a positive integer, got ${maxElements}`);
  if (net.batchNorm === 'batch') {
    throw netError('unsupported', "gradcheck: with batchNorm 'batch' the gradient is that of a function net[x] does not evaluate (outputs alone use the moving statistics); check with the default 'moving'");
  }
  const result = net.evaluate(data, { gradients, ograd: options.ograd, format: 'typed' });
  const inputs = readInputs(net, data);
  // `{"Class": label}` on a class decoder's port becomes its unit vector, as evaluate reads it.
  // (evaluate above has checked it: an object keyed by port.)
  const ograd = options.ograd && (classOgrads(options.ograd, net.coders, inputs.batch, inputs.batched) as Readonly<Record<string, unknown>>);
  const weights = objectiveWeights(net, ograd, inputs.batch, inputs.batched);
  const entries = result.gradients.map((g): GradcheckEntry => {
    const port = typeof g.spec === 'string' ? net.inputs.find((p) => p.name === g.spec) : undefined;
    const total = g.value.data.length;
    const picked = pick(total, maxElements, g.key);
    const numeric = port
      ? inputDifferences(net, inputs, weights, port.name, picked, step)
      : arrayDifferences(net, data, inputs.batch, inputs.batched, weights, typeof g.spec === 'string' ? [g.spec] : g.spec, picked, step);
    return compare(g.key, g.spec, g.value, picked, numeric, total);
  });
  const error = Math.max(0, ...entries.map((e) => e.error));
  return { entries, error, tolerance, passed: error <= tolerance };
}

interface Inputs {
  readonly batch: number;
  readonly batched: boolean;
  /** Per port, with the batch dimension. */
  readonly arrays: ReadonlyMap<string, NumArray>;
}

/** The data as typed arrays with the batch dimension (already checked by evaluate). */
function readInputs(net: Net, data: unknown): Inputs {
  const one = net.inputs.length === 1;
  const record = (one && !keyedByPort(data) ? { [net.inputs[0]!.name]: data } : data) as Record<string, unknown>;
  let batch = 1;
  let batched = false;
  const arrays = new Map<string, NumArray>();
  for (const p of net.inputs) {
    const v = record[p.name];
    let a: NumArray;
    try {
      a = isTypedValue(v) ? { dims: v.dims, data: Float32Array.from(v.data) } : fromNested(v);
    } catch (e) {
      if (e instanceof ShapeProblem) throw netError('invalid_data', `Invalid data: "${p.name}" ${e.message}`);
      throw e;
    }
    if (a.dims.length === p.dims.length + 1) {
      batched = true;
      batch = a.dims[0]!;
      arrays.set(p.name, a);
    } else {
      arrays.set(p.name, { dims: [1, ...a.dims], data: a.data });
    }
  }
  return { batch, batched, arrays };
}

/** Flat indices to compare: all of them, or `max` drawn without replacement (seeded by the key). */
function pick(total: number, max: number, key: string): number[] {
  const all = Array.from({ length: total }, (_, i) => i);
  if (total <= max) return all;
  let s = 0x811c9dc5;
  for (const c of key) s = Math.imul(s ^ c.charCodeAt(0), 0x01000193) >>> 0;
  for (let i = 0; i < max; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    const j = i + (s % (total - i));
    [all[i], all[j]] = [all[j]!, all[i]!];
  }
  return all.slice(0, max).sort((a, b) => a - b);
}

/** The two float32 points around x and the float64 distance between them. */
function steps(x: number, step: number): { plus: number; minus: number; width: number } {
  const h = step * Math.max(1, Math.abs(x));
  const plus = Math.fround(x + h);
  const minus = Math.fround(x - h);
  return { plus, minus, width: plus - minus };
}

/**
 * Input gradients: each picked element of example b gives two rows, copies of example b
 * (every input port) with that element moved; only example b's objective depends on it.
 */
function inputDifferences(net: Net, inputs: Inputs, weights: ExampleWeights[], port: string, picked: readonly number[], step: number): Float64Array {
  const numeric = new Float64Array(picked.length);
  const target = inputs.arrays.get(port)!;
  const perExample = target.data.length / inputs.batch;
  const rowValues = net.inputs.reduce((n, p) => n + volume(p.dims), 0);
  const perChunk = Math.max(1, Math.floor(CHUNK_VALUES / (2 * Math.max(1, rowValues))));
  for (let start = 0; start < picked.length; start += perChunk) {
    const chunk = picked.slice(start, start + perChunk);
    const rows = 2 * chunk.length;
    const data: Record<string, NumArray> = {};
    for (const p of net.inputs) {
      const src = inputs.arrays.get(p.name)!;
      const n = volume(p.dims);
      const out = new Float32Array(rows * n);
      chunk.forEach((flat, i) => {
        const b = Math.floor(flat / perExample);
        const example = src.data.subarray(b * n, (b + 1) * n);
        out.set(example, 2 * i * n);
        out.set(example, (2 * i + 1) * n);
        if (p.name === port) {
          const { plus, minus } = steps(example[flat % perExample]!, step);
          out[2 * i * n + (flat % perExample)] = plus;
          out[(2 * i + 1) * n + (flat % perExample)] = minus;
        }
      });
      data[p.name] = { dims: [rows, ...p.dims], data: out };
    }
    const outputs = net.evaluate(data, { outputs: [...weights[0]!.keys()], format: 'typed' }).outputs;
    chunk.forEach((flat, i) => {
      const b = Math.floor(flat / perExample);
      const { width } = steps(target.data[flat]!, step);
      numeric[start + i] = (objectiveOf(outputs, weights[b]!, 2 * i) - objectiveOf(outputs, weights[b]!, 2 * i + 1)) / width;
    });
  }
  return numeric;
}

/** Array gradients: the array moved one element at a time, the objective summed over the batch. */
function arrayDifferences(
  net: Net,
  data: unknown,
  batch: number,
  batched: boolean,
  weights: ExampleWeights[],
  path: ReadonlyArray<string | number>,
  picked: readonly number[],
  step: number,
): Float64Array {
  const original = net.array(path);
  const saved = { dims: [...original.dims], data: Float32Array.from(original.data) };
  const moved = { dims: saved.dims, data: Float32Array.from(saved.data) };
  const names = [...weights[0]!.keys()];
  const objective = (): number => {
    const outputs = batchedOutputs(net.evaluate(data, { outputs: names, format: 'typed' }).outputs, batched);
    let total = 0;
    for (let b = 0; b < batch; b++) total += objectiveOf(outputs, weights[b]!, b);
    return total;
  };
  const numeric = new Float64Array(picked.length);
  try {
    picked.forEach((flat, i) => {
      const { plus, minus, width } = steps(saved.data[flat]!, step);
      moved.data[flat] = plus;
      net.setArray(path, moved);
      const fPlus = objective();
      moved.data[flat] = minus;
      net.setArray(path, moved);
      const fMinus = objective();
      moved.data[flat] = saved.data[flat]!;
      numeric[i] = (fPlus - fMinus) / width;
    });
  } finally {
    net.setArray(path, saved);
  }
  return numeric;
}

function batchedOutputs(outputs: Readonly<Record<string, NumArray>>, batched: boolean): Record<string, NumArray> {
  if (batched) return { ...outputs };
  return Object.fromEntries(Object.entries(outputs).map(([k, v]) => [k, { dims: [1, ...v.dims], data: v.data }]));
}

function compare(key: string, spec: SpecTarget, value: NumArray, picked: readonly number[], numeric: Float64Array, total: number): GradcheckEntry {
  let scale = 0;
  picked.forEach((flat, i) => {
    scale = Math.max(scale, Math.abs(value.data[flat]!), Math.abs(numeric[i]!));
  });
  const floor = Math.max(1e-3 * scale, 1e-12);
  let worst = { error: -1, index: 0, gradient: 0, numeric: 0 };
  picked.forEach((flat, i) => {
    const g = value.data[flat]!;
    const n = numeric[i]!;
    const error = Math.abs(g - n) / Math.max(Math.abs(g), Math.abs(n), floor);
    if (error > worst.error) worst = { error, index: flat, gradient: g, numeric: n };
  });
  return { key, spec, checked: picked.length, total, error: Math.max(0, worst.error), at: formatPosition(worst.index, value.dims), gradient: worst.gradient, numeric: worst.numeric };
}

