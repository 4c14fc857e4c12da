/**
 * Pictures of saliency maps (arrays `{c, h, w}` or `{h, w}`, channel-first as Wolfram's
 * images are encoded), as RGB pixels; PNG bytes come from the project's one PNG encoder.
 *
 * - `magnitude` (default): the largest |gradient| over the channels at each pixel
 *   (Simonyan et al. 2014's saliency map), through viridis (perceptually uniform, legible
 *   in grey and to colour-blind readers).
 * - `signed`: each channel its own panel, side by side, through the diverging RdBu
 *   (ColorBrewer; negative blue, 0 white, positive red), symmetric around 0.
 * - `rgb`: |gradient| of channel c as colour channel c (one channel: grey), as
 *   `Image[gradient]` shows it in Wolfram (the reference page's red-channel picture).
 *
 * Values are scaled by the 99.5th percentile of the magnitudes shown (the largest one where
 * that is 0), so that a few extreme pixels do not darken the rest, and clipped. `overlay`
 * blends the picture over the input, in grey, with opacity `alpha`. Small maps are enlarged
 * by whole pixels (nearest neighbour) to at least 256 pixels on the longer side.
 */
import { netError } from './errors';
import type { NumArray } from './tensors';

export const RENDER_MODES = ['magnitude', 'signed', 'rgb'] as const;
export type RenderMode = (typeof RENDER_MODES)[number];

export interface RenderOptions {
  readonly mode?: RenderMode;
  /** Blend over this input (shaped like the map); values in 0..1 are taken as they are, others stretched. */
  readonly overlay?: NumArray;
  /** The picture's opacity over the input (0.6). */
  readonly alpha?: number;
  /** Whole-pixel enlargement; default: the longer side at least 256 pixels. */
  readonly scale?: number;
}

/** An RGB picture: `width * height * 3` bytes, row-major (the shape of lib/coders' Pixels). */
export interface Picture {
  readonly width: number;
  readonly height: number;
  readonly channels: 3;
  readonly data: Uint8Array;
}

/** viridis (matplotlib, CC0) at 17 evenly spaced points; linear in between. */
const VIRIDIS = [
  [0.267004, 0.004874, 0.329415], [0.282327, 0.094955, 0.417331], [0.278826, 0.17549, 0.483397], [0.258965, 0.251537, 0.524736],
  [0.229739, 0.322361, 0.545706], [0.19943, 0.387607, 0.554642], [0.172719, 0.448791, 0.557885], [0.149039, 0.508051, 0.55725],
  [0.127568, 0.566949, 0.550556], [0.120638, 0.625828, 0.533488], [0.157851, 0.683765, 0.501686], [0.24607, 0.73891, 0.452024],
  [0.369214, 0.788888, 0.382914], [0.515992, 0.831158, 0.294279], [0.678489, 0.863742, 0.189503], [0.845561, 0.887322, 0.099702],
  [0.993248, 0.906157, 0.143936],
].map((c) => c.map((v) => v * 255));
/** Anchor positions of VIRIDIS: entries 0, 16, ..., 240, 255 of matplotlib's 256. */
const VIRIDIS_AT = [...Array.from({ length: 16 }, (_, i) => (16 * i) / 255), 1];

/** ColorBrewer RdBu (11 classes), from -1 (dark blue) through 0 (near white) to 1 (dark red). */
const RDBU = ['053061', '2166ac', '4393c3', '92c5de', 'd1e5f0', 'f7f7f7', 'fddbc7', 'f4a582', 'd6604d', 'b2182b', '67001f'].map((h) => [0, 2, 4].map((i) => parseInt(h.slice(i, i + 2), 16)));

/** viridis at t in [0, 1]. */
export function viridis(t: number): [number, number, number] {
  const x = Math.min(1, Math.max(0, t));
  let k = 0;
  while (k < VIRIDIS_AT.length - 2 && x > VIRIDIS_AT[k + 1]!) k++;
  const f = (x - VIRIDIS_AT[k]!) / (VIRIDIS_AT[k + 1]! - VIRIDIS_AT[k]!);
  return mix(VIRIDIS[k]!, VIRIDIS[k + 1]!, f);
}

/** RdBu at s in [-1, 1]. */
export function rdbu(s: number): [number, number, number] {
  const x = ((Math.min(1, Math.max(-1, s)) + 1) / 2) * (RDBU.length - 1);
  const k = Math.min(RDBU.length - 2, Math.floor(x));
  return mix(RDBU[k]!, RDBU[k + 1]!, x - k);
}

