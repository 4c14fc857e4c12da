/**
 * BatchNormalizationLayer against its formula, Scaling (x - MovingMean) /
 * Sqrt[MovingVariance + Epsilon] + Biases per channel (the first dimension), with its
 * gradients; also behind a convolution, where its input arrives channel-last.
 */
import { Net } from '../../lib/runtime';
import type { Nested } from '../../lib/tensors';
import { expectNoLeak, TEST_BACKENDS, useBackend } from '../helpers/backends';

const SCALING = [1.5, -0.5, 2];
const BIASES = [0.1, -0.2, 0.3];
const MEAN = [0.2, -0.4, 0.1];
const VARIANCE = [0.5, 2, 1.2];
const ARRAYS = { Scaling: SCALING, Biases: BIASES, MovingMean: MEAN, MovingVariance: VARIANCE };

/** The per-channel factor Scaling / Sqrt[MovingVariance + Epsilon]. */
const factor = (c: number, eps = 0.001) => SCALING[c]! / Math.sqrt(VARIANCE[c]! + eps);
const normalize = (x: number, c: number, eps = 0.001) => factor(c, eps) * (x - MEAN[c]!) + BIASES[c]!;

function flat(v: Nested): number[] {
  return typeof v === 'number' ? [v] : v.flatMap(flat);
}

function expectClose(actual: Nested, expected: number[]): void {
  const a = flat(actual);
  expect(a.length).toBe(expected.length);
  a.forEach((v, i) => expect(Math.abs(v - expected[i]!)).toBeLessThanOrEqual(1e-5 + 1e-5 * Math.abs(expected[i]!)));
}

describe.each(TEST_BACKENDS)('BatchNormalizationLayer on %s', (backend) => {
  beforeAll(() => useBackend(backend));

  test('a vector {3}: each element is its own channel', async () => {
    await expectNoLeak(async () => {
      const net = await Net.load({ type: 'BatchNormalizationLayer', Input: 3, ...ARRAYS }, { backend });
      try {
        const x = [0.7, -1.3, 2.5];
        const u = [2, -1, 0.5];
        const r = net.evaluate({ Input: x }, { outputs: ['Output'], gradients: ['All'], ograd: { Output: u } });
        expectClose(r.outputs.Output!, x.map((v, c) => normalize(v, c)));
        // All: the input, then Scaling and Biases; the moving statistics are auxiliary.
        expect(r.gradients.map((g) => g.key)).toEqual(['NetPortGradient["Input"]', 'NetPortGradient[{"Scaling"}]', 'NetPortGradient[{"Biases"}]']);
        expectClose(r.gradients[0]!.value, u.map((w, c) => w * factor(c)));
        expectClose(r.gradients[1]!.value, u.map((w, c) => (w * (x[c]! - MEAN[c]!)) / Math.sqrt(VARIANCE[c]! + 0.001)));
        expectClose(r.gradients[2]!.value, u);
      } finally {
        net.dispose();
      }
    });
  });

  test('{3, 2, 2} with Epsilon=0.1, a batch of 2: channel first, array gradients summed', async () => {
    await expectNoLeak(async () => {
      const eps = 0.1;
      const net = await Net.load({ type: 'BatchNormalizationLayer', Epsilon: eps, Input: [3, 2, 2], ...ARRAYS }, { backend });
      try {
        const x = Array.from({ length: 24 }, (_, i) => ((i * 7) % 11) / 4 - 1.2);
        const channel = (i: number) => Math.floor((i % 12) / 4);
        const r = net.evaluate({ Input: { dims: [2, 3, 2, 2], data: Float32Array.from(x) } }, { outputs: ['Output'], gradients: ['Input', ['Scaling'], ['Biases']] });
        expectClose(r.outputs.Output!, x.map((v, i) => normalize(v, channel(i), eps)));
        expectClose(r.gradients[0]!.value, x.map((_, i) => factor(channel(i), eps)));
        const sums = [0, 0, 0];
        x.forEach((v, i) => (sums[channel(i)]! += (v - MEAN[channel(i)]!) / Math.sqrt(VARIANCE[channel(i)]! + eps)));
        expectClose(r.gradients[1]!.value, sums);
        expectClose(r.gradients[2]!.value, [8, 8, 8]);
      } finally {
        net.dispose();
      }
    });
  });

  test('behind a ConvolutionLayer (its input arrives channel-last): the same as the formula on the convolution output', async () => {
    await expectNoLeak(async () => {
      const conv = { type: 'ConvolutionLayer', OutputChannels: 3, KernelSize: 2, Input: [2, 3, 4], Weights: { Dimensions: [3, 2, 2, 2], Data: Array.from({ length: 24 }, (_, i) => ((i * 5) % 7) / 3 - 1) }, Biases: [0.1, 0, -0.1] };
      const x = Array.from({ length: 24 }, (_, i) => ((i * 3) % 13) / 6 - 1);
      const alone = await Net.load(conv, { backend });
      const chain = await Net.load({ type: 'NetChain', Layers: [conv, { type: 'BatchNormalizationLayer', ...ARRAYS }, 'Tanh'] }, { backend });
      try {
        const y = flat(alone.evaluate({ Input: { dims: [2, 3, 4], data: Float32Array.from(x) } }).outputs.Output!); // {3, 2, 3}
        const channel = (i: number) => Math.floor(i / 6);
        const r = chain.evaluate({ Input: { dims: [2, 3, 4], data: Float32Array.from(x) } }, { outputs: ['Output'], gradients: [[2, 'Scaling']] });
        expectClose(r.outputs.Output!, y.map((v, i) => Math.tanh(normalize(v, channel(i)))));
        const dScaling = [0, 0, 0];
        y.forEach((v, i) => {
          const c = channel(i);
          dScaling[c]! += (1 - Math.tanh(normalize(v, c)) ** 2) * ((v - MEAN[c]!) / Math.sqrt(VARIANCE[c]! + 0.001));
        });
        expectClose(r.gradients[0]!.value, dScaling);
      } finally {
        alone.dispose();
        chain.dispose();
      }
    });
  });
});
