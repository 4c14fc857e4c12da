/**
 * Coders on a net's ports: images in (paths, bytes, Pixels, batches), NetPortGradient of an
 * encoded port with respect to the encoded array (as Wolfram returns it), All counting it,
 * NetDecoder["Class"] decoding and output gradients imposed by class.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { encodePng, type Pixels } from '../../lib/coders/pixels';
import { Net } from '../../lib/runtime';
import { errorOf, expectNoLeak, TEST_BACKENDS, useBackend } from '../helpers/backends';

const dir = mkdtempSync(path.join(tmpdir(), 'netport-coders-'));
const picture = (seed: number): Pixels => ({
  width: 4,
  height: 2,
  channels: 3,
  data: Uint8Array.from({ length: 24 }, (_, i) => (i * 37 + seed * 91) % 256),
});
const files = [0, 1].map((k) => {
  const f = path.join(dir, `p${k}.png`);
  writeFileSync(f, encodePng(picture(k)));
  return f;
});

/** The encoder's array by hand: channel-first (b / 255 - mean) / sqrt(variance). */
function encoded(p: Pixels, mean: number[], variance: number[]): number[][][] {
  return [0, 1, 2].map((c) =>
    Array.from({ length: p.height }, (_, y) => Array.from({ length: p.width }, (_, x) => (p.data[3 * (y * p.width + x) + c]! / 255 - mean[c]!) / Math.sqrt(variance[c]!))),
  );
}

const MEAN = [0.5, 0.4, 0.3];
const VARIANCE = [0.25, 0.04, 1];
const W = [
  [0.3, -0.2, 0.5],
  [-0.4, 0.1, 0.2],
];
// Input image {3, 2, 4} -> mean over space per channel (a 2x4 mean pooling) -> {3, 1, 1} -> flatten -> linear 2 -> softmax.
const NET = {
  type: 'NetChain',
  Input: { NetEncoder: 'Image', ImageSize: [4, 2], MeanImage: MEAN, VarianceImage: VARIANCE },
  Output: { NetDecoder: 'Class', Labels: ['cat', 'dog'] },
  Layers: [
    { type: 'PoolingLayer', KernelSize: [2, 4], Function: 'Mean' },
    { type: 'FlattenLayer' },
    { type: 'LinearLayer', OutputDimensions: 2, Weights: W, Biases: [0.1, -0.1] },
    { type: 'SoftmaxLayer' },
  ],
};