/** Draws a saliency map (see the module's comment). */
export function renderSaliency(map: NumArray, options: RenderOptions = {}): Picture {
  const mode = options.mode ?? 'magnitude';
  if (!RENDER_MODES.includes(mode)) throw netError('unsupported', `render: the mode must be one of ${RENDER_MODES.join(', ')}, got ${JSON.stringify(mode)}`);
  const [c, h, w] = imageDims(map.dims, 'the saliency map');
  if (mode === 'rgb' && c !== 1 && c !== 3) throw netError('unsupported', `render: mode rgb draws 1 or 3 channels, the map has ${c}`);
  const alpha = options.alpha ?? 0.6;
  if (!(alpha >= 0 && alpha <= 1)) throw netError('unsupported', `render: alpha must be between 0 and 1, got ${alpha}`);
  const g = map.data;
  const plane = h * w;
  let base: Float32Array | undefined;
  if (options.overlay) {
    const [ic, ih, iw] = imageDims(options.overlay.dims, 'the overlay input');
    if (ih !== h || iw !== w) throw netError('unsupported', `render: the overlay input is ${iw} x ${ih} pixels, the map ${w} x ${h}`);
    base = grey(options.overlay.data, ic, plane);
  }
  const panels = mode === 'signed' ? c : 1;
  const gap = panels > 1 ? Math.max(1, Math.round(w / 32)) : 0;
  const width = panels * w + (panels - 1) * gap;
  const out = new Uint8Array(width * h * 3).fill(255);
  const put = (panel: number, i: number, rgb: readonly number[]) => {
    const y = Math.floor(i / w);
    const x = i % w;
    const o = (y * width + panel * (w + gap) + x) * 3;
    for (let k = 0; k < 3; k++) {
      const v = base ? (1 - alpha) * 255 * base[i]! + alpha * rgb[k]! : rgb[k]!;
      out[o + k] = Math.round(Math.min(255, Math.max(0, v)));
    }
  };
  if (mode === 'magnitude') {
    const m = new Float32Array(plane);
    for (let ch = 0; ch < c; ch++) for (let i = 0; i < plane; i++) m[i] = Math.max(m[i]!, Math.abs(g[ch * plane + i]!));
    const s = robustScale(m);
    for (let i = 0; i < plane; i++) put(0, i, viridis(m[i]! / s));
  } else if (mode === 'signed') {
    const s = robustScale(Float32Array.from(g, Math.abs));
    for (let ch = 0; ch < c; ch++) for (let i = 0; i < plane; i++) put(ch, i, rdbu(g[ch * plane + i]! / s));
  } else {
    const s = robustScale(Float32Array.from(g, Math.abs));
    for (let i = 0; i < plane; i++) {
      const rgb = [0, 1, 2].map((k) => Math.min(1, Math.abs(g[(c === 3 ? k : 0) * plane + i]!) / s) * 255);
      put(0, i, rgb);
    }
  }
  return enlarge({ width, height: h, channels: 3, data: out }, options.scale ?? Math.max(1, Math.floor(256 / Math.max(width, h))));
}

/** `{c, h, w}` or `{h, w}` as [c, h, w]. */
function imageDims(dims: readonly number[], what: string): [number, number, number] {
  if (dims.length === 3) return [dims[0]!, dims[1]!, dims[2]!];
  if (dims.length === 2) return [1, dims[0]!, dims[1]!];
  throw netError('unsupported', `render: ${what} has dimensions {${dims.join(', ')}}; a picture needs {channels, height, width} or {height, width}`);
}

/** The input in grey, 0..1: Rec. 601 luma of RGB; values outside 0..1 stretched to it. */
function grey(data: ArrayLike<number>, c: number, plane: number): Float32Array {
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < data.length; i++) {
    lo = Math.min(lo, data[i]!);
    hi = Math.max(hi, data[i]!);
  }
  const [a, b] = lo >= 0 && hi <= 1 ? [0, 1] : [lo, hi > lo ? hi : lo + 1];
  const out = new Float32Array(plane);
  for (let i = 0; i < plane; i++) {
    const v = c >= 3 ? 0.299 * data[i]! + 0.587 * data[plane + i]! + 0.114 * data[2 * plane + i]! : data[i]!;
    out[i] = (v - a) / (b - a);
  }
  return out;
}

/** The 99.5th percentile of non-negative values, or their maximum where that is 0; 1 for all zeros. */
function robustScale(values: Float32Array): number {
  const sorted = Float32Array.from(values).sort();
  const q = sorted[Math.min(sorted.length - 1, Math.floor(0.995 * sorted.length))] ?? 0;
  const max = sorted[sorted.length - 1] ?? 0;
  return q > 0 ? q : max > 0 ? max : 1;
}

function enlarge(p: Picture, k: number): Picture {
  if (!(Number.isInteger(k) && k >= 1)) throw netError('unsupported', `render: scale must be a positive integer, got ${k}`);
  if (k === 1) return p;
  const width = p.width * k;
  const height = p.height * k;
  const data = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const src = (Math.floor(y / k) * p.width + Math.floor(x / k)) * 3;
      data.set(p.data.subarray(src, src + 3), (y * width + x) * 3);
    }
  }
  return { width, height, channels: 3, data };
}

function mix(a: readonly number[], b: readonly number[], f: number): [number, number, number] {
  return [0, 1, 2].map((k) => a[k]! + (b[k]! - a[k]!) * f) as [number, number, number];
}
