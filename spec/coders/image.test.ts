/**
 * NetEncoder["Image"] on its own: Wolfram's pipeline on bytes (alpha over white, color
 * space, resize only when the size differs, bytes / 255, mean, variance), PNG written by
 * netport and read back by libvips, and other formats decoded.
 */
import { encodePixels, pixelsToArray, type ImageParams } from '../../lib/coders/image';
import { ImageEncoder } from '../../lib/coders/image';
import { decodeImage, encodePng, resizePixels, type Pixels } from '../../lib/coders/pixels';
import { readCoder } from '../../lib/coders/registry';
import type { Coder } from '../../lib/coders/define';
import { errorOf } from '../helpers/backends';

const encoder = (json: Record<string, unknown>) => readCoder({ NetEncoder: 'Image', ...json }, 'the net "Input"') as Coder<ImageParams>;

const rgb = (width: number, height: number, f: (x: number, y: number) => [number, number, number]): Pixels => {
  const data = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) data.set(f(x, y), 3 * (y * width + x));
  return { width, height, channels: 3, data };
};

// eslint-disable-next-line @typescript-eslint/no-require-imports
const sharp = require('sharp') as (i: unknown, o?: unknown) => { jpeg(o?: unknown): { toBuffer(): Promise<Buffer> }; webp(o?: unknown): { toBuffer(): Promise<Buffer> } };

describe('NetEncoder["Image"]', () => {
  test('defaults as Wolfram: 128x128 RGB, Stretch, {3, h, w}', () => {
    const c = encoder({});
    expect(c.params).toEqual({ NetEncoder: 'Image', ImageSize: [128, 128], ColorSpace: 'RGB', Method: 'Stretch' });
    expect(ImageEncoder.type(c.params)).toEqual({ dims: [3, 128, 128] });
    expect(ImageEncoder.type(encoder({ ImageSize: [6, 4], ColorSpace: 'Grayscale' }).params)).toEqual({ dims: [1, 4, 6] });
    expect(ImageEncoder.type(encoder({ ImageSize: 32 }).params)).toEqual({ dims: [3, 32, 32] });
  });

  test('channel-first bytes / 255, minus the mean, divided by the square root of the variance, per channel', async () => {
    const p = rgb(2, 1, (x) => (x === 0 ? [255, 0, 51] : [102, 204, 0]));
    const plain = await encodePixels(encoder({ ImageSize: [2, 1] }), p);
    expect(plain.dims).toEqual([3, 1, 2]);
    expect(Array.from(plain.data)).toEqual([1, 0.4, 0, 0.8, 0.2, 0].map(Math.fround));
    const norm = await encodePixels(encoder({ ImageSize: [2, 1], MeanImage: [0.5, 0.25, 0.1], VarianceImage: [4, 0.25, 1] }), p);
    const want = [(1 - 0.5) / 2, (0.4 - 0.5) / 2, (0 - 0.25) / 0.5, (0.8 - 0.25) / 0.5, 0.2 - 0.1, 0 - 0.1];
    Array.from(norm.data).forEach((v, i) => expect(v).toBeCloseTo(want[i]!, 6));
    const scalar = await encodePixels(encoder({ ImageSize: [2, 1], MeanImage: 0.5, VarianceImage: 0.25 }), p);
    expect(scalar.data[0]).toBeCloseTo(1, 6);
    expect(scalar.data[1]).toBeCloseTo(2 * (0.4 - 0.5), 6);
  });

  test('alpha over white, per channel, rounded to bytes', async () => {
    const data = Uint8Array.from([0, 0, 0, 0, /* */ 200, 100, 0, 255, /* */ 0, 0, 0, 128]);
    const a = await encodePixels(encoder({ ImageSize: [3, 1] }), { width: 3, height: 1, channels: 4, data });
    const byte = (v: number) => Math.round(v * 255);
    // transparent: white; opaque: itself; half black over white: 255 (1 - 128/255) = 127.
    expect([0, 1, 2].map((x) => [0, 1, 2].map((c) => byte(a.data[c * 3 + x]!)))).toEqual([
      [255, 255, 255],
      [200, 100, 0],
      [127, 127, 127],
    ]);
  });

  test('Grayscale is 0.299 R + 0.587 G + 0.114 B rounded; grey images in RGB repeat the value', async () => {
    const g = await encodePixels(encoder({ ImageSize: [2, 1], ColorSpace: 'Grayscale' }), rgb(2, 1, (x) => (x === 0 ? [255, 0, 0] : [10, 200, 30])));
    expect(g.dims).toEqual([1, 1, 2]);
    expect(Array.from(g.data).map((v) => Math.round(v * 255))).toEqual([Math.round(0.299 * 255), Math.round(0.299 * 10 + 0.587 * 200 + 0.114 * 30)]);
    const grey: Pixels = { width: 1, height: 1, channels: 1, data: Uint8Array.from([77]) };
    expect(Array.from((await encodePixels(encoder({ ImageSize: 1 }), grey)).data)).toEqual([77, 77, 77].map((v) => Math.fround(v / 255)));
  });

  test('resizes only when the size differs; Stretch keeps a uniform image, Fit pads black, Fill crops around the centre', async () => {
    const p = rgb(5, 3, (x, y) => [x * 50, y * 100, 7]);
    expect(Array.from((await encodePixels(encoder({ ImageSize: [5, 3] }), p)).data)).toEqual(Array.from(pixelsToArray(p, encoder({}).params).data));
    const white = rgb(8, 4, () => [255, 255, 255]);
    const stretched = await encodePixels(encoder({ ImageSize: [3, 5] }), white);
    expect(stretched.dims).toEqual([3, 5, 3]);
    expect(Array.from(stretched.data).every((v) => v === 1)).toBe(true);
    // 8x4 into 8x8: the image fills rows 3..6, black above and below.
    const fit = await resizePixels(white, 8, 8, 'Fit');
    const row = (img: Pixels, y: number) => Array.from(img.data.slice(y * img.width * 3, (y + 1) * img.width * 3));
    expect(row(fit, 0).every((v) => v === 0)).toBe(true);
    expect(row(fit, 7).every((v) => v === 0)).toBe(true);
    expect(row(fit, 4).every((v) => v === 255)).toBe(true);
    // 8x4, left half red and right half blue, filling 4x4: the centre 4x4, red left, blue right.
    const halves = rgb(8, 4, (x) => (x < 4 ? [255, 0, 0] : [0, 0, 255]));
    const fill = await resizePixels(halves, 4, 4, 'Fill');
    expect([fill.width, fill.height]).toEqual([4, 4]);
    expect(Array.from(fill.data.slice(0, 3))).toEqual([255, 0, 0]);
    expect(Array.from(fill.data.slice(9, 12))).toEqual([0, 0, 255]);
  });

  test('rejects parameters with a message naming the place', async () => {
    expect(await errorOf(() => encoder({ MeanImage: [0.5, 0.5] }))).toMatchInlineSnapshot(
      `"invalid_net: Invalid net: the net "Input" NetEncoder["Image"] "MeanImage" is [0.5,0.5]: has 2 values, but the RGB encoder has 3 channels"`,
    );
    expect(await errorOf(() => encoder({ VarianceImage: 0 }))).toMatchInlineSnapshot(`"invalid_net: Invalid net: the net "Input" NetEncoder["Image"] "VarianceImage" is 0: must be positive"`);
    expect(await errorOf(() => encoder({ ImageSize: [0, 3] }))).toMatchInlineSnapshot(
      `"invalid_net: Invalid net: the net "Input" NetEncoder["Image"] "ImageSize" is [0,3]: expected the encoded size: [width, height], or n for [n, n] (default [128, 128])"`,
    );
    expect(await errorOf(() => encoder({ Size: 3 }))).toMatchInlineSnapshot(
      `"invalid_net: Invalid net: the net "Input" NetEncoder["Image"] has unknown parameter "Size" (it takes "ImageSize", "ColorSpace", "MeanImage", "VarianceImage", "Method")"`,
    );
    expect(await errorOf(() => readCoder({ NetEncoder: 'Audio' }, 'the net "Input"'))).toMatchInlineSnapshot(
      `"invalid_net: Invalid net: the net "Input" has NetEncoder "Audio", which netport does not support (it supports "Image")"`,
    );
  });
});

