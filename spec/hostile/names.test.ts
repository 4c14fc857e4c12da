/**
 * Names are data: layer, port, array and data keys such as `__proto__`, `constructor`
 * and `toString` behave like any other name, in JSON and in Wolfram text; function
 * names that are Object.prototype members are unknown functions, not crashes.
 */
import fc from 'fast-check';
import { isNetError } from '../../lib/errors';
import { Net } from '../../lib/runtime';
import { translateData, translateNet } from '../../lib/wolfram';
import { errorOf, expectNoLeak, TEST_BACKENDS, useBackend } from '../helpers/backends';

/** Names that reach Object.prototype when used as plain object keys. */
const HOSTILE = ['__proto__', 'constructor', 'toString', 'hasOwnProperty', 'valueOf', '__defineGetter__', 'isPrototypeOf'];
const nameArb = fc.oneof(fc.constantFrom(...HOSTILE), fc.string({ minLength: 1, maxLength: 8 }).filter((s) => !/^\d/.test(s)));

/** Two named LinearLayers, a -> b, with graph ports named `inName` and `outName`, written as JSON text. */
function graphText(a: string, b: string, inName: string, outName: string): string {
  const A = JSON.stringify(a);
  const B = JSON.stringify(b);
  return `{"type": "NetGraph", ${JSON.stringify(inName)}: 2,
    "Layers": {${A}: {"type": "LinearLayer", "OutputDimensions": 2, "Weights": [[1, 2], [3, -4]], "Biases": [0.5, -1]},
               ${B}: {"type": "LinearLayer", "OutputDimensions": 1, "Weights": [[2, -1]], "Biases": [0]}},
    "Edges": [[{"NetPort": ${JSON.stringify(inName)}}, ${A}], [${A}, ${B}], [${B}, {"NetPort": ${JSON.stringify(outName)}}]]}`;
}

// Output = 2 (x1 + 2 x2 + 0.5) - (3 x1 - 4 x2 - 1) = -x1 + 8 x2 + 2; the gradient wrt the input is {-1, 8}.
const X = [0.7, -0.4];
const OUTPUT = -0.7 + 8 * -0.4 + 2;

describe.each(TEST_BACKENDS)('names on %s', (backend) => {
  beforeAll(() => useBackend(backend));

  test('layer and port names from Object.prototype are names like any other (generated)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uniqueArray(nameArb, { minLength: 4, maxLength: 4 }), async ([a, b, inName, outName]) => {
        const net = await Net.load(JSON.parse(graphText(a!, b!, inName!, outName!)), { backend });
        try {
          expect(net.inputs.map((p) => p.name)).toEqual([inName]);
          expect(net.outputs.map((p) => p.name)).toEqual([outName]);
          expect(net.arrays.map((s) => s.path)).toEqual([[a, 'Weights'], [a, 'Biases'], [b, 'Weights'], [b, 'Biases']]);
          const data = JSON.parse(`{${JSON.stringify(inName)}: [0.7, -0.4]}`);
          net.evaluate(data); // makes the net's own tensors
          const r = await expectNoLeak(() => net.evaluate(data, { outputs: 'All', gradients: [inName!, [a!, 'Biases']] }));
          expect(Object.keys(r.outputs)).toEqual([outName]);
          expect((r.outputs[outName!] as number[])[0]).toBeCloseTo(OUTPUT, 5);
          expect(r.gradients[0]!.value).toEqual([-1, 8]);
          expect(r.gradients[1]!.value).toEqual([2, -1]);
        } finally {
          net.dispose();
        }
      }),
      { numRuns: 15 },
    );
  });

  test('a data key __proto__ or constructor is not an input port', async () => {
    const net = await Net.load({ type: 'LinearLayer', OutputDimensions: 1, Input: 2, Weights: [[1, 1]], Biases: [0] }, { backend });
    try {
      expect(await errorOf(() => net.evaluate(JSON.parse('{"Input": [1, 2], "__proto__": [1, 2]}')))).toBe(
        'invalid_data: Invalid data: "__proto__" is not an input port of the net (inputs: "Input")',
      );
      expect(await errorOf(() => net.evaluate(JSON.parse('{"constructor": [1, 2]}')))).toBe(
        'invalid_data: Invalid data: "constructor" is not an input port of the net (inputs: "Input")',
      );
      expect(await errorOf(() => net.evaluate({ Input: [1, 2] }, { ograd: JSON.parse('{"toString": 1}') }))).toBe(
        'invalid_ograd: Invalid output gradient: "toString" is not an output port of the net (outputs: "Output")',
      );
    } finally {
      net.dispose();
    }
  });
});

