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
        // All: the input, then Biases and Scaling (Wolfram's KeySort); the moving statistics are auxiliary.
        expect(r.gradients.map((g) => g.key)).toEqual(['NetPortGradient["Input"]', 'NetPortGradient[{"Biases"}]', 'NetPortGradient[{"Scaling"}]']);
        expectClose(r.gradients[0]!.value, u.map((w, c) => w * factor(c)));
        expectClose(r.gradients[2]!.value, u.map((w, c) => (w * (x[c]! - MEAN[c]!)) / Math.sqrt(VARIANCE[c]! + 0.001)));
        expectClose(r.gradients[1]!.value, u);
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

// ---------------------------------------------------------------------------------
// Wolfram's mode under gradients: the statistics of the batch being evaluated.

/**
 * Float64 reference of batch-statistics normalization on x[n][c][s] (examples, channels,
 * spatial positions flattened): per channel, the mean and biased variance over n and s.
 */
function batchNormReference(x: number[][][], scaling: number[], biases: number[], eps: number): number[][][] {
  const n = x.length;
  const s = x[0]![0]!.length;
  return x.map((example) =>
    example.map((row, c) => {
      let mean = 0;
      for (let i = 0; i < n; i++) for (let j = 0; j < s; j++) mean += x[i]![c]![j]!;
      mean /= n * s;
      let variance = 0;
      for (let i = 0; i < n; i++) for (let j = 0; j < s; j++) variance += (x[i]![c]![j]! - mean) ** 2;
      variance /= n * s;
      return row.map((v) => (scaling[c]! * (v - mean)) / Math.sqrt(variance + eps) + biases[c]!);
    }),
  );
}

/** Central differences of Total[y * u] in float64, for each element of `target`. */
function numericGradient(f: () => number, target: number[]): number[] {
  return target.map((v, i) => {
    const h = 1e-6 * Math.max(1, Math.abs(v));
    target[i] = v + h;
    const up = f();
    target[i] = v - h;
    const down = f();
    target[i] = v;
    return (up - down) / (2 * h);
  });
}

function expectNear(actual: Nested, expected: number[], rtol = 2e-4, atol = 2e-5): void {
  const a = flat(actual);
  expect(a.length).toBe(expected.length);
  a.forEach((v, i) => expect(Math.abs(v - expected[i]!)).toBeLessThanOrEqual(atol + rtol * Math.abs(expected[i]!)));
}

