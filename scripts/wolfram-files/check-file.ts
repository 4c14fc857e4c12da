/**
 * Loads a net file of any kind (a .wlnet written by Mathematica, say) and compares
 * netport's NetPortGradient[All] with the float64 reference (scripts/reference) computed
 * from the arrays the file holds, on seeded random data.
 *
 *   npm run build && node dist/scripts/wolfram-files/check-file.js net.wlnet [--backend cpu|wasm]
 */
import { fromNested } from '../reference/array';
import { derivative, RefNet } from '../reference/net';
import type { Json } from '../reference/layers';
import { readNetFile } from '../../lib/formats';
import { Net } from '../../lib/runtime';
import { stream } from '../reference/random';
import type { BackendName } from '../../lib/backend';

async function main(): Promise<void> {
  const [file, flag, backendArg] = process.argv.slice(2);
  if (!file) throw new Error('usage: check-file NET [--backend cpu|wasm]');
  const backend = (flag === '--backend' ? backendArg : 'cpu') as BackendName;
  const t0 = performance.now();
  const description = await readNetFile(file);
  const t1 = performance.now();
  await readNetFile(file);
  const t2 = performance.now();
  const net = await Net.load(description, { backend });
  const ref = new RefNet(nestedArrays(description as Json));
  const rand = stream(20261203);
  const data: Record<string, number | number[]> = {};
  for (const p of net.inputs) {
    const n = p.dims.reduce((a, b) => a * b, 1);
    const values = Array.from({ length: n }, () => rand() * 2 - 1);
    data[p.name] = p.dims.length === 0 ? values[0]! : reshape(values, p.dims);
  }
  const r = net.evaluate(data, { gradients: ['All'] });
  const examples = [Object.fromEntries(Object.entries(data).map(([k, v]) => [k, fromNested(v as never)]))];
  const targets = [...net.inputs.map((p) => ({ key: p.name as string | (string | number)[], arr: examples[0]![p.name]! })), ...ref.arrays().map((a) => ({ key: a.key, arr: a.value }))];
  let worst = 0;
  const keys: string[] = [];
  r.gradients.forEach((g, i) => {
    const t = targets[i]!;
    const expected = derivative({ net: ref, examples }, t.arr).value.data;
    const actual = flat(g.value as never);
    keys.push(g.key);
    if (JSON.stringify(typeof t.key === 'string' ? t.key : t.key) !== JSON.stringify(g.spec)) throw new Error(`order differs at ${i}: ${JSON.stringify(t.key)} vs ${JSON.stringify(g.spec)}`);
    actual.forEach((a, j) => (worst = Math.max(worst, Math.abs(a - expected[j]!) / (1e-6 + 1e-4 * Math.abs(expected[j]!)))));
  });
  net.dispose();
  process.stdout.write(
    `${file}: read ${(t1 - t0).toFixed(0)} ms first, ${(t2 - t1).toFixed(0)} ms again; ${keys.length} gradients (${keys.join(', ')}); ` +
      `worst |netport - float64| / (1e-6 + 1e-4 |float64|) = ${worst.toFixed(3)} (${worst <= 1 ? 'within' : 'OUTSIDE'} rtol 1e-4, atol 1e-6)\n`,
  );
}

/** The reference takes arrays as nested lists: {"Dimensions", "Data"} objects become them. */
function nestedArrays(v: Json): Json {
  if (Array.isArray(v)) return v.map(nestedArrays);
  if (v === null || typeof v !== 'object') return v;
  if (Array.isArray(v.Dimensions) && Array.isArray(v.Data) && Object.keys(v).length === 2) return reshape(v.Data as number[], v.Dimensions as number[]) as Json;
  return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, nestedArrays(x)]));
}

function reshape(values: number[], dims: readonly number[]): number[] {
  if (dims.length <= 1) return values;
  const inner = values.length / dims[0]!;
  return Array.from({ length: dims[0]! }, (_, i) => reshape(values.slice(i * inner, (i + 1) * inner), dims.slice(1))) as never;
}

const flat = (v: number | unknown[]): number[] => (typeof v === 'number' ? [v] : (v as never[]).flatMap(flat));

main().catch((e) => {
  process.stderr.write(`${(e as Error).message}\n`);
  process.exitCode = 1;
});
