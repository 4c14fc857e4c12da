/**
 * The WXF reader and writer against Wolfram's own Python client (wolframclient, from
 * PyPI, in the test-only environment scripts/python-env.sh creates when missing, so this
 * runs on every CI run): what wolframclient writes (every token, arrays of every type)
 * netport reads exactly, and what netport writes (the internal form of every fixture net
 * and of registry examples) wolframclient reads as the same expression.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { readNetFile } from '../../lib/formats';
import type { WExpr } from '../../lib/formats/expr';
import { toInternal } from '../../lib/formats/internal-write';
import { readWxf, writeWxf } from '../../lib/formats/wxf';
import { LAYERS } from '../../lib/layers/registry';
import { fixture, NETS } from './helpers';

const ROOT = path.join(__dirname, '..', '..');
const TOOL = path.join(ROOT, 'scripts', 'wolfram-files', 'wxf_tool.py');
let python = '';
let dir = '';

beforeAll(() => {
  python = execFileSync(path.join(ROOT, 'scripts', 'python-env.sh'), { encoding: 'utf8', timeout: 600_000 }).trim();
  dir = mkdtempSync(path.join(os.tmpdir(), 'netport-wxf-'));
}, 600_000);

const tool = (...args: string[]): unknown => JSON.parse(execFileSync(python, [TOOL, ...args], { encoding: 'utf8', maxBuffer: 1 << 28 }));

/** The canonical JSON of wxf_tool.py, from netport's tree. */
function canon(e: WExpr): unknown {
  switch (e.kind) {
    case 'integer':
      return { i: String(e.value) };
    case 'bigint':
      return { i: e.digits };
    case 'real':
      return { r: e.value };
    case 'bigreal':
      return { R: e.digits };
    case 'string':
      return { s: e.value };
    case 'symbol':
      return { y: e.name };
    case 'bytes':
      return { b: Buffer.from(e.data).toString('base64') };
    case 'call':
      return { f: [canon(e.head), ...e.args.map(canon)] };
    case 'assoc':
      return { a: e.entries.map((x) => [canon(x.key), canon(x.value), x.delayed]) };
    case 'array':
      return { A: e.type, packed: e.packed, dims: [...e.dims], data: Array.from(e.data) };
  }
}

test('what wolframclient writes, every token and array type, netport reads exactly', () => {
  const file = path.join(dir, 'types.wxf');
  const written = tool('types', file);
  const read = readWxf(readFileSync(file));
  expect(canon(read)).toEqual(written);
  // The file does hold every array type as a NumericArray, and the 8 that pack as packed arrays.
  const types = JSON.stringify(written).match(/"A":"\w+","packed":(true|false)/g)!;
  expect(new Set(types).size).toBe(12 + 8);
});

test('what netport writes, wolframclient reads as the same expression', () => {
  const exprs: WExpr[] = [];
  for (const net of NETS) exprs.push(toInternal(JSON.parse(readFileSync(fixture(`${net}.description`), 'utf8'))));
  for (const def of LAYERS) {
    for (const ex of def.examples.slice(0, 2)) exprs.push(toInternal({ type: def.type, ...ex.layer }));
  }
  const files = exprs.map((e, i) => {
    const file = path.join(dir, `netport-${i}.wxf`);
    writeFileSync(file, writeWxf(e));
    return file;
  });
  expect(tool('canon', ...files)).toEqual(exprs.map(canon));
});

/** A part of a canonical expression: the value under string keys of associations (the first call's first argument first). */
function part(c: unknown, ...keys: string[]): unknown {
  let x = c as { f?: unknown[]; a?: Array<[{ s?: string }, unknown, boolean]> };
  if (x.f) x = x.f[1] as typeof x;
  for (const k of keys) x = x.a!.find(([key]) => key.s === k)![1] as typeof x;
  return x;
}

test("netport writes the nodes, arrays, ports and edges of wolframclient's fixture files as they are", async () => {
  for (const net of ['graph', 'conv']) {
    const theirs = canon(readWxf(readFileSync(fixture(`${net}.wxf`))));
    const file = path.join(dir, `${net}-again.wxf`);
    writeFileSync(file, writeWxf(toInternal(await readNetFile(fixture(`${net}.wxf`)))));
    const [ours] = tool('canon', file) as unknown[];
    for (const keys of [['Type'], ['Edges'], ['Inputs'], ['Outputs']]) expect(part(ours, ...keys)).toEqual(part(theirs, ...keys));
    const names = (part(theirs, 'Nodes') as { a: Array<[{ s: string }]> }).a.map(([k]) => k.s);
    for (const name of names) {
      for (const key of ['Type', 'Arrays', 'Inputs', 'Outputs']) expect(part(ours, 'Nodes', name, key)).toEqual(part(theirs, 'Nodes', name, key));
    }
  }
});
