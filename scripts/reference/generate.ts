/**
 * Writes fixtures/wolfram-layers/<family>.json: the cases of cases.ts in Wolfram syntax
 * (CONTRACT section 5), with reference values from the float64 evaluator of this folder
 * (outputs exactly, gradients by central finite differences), never from netport.
 *
 *   npm run build && node dist/scripts/reference/generate.js [OUT_DIR]
 *
 * Deterministic: the data come from seeded streams, one per case. Each case is refused
 * (the generator stops) when its data come within 1e-3 of a kink or tie, or when the
 * finite-difference error estimate exceeds 1% of the check's tolerance
 * (|error| <= 1e-6 + 1e-4 |value|).
 *
 * Only the printing comes from netport (lib/wolfram/print.ts, print-net.ts), as the
 * fixtures must be written the way Mathematica prints.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { printNet } from '../../lib/wolfram/print-net';
import { printData, printResult, printSpec, printRequest } from '../../lib/wolfram/print';
import type { Json as WJson, SpecJson } from '../../lib/wolfram/json';
import { type Arr, fromNested, type Nested, toNested } from './array';
import { CASES, type CaseDef } from './cases';
import { ARRAYS } from './layers';
import { derivative, kinkMargin, type Ograd, type Problem, RefNet } from './net';
import { random } from './random';

/** Data closer than this to a kink or a tie is refused. */
const MIN_MARGIN = 1e-3;
/** The finite-difference error may use at most this share of the check's tolerance. */
const MAX_FD_SHARE = 0.01;

type Expectation = { request: string; wolfram: string } | { request: string; error: string };

interface WrittenCase {
  name: string;
  description: string;
  net: string;
  data: string;
  expect: Expectation[];
}

interface Stats {
  cases: number;
  worstFd: number;
  worstFdCase: string;
  smallestMargin: number;
  smallestMarginCase: string;
}

const stats: Stats = { cases: 0, worstFd: 0, worstFdCase: '', smallestMargin: Infinity, smallestMarginCase: '' };

function examplesOf(def: CaseDef): Record<string, Nested>[] {
  return Array.isArray(def.data) ? def.data : [def.data];
}

function toArrs(example: Record<string, Nested>): Record<string, Arr> {
  return Object.fromEntries(Object.entries(example).map(([k, v]) => [k, fromNested(v)]));
}

/**
 * Reference values keep 10 significant digits (a change of at most 5e-10 relative): the
 * finite differences are good to about 1e-7 relative at worst (the generator measures
 * it), so further digits would be noise.
 */
function rounded(v: Nested): Nested {
  return typeof v === 'number' ? Number(v.toPrecision(10)) : v.map(rounded);
}

/** A spec as the request and result keys write it. */
const gradient = (target: string | (string | number)[]): SpecJson => ({ NetPortGradient: target });

function auxArrays(net: RefNet, def: CaseDef): (string | number)[][] {
  const out: (string | number)[][] = [];
  const visit = (d: WJson, p: (string | number)[]) => {
    if (typeof d !== 'object' || d === null || Array.isArray(d)) return;
    const type = d.type as string;
    if (type === 'NetChain' || type === 'NetGraph') {
      const layers = d.Layers!;
      if (Array.isArray(layers)) layers.forEach((l, i) => visit(l, [...p, i + 1]));
      else Object.entries(layers as Record<string, WJson>).forEach(([k, l]) => visit(l, [...p, k]));
      return;
    }
    for (const a of ARRAYS[type] ?? []) if (a.aux) out.push([...p, a.name]);
  };
  visit(def.net as WJson, []);
  return out.filter((k) => net.array(k));
}

