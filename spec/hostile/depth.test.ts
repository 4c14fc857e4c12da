/**
 * Depth never crashes: deep nesting in JSON nets, data and every Wolfram construct ends
 * in a NetError that says where, never a RangeError from a stack overflow.
 */
import fc from 'fast-check';
import { runCase } from '../../lib/cases';
import { isNetError } from '../../lib/errors';
import { compilePureFunction } from '../../lib/functions/pure';
import { MAX_NESTING, preview, tooDeep } from '../../lib/limits';
import { Net } from '../../lib/runtime';
import { translateData, translateNet, translateRequest } from '../../lib/wolfram';
import { errorOf, useBackend } from '../helpers/backends';

/** A value nested `depth` lists deep around `inner`, built without recursion. */
function nestedList(depth: number, inner: unknown = 1): unknown {
  let v = inner;
  for (let i = 0; i < depth; i++) v = [v];
  return v;
}

function nestedChain(depth: number): unknown {
  let v: unknown = { type: 'ElementwiseLayer', Function: 'Ramp' };
  for (let i = 0; i < depth; i++) v = { type: 'NetChain', Layers: [v] };
  return { ...(v as object), Input: 2 };
}

/** The NetError code a call throws; fails on anything else (a RangeError above all). */
function codeOf(body: () => unknown): string {
  try {
    body();
  } catch (e) {
    if (isNetError(e)) return e.code;
    throw e;
  }
  return 'none';
}

beforeAll(() => useBackend('cpu'));

describe('JSON', () => {
  test.each([1000, 100_000])('a NetChain nested %d deep is refused with the place', async (depth) => {
    expect(await errorOf(() => Net.load(nestedChain(depth), { backend: 'cpu' }))).toBe(
      `invalid_net: Invalid net: the description nests deeper than ${MAX_NESTING} levels (at "Layers" > 1 > "Layers" > 1 > "Layers" > 1 > ...)`,
    );
  });

  test('an array value nested 100000 deep is refused', async () => {
    expect(await errorOf(() => Net.load({ type: 'LinearLayer', OutputDimensions: 1, Input: 1, Weights: nestedList(100_000) }, { backend: 'cpu' }))).toMatch(
      /^invalid_net: Invalid net: the description nests deeper than 400 levels \(at "Weights" > 1 > 1 > 1 > 1 > 1 > \.\.\.\)$/,
    );
  });

  test('a chain nested 100 deep still loads and evaluates', async () => {
    const net = await Net.load(nestedChain(100), { backend: 'cpu' });
    try {
      expect(net.evaluate({ Input: [-1, 2] }).outputs.Output).toEqual([0, 2]);
    } finally {
      net.dispose();
    }
  });

  test('data and output gradients nested deeper than the rank limit are refused (generated)', async () => {
    const net = await Net.load({ type: 'ElementwiseLayer', Function: 'Ramp', Input: 2 }, { backend: 'cpu' });
    try {
      await fc.assert(
        fc.asyncProperty(fc.integer({ min: 33, max: 200_000 }), async (depth) => {
          expect(await errorOf(() => net.evaluate({ Input: nestedList(depth) }))).toBe('invalid_data: Invalid data: "Input" has rank 33 or more, beyond netport\'s limit of 32');
          expect(await errorOf(() => net.evaluate({ Input: [1, 2] }, { ograd: { Output: nestedList(depth) } }))).toMatch(/^invalid_ograd: .*has rank 33 or more/);
        }),
        { numRuns: 10 },
      );
      expect(await errorOf(() => net.evaluate({ Input: { dims: Array(40).fill(1), data: new Float32Array(1) } }))).toBe(
        'invalid_data: Invalid data: "Input" has rank 40, beyond netport\'s limit of 32',
      );
    } finally {
      net.dispose();
    }
  });

  test('tooDeep and preview handle any depth and size', () => {
    expect(tooDeep(nestedList(400))).toBeUndefined();
    expect(tooDeep(nestedList(401))).toEqual([1, 1, 1, 1, 1, 1]);
    expect(tooDeep({ a: [1, { b: nestedList(500) }] }, 10)).toEqual(['a', 2, 'b', 1, 1, 1]);
    expect(preview(nestedList(1_000_000))).toBe('[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[...');
    expect(preview(Array(1e6).fill(1.5))).toBe('[1.5,1.5,1.5,1.5,1.5,1.5,1.5,1.5,1.5,...');
    expect(preview({ a: 'x'.repeat(1e6) })).toBe('{"a":"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx...');
  });
});