describe.each(TEST_BACKENDS)('coders on %s', (backend) => {
  beforeAll(() => useBackend(backend));

  test(`an image file, its bytes and its pixels encode alike, and a list of them is a batch, on ${backend}`, async () => {
    const net = await Net.load(NET, { backend });
    try {
      expect(net.inputs).toEqual([{ name: 'Input', dims: [3, 2, 4], coder: { NetEncoder: 'Image', ImageSize: [4, 2], ColorSpace: 'RGB', MeanImage: MEAN, VarianceImage: VARIANCE, Method: 'Stretch' } }]);
      expect(net.outputs).toEqual([{ name: 'Output', dims: [2], coder: { NetDecoder: 'Class', Labels: ['cat', 'dog'] } }]);
      const want = encoded(picture(0), MEAN, VARIANCE);
      net.evaluate({ Input: want }); // the net's own tensors are made on first use
      const e = await net.encode('Input', files[0]!);
      expect(e.dims).toEqual([3, 2, 4]);
      Array.from(e.data).forEach((v, i) => expect(v).toBeCloseTo(want.flat(2)[i]!, 5));
      const byPath = await expectNoLeak(() => net.evaluateAsync({ Input: { Image: files[0] } }));
      const byBytes = await expectNoLeak(() => net.evaluateAsync({ Image: encodePng(picture(0)) }));
      const byPixels = await expectNoLeak(() => net.evaluateAsync({ Input: { Image: picture(0) } }));
      const plain = net.evaluate({ Input: want });
      for (const r of [byPath, byBytes, byPixels]) {
        (r.outputs.Output as number[]).forEach((v, i) => expect(v).toBeCloseTo((plain.outputs.Output as number[])[i]!, 5));
      }
      const batch = await net.evaluateAsync([{ Image: files[0] }, { Image: files[1] }]);
      expect((batch.outputs.Output as number[][]).length).toBe(2);
      const second = net.evaluate({ Input: encoded(picture(1), MEAN, VARIANCE) });
      (batch.outputs.Output as number[][])[1]!.forEach((v, i) => expect(v).toBeCloseTo((second.outputs.Output as number[])[i]!, 5));
    } finally {
      net.dispose();
    }
  });

  test(`NetPortGradient["Input"] is the gradient with respect to the encoded array, and All counts the port, on ${backend}`, async () => {
    const net = await Net.load(NET, { backend });
    try {
      const x = encoded(picture(0), MEAN, VARIANCE);
      net.evaluate({ Input: x });
      // Float64 by hand: softmax s of z = W m + b, m the channel means; ograd e_dog.
      const m = x.map((ch) => ch.flat().reduce((a, b) => a + b, 0) / 8);
      const z = W.map((row, k) => row.reduce((a, w, c) => a + w * m[c]!, k === 0 ? 0.1 : -0.1));
      const ez = z.map(Math.exp);
      const s = ez.map((v) => v / (ez[0]! + ez[1]!));
      // d s_dog / d z_k = s_dog (delta - s_k); d z_k / d x[c, y, x] = W[k][c] / 8.
      const dz = [-s[1]! * s[0]!, s[1]! * (1 - s[1]!)];
      const dm = [0, 1, 2].map((c) => dz[0]! * W[0]![c]! + dz[1]! * W[1]![c]!);
      const r = await expectNoLeak(() => net.evaluateAsync({ Image: files[0] }, { gradients: ['Input'], ograd: { Output: { Class: 'dog' } } }));
      const g = r.gradients[0]!.value as number[][][];
      expect(g.length).toBe(3);
      g.forEach((ch, c) => ch.flat().forEach((v) => expect(v).toBeCloseTo(dm[c]! / 8, 6)));
      // The unit vector by hand gives the same.
      const unit = net.evaluate({ Input: x }, { gradients: ['Input'], ograd: { Output: [0, 1] } });
      expect(unit.gradients[0]!.value).toEqual(g);
      const all = await net.evaluateAsync({ Image: files[0] }, { gradients: ['All'] });
      expect(all.gradients.map((x) => x.key)).toEqual(['NetPortGradient["Input"]', 'NetPortGradient[{3, "Biases"}]', 'NetPortGradient[{3, "Weights"}]']);
    } finally {
      net.dispose();
    }
  });

  test(`NetDecoder["Class"] decodes the decision and the probabilities by label; a batch gets one class per example, on ${backend}`, async () => {
    const net = await Net.load(NET, { backend });
    try {
      const r = await net.evaluateAsync({ Image: files[0] }, { decode: true });
      const p = r.outputs.Output as number[];
      expect(r.decoded).toEqual({ Output: { Class: p[0]! >= p[1]! ? 'cat' : 'dog', Probabilities: { cat: p[0], dog: p[1] } } });
      const b = await net.evaluateAsync([{ Image: files[0] }, { Image: files[1] }], { decode: true, gradients: ['Input'], ograd: { Output: { Class: ['dog', 'cat'] } } });
      expect((b.decoded!.Output as unknown[]).length).toBe(2);
      const g = b.gradients[0]!.value as number[][][][];
      const one = await net.evaluateAsync({ Image: files[1] }, { gradients: ['Input'], ograd: { Output: { Class: 'cat' } } });
      g[1]!.flat(2).forEach((v, i) => expect(v).toBeCloseTo((one.gradients[0]!.value as number[][][]).flat(2)[i]!, 6));
    } finally {
      net.dispose();
    }
  });
});

