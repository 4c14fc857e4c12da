/**
 * netport: Wolfram Language neural-net gradients (NetPortGradient) on TensorFlow.js.
 *
 * ```ts
 * import { loadNet } from 'netport';
 * const net = await loadNet(description, { backend: 'wasm' });
 * const { gradients } = net.evaluate({ Input: [0.7, -0.4] }, { gradients: ['Input', [1, 'Weights']] });
 * net.dispose();
 * ```
 */
import { resolveNet } from './formats/resolve';
import { Net, type LoadOptions } from './runtime';

export { BACKENDS, backendInfo, defaultBackend, selectBackend, type BackendInfo, type BackendName } from './backend';
export { checkCases, loadCases, type CaseReport } from './cases';
export { ERROR_CODES, isNetError, NetError, type ErrorCode } from './errors';
export { LAYERS } from './layers/registry';
export { NetSchema, parseNet } from './net';
export { formatSpec, type GradientSpec, type SpecTarget } from './paths';
export type { ArrayInfo, EvaluateAsyncOptions, EvaluateOptions, GradientRequest, GradientResult, LoadOptions, PortInfo, Result, ResultValue } from './runtime';
export { Net } from './runtime';
export type { Nested, NumArray } from './tensors';

/** Coders: NetEncoder["Image"], NetDecoder["Class"] and "Scalar"; images as Pixels; PNG. */
export { CODERS } from './coders/registry';
export type { Coder, CoderDef } from './coders/define';
export { acceptsBatch, isImageValue, type Decoded, type EncodeOptions, type ImageValue } from './coders/ports';
export { encodePixels, imageChannels, imageSize, pixelsToArray, type ImageParams } from './coders/image';
export { decodeClasses, type DecodedClass, type Label } from './coders/class';
export { decodeImage, encodePng, isPixels, resizePixels, type Pixels, type ResizeMethod } from './coders/pixels';

/**
 * Validates a net description (CONTRACT section 1) and prepares it on a backend. The net
 * may also be a file's bytes or a file's path (a string naming an existing file): JSON,
 * Wolfram text (constructor code or Mathematica's internal form), WXF or .wlnet, told
 * apart by content. Any other string is Wolfram text.
 */
export async function loadNet(description: unknown, options?: LoadOptions): Promise<Net> {
  return Net.load(await resolveNet(description), options);
}

/** Net files: read any kind, write the internal form as Wolfram text, WXF or .wlnet. */
export { detectKind, readNetBytes, readNetFile, writeNet, type NetFileKind, type NetFormat } from './formats';

/** Wolfram syntax: read nets and data written as Wolfram code, print results as Mathematica does. */
export { parse as parseWolfram, printNet, printResult, translateData, translateNet, translateRequest, translateResult } from './wolfram';

/** `netport describe`: a net as Wolfram's summary panel shows it. */
export { describeNet, formatSummary, type LayerSummary, type NetSummary, type PortSummary } from './describe';

/** Gradients against central finite differences; the objective NetPortGradient differentiates. */
export { gradcheck, type GradcheckEntry, type GradcheckOptions, type GradcheckReport } from './gradcheck';
export { unitOgrad } from './objective';

/** Saliency maps (the plain gradient, SmoothGrad, Integrated Gradients) and their pictures. */
export { displayInput, SALIENCY_METHODS, saliency, saliencyAsync, saliencyPng, type SaliencyMethod, type SaliencyOptions, type SaliencyResult } from './saliency';
export { RENDER_MODES, renderSaliency, type Picture, type RenderMode, type RenderOptions } from './render';

/** A net on worker threads: a batch split across them (wasm uses one core per thread). */
export { NetPool, type PoolOptions } from './pool';
