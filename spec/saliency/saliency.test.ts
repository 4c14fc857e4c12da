/**
 * Saliency methods: the plain gradient is NetPortGradient with the class's unit vector;
 * SmoothGrad is the mean of gradients at seeded noisy copies; Integrated Gradients'
 * attributions sum to f(x) - f(baseline) within the quadrature's error (completeness).
 * Batched and chunked evaluation give the same numbers.
 */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { loadNet, type Net } from '../../lib';
import { decodeImage } from '../../lib/coders/pixels';
import { displayInput, gaussLegendre, saliency, saliencyAsync, saliencyPng } from '../../lib/saliency';
import { gaussian } from '../../lib/saliency/smoothgrad';
import { errorOf, expectNoLeak, fill, random, TEST_BACKENDS, useBackend } from '../helpers/backends';

const cnn = {
  type: 'NetChain',
  Input: [3, 6, 5],
  Layers: [
    { type: 'ConvolutionLayer', OutputChannels: 4, KernelSize: 3, PaddingSize: 1 },
    'Tanh',
    { type: 'PoolingLayer', KernelSize: 2, Stride: 2, Function: 'Mean' },
    { type: 'FlattenLayer' },
    { type: 'LinearLayer', OutputDimensions: 3 },
    { type: 'SoftmaxLayer' },
  ],
};

const next = random(11);
const image = fill([3, 6, 5], () => next()) as number[][][];

test('Gauss-Legendre nodes and weights on [0, 1]', () => {
  const two = gaussLegendre(2);
  expect(two.nodes[0]).toBeCloseTo(0.5 - 0.5 / Math.sqrt(3), 14);
  expect(two.nodes[1]).toBeCloseTo(0.5 + 0.5 / Math.sqrt(3), 14);
  expect(two.weights).toEqual([0.5, 0.5].map((w) => expect.closeTo(w, 14)));
  const three = gaussLegendre(3);
  expect(three.nodes).toEqual([0.5 - 0.5 * Math.sqrt(0.6), 0.5, 0.5 + 0.5 * Math.sqrt(0.6)].map((x) => expect.closeTo(x, 14)));
  expect(three.weights).toEqual([5 / 18, 8 / 18, 5 / 18].map((x) => expect.closeTo(x, 14)));
  // 50 points integrate every polynomial of degree up to 99 exactly.
  const { nodes, weights } = gaussLegendre(50);
  for (const k of [0, 1, 7, 40, 99]) {
    const integral = nodes.reduce((s, a, i) => s + weights[i]! * a ** k, 0);
    expect(integral).toBeCloseTo(1 / (k + 1), 12);
  }
  expect([...nodes].sort((a, b) => a - b)).toEqual(nodes);
});

