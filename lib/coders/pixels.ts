/**
 * Pixels: images as interleaved bytes. Decoding (PNG, JPEG, WebP, GIF, TIFF, AVIF...) and
 * resizing go through `sharp` (prebuilt libvips), an optional peer loaded on first use;
 * encoding PNG is done here with node:zlib, so that pictures can be written without sharp.
 * This is the project's one PNG encoder.
 */
import { readFile } from 'node:fs/promises';
import { deflateSync } from 'node:zlib';
import { netError } from '../errors';
import { requireOptional } from '../optional';

/** An image as bytes, row-major, channels interleaved (grey, grey+alpha, RGB or RGBA). */
export interface Pixels {
  readonly width: number;
  readonly height: number;
  readonly channels: 1 | 2 | 3 | 4;
  /** width * height * channels bytes. */
  readonly data: Uint8Array;
}

/** What `sharp` offers that netport uses (a subset of its types, so that it stays optional). */
interface SharpInstance {
  resize(width: number, height: number, options: { fit: string; position?: string; background?: unknown; kernel?: string }): SharpInstance;
  toColourspace(space: string): SharpInstance;
  raw(options?: { depth?: string }): SharpInstance;
  toBuffer(options: { resolveWithObject: true }): Promise<{ data: Buffer; info: { width: number; height: number; channels: number } }>;
}
type Sharp = (input?: Uint8Array | string, options?: { raw?: { width: number; height: number; channels: number }; failOn?: string }) => SharpInstance;

function sharp(): Sharp {
  return requireOptional<Sharp>('sharp', 'Decoding images');
}

/** Whether a value is Pixels (checked in full: sizes, channels, byte count). */
export function isPixels(v: unknown): v is Pixels {
  if (typeof v !== 'object' || v === null) return false;
  const p = v as Pixels;
  return (
    Number.isInteger(p.width) && p.width > 0 && Number.isInteger(p.height) && p.height > 0 &&
    [1, 2, 3, 4].includes(p.channels) && p.data instanceof Uint8Array && p.data.length === p.width * p.height * p.channels
  );
}

/**
 * Decodes an image file (a path) or its bytes into 8-bit sRGB pixels (3 channels, or 4
 * with alpha). 16-bit images are reduced to 8 bits, as Wolfram's "Byte" image data is.
 * `what` names the image in messages. NetError `invalid_data` if it is not an image.
 */
export async function decodeImage(source: string | Uint8Array, what = 'the image'): Promise<Pixels> {
  let bytes: Uint8Array;
  if (typeof source === 'string') {
    try {
      bytes = await readFile(source);
    } catch (e) {
      throw netError('invalid_data', `Invalid data: cannot read ${what} ${JSON.stringify(source)}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message}`);
    }
  } else {
    bytes = source;
  }
  const s = sharp();
  try {
    const { data, info } = await s(bytes, { failOn: 'error' }).toColourspace('srgb').raw({ depth: 'uchar' }).toBuffer({ resolveWithObject: true });
    return { width: info.width, height: info.height, channels: info.channels as Pixels['channels'], data: new Uint8Array(data.buffer, data.byteOffset, data.length) };
  } catch (e) {
    const why = (e as Error).message.split('\n')[0];
    throw netError('invalid_data', `Invalid data: ${what}${typeof source === 'string' ? ` ${JSON.stringify(source)}` : ''} is not an image netport can read (${why})`);
  }
}

/** How an image is brought to another size: Wolfram's encoder "Method". */
export type ResizeMethod = 'Stretch' | 'Fit' | 'Fill';

const FIT: Record<ResizeMethod, string> = { Stretch: 'fill', Fit: 'contain', Fill: 'cover' };

/**
 * Resizes pixels with sharp's Lanczos-3 kernel: "Stretch" to the size exactly, "Fit"
 * within it, padded black and centred, "Fill" covering it, cropped around the centre.
 */
export async function resizePixels(p: Pixels, width: number, height: number, method: ResizeMethod = 'Stretch'): Promise<Pixels> {
  const { data, info } = await sharp()(p.data, { raw: { width: p.width, height: p.height, channels: p.channels } })
    .resize(width, height, { fit: FIT[method], position: 'centre', background: { r: 0, g: 0, b: 0, alpha: 1 }, kernel: 'lanczos3' })
    .raw({ depth: 'uchar' })
    .toBuffer({ resolveWithObject: true });
  if (info.channels !== p.channels) throw new Error(`resize changed the channels from ${p.channels} to ${info.channels}`);
  return { width: info.width, height: info.height, channels: p.channels, data: new Uint8Array(data.buffer, data.byteOffset, data.length) };
}

// ---- PNG ----

const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

function crc32(bytes: Uint8Array, crc = 0xffffffff): number {
  for (let i = 0; i < bytes.length; i++) crc = CRC_TABLE[(crc ^ bytes[i]!) & 0xff]! ^ (crc >>> 8);
  return crc;
}

function chunk(type: string, body: Uint8Array): Buffer {
  const out = Buffer.alloc(12 + body.length);
  out.writeUInt32BE(body.length, 0);
  out.write(type, 4, 'latin1');
  out.set(body, 8);
  out.writeUInt32BE((crc32(out.subarray(4, 8 + body.length)) ^ 0xffffffff) >>> 0, 8 + body.length);
  return out;
}

const COLOR_TYPE: Record<Pixels['channels'], number> = { 1: 0, 2: 4, 3: 2, 4: 6 };

/**
 * Encodes pixels as a PNG file (8 bits per channel, no interlace; each row with the "Up"
 * filter, which suits smooth pictures such as gradient maps). Synchronous, no sharp needed.
 */
export function encodePng(p: Pixels): Buffer {
  if (!isPixels(p)) throw netError('invalid_data', 'Invalid image: expected {width, height, channels: 1-4, data: Uint8Array of width*height*channels bytes}');
  const stride = p.width * p.channels;
  const raw = Buffer.alloc((stride + 1) * p.height);
  for (let y = 0; y < p.height; y++) {
    const row = y * (stride + 1);
    raw[row] = 2; // Up
    for (let x = 0; x < stride; x++) {
      const above = y === 0 ? 0 : p.data[(y - 1) * stride + x]!;
      raw[row + 1 + x] = (p.data[y * stride + x]! - above) & 0xff;
    }
  }
  const header = Buffer.alloc(13);
  header.writeUInt32BE(p.width, 0);
  header.writeUInt32BE(p.height, 4);
  header[8] = 8;
  header[9] = COLOR_TYPE[p.channels];
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(raw)),
    chunk('IEND', new Uint8Array(0)),
  ]);
}
