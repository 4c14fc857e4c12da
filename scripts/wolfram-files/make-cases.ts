/**
 * fixtures/wolfram-files/cases.json: case files whose "net" is a net file of each kind
 * (relative to the case file), with float64 reference values (scripts/reference) computed
 * from the description the files hold (NAME.description, written by make-fixtures.py).
 *
 *   npm run build && node dist/scripts/wolfram-files/make-cases.js
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { type Arr, type Nested, toNested } from '../reference/array';
import type { Json } from '../reference/layers';
import { derivative, RefNet } from '../reference/net';
import { random } from '../reference/random';

/** Run from the repository's root. */
const DIR = path.resolve('fixtures', 'wolfram-files');
const NETS = ['chain', 'graph', 'conv'];
const KINDS = ['wlnet', 'wxf', 'compressed.wxf', 'wl'];

function nestedArrays(v: Json): Json {
  if (Array.isArray(v)) return v.map(nestedArrays);
  if (v === null || typeof v !== 'object') return v;
  if (Array.isArray(v.Dimensions) && Array.isArray(v.Data)) return toNested({ dims: v.Dimensions as number[], data: Float64Array.from(v.Data as number[]) }) as Json;
  return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, nestedArrays(x)]));
}

const flat = (v: Nested): number[] => (typeof v === 'number' ? [v] : v.flatMap(flat));

/** The description's declared input shapes, in the reference's input order. */
function inputDims(description: Json, name: string): number[] {
  const v = (description as Record<string, Json>)[name];
  return v === 'Real' ? [] : (v as number[]);
}

/** Every case of the directory's cases.json, as text. */
export function generateCases(dir = DIR): string {
  const cases: unknown[] = [];
  for (const net of NETS) {
    const description = JSON.parse(fs.readFileSync(path.join(dir, `${net}.description`), 'utf8')) as Json;
    const ref = new RefNet(nestedArrays(description));
    const r = random(`wolfram-files-${net}`);
    const example: Record<string, Arr> = Object.fromEntries(ref.inputs.map((p) => {
      const dims = inputDims(description, p);
      return [p, { dims, data: Float64Array.from(flat(r.reals(dims.length ? dims : [1], -1, 1))) }];
    }));
    const problem = { net: ref, examples: [example] };
    const outputs = ref.evaluate(example);
    const all = [
      ...ref.inputs.map((p) => [p, toNested(derivative(problem, example[p]!).value)]),
      ...ref.arrays().map((a) => [a.key, toNested(derivative(problem, a.value).value)]),
    ];
    for (const kind of KINDS) {
      cases.push({
        name: `${net}-${kind.replace('.', '-')}`,
        net: `${net}.${kind}`,
        data: Object.fromEntries(Object.entries(example).map(([k, v]) => [k, toNested(v)])),
        // The chain's output carries NetDecoder["Scalar"]: a number once the validator knows
        // the coder, a list of one until then; its gradients are the same either way.
        expect: [...(net === 'chain' ? [] : ref.outputs.map((o) => ({ output: o, value: toNested(outputs[o]!) }))), { gradient: 'All', value: all }],
      });
    }
  }
  return `${JSON.stringify(cases, null, 2)}\n`;
}

if (require.main === module) {
  fs.writeFileSync(path.join(DIR, 'cases.json'), generateCases());
  console.log(`${path.join(DIR, 'cases.json')} written`);
}
