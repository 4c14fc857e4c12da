/**
 * Numbers that are honest: finite derivatives wherever a function's value is finite
 * (no 0 * Infinity from a branch that is not taken), numbers that overflow float32 and
 * holes in JavaScript arrays refused, NaN and Infinity printed apart from None.
 */
import fc from 'fast-check';
import { valueData } from '../../lib/format';
import { NAMED_FUNCTIONS } from '../../lib/functions/pure';
import { Net } from '../../lib/runtime';
import { translateData } from '../../lib/wolfram';
import { errorOf, expectNoLeak, TEST_BACKENDS, useBackend } from '../helpers/backends';

const EXTREMES = [-1e30, -1e4, -1000, -100, -89.5, -88, -20, -1, -1e-3, 0, 1e-3, 1, 20, 88, 89.5, 100, 1000, 1e4, 1e30];

/** Values and input gradients of ElementwiseLayer[f] at xs. */
async function valueAndGradient(backend: string, f: string, xs: readonly number[]): Promise<{ y: number[]; g: number[] }> {
  const net = await Net.load({ type: 'ElementwiseLayer', Function: f, Input: xs.length }, { backend: backend as 'cpu' });
  try {
    const r = net.evaluate({ Input: xs }, { outputs: 'All', gradients: ['Input'] });
    return { y: r.outputs.Output as number[], g: r.gradients[0]!.value as number[] };
  } finally {
    net.dispose();
  }
}

const close = (actual: number, expected: number) => Math.abs(actual - expected) <= 1e-4 * Math.max(1, Math.abs(expected));

/** Pure functions with branches that overflow or leave their domain where they are not taken, with float64 derivatives. */
const BRANCHED: Array<[string, (x: number) => number]> = [
  ['If[# < 80, Exp[#], 0] &', (x) => (x < 80 ? Math.exp(x) : 0)],
  ['If[# > 0, Log[#], 2 #] &', (x) => (x > 0 ? 1 / x : 2)],
  ['If[# <= 0, 3 #, Sqrt[#]] &', (x) => (x <= 0 ? 3 : 0.5 / Math.sqrt(x))],
  ['Piecewise[{{Exp[#], # < 80}, {Sqrt[#], # < 1000}}, 1] &', (x) => (x < 80 ? Math.exp(x) : x < 1000 ? 0.5 / Math.sqrt(x) : 0)],
  ['Which[# > 80, 1, # > -1, Log[1 + #], True, Exp[-#]] &', (x) => (x > 80 ? 0 : x > -1 ? 1 / (1 + x) : -Math.exp(-x))],
];

describe.each(TEST_BACKENDS)('numbers on %s', (backend) => {
  beforeAll(() => useBackend(backend));

  test.each(Object.keys(NAMED_FUNCTIONS))('named function %s: a finite value has a finite gradient, also far from 0', async (f) => {
    const { y, g } = await expectNoLeak(() => valueAndGradient(backend, f, EXTREMES));
    EXTREMES.forEach((x, i) => {
      if (Number.isFinite(y[i])) expect([x, Number.isFinite(g[i])]).toEqual([x, true]);
    });
  });

  test('SELU far from 0: slope 1.0507 above, 0 below', async () => {
    const { y, g } = await valueAndGradient(backend, 'SELU', [-1000, -100, 90, 100, 1000]);
    expect(g.map((v) => Number(v.toFixed(6)))).toEqual([0, 0, 1.050701, 1.050701, 1.050701]);
    expect(y[0]).toBeCloseTo(-1.7580993, 5);
    expect(y[4]).toBeCloseTo(1050.7009873554805, 2);
  });

  test.each(BRANCHED)('%s: the branch not taken leaves the gradient finite and exact (generated)', async (f, derivative) => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.oneof(fc.double({ min: -200, max: 200, noNaN: true }), fc.constantFrom(0, 80, 100, -1, 1000, 2000)), { minLength: 1, maxLength: 6 }), async (xs) => {
        const xs32 = xs.map(Math.fround);
        const { g } = await valueAndGradient(backend, f, xs32);
        xs32.forEach((x, i) => {
          const expected = derivative(x);
          if (!Number.isFinite(Math.fround(expected))) return;
          expect([x, close(g[i]!, expected)]).toEqual([x, true]);
        });
      }),
      { numRuns: 25 },
    );
  });
});

