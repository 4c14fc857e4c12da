/**
 * NormalizationLayer and LocalResponseNormalizationLayer with values worked out by hand
 * (the sweep and fixtures/wolfram-layers check the rest against finite differences and
 * the float64 reference), and the errors that name the option at fault.
 */
import { Net } from '../../lib/runtime';
import type { Nested } from '../../lib/tensors';
import { errorOf, expectNoLeak, TEST_BACKENDS, useBackend } from '../helpers/backends';

function flat(v: Nested): number[] {
  return typeof v === 'number' ? [v] : v.flatMap(flat);
}

async function outputOf(layer: Record<string, unknown>, data: Record<string, unknown>, backend: (typeof TEST_BACKENDS)[number]): Promise<number[]> {
  return expectNoLeak(async () => {
    const net = await Net.load(layer, { backend });
    try {
      return flat(net.evaluate(data, { outputs: ['Output'] }).outputs.Output!);
    } finally {
      net.dispose();
    }
  });
}

describe.each(TEST_BACKENDS)('normalization layers on %s', (backend) => {
  beforeAll(() => useBackend(backend));

  test('NormalizationLayer: each row standardized, then Scaling and Biases per row', async () => {
    // Row {1, 3}: mean 2, variance 1; row {2, 6}: mean 4, variance 4.
    const y = await outputOf(
      { type: 'NormalizationLayer', Epsilon: 1e-6, Input: [2, 2], Scaling: [2, -1], Biases: [0.5, 0] },
      { Input: [[1, 3], [2, 6]] },
      backend,
    );
    const s1 = 1 / Math.sqrt(1 + 1e-6);
    const s2 = 2 / Math.sqrt(4 + 1e-6);
    [-2 * s1 + 0.5, 2 * s1 + 0.5, s2, -s2].forEach((v, i) => expect(y[i]).toBeCloseTo(v, 5));
  });

  test('NormalizationLayer: "RMS" and "Unbiased" divide the sum of squares by n - 1 without centering', async () => {
    const y = await outputOf({ type: 'NormalizationLayer', Method: 'RMS', Unbiased: true, Epsilon: 0.5, Input: [1, 2], Scaling: null, Biases: null }, { Input: [[3, 4]] }, backend);
    // (9 + 16) / (2 - 1) + 0.5 = 25.5
    [3 / Math.sqrt(25.5), 4 / Math.sqrt(25.5)].forEach((v, i) => expect(y[i]).toBeCloseTo(v, 5));
  });

  test('LocalResponseNormalizationLayer: the window sum is clipped at the edges, its divisor 2c + 1 is not', async () => {
    const y = await outputOf({ type: 'LocalResponseNormalizationLayer', ChannelWindowSize: 1, Alpha: 3, Beta: 1, Bias: 1, Input: 3 }, { Input: [1, 2, 3] }, backend);
    // channel 1: (1 + 4) 3/3 + 1 = 6; channel 2: (1 + 4 + 9) + 1 = 15; channel 3: (4 + 9) + 1 = 14.
    [1 / 6, 2 / 15, 3 / 14].forEach((v, i) => expect(y[i]).toBeCloseTo(v, 6));
  });

  test.each([
    [{ type: 'NormalizationLayer', AggregationLevels: 3, Input: [2, 2] }, 'invalid_net: Invalid net: NormalizationLayer "AggregationLevels" refers to level 3, but the input has 2 levels'],
    [{ type: 'NormalizationLayer', AggregationLevels: 2, GroupNumber: [3], Input: [2, 4] }, 'invalid_net: Invalid net: NormalizationLayer "GroupNumber" splits level 2 of size 4 into 3 groups; 4 is not a multiple of 3'],
    [{ type: 'NormalizationLayer', GroupNumber: [2, 1], Input: [2, 4] }, 'invalid_net: Invalid net: NormalizationLayer "GroupNumber" has 2 entries, but there is 1 aggregation level'],
    [{ type: 'NormalizationLayer', Input: [2, 3], Scaling: [1, 2, 3] }, 'invalid_net: Invalid net: NormalizationLayer "Scaling" has dimensions {3}, expected {2} (the scaling levels {1} of {2, 3})'],
    [{ type: 'NormalizationLayer', Unbiased: true, Input: [2, 1] }, 'invalid_net: Invalid net: NormalizationLayer "Unbiased" aggregates 1 value, and the unbiased variance needs at least 2'],
    [{ type: 'NormalizationLayer', ScalingLevels: 'Other', Input: [2, 1] }, expect.stringContaining('invalid_net: Invalid net: NormalizationLayer "ScalingLevels"')],
    [{ type: 'LocalResponseNormalizationLayer', Input: [3, 2] }, 'invalid_net: Invalid net: LocalResponseNormalizationLayer "ChannelWindowSize" is 2, a window of 5 channels, but the input has 3 channels'],
  ])('%j is refused', async (layer, message) => {
    expect(await errorOf(() => Net.load(layer, { backend }))).toEqual(message);
  });
});
