/**
 * Coders at the ports of a net: which input ports take encoded values (images) and which
 * outputs decode, and the data and output-gradient forms that go with them. An encoded
 * port still takes plain arrays of its encoded shape; a value `{"Image": ...}` (a file
 * path, the file's bytes, or Pixels) is encoded first, and a list of them is a batch.
 */
import * as path from 'node:path';
import { z } from 'zod';
import { netError } from '../errors';
import { PortShapeSchema } from '../shapes';
import { isPlainObject, type NumArray } from '../tensors';
import { classOgrad, decodeClasses, type ClassParams, type DecodedClass } from './class';
import type { Coder } from './define';
import { encodePixels, type ImageParams } from './image';
import { decodeImage, isPixels, type Pixels } from './pixels';
import { CODERS } from './registry';
import { decodeScalars } from './scalar';

/** A port shape as JSON writes it, a coder's JSON form included (CONTRACT section 1). */
export const PortSchema = z.union([PortShapeSchema, ...CODERS.map((c) => c.schema)] as unknown as [z.ZodType, z.ZodType, ...z.ZodType[]]);

/** The coders of a net's ports, by port name. */
export interface PortCoders {
  readonly inputs: ReadonlyMap<string, Coder>;
  readonly outputs: ReadonlyMap<string, Coder>;
}

/** An image given as data: a file path (relative to the case or data file), its bytes, or Pixels. */
export interface ImageValue {
  readonly Image: string | Uint8Array | Pixels;
}

/** Whether a value is an image: `{"Image": path | bytes | Pixels}` and nothing else. */
export function isImageValue(v: unknown): v is ImageValue {
  if (typeof v !== 'object' || v === null || Array.isArray(v) || ArrayBuffer.isView(v)) return false;
  const keys = Object.keys(v);
  if (keys.length !== 1 || keys[0] !== 'Image') return false;
  const img = (v as ImageValue).Image;
  return typeof img === 'string' || img instanceof Uint8Array || isPixels(img);
}

/**
 * Whether a value is a batch of images: a non-empty list whose every element is one
 * (`Array.from` so that a hole in a sparse list is seen, and refused, as undefined).
 */
export function acceptsBatch(v: unknown): v is ImageValue[] {
  return Array.isArray(v) && v.length > 0 && Array.from(v).every(isImageValue);
}

/** Whether a value holds an image anywhere a port value may (one, or a batch). */
function holdsImage(v: unknown): boolean {
  return isImageValue(v) || (Array.isArray(v) && Array.from(v).some(isImageValue));
}

/** Data with an image anywhere: evaluate() refuses it (decoding is asynchronous). */
export function rejectImages(data: unknown, inputs: readonly string[]): void {
  const values = isRecordOfPorts(data, inputs) ? Object.values(data as object) : [data];
  if (values.some(holdsImage)) {
    throw netError('invalid_data', 'Invalid data: images are decoded asynchronously: use net.evaluateAsync(data, options) (or encode them first with net.encode)');
  }
}

function isRecordOfPorts(data: unknown, inputs: readonly string[]): boolean {
  if (typeof data !== 'object' || data === null || Array.isArray(data) || ArrayBuffer.isView(data)) return false;
  if (isImageValue(data) && !inputs.includes('Image')) return false;
  return !('dims' in data && 'data' in data);
}

export interface EncodeOptions {
  /** The folder relative file paths of images are read from (a case file's folder). */
  readonly baseDir?: string;
}

/** Encodes one image value (or a batch of them) for an input port with an image encoder. */
export async function encodeImageValue(coder: Coder, value: ImageValue | readonly ImageValue[], port: string, options: EncodeOptions = {}): Promise<NumArray> {
  if (coder.def.kind !== 'NetEncoder' || coder.def.name !== 'Image') {
    throw netError('invalid_data', `Invalid data: "${port}" has no image encoder, so it takes arrays, not images`);
  }
  const one = async (v: ImageValue, i?: number): Promise<NumArray> => {
    const what = `the image for "${port}"${i === undefined ? '' : ` (example ${i + 1})`}`;
    const src = v.Image;
    const pixels = isPixels(src) ? src : await decodeImage(typeof src === 'string' && options.baseDir ? path.resolve(options.baseDir, src) : src, what);
    return encodePixels(coder as Coder<ImageParams>, pixels);
  };
  if (!Array.isArray(value)) return one(value as ImageValue);
  const arrays: NumArray[] = [];
  for (let i = 0; i < value.length; i++) arrays.push(await one(value[i]!, i));
  const per = arrays[0]!.data.length;
  const data = new Float32Array(per * arrays.length);
  arrays.forEach((a, i) => data.set(a.data, i * per));
  return { dims: [arrays.length, ...arrays[0]!.dims], data };
}