describe('values beyond float32 and sparse arrays', () => {
  beforeAll(() => useBackend('cpu'));
  const LINEAR = { type: 'LinearLayer', OutputDimensions: 1, Input: 2, Weights: [[1, 1]], Biases: [0] };

  test('data, output gradients and arrays that overflow float32 are refused (generated)', async () => {
    const net = await Net.load(LINEAR, { backend: 'cpu' });
    try {
      await fc.assert(
        fc.asyncProperty(fc.double({ min: 3.5e38, max: 1.7e308, noNaN: true }), fc.boolean(), async (big, negative) => {
          const x = negative ? -big : big;
          expect(await errorOf(() => net.evaluate({ Input: [1, x] }))).toBe(
            `invalid_data: Invalid data: "Input" contains ${x} at position {2}, beyond the float32 range (magnitudes up to 3.4028235e38)`,
          );
          expect(await errorOf(() => net.evaluate({ Input: { dims: [2], data: Float64Array.from([x, 1]) } }))).toMatch(/^invalid_data: .*beyond the float32 range/);
          expect(await errorOf(() => net.evaluate({ Input: [1, 2] }, { ograd: { Output: x } }))).toMatch(/^invalid_ograd: .*beyond the float32 range/);
          expect(await errorOf(() => net.evaluate({ Input: [1, 2] }, { ograd: { Output: [x] } }))).toMatch(/^invalid_ograd: .*beyond the float32 range/);
          expect(await errorOf(() => net.setArray(['Weights'], [[x, 1]]))).toMatch(/^invalid_data: Invalid array: \{"Weights"\} contains .* beyond the float32 range/);
          expect(await errorOf(() => net.setArray(['Weights'], { dims: [1, 2], data: Float64Array.from([1, x]) as unknown as Float32Array }))).toMatch(/^invalid_data: .*beyond the float32 range/);
          expect(await errorOf(() => Net.load({ ...LINEAR, Weights: [[1, x]] }, { backend: 'cpu' }))).toMatch(/^invalid_net: Invalid net: LinearLayer "Weights" contains .* beyond the float32 range/);
          expect(await errorOf(() => Net.load({ ...LINEAR, Weights: { Dimensions: [1, 2], Data: [x, 1] } }, { backend: 'cpu' }))).toMatch(/^invalid_net: .*beyond the float32 range/);
        }),
        { numRuns: 20 },
      );
      // The largest float32 itself, and what rounds to it, still pass.
      expect(net.evaluate({ Input: [3.4028235e38, 0] }).outputs.Output).toEqual([3.4028234663852886e38]);
    } finally {
      net.dispose();
    }
  });

  test('Wolfram text 1*^308 in data is refused', async () => {
    const net = await Net.load(LINEAR, { backend: 'cpu' });
    try {
      const { data } = translateData('{1*^308, 1}');
      expect(await errorOf(() => net.evaluate(data))).toMatch(/^invalid_data: Invalid data: "Input" contains 1e\+308 at position \{1\}, beyond the float32 range/);
    } finally {
      net.dispose();
    }
  });

  test('holes in JavaScript arrays are refused, not shifted', async () => {
    const net = await Net.load({ type: 'LinearLayer', OutputDimensions: 1, Input: 3, Weights: [[1, 10, 100]], Biases: [0] }, { backend: 'cpu' });
    try {
      // eslint-disable-next-line no-sparse-arrays
      expect(await errorOf(() => net.evaluate({ Input: [1, , 3] }))).toBe('invalid_data: Invalid data: "Input" has a hole (an empty slot of a sparse array) at position {2}');
      const sparse: number[][] = [[1, 2, 3], [4, 5, 6]];
      delete (sparse[1] as number[])[0];
      expect(await errorOf(() => net.evaluate({ Input: sparse }))).toBe('invalid_data: Invalid data: "Input" has a hole (an empty slot of a sparse array) at position {2, 1}');
      // eslint-disable-next-line no-sparse-arrays
      expect(await errorOf(() => net.setArray(['Weights'], [[1, , 3]] as number[][]))).toMatch(/^invalid_data: Invalid array: \{"Weights"\} has a hole/);
    } finally {
      net.dispose();
    }
  });

  test('--json values: NaN and infinities are strings, apart from null (None)', () => {
    expect(JSON.stringify(valueData([NaN, Infinity, -Infinity, 0.7, [1, NaN]]))).toBe('["NaN","Infinity","-Infinity",0.7,[1,"NaN"]]');
  });
});
