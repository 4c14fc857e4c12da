/**
 * Net files written independently of netport (fixtures/wolfram-files, by wolframclient
 * and h5py in the layout of a real 13.0.3 file): every kind of the same net reads as the
 * same description, and gives the gradients of the float64 reference of its arrays.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { checkCases, loadNet } from '../../lib';
import { main } from '../../lib/cli/main';
import { detectKind, readNetBytes, readNetFile } from '../../lib/formats';
import type { Json } from '../../scripts/reference/layers';
import { expectNoLeak, TEST_BACKENDS, useBackend } from '../helpers/backends';
import { generateCases } from '../../scripts/wolfram-files/make-cases';
import { dataFor, expectClose, expected, expectedRead, fixture, FIXTURES, flat, KINDS, NETS, referenceAll } from './helpers';

describe.each(NETS)('the %s fixture', (net) => {
  test.each(KINDS)('%s reads as the expected description', async (kind) => {
    expect(await readNetFile(fixture(`${net}.${kind}`))).toEqual(expectedRead(net));
  });

  test('its kinds are told by content', () => {
    const kinds = KINDS.map((k) => detectKind(readFileSync(fixture(`${net}.${k}`))));
    expect(kinds).toEqual(['wxf', 'wxf', 'wolfram', 'wlnet']);
    expect(detectKind(readFileSync(fixture(`${net}.description`)))).toBe('json');
  });

  describe.each(TEST_BACKENDS)('on %s', (backend) => {
    beforeAll(() => useBackend(backend));
    test('the .wlnet gives NetPortGradient[All] of the float64 reference, in its order', async () => {
      await expectNoLeak(async () => {
        const n = await loadNet(fixture(`${net}.wlnet`), { backend });
        try {
          const data = dataFor(n.inputs, 7);
          const r = n.evaluate(data, { gradients: ['All'] });
          const ref = referenceAll(expected(net) as Json, data);
          expect(r.gradients.map((g) => g.spec)).toEqual(ref.map(([k]) => k));
          r.gradients.forEach((g, i) => expectClose(flat(g.value), ref[i]![1], g.key));
        } finally {
          n.dispose();
        }
      });
    });
  });
});

test('loadNet takes bytes as well as paths', async () => {
  await expectNoLeak(async () => {
    const net = await loadNet(readFileSync(fixture('chain.compressed.wxf')), { backend: 'cpu' });
    expect(net.inputs).toEqual([{ name: 'Input', dims: [2] }]);
    expect(net.arrays.map((a) => a.path)).toEqual([[1, 'Weights'], [1, 'Biases'], [3, 'Weights'], [3, 'Biases']]);
    net.dispose();
  });
});

test('a case file\'s "net" may be a net file relative to the case file', async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'netport-case-'));
  const data = dataFor([{ name: 'Input', dims: [3] }, { name: 'Target', dims: [2] }], 11);
  const ref = referenceAll(expected('graph') as Json, data);
  const cases = ['graph.wlnet', 'graph.wxf', 'graph.wl'].map((file) => ({
    name: file,
    net: path.relative(dir, fixture(file)),
    data,
    expect: [{ gradient: 'Input', value: ref[0]![1] }, { gradient: ['lin', 'Weights'], value: [ref[3]![1].slice(0, 3), ref[3]![1].slice(3)] }],
  }));
  const file = path.join(dir, 'cases.json');
  writeFileSync(file, JSON.stringify(cases));
  const reports = await checkCases([file], { backend: 'cpu' });
  expect(reports.map((r) => [r.name, r.status, r.failures])).toEqual(cases.map((c) => [c.name, 'passed', []]));
});

test('netport eval takes a .wlnet file', async () => {
  const out: string[] = [];
  const o = jest.spyOn(process.stdout, 'write').mockImplementation((c) => (out.push(String(c)), true));
  try {
    expect(await main(['eval', fixture('chain.wlnet'), '--data', '{"Input": [0.5, -0.25]}', '--grad', 'Input', '--backend', 'cpu', '--json'])).toBe(0);
  } finally {
    o.mockRestore();
  }
  const printed = JSON.parse(out.join(''));
  const ref = referenceAll(expected('chain') as Json, { Input: [0.5, -0.25] });
  expectClose(printed['NetPortGradient["Input"]'], ref[0]![1], 'NetPortGradient["Input"]');
});

test('bytes of no net kind are refused', async () => {
  await expect(readNetBytes(Buffer.from([0, 1, 2, 3]))).rejects.toMatchObject({ code: 'invalid_net' });
});

describe('fixtures/wolfram-files/cases.json', () => {
  test('is what scripts/wolfram-files/make-cases.ts writes (the float64 reference of the files\' arrays)', () => {
    const NUMBER = /-?\d+\.?\d*(?:e[-+]?\d+)?/g;
    const [stored, fresh] = [readFileSync(path.join(FIXTURES, 'cases.json'), 'utf8'), generateCases(FIXTURES)];
    expect(stored.replace(NUMBER, '#')).toBe(fresh.replace(NUMBER, '#'));
    const [a, b] = [stored, fresh].map((t) => (t.match(NUMBER) ?? []).map(Number));
    expect(a!.filter((x, i) => !(Math.abs(x - b![i]!) <= 1e-12 + 1e-8 * Math.abs(b![i]!)))).toEqual([]);
  });

  test.each(TEST_BACKENDS)('passes on %s: nets given as .wlnet, WXF and InputForm files', async (backend) => {
    await useBackend(backend);
    const reports = await expectNoLeak(() => checkCases([path.join(FIXTURES, 'cases.json')], { backend }));
    expect(reports.filter((r) => r.status !== 'passed')).toEqual([]);
    expect(reports).toHaveLength(12);
  });
});

test('netport convert writes each form, to a file or to standard output', async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'netport-convert-'));
  const run = async (args: string[]) => {
    const out: Buffer[] = [];
    const o = jest.spyOn(process.stdout, 'write').mockImplementation((c) => (out.push(Buffer.from(c as Uint8Array)), true));
    try {
      return { code: await main(args), out: Buffer.concat(out) };
    } finally {
      o.mockRestore();
    }
  };
  for (const to of ['wlnet', 'wxf', 'wl', 'json']) {
    const file = path.join(dir, `graph.${to}`);
    expect((await run(['convert', fixture('graph.wlnet'), '--to', to, '-o', file])).code).toBe(0);
    expect(await readNetFile(file)).toEqual(expected('graph'));
  }
  const text = await run(['convert', fixture('conv.wxf'), '--to', 'wl']);
  expect(text.out.toString()).toMatch(/^NetChain\[<\|"Type" -> "Chain", "Nodes" -> <\|"1" -> <\|"Type" -> "Convolution"/);
  expect(await readNetBytes(text.out)).toEqual(expected('conv'));
});
