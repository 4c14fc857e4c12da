/**
 * The public entry points take anything: a value, or a NetError; never a TypeError or
 * a RangeError from inside (generated inputs of every JSON and JavaScript kind).
 */
import fc from 'fast-check';
import { checkCases, formatSpec, isNetError, loadNet, parseNet, parseWolfram, printNet, printResult, translateData, translateNet, translateRequest, translateResult } from '../../lib';
import { printData, printValue, WolframSyntaxError } from '../../lib/wolfram';
import { useBackend } from '../helpers/backends';

beforeAll(() => useBackend('cpu'));

const ENTRY_POINTS: Record<string, (x: unknown) => unknown> = {
  parseNet: (x) => parseNet(x),
  parseWolfram: (x) => parseWolfram(x as string),
  translateNet: (x) => translateNet(x as string),
  translateData: (x) => translateData(x as string),
  translateRequest: (x) => translateRequest(x as string),
  translateResult: (x) => translateResult(x as string),
  printNet: (x) => printNet(x as never),
  printResult: (x) => printResult(x as never),
  printValue: (x) => printValue(x as never),
  printData: (x) => printData(x as never),
  formatSpec: (x) => formatSpec(x as never),
  'translateNet options': (x) => translateNet('LinearLayer[2]', x as never),
  'translateData options': (x) => translateData('{1, 2}', x as never),
};

function deep(n: number): unknown {
  let v: unknown = 1;
  for (let i = 0; i < n; i++) v = [v];
  return v;
}

test.each(Object.keys(ENTRY_POINTS))('%s: anything gives a value or a NetError (generated)', (name) => {
  const f = ENTRY_POINTS[name]!;
  const check = (x: unknown) => {
    try {
      f(x);
    } catch (e) {
      // parse() reports syntax as WolframSyntaxError (line and column); everything else is a NetError.
      if (!isNetError(e) && !(name === 'parseWolfram' && e instanceof WolframSyntaxError)) throw e;
    }
  };
  fc.assert(fc.property(fc.anything({ withBigInt: true, withNullPrototype: true, withSparseArray: true, withTypedArray: true, withMap: true }), check), { numRuns: 300 });
  for (const x of [deep(100_000), { type: 'NetChain', Layers: [deep(100_000)] }, [['x', deep(100_000)]], { Input: deep(100_000) }, Symbol('s'), () => 1]) check(x);
});

test('checkCases: a string where a list of paths is expected, null options', async () => {
  await expect(checkCases('fixtures' as never)).rejects.toThrow('checkCases: the paths must be a list of file or directory names, not "fixtures"');
  await expect(checkCases([], null as never)).rejects.toThrow('checkCases: the options must be an object, not null');
});

test('evaluate: any data and any output gradient give a value or a NetError (generated)', async () => {
  const net = await loadNet({ type: 'NetGraph', Layers: { a: { type: 'LinearLayer', OutputDimensions: 2 }, b: { type: 'EmbeddingLayer', OutputDimension: 2, ClassCount: 3, Input: 'Real' } }, Edges: [[{ NetPort: 'Input' }, 'a'], [{ NetPort: 'Class' }, 'b']], Input: 2 }, { backend: 'cpu', initialize: 3 });
  try {
    net.evaluate({ Input: [1, 2], Class: 2 });
    const anything = fc.anything({ withBigInt: true, withNullPrototype: true, withSparseArray: true, withTypedArray: true, withMap: true });
    fc.assert(
      fc.property(anything, anything, (data, ograd) => {
        for (const run of [() => net.evaluate(data), () => net.evaluate({ Input: [1, 2], Class: 1 }, { ograd: ograd as never }), () => net.evaluate({ Input: data, Class: data }, { gradients: ['Input'] }), () => net.evaluate({ Input: [1, 2], Class: data })]) {
          try {
            run();
          } catch (e) {
            if (!isNetError(e)) throw e;
          }
        }
      }),
      { numRuns: 300 },
    );
  } finally {
    net.dispose();
  }
});