// Messages do not depend on the backend: pinned once.
describe('coders: errors', () => {
  const backend = TEST_BACKENDS[0]!;
  beforeAll(() => useBackend(backend));

  test('bad images, classes and ports are refused with one clear line', async () => {
    const net = await Net.load(NET, { backend });
    try {
      await expectNoLeak(async () => {
        expect(await errorOf(() => net.evaluate({ Input: { Image: files[0] } }))).toMatchInlineSnapshot(`"invalid_data: Invalid data: images are decoded asynchronously: use net.evaluateAsync(data, options) (or encode them first with net.encode)"`);
        expect(await errorOf(() => net.evaluateAsync({ Image: files[0] }, { gradients: ['Input'], ograd: { Output: { Class: 'bird' } } }))).toMatchInlineSnapshot(`"invalid_ograd: Invalid output gradient: "Output" has no class "bird" (labels: "cat", "dog")"`);
        expect(await errorOf(() => net.evaluateAsync({ Input: { Image: 'nope.png' } }, { baseDir: dir }))).toBe(
          `invalid_data: Invalid data: cannot read the image for "Input" ${JSON.stringify(path.join(dir, 'nope.png'))}: no such file`,
        );
        // eslint-disable-next-line no-sparse-arrays
        expect(await errorOf(() => net.evaluateAsync({ Input: [{ Image: files[0] },, { Image: files[1] }] }))).toMatchInlineSnapshot(`"invalid_data: Invalid data: "Input" is a list of images, but element 2 is not an image {"Image": path}"`);
        expect(await errorOf(() => net.evaluateAsync({ Input: { Image: files[0] } }, { ograd: { Output: { Class: ['cat', 'dog'] } }, gradients: ['Input'] }))).toMatchInlineSnapshot(`"invalid_ograd: Invalid output gradient: "Output" gives 2 classes for one example"`);
      });
      const plain = await Net.load({ type: 'LinearLayer', OutputDimensions: 2, Input: 3, Weights: W, Biases: [0, 0] }, { backend });
      try {
        expect(await errorOf(() => plain.evaluateAsync({ Input: { Image: files[0] } }))).toMatchInlineSnapshot(`"invalid_data: Invalid data: "Input" is given an image, but the port has no image encoder; declare it, e.g. "Input": {"NetEncoder": "Image", "ImageSize": [224, 224]}"`);
        expect(await errorOf(() => plain.evaluate([1, 2, 3], { gradients: ['Input'], ograd: { Output: { Class: 'cat' } } }))).toMatchInlineSnapshot(`"invalid_ograd: Invalid output gradient: "Output" is given a class, but it has no class decoder ({"NetDecoder": "Class", "Labels": [...]})"`);
      } finally {
        plain.dispose();
      }
      expect(await errorOf(() => Net.load({ ...NET, Input: { NetDecoder: 'Class', Labels: ['a'] } }))).toMatchInlineSnapshot(`"invalid_net: Invalid net: NetChain "Input" is an input port, which takes a NetEncoder, not a NetDecoder"`);
      expect(await errorOf(() => Net.load({ ...NET, Output: { NetDecoder: 'Class', Labels: ['a', 'b', 'c'] } }))).toMatchInlineSnapshot(`"invalid_net: Invalid net: output "Output" is declared {3}, but the net gives it {2}"`);
      expect(await errorOf(() => Net.load({ ...NET, Input: { NetEncoder: 'Image', ImageSize: [4, 2], ColorSpace: 'Grayscale' } }))).toMatch(/^invalid_net/);
    } finally {
      net.dispose();
    }
  });
});

describe.each(TEST_BACKENDS)('where coders may stand, on %s', (backend) => {
  beforeAll(() => useBackend(backend));

  test(`an encoder on the first layer of a chain or on a graph port is the net's, on ${backend}`, async () => {
    const inner = await Net.load(
      { type: 'NetChain', Layers: [{ type: 'FlattenLayer', Input: { NetEncoder: 'Image', ImageSize: [4, 2] } }, { type: 'LinearLayer', OutputDimensions: 1, Weights: [new Array(24).fill(1)], Biases: [0] }] },
      { backend },
    );
    const graph = await Net.load(
      { type: 'NetGraph', Layers: { f: { type: 'FlattenLayer' } }, Edges: [[{ NetPort: 'img' }, 'f']], img: { NetEncoder: 'Image', ImageSize: [4, 2], ColorSpace: 'Grayscale' } },
      { backend },
    );
    try {
      expect(inner.inputs[0]!.dims).toEqual([3, 2, 4]);
      const r = await inner.evaluateAsync({ Image: files[0] });
      const want = Array.from(picture(0).data).reduce((a, b) => a + b / 255, 0);
      expect(r.outputs.Output as number[]).toHaveLength(1);
      expect((r.outputs.Output as number[])[0]).toBeCloseTo(want, 4);
      expect(graph.inputs).toEqual([{ name: 'img', dims: [1, 2, 4], coder: expect.objectContaining({ ColorSpace: 'Grayscale' }) }]);
      const g = await graph.evaluateAsync({ img: { Image: files[1] } });
      const p = picture(1);
      const grey = Array.from({ length: 8 }, (_, i) => Math.round(0.299 * p.data[3 * i]! + 0.587 * p.data[3 * i + 1]! + 0.114 * p.data[3 * i + 2]!) / 255);
      (g.outputs.Output as number[]).forEach((v, i) => expect(v).toBeCloseTo(grey[i]!, 6));
      const batch = await graph.encode('img', [{ Image: files[0]! }, { Image: files[1]! }]);
      expect(batch.dims).toEqual([2, 1, 2, 4]);
    } finally {
      inner.dispose();
      graph.dispose();
    }
  });
});