describe('Wolfram text', () => {
  /** Constructs that nest without brackets, and bracketed ones, `n` deep. */
  const CONSTRUCTS: Record<string, (n: number) => string> = {
    'calls applied to calls f[x][x]...': (n) => `f${'[x]'.repeat(n)}`,
    'chained spans 1;;2;;3;;...': (n) => Array.from({ length: n }, (_, i) => i + 1).join(';;'),
    'postfix // chains': (n) => `x${' // f'.repeat(n)}`,
    'nested lists': (n) => `${'{'.repeat(n)}1${'}'.repeat(n)}`,
    'nested calls': (n) => `${'Sin['.repeat(n)}#${']'.repeat(n)} &`,
    'unary minus': (n) => `${'-'.repeat(n)}1`,
    'parentheses': (n) => `${'('.repeat(n)}1${')'.repeat(n)}`,
    'pure functions of pure functions': (n) => `#${' &'.repeat(n)}`,
    'rules': (n) => `${'a -> '.repeat(n)}b`,
    'powers': (n) => `${'2^'.repeat(n)}2`,
    'prefix @': (n) => `${'f @ '.repeat(n)}x`,
  };

  test.each(Object.keys(CONSTRUCTS))('%s: any depth ends in a NetError (generated)', (name) => {
    const make = CONSTRUCTS[name]!;
    fc.assert(
      fc.property(fc.integer({ min: 501, max: 60_000 }), (n) => {
        const text = make(n);
        expect(codeOf(() => translateNet(text))).toBe('invalid_net');
        expect(codeOf(() => translateData(text))).toBe('invalid_data');
        expect(codeOf(() => translateRequest(text))).toBe('invalid_spec');
        expect(codeOf(() => compilePureFunction(text, 1))).toBe('invalid_net');
      }),
      { numRuns: 4 },
    );
  });

  test('the message says where the nesting went too deep', () => {
    expect(() => translateNet(`f${'[x]'.repeat(100_000)}`)).toThrow('Invalid net: Wolfram syntax: nesting deeper than 500 levels at line 1, column 1500');
    // A net within the limit translates; its error printer quotes a short excerpt.
    expect(() => translateNet(`f${'[x]'.repeat(300)}`)).toThrow(/^Invalid net: expected a layer, NetChain or NetGraph, got f\[x\]\[x\]/);
  });
});

describe('expressions built by hand and case files', () => {
  test('a hand-built Expr of any depth ends in a NetError', () => {
    let e: unknown = { kind: 'slot', index: 1, sequence: false, pos: -1 };
    for (let i = 0; i < 100_000; i++) e = { kind: 'call', head: { kind: 'symbol', name: 'Sin', context: '', pos: -1 }, args: [e], pos: -1 };
    expect(codeOf(() => compilePureFunction({ kind: 'function', params: null, body: e, pos: -1 } as never, 1))).toBe('invalid_net');
    expect(codeOf(() => translateNet(e as never))).toBe('invalid_net');
  });

  test('a case file nested 100000 deep is one failed case', async () => {
    let value: unknown = 1;
    for (let i = 0; i < 100_000; i++) value = [value];
    const report = await runCase({ file: 'deep.json', index: 0, raw: { net: { type: 'ElementwiseLayer', Function: 'Ramp', Input: 1 }, data: { Input: [1] }, expect: [{ output: 'Output', value }] } }, 'cpu');
    expect(report.failures).toEqual(['not a valid case: it nests deeper than 400 levels (at "expect" > 1 > "value" > 1 > 1 > 1 > ...)']);
  });
});