describe.each(TEST_BACKENDS)('saliency on %s', (backend) => {
  let net: Net;
  beforeAll(async () => {
    await useBackend(backend);
    net = await loadNet(cnn, { backend, initialize: 5 });
    net.evaluate(image); // the net's own tensors exist from its first evaluation
  });
  afterAll(() => net.dispose());

  test('gradient: NetPortGradient["Input"] with the unit vector of the class', async () => {
    const r = await expectNoLeak(() => saliency(net, image, { class: 2 }));
    const direct = net.evaluate(image, { gradients: ['Input'], ograd: { Output: [0, 1, 0] }, format: 'typed' }).gradients[0]!.value;
    expect(r.map.dims).toEqual([3, 6, 5]);
    expect(Array.from(r.map.data)).toEqual(Array.from(direct.data));
    expect(Array.from(r.input.data)).toEqual(Array.from(Float32Array.from(image.flat(2))));
  });

  test('SmoothGrad: the mean of the gradients at the seeded noisy copies, in one batch or in chunks', async () => {
    const r = await expectNoLeak(() => saliency(net, image, { method: 'smoothgrad', class: 1, samples: 3, noise: 0.2, seed: 9 }));
    const x = image.flat(2);
    const sigma = 0.2 * (Math.max(...x) - Math.min(...x));
    const normal = gaussian(9);
    const mean = new Float64Array(x.length);
    for (let s = 0; s < 3; s++) {
      const noisy = { dims: [3, 6, 5], data: Float32Array.from(x, (v) => v + sigma * normal()) };
      const g = net.evaluate(noisy, { gradients: ['Input'], ograd: { Output: [1, 0, 0] }, format: 'typed' }).gradients[0]!.value.data;
      g.forEach((v, i) => (mean[i] = mean[i]! + v / 3));
    }
    r.map.data.forEach((v, i) => expect(v).toBeCloseTo(mean[i]!, 6));
    const chunked = saliency(net, image, { method: 'smoothgrad', class: 1, samples: 3, noise: 0.2, seed: 9, batchSize: 2 });
    chunked.map.data.forEach((v, i) => expect(v).toBeCloseTo(r.map.data[i]!, 6));
  });

  test('SmoothGrad of a linear net is its gradient', async () => {
    const linear = await loadNet({ type: 'LinearLayer', OutputDimensions: 2, Input: 3, Weights: [[1, -2, 0.5], [3, 0.25, -1]], Biases: [0, 1] }, { backend });
    try {
      const r = saliency(linear, [0.2, 0.4, -0.3], { method: 'smoothgrad', class: 2, samples: 8 });
      expect(Array.from(r.map.data)).toEqual([3, 0.25, -1]);
    } finally {
      linear.dispose();
    }
  });

  test("Integrated Gradients: completeness within the quadrature's error, the same in chunks", async () => {
    const errors: number[] = [];
    for (const steps of [4, 16]) {
      const r = await expectNoLeak(() => saliency(net, image, { method: 'ig', class: 3, steps }));
      const { sum, difference } = r.completeness!;
      expect(Math.abs(difference)).toBeGreaterThan(1e-3);
      errors.push(Math.abs(sum - difference) / Math.abs(difference));
    }
    expect(errors[0]).toBeLessThan(1e-2);
    expect(errors[1]).toBeLessThan(1e-4);
    const batched = saliency(net, image, { method: 'ig', class: 3, steps: 6 });
    const chunked = saliency(net, image, { method: 'ig', class: 3, steps: 6, batchSize: 4 });
    chunked.map.data.forEach((v, i) => expect(v).toBeCloseTo(batched.map.data[i]!, 6));
    // A baseline equal to the input attributes nothing.
    const same = saliency(net, image, { method: 'ig', class: 3, steps: 2, baseline: Float32Array.from(image.flat(2)) });
    expect(same.map.data.every((v) => v === 0)).toBe(true);
  });

  test('errors name the place', async () => {
    expect(await errorOf(() => saliency(net, image, { class: 4 }))).toMatchInlineSnapshot(`"invalid_ograd: Invalid output gradient: class 4 is not one of the 3 classes of output "Output" (1 to 3)"`);
    expect(await errorOf(() => saliency(net, [image, image]))).toMatchInlineSnapshot(`"invalid_data: Invalid data: "Input" has dimensions {2, 3, 6, 5}, but saliency explains one example of {3, 6, 5}"`);
    expect(await errorOf(() => saliency(net, image, { method: 'lime' as never }))).toMatchInlineSnapshot(`"unsupported: saliency: the method must be one of gradient, smoothgrad, ig, got "lime""`);
  });

  test('an image port: the map of the red-channel case, the input with its encoding undone, the PNG', async () => {
    const dir = path.join(__dirname, '..', '..', 'fixtures', 'cases', 'images');
    const c = JSON.parse(readFileSync(path.join(dir, 'image-red-channel.json'), 'utf8'));
    const red = await loadNet({ ...c.net, Input: { ...c.net.Input, MeanImage: [0.5, 0.4, 0.3], VarianceImage: 4 } }, { backend });
    try {
      const r = await saliencyAsync(red, { Image: 'rgb-6x4.png' }, { baseDir: dir });
      const expected = c.expect.find((e: { gradient?: string }) => e.gradient === 'Input').value;
      expect(r.map.dims).toEqual([3, 4, 6]);
      // The gradient is taken with respect to the encoded array (as Wolfram's is): mean and
      // variance move and scale it, the max-pooling winners and their 1s stay.
      expect(Array.from(r.map.data)).toEqual(expected.flat(2));
      const pixels = await decodeImage(path.join(dir, 'rgb-6x4.png'));
      const shown = displayInput(red, r);
      expect(shown.data[0]).toBeCloseTo(pixels.data[0]! / 255, 6);
      expect(shown.data[24 + 1]).toBeCloseTo(pixels.data[3 + 1]! / 255, 6);
      const png = await decodeImage(saliencyPng(red, r, { mode: 'rgb', scale: 1 }));
      expect([png.width, png.height]).toEqual([6, 4]);
      expect(Array.from(png.data.subarray(3, 6))).toEqual([255, 0, 0]); // {1, 2} wins its window
      expect(Array.from(png.data.subarray(0, 3))).toEqual([0, 0, 0]);
    } finally {
      red.dispose();
    }
  });
});

test("with Wolfram's batch statistics each point goes through alone", async () => {
  await useBackend('cpu');
  const bn = {
    type: 'NetChain',
    Input: [2, 3, 3],
    Layers: [{ type: 'BatchNormalizationLayer' }, 'Tanh', { type: 'AggregationLayer', Function: 'Total', Levels: 'All' }],
  };
  const net = await loadNet(bn, { backend: 'cpu', initialize: 3, batchNorm: 'batch' });
  try {
    const x = fill([2, 3, 3], random(4)) as number[][][];
    const r = saliency(net, x, { method: 'smoothgrad', samples: 3, seed: 1 });
    const sigma = 0.15 * (Math.max(...x.flat(2)) - Math.min(...x.flat(2)));
    const normal = gaussian(1);
    const mean = new Float64Array(18);
    for (let s = 0; s < 3; s++) {
      const noisy = { dims: [2, 3, 3], data: Float32Array.from(x.flat(2), (v) => v + sigma * normal()) };
      net.evaluate(noisy, { gradients: ['Input'], format: 'typed' }).gradients[0]!.value.data.forEach((v, i) => (mean[i] = mean[i]! + v / 3));
    }
    r.map.data.forEach((v, i) => expect(v).toBeCloseTo(mean[i]!, 5));
  } finally {
    net.dispose();
  }
});