describe.each(TEST_BACKENDS)('BatchNormalizationLayer with batch statistics on %s', (backend) => {
  beforeAll(() => useBackend(backend));

  const seeded = (k: number) => Math.sin(12.9898 * k + 78.233) * 1.7;

  /** x[n][c][s], an ograd u of the same shape, and arrays for `channels`. */
  function problem(examples: number, channels: number, spatial: number) {
    const make = (offset: number) =>
      Array.from({ length: examples }, (_, i) =>
        Array.from({ length: channels }, (_, c) => Array.from({ length: spatial }, (_, j) => seeded(offset + (i * channels + c) * spatial + j))),
      );
    return {
      x: make(1),
      u: make(500),
      scaling: Array.from({ length: channels }, (_, c) => 0.8 + 0.3 * c),
      biases: Array.from({ length: channels }, (_, c) => 0.2 - 0.25 * c),
    };
  }

  /** netport's Input, Scaling and Biases gradients against the float64 reference's central differences. */
  async function check(description: Record<string, unknown>, dims: number[], examples: number, eps = 0.001) {
    const channels = dims[0]!;
    const spatial = dims.slice(1).reduce((a, b) => a * b, 1);
    const p = problem(examples, channels, spatial);
    const shape = (a: number[][][]) => a.map((e) => reshapeTo(e.flat(), dims));
    const objective = () => {
      const y = batchNormReference(p.x, p.scaling, p.biases, eps);
      let total = 0;
      y.forEach((e, i) => e.forEach((row, c) => row.forEach((v, j) => (total += v * p.u[i]![c]![j]!))));
      return total;
    };
    const flatX = p.x.flat(2);
    const xGrad = numericGradient(() => {
      let k = 0;
      for (const e of p.x) for (const row of e) for (let j = 0; j < row.length; j++) row[j] = flatX[k++]!;
      return objective();
    }, flatX);
    const scalingGrad = numericGradient(objective, p.scaling);
    const biasesGrad = numericGradient(objective, p.biases);

    const net = await Net.load({ ...description, Scaling: p.scaling, Biases: p.biases }, { backend, batchNorm: 'batch' });
    try {
      const r = net.evaluate(
        { Input: shape(p.x) },
        { outputs: ['Output'], gradients: ['Input', ...bnPaths(description)], ograd: { Output: shape(p.u) } },
      );
      expectNear(r.outputs.Output!, batchNormReference(p.x, p.scaling, p.biases, eps).flat(2));
      expectNear(r.gradients[0]!.value, xGrad);
      expectNear(r.gradients[1]!.value, scalingGrad);
      expectNear(r.gradients[2]!.value, biasesGrad);
    } finally {
      net.dispose();
    }
  }

  const bnPaths = (d: Record<string, unknown>) => (d.type === 'NetChain' ? [[2, 'Scaling'], [2, 'Biases']] : ['Scaling', 'Biases']);

  test('a batch of four vectors {3}: values and gradients through the statistics', () =>
    check({ type: 'BatchNormalizationLayer', Input: 3, MovingMean: [0, 0, 0], MovingVariance: [1, 1, 1] }, [3], 4));

  test('a batch of two {2, 3, 3}: statistics over the examples and the spatial positions', () =>
    check({ type: 'BatchNormalizationLayer', Input: [2, 3, 3], Epsilon: 0.01, MovingMean: [0, 0], MovingVariance: [1, 1] }, [2, 3, 3], 2, 0.01));

  test('behind a pooling layer, where the input arrives channel-last', async () => {
    const chain = (arrays: Record<string, unknown>) => ({
      type: 'NetChain',
      Input: [2, 3, 3],
      Layers: [{ type: 'PoolingLayer', KernelSize: 1 }, { type: 'BatchNormalizationLayer', MovingMean: [0, 0], MovingVariance: [1, 1], ...arrays }],
    });
    // check() puts Scaling and Biases at the top; move them into the layer.
    const p = problem(2, 2, 9);
    const net = await Net.load(chain({ Scaling: p.scaling, Biases: p.biases }), { backend, batchNorm: 'batch' });
    const bare = await Net.load({ type: 'BatchNormalizationLayer', Input: [2, 3, 3], MovingMean: [0, 0], MovingVariance: [1, 1], Scaling: p.scaling, Biases: p.biases }, { backend, batchNorm: 'batch' });
    try {
      const data = { Input: p.x.map((e) => reshapeTo(e.flat(), [2, 3, 3])) };
      const ograd = { Output: p.u.map((e) => reshapeTo(e.flat(), [2, 3, 3])) };
      const a = net.evaluate(data, { gradients: ['Input', [2, 'Scaling'], [2, 'Biases']], ograd });
      const b = bare.evaluate(data, { gradients: ['Input', 'Scaling', 'Biases'], ograd });
      a.gradients.forEach((g, i) => expectNear(g.value, flat(b.gradients[i]!.value), 1e-4, 1e-5));
    } finally {
      net.dispose();
      bare.dispose();
    }
  });

  test('without gradients, and by default, the moving statistics', async () => {
    const net = await Net.load({ type: 'BatchNormalizationLayer', Input: 3, ...ARRAYS }, { backend, batchNorm: 'batch' });
    try {
      const x = [0.7, -1.3, 2.5];
      expectClose(net.evaluate({ Input: x }).outputs.Output!, x.map((v, c) => normalize(v, c)));
      // The evaluation option overrides the net's default.
      const moving = net.evaluate({ Input: x }, { gradients: ['Input'], batchNorm: 'moving' });
      expectClose(moving.gradients[0]!.value, x.map((_, c) => factor(c)));
      // One example of a vector: the variance is 0, the output is Biases, the input gradient 0.
      const batch = net.evaluate({ Input: x }, { outputs: ['Output'], gradients: ['Input'] });
      expectClose(batch.outputs.Output!, BIASES);
      expectClose(batch.gradients[0]!.value, [0, 0, 0]);
    } finally {
      net.dispose();
    }
  });

  test('an unknown mode is refused', async () => {
    await expect(Net.load({ type: 'BatchNormalizationLayer', Input: 3, ...ARRAYS }, { backend, batchNorm: 'training' as never })).rejects.toThrow(
      'loadNet: the option batchNorm must be "moving" or "batch", got "training"',
    );
  });
});

/** A flat list as nested lists of `dims`. */
function reshapeTo(values: number[], dims: number[]): Nested {
  if (dims.length === 1) return values;
  const size = values.length / dims[0]!;
  return Array.from({ length: dims[0]! }, (_, i) => reshapeTo(values.slice(i * size, (i + 1) * size), dims.slice(1)));
}
