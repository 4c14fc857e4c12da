/**
 * What should not pass does not: zero-size arrays, Index targets that are not integers
 * (also ones that float32 would round to an integer), unknown NumericArray types and
 * values outside a type's range, non-integer seeds, negative MovingVariance.
 */
import fc from 'fast-check';
import { Net } from '../../lib/runtime';
import { translateData, translateNet } from '../../lib/wolfram';
import { errorOf, useBackend } from '../helpers/backends';

const LOSS = { type: 'NetChain', Input: 3, Layers: [{ type: 'SoftmaxLayer' }, { type: 'CrossEntropyLossLayer', TargetForm: 'Index' }] };
const BN = { type: 'BatchNormalizationLayer', Input: 2, Scaling: [1, 2], Biases: [0, 1], MovingMean: [0.5, -0.5], MovingVariance: [1, 2] };

function messageOf(body: () => unknown): string {
  try {
    body();
  } catch (e) {
    return `${(e as { code?: string }).code}: ${(e as Error).message}`;
  }
  return 'accepted';
}

beforeAll(() => useBackend('cpu'));

test('zero-size arrays are refused in nets, data and output gradients', async () => {
  expect(await errorOf(() => Net.load({ type: 'LinearLayer', OutputDimensions: 2, Input: 3, Weights: { Dimensions: [2, 0], Data: [] } }, { backend: 'cpu' }))).toBe(
    'invalid_net: Invalid net: LinearLayer "Weights" is empty (dimensions {2, 0}): netport takes no zero-size arrays',
  );
  expect(await errorOf(() => Net.load({ type: 'LinearLayer', OutputDimensions: 2, Input: 3, Weights: [[], []] }, { backend: 'cpu' }))).toBe(
    'invalid_net: Invalid net: LinearLayer "Weights" is empty (dimensions {2, 0}): netport takes no zero-size arrays',
  );
  const net = await Net.load({ type: 'ElementwiseLayer', Function: 'Ramp', Input: 'Real' }, { backend: 'cpu' });
  try {
    expect(await errorOf(() => net.evaluate([]))).toBe('invalid_data: Invalid data: "Input" is empty (dimensions {0}): netport takes no zero-size arrays');
    expect(await errorOf(() => net.evaluate({ Input: { dims: [0], data: new Float32Array(0) } }))).toBe('invalid_data: Invalid data: "Input" is empty (dimensions {0}): netport takes no zero-size arrays');
    expect(await errorOf(() => net.evaluate([1, 2], { ograd: { Output: [] } }))).toMatch(/^invalid_ograd: Invalid output gradient: the output gradient for "Output" is empty/);
  } finally {
    net.dispose();
  }
});

test('Index targets that are not integers are refused, exactly (generated)', async () => {
  const net = await Net.load(LOSS, { backend: 'cpu' });
  try {
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.double({ min: 0.5, max: 3.5, noNaN: true }), fc.constantFrom(1.00000001, 2.9999999, 1 + 2 ** -30)), fc.boolean(), async (t, typed) => {
        fc.pre(!Number.isInteger(t));
        const target = typed ? { dims: [], data: Float64Array.from([t]) } : t;
        expect(await errorOf(() => net.evaluate({ Input: [1, 2, 3], Target: target }))).toBe(`invalid_data: Invalid data: "Target" takes integers from 1 to 3, but has ${t}`);
      }),
      { numRuns: 40 },
    );
    expect(net.evaluate({ Input: [1, 2, 3], Target: 2 }).outputs.Loss).toBeCloseTo(1.4076059644443801, 5);
  } finally {
    net.dispose();
  }
});

describe('NumericArray in Wolfram text', () => {
  test.each([
    ['an unknown type', 'NumericArray[{1, 2}, "Real31"]', /^invalid_data: Invalid data: data: "Real31" is not a NumericArray type \("Integer8", /],
    ['a symbol for the type', 'NumericArray[{1, 2}, Real32]', /^invalid_data: Invalid data: data: Real32 is not a NumericArray type/],
    ['a complex type', 'NumericArray[{1, 2}, "ComplexReal32"]', /^unsupported: .*NumericArray of type "ComplexReal32" is not supported: netport takes real numbers/],
    ['a value beyond UnsignedInteger8', 'NumericArray[{1, 300}, "UnsignedInteger8"]', /^invalid_data: Invalid data: data: NumericArray of type "UnsignedInteger8" holds 300, which is not an integer from 0 to 255/],
    ['a negative unsigned value', 'NumericArray[{{1}, {-1}}, "UnsignedInteger16"]', /holds -1, which is not an integer from 0 to 65535/],
    ['a fraction in an integer type', 'NumericArray[{0.5}, "Integer32"]', /holds 0.5, which is not an integer from -2147483648 to 2147483647/],
    ['a value beyond Real16', 'NumericArray[{70000.}, "Real16"]', /holds 70000, which is not a number from -65504 to 65504/],
    ['a conversion method', 'NumericArray[{300}, "UnsignedInteger8", "ClipAndRound"]', /^unsupported: .*NumericArray with a conversion method is not supported/],
    ['a RawArray of an unknown type', 'RawArray["Byte", {1, 2}]', /"Byte" is not a RawArray type/],
  ])('%s is refused', (_, text, expected) => {
    expect(messageOf(() => translateData(text))).toMatch(expected);
  });

  test('within range it reads as before', () => {
    expect(translateData('NumericArray[{1, 255}, "UnsignedInteger8"]').data).toEqual({ Input: [1, 255] });
    expect(messageOf(() => translateNet('LinearLayer[1, "Weights" -> NumericArray[{{1, 1*^39}}, "Real32"]]'))).toMatch(/holds 1e\+39, which is not a number from -3.4028234663852886e\+38/);
  });
});

test('initialize seeds must be non-negative integers', async () => {
  expect(await errorOf(() => Net.load(BN, { backend: 'cpu', initialize: 0.5 }))).toBe('invalid_spec: loadNet: the option initialize must be a non-negative integer, not 0.5');
  expect(await errorOf(() => Net.load(BN, { backend: 'cpu', initialize: { seed: 2 ** 60 } }))).toBe('invalid_spec: loadNet: the option initialize.seed must be a non-negative integer, not 1152921504606847000');
});

test('a negative MovingVariance is refused, in the net and in setArray', async () => {
  expect(await errorOf(() => Net.load({ ...BN, MovingVariance: [1, -0.5] }, { backend: 'cpu' }))).toBe(
    'invalid_net: Invalid net: BatchNormalizationLayer "MovingVariance" has the negative value -0.5 at position {2}; it must be at least 0',
  );
  const net = await Net.load(BN, { backend: 'cpu' });
  try {
    expect(await errorOf(() => net.setArray(['MovingVariance'], [-1, 1]))).toBe('invalid_data: Invalid array: {"MovingVariance"} has the negative value -1 at position {1}; it must be at least 0');
    net.setArray(['MovingVariance'], [0, 3]);
    expect(net.array(['MovingVariance']).data).toEqual(Float32Array.from([0, 3]));
  } finally {
    net.dispose();
  }
});
