/**
 * Saliency maps: the gradient of one output's objective with respect to an input port,
 * by Wolfram's plain gradient or, beyond Wolfram, SmoothGrad and Integrated Gradients.
 * The result is an array shaped like the port (`{c, h, w}` for an image); lib/render.ts
 * draws it.
 */
import { labelIndex, type ClassParams, type Label } from '../coders/class';
import type { Coder } from '../coders/define';
import type { ImageParams } from '../coders/image';
import { encodePng } from '../coders/pixels';
import { encodeData, type EncodeOptions } from '../coders/ports';
import { netError } from '../errors';
import { outputPort, unitOgrad } from '../objective';
import { renderSaliency, type RenderOptions } from '../render';
import type { Net } from '../runtime';
import type { NumArray } from '../tensors';
import { plainGradient } from './gradient';
import { integratedGradients, type Completeness } from './integrated-gradients';
import { problemOf } from './problem';
import { smoothGrad } from './smoothgrad';

export const SALIENCY_METHODS = ['gradient', 'smoothgrad', 'ig'] as const;
export type SaliencyMethod = (typeof SALIENCY_METHODS)[number];

export interface SaliencyOptions {
  /** `gradient` (default: Wolfram's NetPortGradient), `smoothgrad` or `ig` (Integrated Gradients). */
  readonly method?: SaliencyMethod;
  /** The input port explained; default the net's only real-valued input. */
  readonly port?: string;
  /** The output port whose class is explained; default the net's only real-valued output. */
  readonly output?: string;
  /**
   * The class explained: a label of the output's NetDecoder["Class"], or without a decoder
   * the class's 1-based position in the output. The objective is then that output's value
   * for the class (the unit vector as the output gradient). Without it: the top class where
   * the output has a class decoder, else Wolfram's default, the sum of every output (or `ograd`).
   */
  readonly class?: Label;
  /** Imposed output gradients, as `net.evaluate` takes them, instead of `class`. */
  readonly ograd?: Readonly<Record<string, unknown>>;
  /** SmoothGrad: samples (5) and noise relative to the input's range (0.15), seeded (0). */
  readonly samples?: number;
  readonly noise?: number;
  readonly seed?: number;
  /** Integrated Gradients: Gauss-Legendre steps (50) and the baseline (0). */
  readonly steps?: number;
  readonly baseline?: number | ArrayLike<number>;
  /** Points per evaluation (default: about 16 MB of input values per batch). */
  readonly batchSize?: number;
}

export interface SaliencyResult {
  readonly method: SaliencyMethod;
  readonly port: string;
  /** The attribution, shaped like the port. */
  readonly map: NumArray;
  /** The example explained, as the port takes it (the encoded array for an image port). */
  readonly input: NumArray;
  /** The class explained (its label with a class decoder, else its position), if one is. */
  readonly class?: Label;
  /** Integrated Gradients only: the attributions' sum against f(x) - f(baseline). */
  readonly completeness?: Completeness;
}

/** A saliency map of one example (`data` as `net.evaluate` takes it, without a batch). */
export function saliency(net: Net, data: unknown, options: SaliencyOptions = {}): SaliencyResult {
  const method = options.method ?? 'gradient';
  if (!SALIENCY_METHODS.includes(method)) throw netError('unsupported', `saliency: the method must be one of ${SALIENCY_METHODS.join(', ')}, got ${JSON.stringify(method)}`);
  if (options.class !== undefined && options.ograd !== undefined) throw netError('invalid_ograd', 'saliency: give either a class or an output gradient, not both');
  const target = options.ograd === undefined ? explainedClass(net, data, options) : undefined;
  const ograd = target ? unitOgrad(net, target.position, target.port) : options.ograd;
  const p = problemOf(net, data, options.port, ograd, options.batchSize);
  let map: Float64Array;
  let completeness: Completeness | undefined;
  if (method === 'gradient') map = plainGradient(p);
  else if (method === 'smoothgrad') map = smoothGrad(p, options);
  else ({ map, completeness } = integratedGradients(p, options));
  return {
    method,
    port: p.port,
    map: { dims: [...p.dims], data: Float32Array.from(map) },
    input: { dims: [...p.dims], data: p.x },
    ...(target ? { class: target.label } : {}),
    ...(completeness ? { completeness } : {}),
  };
}

