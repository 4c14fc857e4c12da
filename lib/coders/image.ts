/**
 * NetEncoder["Image"]: an image becomes the channel-first array `{c, h, w}` that the net
 * takes. Wolfram's pipeline, step by step on bytes (as its Image of type "Byte" rounds at
 * each step): alpha composited over white, color space converted ("RGB" or "Grayscale"),
 * resized only when the size differs ("Stretch", "Fit" padding black, "Fill" cropping),
 * then bytes / 255, minus "MeanImage", divided by Sqrt["VarianceImage"].
 *
 * Where netport differs from Wolfram: the alpha is composited per channel before the
 * resize (Wolfram resizes first; the two agree wherever the image is opaque), and the
 * resize is libvips' Lanczos-3, whose values can differ from ImageResize's by a few byte
 * levels near edges. docs/WOLFRAM-NOTES.md section 10.
 */
import { z } from 'zod';
import { netError } from '../errors';
import type { NumArray } from '../tensors';
import { defineCoder, PositiveInt, type Coder } from './define';
import { resizePixels, type Pixels } from './pixels';

const PerChannel = z.union([z.number(), z.array(z.number()).min(1)]);

const ImageSchema = z
  .object({
    NetEncoder: z.literal('Image'),
    ImageSize: z
      .union([PositiveInt, z.tuple([PositiveInt, PositiveInt])])
      .default([128, 128])
      .describe('the encoded size: [width, height], or n for [n, n] (default [128, 128])'),
    ColorSpace: z.enum(['RGB', 'Grayscale']).default('RGB').describe('"RGB" (3 channels, the default) or "Grayscale" (1)'),
    MeanImage: PerChannel.optional().describe('subtracted after bytes / 255: a number, or one per channel'),
    VarianceImage: PerChannel.optional().describe('the result is divided by its square root: a positive number, or one per channel'),
    Method: z.enum(['Stretch', 'Fit', 'Fill']).default('Stretch').describe('how another size is brought to ImageSize: "Stretch" (default), "Fit" (padded black) or "Fill" (cropped)'),
  })
  .strict()
  .superRefine((v, ctx) => {
    const channels = v.ColorSpace === 'Grayscale' ? 1 : 3;
    for (const key of ['MeanImage', 'VarianceImage'] as const) {
      const x = v[key];
      if (Array.isArray(x) && x.length !== channels) {
        ctx.addIssue({ code: 'custom', path: [key], message: `has ${x.length} values, but the ${v.ColorSpace} encoder has ${channels} channel${channels === 1 ? '' : 's'}` });
      }
      const values = x === undefined ? [] : Array.isArray(x) ? x : [x];
      if (values.some((y) => !Number.isFinite(y) || (key === 'VarianceImage' && y <= 0))) {
        ctx.addIssue({ code: 'custom', path: [key], message: key === 'VarianceImage' ? 'must be positive' : 'must be finite' });
      }
    }
  })
  // One definition in the published JSON Schema, referred to from every port.
  .meta({ id: 'NetEncoderImage', description: 'NetEncoder["Image"]: an image becomes the channel-first array {channels, height, width}' });

export type ImageParams = z.output<typeof ImageSchema>;

/** [width, height]. */
export function imageSize(p: ImageParams): [number, number] {
  return typeof p.ImageSize === 'number' ? [p.ImageSize, p.ImageSize] : [p.ImageSize[0], p.ImageSize[1]];
}

export function imageChannels(p: ImageParams): 1 | 3 {
  return p.ColorSpace === 'Grayscale' ? 1 : 3;
}

const fmt = (x: number | number[]) => (Array.isArray(x) ? `{${x.join(', ')}}` : String(x));

export const ImageEncoder = defineCoder<ImageParams>({
  kind: 'NetEncoder',
  name: 'Image',
  schema: ImageSchema as unknown as z.ZodType<ImageParams>,
  positional: ['ImageSize', 'ColorSpace'],
  type: (p) => {
    const [w, h] = imageSize(p);
    return { dims: [imageChannels(p), h, w] };
  },
  summary: (p) => {
    const [w, h] = imageSize(p);
    const parts = [`Image ${w}x${h} ${p.ColorSpace}`];
    if (p.Method !== 'Stretch') parts.push(`Method ${p.Method}`);
    if (p.MeanImage !== undefined) parts.push(`mean ${fmt(p.MeanImage)}`);
    if (p.VarianceImage !== undefined) parts.push(`variance ${fmt(p.VarianceImage)}`);
    return parts.join(', ');
  },
});

/** Alpha over white, per channel, rounded to bytes: c a + 255 (1 - a). Grey or RGB out. */
function overWhite(p: Pixels): Pixels {
  if (p.channels === 1 || p.channels === 3) return p;
  const color = p.channels - 1;
  const n = p.width * p.height;
  const out = new Uint8Array(n * color);
  for (let i = 0; i < n; i++) {
    const a = p.data[i * p.channels + color]! / 255;
    for (let c = 0; c < color; c++) out[i * color + c] = Math.round(p.data[i * p.channels + c]! * a + 255 * (1 - a));
  }
  return { width: p.width, height: p.height, channels: color as 1 | 3, data: out };
}

/**
 * To the encoder's color space, rounded to bytes. Grey from RGB is Wolfram's
 * ColorConvert luminance 0.299 R + 0.587 G + 0.114 B; RGB from grey repeats the value.
 */
function toColorSpace(p: Pixels, channels: 1 | 3): Pixels {
  if (p.channels === channels) return p;
  const n = p.width * p.height;
  const out = new Uint8Array(n * channels);
  if (channels === 1) {
    for (let i = 0; i < n; i++) out[i] = Math.round(0.299 * p.data[3 * i]! + 0.587 * p.data[3 * i + 1]! + 0.114 * p.data[3 * i + 2]!);
  } else {
    for (let i = 0; i < n; i++) out[3 * i] = out[3 * i + 1] = out[3 * i + 2] = p.data[i]!;
  }
  return { width: p.width, height: p.height, channels, data: out };
}

/** Per channel: a number for all, or one each; `fill` where absent. */
function perChannel(x: number | number[] | undefined, channels: number, fill: number): number[] {
  if (x === undefined) return new Array(channels).fill(fill);
  return Array.isArray(x) ? x : new Array(channels).fill(x);
}

/** The bytes as the encoder's channel-first reals: (b / 255 - mean) / sqrt(variance). */
export function pixelsToArray(p: Pixels, params: ImageParams): NumArray {
  const channels = p.channels;
  const mean = perChannel(params.MeanImage, channels, 0);
  const scale = perChannel(params.VarianceImage, channels, 1).map((v) => 1 / Math.sqrt(v));
  const n = p.width * p.height;
  const data = new Float32Array(n * channels);
  for (let c = 0; c < channels; c++) {
    const m = mean[c]!;
    const s = scale[c]!;
    for (let i = 0; i < n; i++) data[c * n + i] = (p.data[i * channels + c]! / 255 - m) * s;
  }
  return { dims: [channels, p.height, p.width], data };
}

/** Encodes decoded pixels with an image encoder: the array `{c, h, w}` the port takes. */
export async function encodePixels(coder: Coder<ImageParams>, pixels: Pixels): Promise<NumArray> {
  const params = coder.params;
  const [w, h] = imageSize(params);
  if (pixels.width === 0 || pixels.height === 0) throw netError('invalid_data', 'Invalid data: the image is empty');
  let p = toColorSpace(overWhite(pixels), imageChannels(params));
  if (p.width !== w || p.height !== h) p = await resizePixels(p, w, h, params.Method);
  return pixelsToArray(p, params);
}