function build(def: CaseDef, name: string, ograd: Ograd | undefined): WrittenCase {
  const net = new RefNet(def.net);
  const batch = Array.isArray(def.data);
  const examples = examplesOf(def).map(toArrs);
  const problem: Problem = { net, examples, ...(ograd ? { ograd } : {}) };

  const margin = kinkMargin(problem);
  if (margin < MIN_MARGIN) throw new Error(`${name}: the data come within ${margin} of a kink or tie; change the case's data`);
  if (margin < stats.smallestMargin) Object.assign(stats, { smallestMargin: margin, smallestMarginCase: name });

  const fd = (target: Arr): Nested => {
    const d = derivative(problem, target);
    if (d.errorRatio > MAX_FD_SHARE) throw new Error(`${name}: the finite-difference error is ${d.errorRatio} of the tolerance`);
    if (d.errorRatio > stats.worstFd) Object.assign(stats, { worstFd: d.errorRatio, worstFdCase: name });
    return rounded(toNested(d.value));
  };

  const outputs = examples.map((e) => net.evaluate(e));
  const outputValue = (port: string): Nested => rounded(batch ? outputs.map((o) => toNested(o[port]!)) : toNested(outputs[0]![port]!));
  const integer = new Set(def.integer ?? []);
  const realInputs = batch ? [] : net.inputs.filter((p) => !integer.has(p));
  const arrays = net.arrays();
  // A bare layer's array is asked for by name, a member's by its path.
  const arraySpec = (key: (string | number)[]) => gradient(key.length === 1 ? (key[0] as string) : key);

  const values = new Map<string, Nested>();
  for (const p of realInputs) values.set(JSON.stringify(p), fd(examples[0]![p]!));
  for (const a of arrays) values.set(JSON.stringify(a.key), fd(a.value));

  const expect: Expectation[] = [];
  const bare = (spec: SpecJson, v: Nested) => expect.push({ request: printSpec(spec), wolfram: printResult(v as WJson) });
  for (const o of net.outputs) bare(o, outputValue(o));
  for (const p of realInputs) bare(gradient(p), values.get(JSON.stringify(p))!);
  if (!batch) for (const p of net.inputs.filter((q) => integer.has(q))) expect.push({ request: printSpec(gradient(p)), error: 'integer_gradient' });
  for (const a of arrays) bare(arraySpec(a.key), values.get(JSON.stringify(a.key))!);
  for (const k of auxArrays(net, def)) expect.push({ request: printSpec(arraySpec(k)), error: 'aux_array_gradient' });
  // All: real inputs first, then the learned arrays (keys always paths).
  const all: [SpecJson, WJson][] = [
    ...realInputs.map((p): [SpecJson, WJson] => [gradient(p), values.get(JSON.stringify(p)) as WJson]),
    ...arrays.map((a): [SpecJson, WJson] => [gradient(a.key), values.get(JSON.stringify(a.key)) as WJson]),
  ];
  if (!batch && all.length > 0) expect.push({ request: printSpec(gradient('All')), wolfram: printResult(all) });
  // A list request: an association keyed by the specs as written.
  const firstGradient = all[0];
  if (firstGradient) {
    // In a batch, the first array by name where it is a bare layer's: Wolfram keys it as the path {"Weights"}.
    const spec = batch ? arraySpec(arrays[0]!.key) : firstGradient[0];
    const out = net.outputs[0]!;
    expect.push({ request: printRequest([spec, out]), wolfram: printResult([[firstGradient[0], firstGradient[1]], [out, outputValue(out) as WJson]]) });
  }

  const dataJson: Record<string, WJson> = {};
  for (const p of Object.keys(examplesOf(def)[0]!)) dataJson[p] = (batch ? examplesOf(def).map((e) => e[p]!) : examplesOf(def)[0]![p]!) as WJson;
  stats.cases++;
  return {
    name,
    description: describe(def, batch, ograd),
    net: printNet(def.net as WJson),
    data: printData(dataJson, { bare: true, ...(ograd ? { ograd: ograd as Record<string, WJson> } : {}) }),
    expect,
  };
}

function describe(def: CaseDef, batch: boolean, ograd: Ograd | undefined): string {
  const how = batch ? `a batch of ${(def.data as unknown[]).length}: outputs and array gradients (summed over the batch)` : ograd ? 'one example, output gradients imposed in the data' : 'one example';
  return `Generated by scripts/reference/generate.ts (float64 reference, finite-difference gradients): ${how}.`;
}

/** The "-ograd" variants' output gradients: the case's own, or seeded values for the first output. */
function ogradsFor(def: CaseDef): Ograd[] {
  if (def.ograd) return Array.isArray(def.ograd) ? def.ograd : [def.ograd];
  const net = new RefNet(def.net);
  const out = net.outputs[0]!;
  const y = net.evaluate(toArrs(examplesOf(def)[0]!))[out]!;
  const r = random(`${def.name}-ograd`);
  return [{ [out]: y.dims.length === 0 ? (r.reals([1], -2, 2) as number[])[0]! : r.reals(y.dims, -2, 2) }];
}

/** Every case file: its name (`<family>.json`) and its text. */
export function generate(): Map<string, string> {
  Object.assign(stats, { cases: 0, worstFd: 0, worstFdCase: '', smallestMargin: Infinity, smallestMarginCase: '' });
  const files = new Map<string, WrittenCase[]>();
  for (const def of CASES) {
    const list = files.get(def.file) ?? [];
    list.push(build(def, def.name, undefined));
    if (!Array.isArray(def.data)) ogradsFor(def).forEach((g, i) => list.push(build(def, `${def.name}-ograd${i > 0 ? i + 1 : ''}`, g)));
    files.set(def.file, list);
  }
  return new Map([...files].map(([file, cases]) => [`${file}.json`, `${JSON.stringify(cases, null, 2)}\n`]));
}

function main(): void {
  const [outDir = 'fixtures/wolfram-layers'] = process.argv.slice(2);
  const files = generate();
  fs.mkdirSync(outDir, { recursive: true });
  for (const [file, text] of files) {
    const target = path.join(outDir, file);
    fs.writeFileSync(target, text);
    console.log(`${target}: ${(JSON.parse(text) as unknown[]).length} cases`);
  }
  console.log(
    `${stats.cases} cases; worst finite-difference error ${stats.worstFd.toExponential(2)} of the tolerance (${stats.worstFdCase}); ` +
      `smallest distance to a kink or tie ${stats.smallestMargin.toExponential(2)} (${stats.smallestMarginCase})`,
  );
}

if (require.main === module) main();
