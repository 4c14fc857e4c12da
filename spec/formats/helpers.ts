/** Shared by the format tests: the fixtures, and the float64 reference of a description. */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import type { Json } from '../../scripts/reference/layers';
import { derivative, RefNet } from '../../scripts/reference/net';
import type { Arr } from '../../scripts/reference/array';
import { random } from '../helpers/backends';
import { parseNet } from '../../lib/net';

export const FIXTURES = path.join(__dirname, '..', '..', 'fixtures', 'wolfram-files');
export const NETS = ['chain', 'graph', 'conv'] as const;
export const KINDS = ['wxf', 'compressed.wxf', 'wl', 'wlnet'] as const;

export const fixture = (name: string) => path.join(FIXTURES, name);
export const expected = (net: string): Record<string, unknown> => JSON.parse(readFileSync(fixture(`${net}.description`), 'utf8'));

/** Whether netport's validator knows NetDecoder["Scalar"] (the coders of the image issue). */
const scalarKnown = (() => {
  try {
    parseNet({ type: 'ElementwiseLayer', Function: 'Ramp', Output: { NetDecoder: 'Scalar' } });
    return true;
  } catch {
    return false;
  }
})();

/**
 * The description a file must read as: NAME.description, where the chain's
 * NetDecoder["Scalar"] output is the coder once the validator knows it, and its {1} shape
 * until then (the description itself keeps {1}, for the float64 reference).
 */
export function expectedRead(net: string): Record<string, unknown> {
  const d = expected(net);
  return net === 'chain' && scalarKnown ? { ...d, Output: { NetDecoder: 'Scalar' } } : d;
}

function reshape(values: number[], dims: readonly number[]): Json {
  if (dims.length === 0) return values[0]!;
  if (dims.length === 1) return values;
  const inner = values.length / dims[0]!;
  return Array.from({ length: dims[0]! }, (_, i) => reshape(values.slice(i * inner, (i + 1) * inner), dims.slice(1)));
}

/** The reference takes arrays as nested lists. */
export function nestedArrays(v: Json): Json {
  if (Array.isArray(v)) return v.map(nestedArrays);
  if (v === null || typeof v !== 'object') return v;
  if (Array.isArray(v.Dimensions) && Array.isArray(v.Data) && Object.keys(v).length === 2) return reshape(v.Data as number[], v.Dimensions as number[]);
  return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, nestedArrays(x)]));
}

/** Seeded data for the given input ports (dims per example). */
export function dataFor(ports: ReadonlyArray<{ name: string; dims: readonly number[] }>, seed: number): Record<string, Json> {
  const rand = random(seed);
  return Object.fromEntries(ports.map((p) => [p.name, reshape(Array.from({ length: p.dims.reduce((a, b) => a * b, 1) }, () => rand() * 2 - 1), p.dims)]));
}

const toArr = (v: Json): Arr => {
  const dims: number[] = [];
  for (let x: Json = v; Array.isArray(x); x = x[0]!) dims.push(x.length);
  const flat = (x: Json): number[] => (Array.isArray(x) ? x.flatMap(flat) : [x as number]);
  return { dims, data: Float64Array.from(flat(v)) };
};

/** NetPortGradient[All] of a description by the float64 reference: [key, flat values] in Wolfram's order. */
export function referenceAll(description: Json, data: Record<string, Json>): Array<[unknown, number[]]> {
  const net = new RefNet(nestedArrays(description));
  const example = Object.fromEntries(Object.entries(data).map(([k, v]) => [k, toArr(v)]));
  const problem = { net, examples: [example] };
  const inputs = net.inputs.map((name): [unknown, number[]] => [name, Array.from(derivative(problem, example[name]!).value.data)]);
  const arrays = net.arrays().map((a): [unknown, number[]] => [a.key, Array.from(derivative(problem, a.value).value.data)]);
  return [...inputs, ...arrays];
}

export const flat = (v: unknown): number[] => (typeof v === 'number' ? [v] : (v as unknown[]).flatMap(flat));

/** |a - e| <= atol + rtol |e| elementwise, with the worst offender in the message. */
export function expectClose(actual: number[], wanted: number[], what: string, rtol = 1e-4, atol = 1e-6): void {
  expect(actual.length).toBe(wanted.length);
  const bad = actual.findIndex((a, i) => !(Math.abs(a - wanted[i]!) <= atol + rtol * Math.abs(wanted[i]!)));
  if (bad >= 0) throw new Error(`${what}: element ${bad + 1} is ${actual[bad]}, expected ${wanted[bad]}`);
}