describe('pixels', () => {
  const picture = rgb(7, 5, (x, y) => [(x * 37) % 256, (y * 61) % 256, (x * y * 13) % 256]);

  test('a PNG written by netport reads back exactly (RGB, RGBA, grey)', async () => {
    expect(await decodeImage(encodePng(picture))).toEqual(picture);
    const rgba: Pixels = { width: 3, height: 2, channels: 4, data: Uint8Array.from({ length: 24 }, (_, i) => (i * 41) % 256) };
    expect(await decodeImage(encodePng(rgba))).toEqual(rgba);
    const grey: Pixels = { width: 4, height: 3, channels: 1, data: Uint8Array.from({ length: 12 }, (_, i) => i * 20) };
    const back = await decodeImage(encodePng(grey));
    expect(back.channels).toBe(3);
    expect(Array.from(back.data.filter((_, i) => i % 3 === 0))).toEqual(Array.from(grey.data));
  });

  test('JPEG (lossy, within a few levels) and WebP (lossless) decode', async () => {
    const big = rgb(32, 16, (x, y) => [x * 8, y * 16, 128]);
    const jpeg = await decodeImage(await sharp(big.data, { raw: { width: 32, height: 16, channels: 3 } }).jpeg({ quality: 95 }).toBuffer());
    expect([jpeg.width, jpeg.height, jpeg.channels]).toEqual([32, 16, 3]);
    expect(Math.max(...Array.from(jpeg.data).map((v, i) => Math.abs(v - big.data[i]!)))).toBeLessThan(12);
    const webp = await decodeImage(await sharp(big.data, { raw: { width: 32, height: 16, channels: 3 } }).webp({ lossless: true }).toBuffer());
    expect(webp).toEqual(big);
  });

  test('what is not an image, or not there, is invalid_data', async () => {
    expect(await errorOf(() => decodeImage(Uint8Array.from([1, 2, 3]), 'the image for "Input"'))).toMatch(/^invalid_data: Invalid data: the image for "Input" is not an image netport can read/);
    expect(await errorOf(() => decodeImage('/nonexistent/x.png'))).toMatchInlineSnapshot(`"invalid_data: Invalid data: cannot read the image "/nonexistent/x.png": no such file"`);
    expect(await errorOf(() => encodePng({ width: 2, height: 2, channels: 3, data: new Uint8Array(3) }))).toMatch(/^invalid_data: Invalid image/);
  });
});