/**
 * saliency() for data that may hold images (`{"Image": path | bytes | Pixels}` on a port
 * with an image encoder, or the image alone for a one-input net): decoded and encoded
 * first. `baseDir` resolves relative image paths.
 */
export async function saliencyAsync(net: Net, data: unknown, options: SaliencyOptions & EncodeOptions = {}): Promise<SaliencyResult> {
  const encoded = await encodeData(data, net.inputs.map((p) => p.name), net.coders, options);
  return saliency(net, encoded, options);
}

/**
 * The input as a picture shows it: for a port with an image encoder, the encoding undone
 * (times the square root of VarianceImage, plus MeanImage: the image's 0..1 values);
 * otherwise the array as it is.
 */
export function displayInput(net: Net, result: SaliencyResult): NumArray {
  const coder = net.coders.inputs.get(result.port) as Coder<ImageParams> | undefined;
  if (!coder || coder.def.name !== 'Image') return result.input;
  const [c] = result.input.dims;
  const per = (x: number | number[] | undefined, fill: number) => (x === undefined ? new Array(c).fill(fill) : Array.isArray(x) ? x : new Array(c).fill(x));
  const mean = per(coder.params.MeanImage, 0);
  const sd = per(coder.params.VarianceImage, 1).map(Math.sqrt);
  const plane = result.input.data.length / c!;
  const data = Float32Array.from(result.input.data, (v, i) => v * sd[Math.floor(i / plane)]! + mean[Math.floor(i / plane)]!);
  return { dims: result.input.dims, data };
}

/** A saliency map as PNG bytes (lib/render.ts); `overlay: true` blends it over the input. */
export function saliencyPng(net: Net, result: SaliencyResult, options: Omit<RenderOptions, 'overlay'> & { readonly overlay?: boolean } = {}): Uint8Array {
  const picture = renderSaliency(result.map, { ...options, overlay: options.overlay ? displayInput(net, result) : undefined });
  return encodePng(picture);
}

/**
 * The class a map explains: `options.class` (a label with a class decoder, else a
 * position), or the top class of an output with a class decoder; none otherwise.
 */
function explainedClass(net: Net, data: unknown, options: SaliencyOptions): { port: string; position: number; label: Label } | undefined {
  const out = outputPort(net, options.output);
  const coder = net.coders.outputs.get(out.name) as Coder<ClassParams> | undefined;
  const decoder = coder && coder.def.name === 'Class' ? coder : undefined;
  if (options.class !== undefined) {
    if (decoder) return { port: out.name, position: labelIndex(decoder, options.class, out.name) + 1, label: decoder.params.Labels[labelIndex(decoder, options.class, out.name)]! };
    const k = typeof options.class === 'number' ? options.class : /^\d+$/.test(options.class) ? Number(options.class) : NaN;
    if (Number.isNaN(k)) {
      throw netError('invalid_ograd', `Invalid output gradient: class ${JSON.stringify(options.class)} is a label, but "${out.name}" has no class decoder ({"NetDecoder": "Class", "Labels": [...]}); give the class's position`);
    }
    return { port: out.name, position: k, label: k };
  }
  if (!decoder) return undefined;
  const probabilities = net.evaluate(data, { outputs: [out.name], format: 'typed' }).outputs[out.name]!.data;
  if (probabilities.length !== decoder.params.Labels.length) return undefined;
  let best = 0;
  for (let i = 1; i < probabilities.length; i++) if (probabilities[i]! > probabilities[best]!) best = i;
  return { port: out.name, position: best + 1, label: decoder.params.Labels[best]! };
}

export { gaussLegendre } from './integrated-gradients';