/**
 * Data with every image encoded: images become `{dims, data}` arrays; everything else is
 * left as it is (and checked later, as plain data is). A one-input net also takes an
 * image, or a batch of them, alone.
 */
export async function encodeData(data: unknown, inputs: readonly string[], coders: PortCoders, options: EncodeOptions = {}): Promise<unknown> {
  const single = inputs.length === 1 && !isRecordOfPorts(data, inputs);
  const record = (single ? { [inputs[0]!]: data } : data) as Record<string, unknown>;
  if (typeof record !== 'object' || record === null) return data;
  let changed = false;
  const out: Record<string, unknown> = { ...record };
  for (const [port, v] of Object.entries(record)) {
    if (!holdsImage(v)) continue;
    const coder = coders.inputs.get(port);
    if (!coder) {
      throw netError('invalid_data', `Invalid data: "${port}" is given an image, but ${inputs.includes(port) ? 'the port has no image encoder; declare it, e.g. "Input": {"NetEncoder": "Image", "ImageSize": [224, 224]}' : 'it is not an input port of the net'}`);
    }
    if (Array.isArray(v) && !acceptsBatch(v)) {
      const bad = Array.from(v).findIndex((x) => !isImageValue(x));
      throw netError('invalid_data', `Invalid data: "${port}" is a list of images, but element ${bad + 1} is not an image {"Image": path}`);
    }
    out[port] = await encodeImageValue(coder, v as ImageValue | ImageValue[], port, options);
    changed = true;
  }
  return changed ? out : data;
}

/** Checks what the port types allow only once shapes are inferred: a Scalar decoder needs one element. */
export function checkCoders(outputs: ReadonlyArray<{ readonly name: string; readonly value: { readonly type?: { readonly dims: readonly number[] }; readonly coder?: Coder } }>): void {
  for (const { name, value } of outputs) {
    const dims = value.type?.dims ?? [];
    if (value.coder?.def.name === 'Scalar' && dims.reduce((a, b) => a * b, 1) !== 1) {
      throw netError('invalid_net', `Invalid net: the output "${name}" has dimensions {${dims.join(', ')}}, but NetDecoder["Scalar"] needs exactly one element`);
    }
  }
}

/** A decoded output: a class (NetDecoder["Class"]) or a number (NetDecoder["Scalar"]). */
export type Decoded = DecodedClass | number;

/** Decodes one output (with the batch dimension in front): one value, or a list for a batch. */
export function decodeOutput(coder: Coder, output: NumArray, port: string, batched: boolean): Decoded | Decoded[] {
  const values: Decoded[] = coder.def.name === 'Class' ? decodeClasses(coder as Coder<ClassParams>, output) : decodeScalars(output, port);
  return batched ? values : values[0]!;
}

/**
 * Imposed output gradients with `{"Class": label}` (on a port with a class decoder)
 * replaced by the unit vector of that class; other values, and anything that is not an
 * object keyed by port, are left as they are for prepareOgrad to judge.
 */
export function classOgrads(ograd: unknown, coders: PortCoders, batch: number, batched: boolean): unknown {
  if (!isPlainObject(ograd)) return ograd;
  const out: Record<string, unknown> = { ...ograd };
  for (const [port, v] of Object.entries(ograd)) {
    if (typeof v !== 'object' || v === null || Array.isArray(v) || !('Class' in v) || Object.keys(v).length !== 1) continue;
    const coder = coders.outputs.get(port);
    if (!coder || coder.def.name !== 'Class') {
      throw netError('invalid_ograd', `Invalid output gradient: "${port}" is given a class, but ${!coder ? 'it has no class decoder ({"NetDecoder": "Class", "Labels": [...]})' : `its decoder is "${coder.def.name}", not "Class"`}`);
    }
    out[port] = classOgrad(coder as Coder<ClassParams>, v as { Class: unknown }, port, batch, batched);
  }
  return out;
}
