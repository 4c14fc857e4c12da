/**
 * Saliency maps: the gradient of one output's objective with respect to an input port,
 * by Wolfram's plain gradient or, beyond Wolfram, SmoothGrad and Integrated Gradients.
 * The result is an array shaped like the port (`{c, h, w}` for an image); lib/render.ts
 * draws it.
 */
import { netError } from '../errors';
import { classOgrad } from '../objective';
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
   * The class explained: its 1-based position in the output. The objective is then that
   * output's value for the class (the unit vector as the output gradient). Without it, the
   * objective is Wolfram's default, the sum of every output (or `ograd`).
   */
  readonly class?: number;
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
  /** Integrated Gradients only: the attributions' sum against f(x) - f(baseline). */
  readonly completeness?: Completeness;
}

/** A saliency map of one example (`data` as `net.evaluate` takes it, without a batch). */
export function saliency(net: Net, data: unknown, options: SaliencyOptions = {}): SaliencyResult {
  const method = options.method ?? 'gradient';
  if (!SALIENCY_METHODS.includes(method)) throw netError('unsupported', `saliency: the method must be one of ${SALIENCY_METHODS.join(', ')}, got ${JSON.stringify(method)}`);
  if (options.class !== undefined && options.ograd !== undefined) throw netError('invalid_ograd', 'saliency: give either a class or an output gradient, not both');
  const ograd = options.class !== undefined ? classOgrad(net, options.class, options.output) : options.ograd;
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
    ...(completeness ? { completeness } : {}),
  };
}

export { gaussLegendre } from './integrated-gradients';
