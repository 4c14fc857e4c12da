import * as fs from 'node:fs';
import * as path from 'node:path';
import { checkCases, loadCases } from '../lib/cases';
import { main } from '../lib/cli/main';
import { LAYERS } from '../lib/layers/registry';
import type { Json } from '../lib/wolfram/json';
import { translateNet } from '../lib/wolfram/translate';
import { generate } from '../scripts/reference/generate';
import { expectNoLeak, TEST_BACKENDS, useBackend } from './helpers/backends';

const FIXTURES = path.join(__dirname, '..', 'fixtures', 'cases');
const WOLFRAM = path.join(__dirname, '..', 'fixtures', 'wolfram');
/** Wolfram-syntax cases of every layer family, with float64 reference values (scripts/reference). */
const WOLFRAM_LAYERS = path.join(__dirname, '..', 'fixtures', 'wolfram-layers');

describe('fixtures/wolfram-layers', () => {
  test('covers every layer of the registry', async () => {
    const types = new Set<string>();
    const visit = (net: Json): void => {
      if (typeof net !== 'object' || net === null || Array.isArray(net)) return;
      if (typeof net.type === 'string') types.add(net.type);
      const layers = net.Layers;
      if (Array.isArray(layers)) layers.forEach(visit);
      else if (layers && typeof layers === 'object') Object.values(layers).forEach(visit);
    };
    for (const c of await loadCases([WOLFRAM_LAYERS])) visit(translateNet((c.raw as { net: string }).net));
    expect(LAYERS.map((l) => l.type).filter((t) => !types.has(t))).toEqual([]);
  });

  // The text must match, and the numbers to 1e-8: a finite difference turns a last-bit
  // difference of Math.exp or Math.sin between Node versions into one in the 10th digit.
  test('is what scripts/reference/generate.ts writes (regenerate: fixtures/wolfram-layers/README.md)', () => {
    const files = generate();
    expect([...files.keys()].sort()).toEqual(fs.readdirSync(WOLFRAM_LAYERS).filter((f) => f.endsWith('.json')).sort());
    const NUMBER = /-?\d+\.?\d*(?:\*\^-?\d+)?/g;
    const numbers = (text: string) => (text.match(NUMBER) ?? []).map((x) => Number(x.replace('*^', 'e')));
    for (const [file, text] of files) {
      const stored = fs.readFileSync(path.join(WOLFRAM_LAYERS, file), 'utf8');
      expect(stored.replace(NUMBER, '#')).toBe(text.replace(NUMBER, '#'));
      const [a, b] = [numbers(stored), numbers(text)];
      expect(a.filter((x, i) => !(Math.abs(x - b[i]!) <= 1e-12 + 1e-8 * Math.abs(b[i]!)))).toEqual([]);
    }
  });
});

describe.each(TEST_BACKENDS)('shared case files on %s', (backend) => {
  beforeAll(() => useBackend(backend));

  test(`every case in fixtures/cases passes on ${backend}`, async () => {
    const reports = await expectNoLeak(() => checkCases([FIXTURES], { backend }));
    expect(reports.filter((r) => r.status === 'failed')).toEqual([]);
    expect(reports).toHaveLength(17);
  });

  test(`every case of fixtures/wolfram (the same cases in Wolfram syntax) passes on ${backend}`, async () => {
    const reports = await expectNoLeak(() => checkCases([WOLFRAM], { backend }));
    expect(reports.filter((r) => r.status === 'failed')).toEqual([]);
    expect(reports).toHaveLength(16);
  });

  test(`the cases of fixtures/batchnorm (moving and batch statistics, float64 references) pass on ${backend}`, async () => {
    const reports = await expectNoLeak(() => checkCases([path.join(__dirname, '..', 'fixtures', 'batchnorm')], { backend }));
    expect(reports.map((r) => [r.name, r.status])).toEqual([
      ['batchnorm-batch-statistics', 'passed'],
      ['batchnorm-moving-statistics', 'passed'],
    ]);
  });

  test(`every case of fixtures/wolfram-layers (float64 references, every layer family) passes on ${backend}`, async () => {
    const reports = await expectNoLeak(() => checkCases([WOLFRAM_LAYERS], { backend }));
    expect(reports.filter((r) => r.status === 'failed')).toEqual([]);
    expect(reports.length).toBeGreaterThanOrEqual(395);
  });

  test(`netport check fixtures/cases --backend ${backend} prints "17 passed, 0 failed"`, async () => {
    const out: string[] = [];
    const spy = jest.spyOn(process.stdout, 'write').mockImplementation((chunk) => (out.push(String(chunk)), true));
    try {
      expect(await main(['check', FIXTURES, '--backend', backend])).toBe(0);
    } finally {
      spy.mockRestore();
    }
    const lines = out.join('').trim().split('\n');
    expect(lines).toHaveLength(18);
    expect(lines[17]).toBe('17 passed, 0 failed');
  });
});