describe('names in descriptions', () => {
  beforeAll(() => useBackend('cpu'));

  test('a layer key __proto__ is an unknown key, also on layers with variadic inputs', async () => {
    expect(await errorOf(() => Net.load(JSON.parse('{"type": "TotalLayer", "__proto__": 3, "Input1": 2, "Input2": 2}'), { backend: 'cpu' }))).toBe(
      'invalid_net: Invalid net: TotalLayer has unknown key "__proto__"',
    );
    expect(await errorOf(() => Net.load({ type: 'TotalLayer', constructor: 3, Input1: 2, Input2: 2 }, { backend: 'cpu' }))).toMatch(
      /^invalid_net: Invalid net: TotalLayer has unknown key "constructor"/,
    );
  });

  test.each(['constructor', 'toString', 'valueOf', 'constructor[#] &'])('ElementwiseLayer %j is an unknown function', async (f) => {
    const e = await errorOf(() => Net.load({ type: 'ElementwiseLayer', Function: f, Input: 2 }, { backend: 'cpu' }));
    expect(e).toMatch(/^unsupported: Unsupported: ElementwiseLayer "Function": uses \S+, which netport cannot compute/);
  });

  test('ElementwiseLayer "__proto__" is not Wolfram syntax', async () => {
    expect(await errorOf(() => Net.load({ type: 'ElementwiseLayer', Function: '__proto__', Input: 2 }, { backend: 'cpu' }))).toBe(
      'invalid_net: Invalid net: ElementwiseLayer "Function": Wolfram syntax: unsupported operator "_" at line 1, column 1',
    );
  });

  test.each(['toString[#] &', 'constructor[#1, #2] &', 'constructor', 'hasOwnProperty'])('ThreadingLayer %j is an unknown function', async (f) => {
    const e = await errorOf(() => Net.load({ type: 'ThreadingLayer', Function: f, Input1: 2, Input2: 2 }, { backend: 'cpu' }));
    expect(e).toMatch(/^unsupported: Unsupported: ThreadingLayer "Function": uses \S+, which netport cannot compute/);
  });

  test('Wolfram text: association keys from Object.prototype are names', async () => {
    const json = translateNet(
      'NetGraph[<|"constructor" -> LinearLayer[2, "Weights" -> {{1, 2}, {3, -4}}, "Biases" -> {0.5, -1}], "__proto__" -> LinearLayer[1, "Weights" -> {{2, -1}}, "Biases" -> {0}]|>, {NetPort["toString"] -> "constructor" -> "__proto__" -> NetPort["__proto__"]}, "toString" -> 2]',
    );
    expect(Object.keys(json.Layers as object)).toEqual(['constructor', '__proto__']);
    const { data } = translateData('<|"toString" -> {0.7, -0.4}|>');
    expect(Object.keys(data)).toEqual(['toString']);
    const net = await Net.load(json, { backend: 'cpu' });
    try {
      expect(net.outputs.map((p) => p.name)).toEqual(['__proto__']);
      const r = net.evaluate(data, { gradients: ['toString'] });
      expect(r.gradients[0]!.value).toEqual([-1, 8]);
    } finally {
      net.dispose();
    }
    expect(() => translateData('<|"__proto__" -> 1, "__proto__" -> 2|>')).toThrow(/"__proto__" is given twice/);
  });

  test('Wolfram text: option and character names from Object.prototype are refused cleanly', () => {
    for (const text of ['LinearLayer[2, "constructor" -> 3]', 'LinearLayer[2, constructor -> 3]', 'ElementwiseLayer["constructor"]', 'NetChain[{Ramp}, "__proto__" -> 2]']) {
      let error: unknown;
      try {
        translateNet(text);
      } catch (e) {
        error = e;
      }
      expect(isNetError(error)).toBe(true);
    }
  });
});
