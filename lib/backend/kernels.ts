/**
 * Kernels that tfjs-backend-wasm 4.22 lacks, gets wrong, or runs far slower
 * than it could (and one that tfjs-backend-cpu gets wrong, see CPU_KERNELS), rebuilt from wasm kernels that are both exact and fast
 * (XNNPACK's Conv2D, DepthwiseConv2dNative, BatchMatMul, Transpose and Pad;
 * ArgMax, ScatterNd, row-wise Slice, ...). docs/WASM-KERNELS.md has the
 * survey behind each choice.
 *
 * Most replacement kernelFuncs call high-level `tf` ops. That is sound
 * inside a kernel: the engine raises `kernelDepth` while a kernel runs, so
 * nested ops are not recorded on the gradient tape, and a kernelFunc may
 * return a `tf.Tensor`, which the engine then uses as the output as is.
 * Those bodies run in `tf.tidy` so that intermediates are freed. Wrappers
 * that only fix up attributes or shapes call the stock kernelFunc.
 */
import type {
  BatchMatMulAttrs,
  Conv2DBackpropFilterAttrs,
  Conv2DBackpropInputAttrs,
  Conv3DAttrs,
  Conv3DBackpropFilterV2Attrs,
  Conv3DBackpropInputV2Attrs,
  DepthwiseConv2dNativeBackpropFilterAttrs,
  DepthwiseConv2dNativeBackpropInputAttrs,
  GatherV2Attrs,
  KernelConfig,
  KernelFunc,
  MaxPool3DAttrs,
  MaxPool3DGradAttrs,
  MaxPoolGradAttrs,
  MaxPoolWithArgmaxAttrs,
  NamedAttrMap,
  OneHotAttrs,
  PadV2Attrs,
  ResizeBilinearAttrs,
  ResizeNearestNeighborAttrs,
  SliceAttrs,
  TensorInfo,
  TransposeAttrs,
  UnsortedSegmentSumAttrs,
} from '@tensorflow/tfjs-core';
import { NetError } from '../errors';
import { tf } from './tf';

type Tensor = tf.Tensor;
type Pads = Array<[number, number]>;

const WASM = 'wasm';
/** Largest finite float32. */
const FLT_MAX = 3.4028234663852886e38;
/** XNNPACK's n-d operators (binary ops, constant pad) refuse more dimensions. */
const XNN_MAX_DIMS = 6;
/** Shortest contiguous run worth a copy of its own in a slice (measured, see sliceAxis). */
const MIN_ROW = 8;

const range = (a: number, b?: number): number[] =>
  b === undefined ? [...Array(a).keys()] : [...Array(b - a).keys()].map((i) => i + a);
const prod = (xs: readonly number[]): number => xs.reduce((p, x) => p * x, 1);
const dim = (t: TensorInfo | Tensor, i: number): number => {
  const d = t.shape[i < 0 ? t.shape.length + i : i];
  if (d === undefined) throw new Error(`wasm kernels: axis ${i} out of range for shape [${t.shape}]`);
  return d;
};

// ---------------------------------------------------------------------------
// Window geometry shared by convolutions and poolings, 2-D and 3-D.

/** One spatial axis of a windowed op, as TensorFlow.js's conv_util computes it. */
interface Axis {
  size: number;
  /** effective (dilated) window extent */
  k: number;
  stride: number;
  dilation: number;
  /** padding before the first element */
  before: number;
  out: number;
}

type HW = Pick<tf.backend_util.Conv2DInfo, 'inHeight' | 'inWidth' | 'effectiveFilterHeight' | 'effectiveFilterWidth' | 'strideHeight'
  | 'strideWidth' | 'dilationHeight' | 'dilationWidth' | 'outHeight' | 'outWidth'> & { padInfo: { top: number; left: number } };

function axes2d(c: HW): Axis[] {
  return [
    { size: c.inHeight, k: c.effectiveFilterHeight, stride: c.strideHeight, dilation: c.dilationHeight, before: c.padInfo.top, out: c.outHeight },
    { size: c.inWidth, k: c.effectiveFilterWidth, stride: c.strideWidth, dilation: c.dilationWidth, before: c.padInfo.left, out: c.outWidth },
  ];
}

function axes3d(c: tf.backend_util.Conv3DInfo): Axis[] {
  return [
    { size: c.inDepth, k: c.effectiveFilterDepth, stride: c.strideDepth, dilation: c.dilationDepth, before: c.padInfo.front, out: c.outDepth },
    ...axes2d(c),
  ];
}

/** Pads (negative: crops) each axis of x; `value` fills the padding. */
function padOrCrop(x: Tensor, pads: Pads, value = 0): Tensor {
  const begin = pads.map(([b]) => Math.max(0, -b));
  const size = pads.map(([, a], i) => dim(x, i) - begin[i]! - Math.max(0, -a));
  if (size.some((s, i) => s !== dim(x, i))) x = tf.slice(x, begin, size);
  const grow = pads.map(([b, a]): [number, number] => [Math.max(0, b), Math.max(0, a)]);
  return grow.some(([b, a]) => b + a > 0) ? tf.pad(x, grow, value) : x;
}

/**
 * Pads for [N, ...spatial, C] so that a 'valid' window sweep yields exactly
 * `out` windows. TensorFlow.js windows may overhang the padded input (ceil
 * rounding) or leave trailing rows unused; both become explicit here.
 */
function windowPads(axes: Axis[]): Pads {
  return [[0, 0], ...axes.map((a): [number, number] => [a.before, (a.out - 1) * a.stride + a.k - a.before - a.size]), [0, 0]];
}

/**
 * Slices one axis, seen as [outer, n*inner]: a 2-D slice is one copy per
 * outer row. When those rows would be shorter than MIN_ROW, the axis is
 * transposed to the front, sliced contiguously, and transposed back.
 */
function sliceAxis(t: Tensor, axis: number, begin: number, size: number): Tensor {
  const s = t.shape;
  const outer = prod(s.slice(0, axis));
  const inner = prod(s.slice(axis + 1));
  const n = dim(t, axis);
  const back = (part: Tensor): Tensor => tf.reshape(part, [...s.slice(0, axis), size, ...s.slice(axis + 1)]);
  if (outer === 1 || size * inner >= MIN_ROW) {
    return back(tf.slice(tf.reshape(t, [outer, n * inner]), [0, begin * inner], [outer, size * inner]));
  }
  const front = tf.reshape(tf.transpose(tf.reshape(t, [outer, n, inner]), [1, 0, 2]), [n, outer * inner]);
  const part = tf.reshape(tf.slice(front, [begin, 0], [size, outer * inner]), [size, outer, inner]);
  return back(tf.transpose(part, [1, 0, 2]));
}

/** Inserts stride-1 zeros after every element of `axis` (rank stays <= 4 for XNNPACK's pad). */
function insertZeros(t: Tensor, axis: number, stride: number): Tensor {
  if (stride === 1) return t;
  const s = t.shape;
  const n = dim(t, axis);
  const parts = tf.reshape(t, [prod(s.slice(0, axis)), n, 1, prod(s.slice(axis + 1))]);
  return tf.reshape(tf.pad(parts, [[0, 0], [0, 0], [0, stride - 1], [0, 0]]), [...s.slice(0, axis), n * stride, ...s.slice(axis + 1)]);
}

/**
 * Turns an output gradient dy [N, ...out, C] into the input of a stride-1
 * 'valid' forward convolution with the rotated filter whose result is the
 * input gradient [N, ...size, C']: zeros between the strides, then k-1-pad
 * on each side (negative: cropped). This is how every transposed
 * convolution here runs, because wasm's forward convolutions are XNNPACK's
 * and its Conv2DBackpropInput is a plain loop ten times slower.
 */
function spread(dy: Tensor, axes: Axis[]): Tensor {
  let t = dy;
  axes.forEach((a, i) => (t = insertZeros(t, i + 1, a.stride)));
  const pads = axes.map((a): [number, number] => {
    const before = a.k - 1 - a.before;
    return [before, a.size + a.k - 1 - before - a.out * a.stride];
  });
  return padOrCrop(t, [[0, 0], ...pads, [0, 0]]);
}

/** Filter [...k, Ci, Co] rotated by 180 degrees with in and out channels swapped. */
function rotate(f: Tensor): Tensor {
  const r = f.rank - 2;
  return tf.transpose(tf.reverse(f, range(r)), [...range(r), r + 1, r]);
}

/**
 * 'valid' 3-D convolution as a sum of 2-D ones, one per filter depth
 * plane a, over the input depth planes a*dd + j*sd (j < od) batched, so
 * that XNNPACK's Conv2D does the work: wasm's own Conv3D is a scalar loop,
 * ~20x slower. Strided planes come from a reshape, not from wasm's slow
 * StridedSlice or GatherV2.
 */
function conv3dValid(x: Tensor, f: Tensor, strides: number[], dilations: number[]): Tensor {
  const [kd, kh, kw, ci, co] = f.shape as [number, number, number, number, number];
  const [n, d, h, w] = x.shape as [number, number, number, number, number];
  const [sd, sh, sw] = strides as [number, number, number];
  const [dd, dh, dw] = dilations as [number, number, number];
  const od = Math.floor((d - (kd - 1) * dd - 1) / sd) + 1;
  const xs = sd === 1 ? x : padOrCrop(x, [[0, 0], [0, sd - 1], [0, 0], [0, 0], [0, 0]]);
  const planes = (a: number): Tensor => {
    const run = tf.reshape(sliceAxis(xs, 1, a * dd, od * sd), [n, od, sd, h * w * ci]);
    return tf.reshape(sd === 1 ? run : tf.slice(run, 0, [n, od, 1, h * w * ci]), [n * od, h, w, ci]);
  };
  const fa = tf.reshape(f, [kd, kh * kw * ci * co]);
  const ys = range(kd).map((a) => {
    const fPlane = tf.reshape(sliceAxis(fa, 0, a, 1), [kh, kw, ci, co]) as tf.Tensor4D;
    return tf.conv2d(planes(a) as tf.Tensor4D, fPlane, [sh, sw], 'valid', 'NHWC', [dh, dw]);
  });
  const y = ys.length === 1 ? ys[0]! : tf.addN(ys);
  return tf.reshape(y, [n, od, dim(y, 1), dim(y, 2), co]);
}

/** 'valid' convolution of [N, ...spatial, C] by [...k, C, Co], 2-D or 3-D. */
function convValid(x: Tensor, f: Tensor, strides: number[], dilations = strides.map(() => 1)): Tensor {
  if (x.rank === 5) return conv3dValid(x, f, strides, dilations);
  return tf.conv2d(x as tf.Tensor4D, f as tf.Tensor4D, strides as [number, number], 'valid', 'NHWC', dilations as [number, number]);
}

/** Transposed ('backprop input') convolution of dy by f, with f's own dilation. */
function convTranspose(dy: Tensor, f: Tensor, axes: Axis[]): Tensor {
  return convValid(spread(dy, axes), rotate(f), axes.map(() => 1), axes.map((a) => a.dilation));
}

/**
 * Filter gradient as one forward convolution: the padded x seen as
 * [Ci, ...spatial, N] convolved by dy seen as a filter [...out, N, Co], with
 * the original strides as dilation (and the original dilation as stride).
 */
function convFilterGrad(x: Tensor, dy: Tensor, axes: Axis[]): Tensor {
  const r = x.rank;
  const spatial = range(1, r - 1);
  const xT = tf.transpose(padOrCrop(x, windowPads(axes)), [r - 1, ...spatial, 0]);
  const dyT = tf.transpose(dy, [...spatial, 0, r - 1]);
  const g = convValid(xT, dyT, axes.map((a) => a.dilation), axes.map((a) => a.stride));
  return tf.transpose(g, [...spatial, 0, r - 1]);
}

type Pad2d = 'valid' | 'same' | number | tf.backend_util.ExplicitPadding;

/**
 * A numeric 2-D pad as the equivalent explicit pads. tfjs-core sizes a
 * numeric pad with the filter height and stride height for both axes
 * (conv_util.computeOutputShape2D), so a non-square window gets a
 * mis-sized output, which wasm's C++ then writes past; explicit pads are
 * sized per axis. NHWC layout (the only one these kernels accept).
 */
function explicit2d(pad: Pad2d): Exclude<Pad2d, number> {
  return typeof pad === 'number' ? [[0, 0], [pad, pad], [pad, pad], [0, 0]] : pad;
}

/**
 * Stock 2-D conv and pool kernels, with pads made explicit and exact. Besides
 * numeric pads (see explicit2d), XNNPACK sizes its output with floor
 * rounding: when dimRoundingMode makes tfjs allocate more (an overhanging
 * last window), the extra rows and columns are garbage. Padding the far
 * side up to the last window makes both agree; the padding is skipped (max
 * pool), left out of the count (avg pool) or zero (conv), as tfjs does.
 */
const exactPad = (window: 'filter' | 'filterSize', depthwise = false): Body => (inputs, attrs, stock, backend) => {
  const a = attrs as { pad: Pad2d; dataFormat?: string; dimRoundingMode?: 'floor' | 'round' | 'ceil'; strides: number | [number, number]; dilations?: number | [number, number]; filterSize?: number | [number, number] };
  // 'same' and 'valid' are exact, and tfjs refuses a dimRoundingMode with them.
  if (a.dataFormat === 'NCHW' || typeof a.pad === 'string') return stock!({ inputs, attrs, backend });
  const x = (inputs.x ?? inputs.input)!.shape as [number, number, number, number];
  const info = window === 'filter'
    ? tf.backend_util.computeConv2DInfo(x, inputs.filter!.shape as [number, number, number, number], a.strides, a.dilations ?? 1, explicit2d(a.pad), a.dimRoundingMode, depthwise)
    : tf.backend_util.computePool2DInfo(x, a.filterSize!, a.strides, 1, explicit2d(a.pad), a.dimRoundingMode);
  const pad = windowPads(axes2d(info)).map(([b, e]): [number, number] => [b, Math.max(0, e)]);
  const { dimRoundingMode: _, ...rest } = attrs;
  return stock!({ inputs, attrs: { ...rest, pad: pad as unknown as number[] }, backend });
};

function nhwcOnly(kernel: string, dataFormat: string | undefined): void {
  if (dataFormat !== undefined && dataFormat !== 'NHWC' && dataFormat !== 'NDHWC') {
    throw new NetError('unsupported', `wasm ${kernel}: dataFormat ${dataFormat} is not supported, only channels-last`);
  }
}

// ---------------------------------------------------------------------------
// Max pooling via window patches.

/**
 * Filter [...k, 1, K] whose k-th output channel copies the k-th window
 * element, so a conv with it extracts window patches exactly: every other
 * product is a zero and adding zeros rounds nothing. The one-hot is built as
 * int32 and cast, because wasm's OneHot writes int32 bits whatever the dtype.
 */
function oneHotFilter(k: number[]): Tensor {
  const K = prod(k);
  // tf.oneHot refuses a depth of 1: a window of one element is copied by a filter of one 1.
  if (K === 1) return tf.ones([...k, 1, 1]);
  return tf.reshape(tf.cast(tf.oneHot(tf.range(0, K, 1, 'int32'), K), 'float32'), [...k, 1, K]);
}

/** [N, ...spatial, C] -> [N*C, ...spatial, 1]: pooling is per channel, a conv is across them. */
function channelsToBatch(x: Tensor): Tensor {
  const r = x.rank;
  const spatial = x.shape.slice(1, -1);
  return tf.reshape(tf.transpose(x, [0, r - 1, ...range(1, r - 1)]), [dim(x, 0) * dim(x, -1), ...spatial, 1]);
}

function batchToChannels(t: Tensor, n: number, c: number): Tensor {
  const r = t.rank;
  return tf.transpose(tf.reshape(t, [n, c, ...t.shape.slice(1, -1)]), [0, ...range(2, r), 1]);
}

/**
 * Window patches [N*C, ...out, K] of x. Padding is -FLT_MAX rather than zero
 * so that a padded position never beats a real one (TensorFlow and MXNet
 * skip padding); x is clipped to finite values because inf * 0 in the
 * one-hot conv would be NaN.
 */
function windowPatches(x: Tensor, k: number[], axes: Axis[]): Tensor {
  const xp = padOrCrop(tf.clipByValue(x, -FLT_MAX, FLT_MAX), windowPads(axes), -FLT_MAX);
  return convValid(channelsToBatch(xp), oneHotFilter(k), axes.map((a) => a.stride));
}

/**
 * Window columns [B, ...out, K] summed back into place as [B, ...size, 1]
 * (col2im), one axis at a time. Window offset w = j*s + q of tile o lands
 * on tile o + j, sub-position q: so the window axis, padded to nb*s, splits
 * into nb blocks, each added at a shift of j tiles; the tiles and
 * sub-positions are interleaved at the end. Usual poolings (k <= stride)
 * have one block. Window axes go first so that every slice and pad runs on
 * long rows, and no stuffed zeros are multiplied as in a transposed conv.
 */
function columnsToImage(cols: Tensor, k: number[], axes: Axis[]): Tensor {
  const r = axes.length;
  const b = dim(cols, 0);
  const nb = axes.map((a, i) => Math.ceil(k[i]! / a.stride));
  const tiles = axes.map((a, i) => a.out + nb[i]! - 1);
  const only = (axis: number, rank: number, pad: [number, number]): Pads => range(rank).map((j) => (j === axis ? pad : [0, 0]));
  let t = tf.transpose(tf.reshape(cols, [b, ...axes.map((a) => a.out), ...k]), [0, ...range(r).map((i) => 1 + r + i), ...range(r).map((i) => 1 + i)]);
  axes.forEach((a, i) => {
    t = padOrCrop(t, only(1 + i, t.rank, [0, nb[i]! * a.stride - k[i]!]));
    if (nb[i] === 1) return;
    const s = t.shape;
    const split = tf.reshape(t, [...s.slice(0, 1 + i), nb[i]!, a.stride, ...s.slice(2 + i)]);
    t = tf.addN(range(nb[i]!).map((j) => {
      const block = tf.reshape(sliceAxis(split, 1 + i, j, 1), [...s.slice(0, 1 + i), a.stride, ...s.slice(2 + i)]);
      return padOrCrop(block, only(1 + r + i, t.rank, [j, nb[i]! - 1 - j]));
    }));
  });
  t = tf.transpose(t, [0, ...range(r).flatMap((i) => [1 + r + i, 1 + i])]);
  t = tf.reshape(t, [b, ...axes.map((a, i) => tiles[i]! * a.stride), 1]);
  return padOrCrop(t, [[0, 0], ...axes.map((a, i): [number, number] => [-a.before, a.size + a.before - tiles[i]! * a.stride]), [0, 0]]);
}

/**
 * Exact max-pool gradient: the first maximum of each window (ArgMax keeps
 * the first, as TensorFlow and MXNet do) receives dy, then the window
 * columns are summed back into place.
 */
function maxPoolGrad(dy: Tensor, x: Tensor, k: number[], axes: Axis[]): Tensor {
  const K = prod(k);
  const patches = windowPatches(x, k, axes);
  // A window of one element is its own maximum (tf.oneHot refuses a depth of 1).
  const first = K === 1 ? tf.onesLike(patches) : tf.cast(tf.oneHot(tf.argMax(patches, -1), K), 'float32');
  const routed = tf.mul(first, channelsToBatch(dy));
  return batchToChannels(columnsToImage(routed, k, axes), dim(x, 0), dim(x, -1));
}

// ---------------------------------------------------------------------------
// Kernel bodies.

type Inputs = Record<string, Tensor>;
type Body = (inputs: Inputs, attrs: NamedAttrMap, stock: KernelFunc | undefined, backend: object) => TensorInfo | TensorInfo[];

/** Kernel inputs arrive as the engine's Tensors (ops call runKernel with Tensors), so the cast is safe. */
const tidy =
  (body: (inputs: Inputs, attrs: NamedAttrMap) => Tensor | Tensor[]): Body =>
  (inputs, attrs) =>
    tf.tidy(() => body(inputs, attrs));

const is = <A>(attrs: NamedAttrMap): A => attrs as unknown as A;

const conv2DBackpropFilter = tidy(({ x, dy }, attrs) => {
  const { strides, pad, dataFormat, dimRoundingMode, filterShape } = is<Conv2DBackpropFilterAttrs>(attrs);
  nhwcOnly('Conv2DBackpropFilter', dataFormat);
  const c = tf.backend_util.computeConv2DInfo(x!.shape as [number, number, number, number], filterShape, strides, 1, explicit2d(pad), dimRoundingMode);
  return convFilterGrad(x!, dy!, axes2d(c));
});

const conv2DBackpropInput = tidy(({ dy, filter }, attrs) => {
  const { strides, pad, dataFormat, dimRoundingMode, inputShape } = is<Conv2DBackpropInputAttrs>(attrs);
  nhwcOnly('Conv2DBackpropInput', dataFormat);
  const c = tf.backend_util.computeConv2DInfo(inputShape, filter!.shape as [number, number, number, number], strides, 1, explicit2d(pad), dimRoundingMode);
  return convTranspose(dy!, filter!, axes2d(c));
});

/**
 * Depthwise input gradient: a depthwise conv of the spread dy (C*M channels,
 * multiplier 1) by the rotated filter, then the M products of each input
 * channel summed.
 */
const depthwiseBackpropInput = tidy(({ dy, filter }, attrs) => {
  const { strides, dilations, pad, dimRoundingMode, inputShape } = is<DepthwiseConv2dNativeBackpropInputAttrs>(attrs);
  const [kh, kw, ch, m] = filter!.shape as [number, number, number, number];
  const c = tf.backend_util.computeConv2DInfo(inputShape, [kh, kw, ch, m], strides, dilations, explicit2d(pad), dimRoundingMode, true);
  const axes = axes2d(c);
  const rot = tf.reshape(tf.reverse(filter!, [0, 1]), [kh, kw, ch * m, 1]) as tf.Tensor4D;
  const y = tf.depthwiseConv2d(spread(dy!, axes) as tf.Tensor4D, rot, 1, 'valid', 'NHWC', [c.dilationHeight, c.dilationWidth]);
  return m === 1 ? y : tf.sum(tf.reshape(y, [...inputShape, m]), -1);
});

/**
 * Depthwise filter gradient: one depthwise conv over a single image whose
 * channels are (c, n) pairs, filtered by dy as [Ho, Wo, C*N, M]; the N
 * batch contributions are summed afterwards.
 */
const depthwiseBackpropFilter = tidy(({ x, dy }, attrs) => {
  const { strides, dilations, pad, dimRoundingMode, filterShape } = is<DepthwiseConv2dNativeBackpropFilterAttrs>(attrs);
  const [kh, kw, ch, m] = filterShape;
  const n = dim(x!, 0);
  const c = tf.backend_util.computeConv2DInfo(x!.shape as [number, number, number, number], filterShape, strides, dilations, explicit2d(pad), dimRoundingMode, true);
  const [ah, aw] = axes2d(c) as [Axis, Axis];
  if (Math.max(ah.stride, aw.stride) > 1 && Math.max(ah.dilation, aw.dilation) > 1) {
    throw new NetError('unsupported', 'wasm DepthwiseConv2dNativeBackpropFilter: strides and dilations both > 1');
  }
  const xp = padOrCrop(x!, windowPads([ah, aw]));
  const img = tf.reshape(tf.transpose(xp, [1, 2, 3, 0]), [1, dim(xp, 1), dim(xp, 2), ch * n]) as tf.Tensor4D;
  const dyF = tf.reshape(tf.transpose(tf.reshape(dy!, [n, ah.out, aw.out, ch, m]), [1, 2, 3, 0, 4]), [ah.out, aw.out, ch * n, m]) as tf.Tensor4D;
  const g = tf.depthwiseConv2d(img, dyF, [ah.dilation, aw.dilation], 'valid', 'NHWC', [ah.stride, aw.stride]);
  return tf.sum(tf.reshape(g, [kh, kw, ch, n, m]), 3);
});

const conv3D = tidy(({ x, filter }, attrs) => {
  const { strides, pad, dataFormat, dilations } = is<Conv3DAttrs>(attrs);
  nhwcOnly('Conv3D', dataFormat);
  const c = tf.backend_util.computeConv3DInfo(
    x!.shape as [number, number, number, number, number], filter!.shape as [number, number, number, number, number], strides, dilations, pad);
  const axes = axes3d(c);
  return conv3dValid(padOrCrop(x!, windowPads(axes)), filter!, axes.map((a) => a.stride), axes.map((a) => a.dilation));
});

const conv3DBackpropInput = tidy(({ dy, filter }, attrs) => {
  const { strides, pad, inputShape } = is<Conv3DBackpropInputV2Attrs>(attrs);
  const c = tf.backend_util.computeConv3DInfo(inputShape, filter!.shape as [number, number, number, number, number], strides, 1, pad);
  return convTranspose(dy!, filter!, axes3d(c));
});

const conv3DBackpropFilter = tidy(({ x, dy }, attrs) => {
  const { strides, pad, filterShape } = is<Conv3DBackpropFilterV2Attrs>(attrs);
  const c = tf.backend_util.computeConv3DInfo(x!.shape as [number, number, number, number, number], filterShape, strides, 1, pad);
  return convFilterGrad(x!, dy!, axes3d(c));
});

/**
 * wasm's MaxPool3D starts from FLT_MIN and mixes up the window axes unless
 * the window is a cube. A max is separable, and wasm's 2-D MaxPool is right:
 * pool (h, w) per depth plane, then depth as a [kd, 1] window.
 */
const maxPool3D = tidy(({ x }, attrs) => {
  const { filterSize, strides, pad, dimRoundingMode, dataFormat } = is<MaxPool3DAttrs>(attrs);
  nhwcOnly('MaxPool3D', dataFormat);
  const [n, d, h, w, ch] = x!.shape as [number, number, number, number, number];
  const c = tf.backend_util.computePool3DInfo([n, d, h, w, ch], filterSize, strides, 1, pad, dimRoundingMode);
  const [ad, ah, aw] = windowPads(axes3d(c)).slice(1, 4).map(([b, e]): [number, number] => [b, Math.max(0, e)]) as Array<[number, number]>;
  const planes = tf.maxPool(tf.reshape(x!, [n * d, h, w, ch]) as tf.Tensor4D, [c.filterHeight, c.filterWidth], [c.strideHeight, c.strideWidth], [[0, 0], ah!, aw!, [0, 0]]);
  const rows = tf.reshape(planes, [n, d, c.outHeight * c.outWidth, ch]) as tf.Tensor4D;
  const y = tf.maxPool(rows, [c.filterDepth, 1], [c.strideDepth, 1], [[0, 0], ad!, [0, 0], [0, 0]]);
  return tf.reshape(y, [n, c.outDepth, c.outHeight, c.outWidth, ch]);
});

/** A spatial axis of extent 1: 2-D poolings run as 3-D ones over a depth of 1. */
const FLAT_AXIS: Axis = { size: 1, k: 1, stride: 1, dilation: 1, before: 0, out: 1 };

/**
 * Exact max-pool gradient in one pass over the wasm heap: for each window (channels
 * innermost, so that every load is contiguous) the first maximum in window order gets
 * dy; padding never wins (it is skipped, as TensorFlow and MXNet do). This replaces the
 * composite of patches, ArgMax, OneHot and col2im (maxPoolGrad): on the benchmark's cnn,
 * the two MaxPoolGrads took 52 ms of a 227 ms step (BENCHMARKS.md, profile).
 */
function maxPoolGradHeap(dy: TensorInfo, x: TensorInfo, axes: Axis[], backend: object): TensorInfo {
  const heap = backend as WasmHeap;
  const n = dim(x, 0);
  const ch = dim(x, -1);
  const [ad, ah, aw] = axes.length === 3 ? (axes as [Axis, Axis, Axis]) : [FLAT_AXIS, axes[0]!, axes[1]!];
  const out = heap.makeOutput([...x.shape], 'float32');
  // Views only after makeOutput, which may grow (and detach) the heap.
  const dx = heap.typedArrayFromHeap(out) as Float32Array;
  const xs = heap.typedArrayFromHeap(x) as Float32Array;
  const g = heap.typedArrayFromHeap(dy) as Float32Array;
  dx.fill(0);
  const sw = ch;
  const sh = aw.size * sw;
  const sd = ah.size * sh;
  const sn = ad.size * sd;
  const best = new Float32Array(ch);
  const at = new Int32Array(ch);
  let o = 0;
  for (let b = 0; b < n; b++) {
    for (let od = 0; od < ad.out; od++) {
      const d0 = od * ad.stride - ad.before;
      for (let oh = 0; oh < ah.out; oh++) {
        const h0 = oh * ah.stride - ah.before;
        for (let ow = 0; ow < aw.out; ow++, o += ch) {
          const w0 = ow * aw.stride - aw.before;
          let first = true;
          for (let d = Math.max(0, d0); d < Math.min(ad.size, d0 + ad.k); d++) {
            for (let h = Math.max(0, h0); h < Math.min(ah.size, h0 + ah.k); h++) {
              for (let w = Math.max(0, w0); w < Math.min(aw.size, w0 + aw.k); w++) {
                const base = b * sn + d * sd + h * sh + w * sw;
                if (first) {
                  for (let c = 0; c < ch; c++) {
                    best[c] = xs[base + c]!;
                    at[c] = base + c;
                  }
                  first = false;
                } else {
                  for (let c = 0; c < ch; c++) {
                    const v = xs[base + c]!;
                    if (v > best[c]!) {
                      best[c] = v;
                      at[c] = base + c;
                    }
                  }
                }
              }
            }
          }
          // A window wholly in the padding has no element to route to.
          if (!first) for (let c = 0; c < ch; c++) dx[at[c]!] = dx[at[c]!]! + g[o + c]!;
        }
      }
    }
  }
  return out;
}

const maxPoolGrad2d: Body = ({ dy, input }, attrs, _stock, backend) => {
  const { filterSize, strides, pad, dimRoundingMode } = is<MaxPoolGradAttrs>(attrs);
  const c = tf.backend_util.computePool2DInfo(input!.shape as [number, number, number, number], filterSize, strides, 1, explicit2d(pad), dimRoundingMode);
  return maxPoolGradHeap(dy!, input!, axes2d(c), backend);
};

const maxPoolGrad3dHeap: Body = ({ dy, input }, attrs, _stock, backend) => {
  const { filterSize, strides, pad, dimRoundingMode } = is<MaxPool3DGradAttrs>(attrs);
  const c = tf.backend_util.computePool3DInfo(input!.shape as [number, number, number, number, number], filterSize, strides, 1, pad, dimRoundingMode);
  return maxPoolGradHeap(dy!, input!, axes3d(c), backend);
};

/** The composite max-pool gradient (for the cpu backend, which has no heap to walk). */
const maxPoolGrad3d = tidy(({ dy, input }, attrs) => {
  const { filterSize, strides, pad, dimRoundingMode } = is<MaxPool3DGradAttrs>(attrs);
  const c = tf.backend_util.computePool3DInfo(input!.shape as [number, number, number, number, number], filterSize, strides, 1, pad, dimRoundingMode);
  return maxPoolGrad(dy!, input!, [c.filterDepth, c.filterHeight, c.filterWidth], axes3d(c));
});

/**
 * Max values and TensorFlow's flat argmax indices, ((b*H + h)*W + w)*C + c
 * (b dropped unless includeBatchInIndex), computed in int32 so that they
 * stay exact beyond 2^24.
 */
const maxPoolWithArgmax = tidy(({ x }, attrs) => {
  const { filterSize, strides, pad, includeBatchInIndex } = is<MaxPoolWithArgmaxAttrs>(attrs);
  const [n, h, w, ch] = x!.shape as [number, number, number, number];
  const c = tf.backend_util.computePool2DInfo([n, h, w, ch], filterSize, strides, 1, explicit2d(pad));
  const [ah, aw] = axes2d(c) as [Axis, Axis];
  const patches = windowPatches(x!, [c.filterHeight, c.filterWidth], [ah, aw]);
  const inWindow = range(c.filterHeight * c.filterWidth).map((k) => (Math.floor(k / c.filterWidth) * w + (k % c.filterWidth)) * ch);
  const corner = range(ah.out * aw.out).map((i) => ((Math.floor(i / aw.out) * ah.stride - ah.before) * w + (i % aw.out) * aw.stride - aw.before) * ch);
  const plane = range(n * ch).map((i) => (includeBatchInIndex ? Math.floor(i / ch) * h * w * ch : 0) + (i % ch));
  const index = tf.add(
    tf.add(tf.gather(tf.tensor1d(inWindow, 'int32'), tf.argMax(patches, -1)), tf.tensor3d(corner, [1, ah.out, aw.out], 'int32')),
    tf.tensor3d(plane, [n * ch, 1, 1], 'int32'),
  );
  return [batchToChannels(tf.max(patches, -1, true), n, ch), batchToChannels(tf.expandDims(index, -1), n, ch)];
});

/**
 * Sum into segments with ScatterNd (which adds duplicates on wasm). Ids
 * outside [0, numSegments) are dropped, as TensorFlow.js's cpu kernel does:
 * they are sent to an extra row that is cut off.
 */
const unsortedSegmentSum = tidy(({ x, segmentIds }, attrs) => {
  const { numSegments } = is<UnsortedSegmentSumAttrs>(attrs);
  const ids = Array.from(segmentIds!.dataSync());
  const rest = x!.shape.slice(segmentIds!.rank);
  const outside = ids.some((i) => i < 0 || i >= numSegments);
  const idx = outside
    ? tf.tensor2d(Int32Array.from(ids, (i) => (i < 0 || i >= numSegments ? numSegments : i)), [ids.length, 1], 'int32')
    : tf.reshape(segmentIds!, [ids.length, 1]);
  const sums = tf.scatterND(idx, tf.reshape(x!, [ids.length, ...rest]), [numSegments + (outside ? 1 : 0), ...rest]);
  return outside ? tf.slice(sums, 0, numSegments) : sums;
});

/**
 * Gather with batchDims > 0 is wrong on wasm; it is rewritten as a plain
 * gather on [B*A, outer*slice] with the batch offsets b*A added to the ids.
 */
const gatherV2: Body = (inputs, attrs, stock, backend) => {
  const { axis, batchDims } = is<GatherV2Attrs>(attrs);
  if (!batchDims) return stock!({ inputs, attrs, backend });
  const { x, indices } = inputs as { x: Tensor; indices: Tensor };
  const info = tf.backend_util.segment_util.collectGatherOpShapeInfo(x, indices, tf.util.parseAxisParam(axis, x.shape)[0]!, batchDims);
  const { batchSize: B, outerSize: outer, dimSize: A, sliceSize: slice } = info;
  const I = indices.size / B;
  return tf.tidy(() => {
    const table = tf.reshape(tf.transpose(tf.reshape(x, [B, outer, A, slice]), [0, 2, 1, 3]), [B * A, outer * slice]);
    const ids = tf.add(tf.reshape(indices, [B, I]), tf.reshape(tf.range(0, B * A, A, 'int32'), [B, 1]));
    const rows = tf.reshape(tf.gather(table, tf.reshape(ids, [B * I])), [B, I, outer, slice]);
    return tf.reshape(tf.transpose(rows, [0, 2, 1, 3]), info.outputShape);
  });
};

/**
 * wasm's ResizeNearestNeighborGrad ignores halfPixelCenters (the cpu one is
 * wrong in every mode); this is also 3x faster than it. The gradient of a nearest resize sums dy onto the
 * pixel each output copied, so the forward resize itself, run on an image of
 * pixel ids (exact in float32 below 2^24 pixels), gives the map.
 */
const resizeNearestGrad = tidy(({ images, dy }, attrs) => {
  const { alignCorners, halfPixelCenters } = is<ResizeNearestNeighborAttrs>(attrs);
  const [n, h, w, c] = images!.shape as [number, number, number, number];
  const [, ho, wo] = dy!.shape as [number, number, number, number];
  const ids = tf.reshape(tf.range(0, h * w, 1, 'float32'), [1, h, w, 1]) as tf.Tensor4D;
  const source = tf.cast(tf.reshape(tf.image.resizeNearestNeighbor(ids, [ho, wo], alignCorners, halfPixelCenters), [ho * wo]), 'int32') as tf.Tensor1D;
  const sums = tf.unsortedSegmentSum(tf.reshape(tf.transpose(dy!, [1, 2, 0, 3]), [ho * wo, n * c]), source, h * w);
  return tf.transpose(tf.reshape(sums, [h, w, n, c]), [2, 0, 1, 3]);
});

/**
 * wasm's ResizeBilinearGrad ignores halfPixelCenters (the cpu one also swaps
 * height and width), and is right and fast otherwise. A bilinear resize is
 * separable and linear, y = Ah x Aw^T per image and channel; the forward
 * resize of identity images gives the matrices exactly (one-hot values only
 * add zeros), and the gradient is Ah^T dy Aw, two XNNPACK matmuls.
 */
const resizeBilinearGrad: Body = (inputs, attrs, stock, backend) => {
  const { alignCorners, halfPixelCenters } = is<ResizeBilinearAttrs>(attrs);
  if (!halfPixelCenters) return stock!({ inputs, attrs, backend });
  const [n, h, w, c] = inputs.images!.shape as [number, number, number, number];
  const [, ho, wo] = inputs.dy!.shape as [number, number, number, number];
  return tf.tidy(() => {
    const resize = (img: [number, number], size: [number, number]): Tensor =>
      tf.image.resizeBilinear(tf.reshape(tf.eye(prod(img)), [1, ...img, prod(img)]) as tf.Tensor4D, size, alignCorners, true);
    const ah = tf.reshape(resize([h, 1], [ho, 1]), [ho, h]);
    const aw = tf.reshape(resize([1, w], [1, wo]), [wo, w]);
    const rows = tf.matMul(ah, tf.reshape(tf.transpose(inputs.dy!, [1, 0, 2, 3]), [ho, n * wo * c]), true);
    const cols = tf.matMul(aw, tf.reshape(tf.transpose(tf.reshape(rows, [h, n, wo, c]), [2, 1, 0, 3]), [wo, n * h * c]), true);
    return tf.transpose(tf.reshape(cols, [w, n, h, c]), [1, 2, 0, 3]);
  });
};

/**
 * wasm's Identity copies, so tf.clone of a saved tensor makes a new data id,
 * and in IS_TEST mode the engine then reports a leak in every customGrad op
 * that saves tensors (logSoftmax, ...). Sharing the data, as the cpu backend
 * does, is safe: kernels never write into their inputs.
 */
const identity: Body = ({ x }, _attrs, _stock, backend) => {
  (backend as { incRef(dataId: object): void }).incRef(x!.dataId);
  return { dataId: x!.dataId, shape: x!.shape, dtype: x!.dtype };
};

/** wasm's OneHot writes int32 bits whatever the dtype; only the int32 0/1 case is used as is. */
const oneHot: Body = (inputs, attrs, stock, backend) => {
  const { dtype, depth, onValue, offValue } = is<OneHotAttrs>(attrs);
  if (dtype === 'int32') return stock!({ inputs, attrs, backend });
  return tf.tidy(() => {
    const hot = tf.cast(tf.oneHot(inputs.indices!, depth), 'bool');
    return tf.cast(tf.where(hot, tf.scalar(onValue), tf.scalar(offValue)), dtype);
  });
};

/**
 * MatMul with transpose flags runs 4-12x slower on wasm than an explicit
 * Transpose followed by the flag-free kernel (XNNPACK's fast path), and the
 * MatMul gradient always sets a flag. Also used for _FusedMatMul.
 *
 * XNNPACK packs the right operand of every matMul whose right operand is a new
 * tensor, and an explicit transpose always is one. For a * b^T with a [m, k]
 * and b [n, k] (a dense layer's input gradient: dy times the weights), the
 * packed operand is b^T, n * k values; (b * a^T)^T gives the same products
 * with a^T packed instead, m * k values, plus a transpose of the m * n result.
 * That way round is taken where it moves clearly fewer values: the benchmark's
 * mlp, dy [128, 256] times weights [784, 256], 2.8 -> 2.2 ms (A/B, same bits).
 */
const matMul: Body = (inputs, attrs, stock, backend) => {
  const { transposeA, transposeB } = is<BatchMatMulAttrs>(attrs);
  if (!transposeA && !transposeB) return stock!({ inputs, attrs, backend });
  const swap = (t: Tensor): Tensor => tf.transpose(t, [...range(t.rank - 2), t.rank - 1, t.rank - 2]);
  if (!transposeA && inputs.a!.rank === 2 && inputs.b!.rank === 2 && !inputs.bias && !inputs.preluActivationWeights) {
    const [m, k] = inputs.a!.shape as [number, number];
    const n = dim(inputs.b!, 0);
    // Small operands: the extra transpose costs more than the packing it saves (measured).
    if (n * k >= 32768 && 2 * m * k + m * n < 0.6 * (2 * n * k)) {
      return tf.tidy(() => swap(tf.matMul(inputs.b!, swap(inputs.a!))));
    }
  }
  const a = transposeA ? swap(inputs.a!) : inputs.a!;
  const b = transposeB ? swap(inputs.b!) : inputs.b!;
  try {
    return stock!({ inputs: { ...inputs, a, b }, attrs: { ...attrs, transposeA: false, transposeB: false }, backend });
  } finally {
    if (transposeA) a.dispose();
    if (transposeB) b.dispose();
  }
};

/**
 * Merges neighbouring axes that broadcast alike (size-1 axes of the output
 * merge with anything), so that XNNPACK's 6-d limit is rarely reached.
 */
function mergeBroadcastAxes(a: number[], b: number[], out: number[]): [number[], number[]] {
  const pa = [...Array(out.length - a.length).fill(1), ...a];
  const pb = [...Array(out.length - b.length).fill(1), ...b];
  const ma: number[] = [];
  const mb: number[] = [];
  let last = '';
  out.forEach((o, i) => {
    if (o === 1) return;
    const kind = `${pa[i] === o}${pb[i] === o}`;
    if (kind === last) {
      ma[ma.length - 1] = ma.at(-1)! * pa[i]!;
      mb[mb.length - 1] = mb.at(-1)! * pb[i]!;
    } else {
      ma.push(pa[i]!);
      mb.push(pb[i]!);
    }
    last = kind;
  });
  return [ma, mb];
}

/**
 * Add, Sub, Multiply, RealDiv and SquaredDifference go through XNNPACK,
 * which refuses more than 6 dimensions; wasm then prints a status line and
 * returns garbage. Merge axes first, broadcast explicitly if that is not
 * enough.
 */
const binaryNd: Body = (inputs, attrs, stock, backend) => {
  const { a, b } = inputs as { a: Tensor; b: Tensor };
  // The output has the larger rank of the two: the common case costs one comparison.
  if (a.shape.length <= XNN_MAX_DIMS && b.shape.length <= XNN_MAX_DIMS) return stock!({ inputs, attrs, backend });
  const out = tf.broadcast_util.assertAndGetBroadcastShape(a.shape, b.shape);
  let [sa, sb] = mergeBroadcastAxes(a.shape, b.shape, out);
  const made: Tensor[] = [];
  const keep = <X extends Tensor>(t: X): X => (made.push(t), t);
  let ta = a;
  let tb = b;
  if (sa.length > XNN_MAX_DIMS) {
    ta = keep(tf.broadcastTo(a, out));
    tb = keep(tf.broadcastTo(b, out));
    sa = sb = [prod(out)];
  }
  try {
    const res = stock!({ inputs: { a: keep(tf.reshape(ta, sa)), b: keep(tf.reshape(tb, sb)) }, attrs, backend }) as TensorInfo;
    return { ...res, shape: out };
  } finally {
    tf.dispose(made);
  }
};

/**
 * Groups the axes of a transpose that stay adjacent and in order (size-1
 * axes dropped): the merged shape in input order and the permutation of it.
 */
function mergeTransposeAxes(shape: readonly number[], perm: readonly number[]): { shape: number[]; perm: number[] } {
  const kept = range(shape.length).filter((i) => shape[i] !== 1);
  const runs: number[][] = [];
  for (const p of perm.filter((i) => shape[i] !== 1)) {
    const run = runs.at(-1);
    if (run && kept.indexOf(run.at(-1)!) + 1 === kept.indexOf(p)) run.push(p);
    else runs.push([p]);
  }
  const inOrder = [...runs].sort((r, q) => r[0]! - q[0]!);
  return { shape: inOrder.map((r) => prod(r.map((i) => shape[i]!))), perm: runs.map((r) => inOrder.indexOf(r)) };
}

/**
 * wasm's Transpose is fast up to rank 4 and ~20x slower beyond (a generic
 * loop). Adjacent axes are merged first; a permutation that still needs more
 * than 4 axes becomes a chain of transposes that each place one output axis
 * and merge to rank <= 4.
 */
const transposeNd: Body = (inputs, attrs, stock, backend) => {
  const x = inputs.x!;
  const { perm } = is<TransposeAttrs>(attrs);
  const merged = mergeTransposeAxes(x.shape, perm);
  if (x.rank <= 4 || merged.shape.length <= 1) return stock!({ inputs, attrs, backend });
  return tf.tidy(() => {
    if (merged.shape.length <= 4) {
      return tf.reshape(tf.transpose(tf.reshape(x, merged.shape), merged.perm), perm.map((i) => dim(x, i)));
    }
    let t = x;
    let axes = range(x.rank);
    for (let k = 0; ; k++) {
      const rest = perm.map((a) => axes.indexOf(a));
      if (mergeTransposeAxes(t.shape, rest).shape.length <= 4) return tf.transpose(t, rest);
      const at = axes.indexOf(perm[k]!);
      const step = [...range(k), at, ...range(k, t.rank).filter((i) => i !== at)];
      t = tf.transpose(t, step);
      axes = step.map((i) => axes[i]!);
    }
  });
};

/** The two BackendWasm methods the Slice kernel uses (public in tfjs-backend-wasm 4.22). */
interface WasmHeap {
  makeOutput(shape: number[], dtype: tf.DataType): TensorInfo;
  typedArrayFromHeap(t: TensorInfo): Float32Array | Int32Array | Uint8Array;
}

/**
 * wasm's Slice first copies the whole input out of the heap (readSync), then
 * copies one innermost row at a time through a fresh subarray, element by
 * element beyond rank 4: slicing one time step out of a sequence costs the
 * whole sequence. Here each contiguous run (the last cut axis with the full
 * axes after it) is one copyWithin inside the heap. Runs shorter than
 * MIN_ROW cost more per run than per element, so those slices go one axis
 * at a time through transposes (sliceAxis).
 */
const slice: Body = (inputs, attrs, stock, backend) => {
  const x = inputs.x!;
  const { begin, size } = is<SliceAttrs>(attrs);
  const [b = [], s = []] = tf.slice_util.parseSliceParams(x, begin, size);
  let k = x.rank - 1;
  while (k >= 0 && b[k] === 0 && s[k] === dim(x, k)) k--;
  const bytes = { float32: 4, int32: 4, bool: 1 }[x.dtype as string];
  if (k < 0 || bytes === undefined || prod(s) === 0) return stock!({ inputs, attrs, backend });
  const run = s[k]! * prod(x.shape.slice(k + 1));
  const rows = prod(s.slice(0, k));
  if (run < MIN_ROW && rows > 1) {
    return tf.tidy(() => range(x.rank).filter((i) => b[i] !== 0 || s[i] !== dim(x, i)).reduce((t, i) => sliceAxis(t, i, b[i]!, s[i]!), x));
  }
  const heap = backend as WasmHeap;
  const out = heap.makeOutput(s, x.dtype);
  // Views only after makeOutput, which may grow (and detach) the heap.
  const outView = heap.typedArrayFromHeap(out);
  const memory = new Uint8Array(outView.buffer);
  const from = heap.typedArrayFromHeap(x).byteOffset;
  const strides = tf.util.computeStrides(x.shape);
  const at = Array(k).fill(0) as number[];
  for (let r = 0, to = outView.byteOffset; r < rows; r++, to += run * bytes) {
    const src = from + bytes * at.reduce((o, j, i) => o + (b[i]! + j) * strides[i]!, b[k]! * (strides[k] ?? 1));
    memory.copyWithin(to, src, src + run * bytes);
    for (let i = k - 1; i >= 0 && ++at[i]! === s[i]; i--) at[i] = 0;
  }
  return out;
};

/** Pads rank > 6 one axis at a time as [outer, n, inner] (see binaryNd). */
const padNd: Body = (inputs, attrs, stock, backend) => {
  const { paddings, constantValue } = is<PadV2Attrs>(attrs);
  const x = inputs.x!;
  if (x.rank <= XNN_MAX_DIMS) return stock!({ inputs, attrs, backend });
  return tf.tidy(() =>
    paddings.reduce((t, [before, after], i) => {
      if (before === 0 && after === 0) return t;
      const s = t.shape;
      const flat = tf.reshape(t, [prod(s.slice(0, i)), dim(t, i), prod(s.slice(i + 1))]);
      const padded = tf.pad(flat, [[0, 0], [before, after], [0, 0]], constantValue);
      return tf.reshape(padded, [...s.slice(0, i), before + dim(t, i) + after, ...s.slice(i + 1)]);
    }, x),
  );
};

// ---------------------------------------------------------------------------
// Registration.

const KERNELS: Record<string, Body> = {
  Conv2DBackpropFilter: conv2DBackpropFilter,
  Conv2DBackpropInput: conv2DBackpropInput,
  DepthwiseConv2dNativeBackpropInput: depthwiseBackpropInput,
  DepthwiseConv2dNativeBackpropFilter: depthwiseBackpropFilter,
  Conv3D: conv3D,
  Conv3DBackpropInputV2: conv3DBackpropInput,
  Conv3DBackpropFilterV2: conv3DBackpropFilter,
  MaxPool3D: maxPool3D,
  MaxPoolGrad: maxPoolGrad2d,
  MaxPool3DGrad: maxPoolGrad3dHeap,
  MaxPoolWithArgmax: maxPoolWithArgmax,
  UnsortedSegmentSum: unsortedSegmentSum,
  OneHot: oneHot,
  GatherV2: gatherV2,
  Identity: identity,
  ResizeNearestNeighborGrad: resizeNearestGrad,
  ResizeBilinearGrad: resizeBilinearGrad,
  BatchMatMul: matMul,
  _FusedMatMul: matMul,
  Conv2D: exactPad('filter'),
  FusedConv2D: exactPad('filter'),
  DepthwiseConv2dNative: exactPad('filter', true),
  FusedDepthwiseConv2D: exactPad('filter', true),
  MaxPool: exactPad('filterSize'),
  AvgPool: exactPad('filterSize'),
  AvgPoolGrad: exactPad('filterSize'),
  Add: binaryNd,
  Sub: binaryNd,
  Multiply: binaryNd,
  RealDiv: binaryNd,
  SquaredDifference: binaryNd,
  PadV2: padNd,
  Slice: slice,
  Transpose: transposeNd,
};

/**
 * The cpu backend (netport's reference) has one wrong gradient kernel of its own that
 * netport's layers reach: MaxPool3DGrad routes the gradient to the wrong element when a
 * window's height and width differ, and gives ties to the last maximum. The same exact
 * composite replaces it.
 */
const CPU_KERNELS: Record<string, Body> = {
  MaxPool3DGrad: maxPoolGrad3d,
};

/**
 * The tensorflow backend (tfjs-node) builds Step, the mask of every Ramp/ReLU gradient,
 * from five ops (IsNan, Greater, two full-size fills and Select): 8 ms of a 24 ms cnn
 * step (BENCHMARKS.md, profile). Sign(Relu(x)) is the same mask in two ops: 1 where
 * x > 0, 0 where x <= 0, NaN where x is NaN. Other alphas keep the stock kernel.
 */
const nativeStep: Body = (inputs, attrs, stock, backend) => {
  const x = inputs.x!;
  if ((attrs as { alpha?: number }).alpha !== 0 || x.dtype !== 'float32') return stock!({ inputs, attrs, backend });
  return tf.tidy(() => tf.sign(tf.relu(x)));
};

const NATIVE_KERNELS: Record<string, Body> = {
  Step: nativeStep,
};

/** What the Relu gradient below needs of tfjs-node's backend (public in tfjs-node 4.22). */
interface NativeBackend {
  binding: { TF_ATTR_TYPE: number; TF_FLOAT: number };
  executeSingleOutput(op: string, attrs: Array<{ name: string; type: number; value: number }>, inputs: TensorInfo[]): Tensor;
}

const NATIVE_RELU_GRAD = 'NetportReluGrad';

/**
 * TensorFlow's own ReluGrad op (dy where x > 0, else 0): one native op where tfjs's Relu
 * gradient runs three (Step, Cast, Multiply) over the whole activation. It differs from
 * it only for a NaN x (0 instead of NaN).
 */
const nativeReluGrad: KernelConfig = {
  kernelName: NATIVE_RELU_GRAD,
  backendName: 'tensorflow',
  kernelFunc: ({ inputs, backend }) => {
    const b = backend as unknown as NativeBackend;
    return b.executeSingleOutput('ReluGrad', [{ name: 'T', type: b.binding.TF_ATTR_TYPE, value: b.binding.TF_FLOAT }], [inputs.dy!, inputs.x!]);
  },
};

/**
 * The Relu gradient: tfjs's own formula (tfjs-core gradients/Relu_grad), except on
 * tensorflow for a first-order gradient of float32, where it is one ReluGrad. Gradients
 * are registered for every backend at once, so the others keep the formula exactly; a
 * gradient of a gradient (gradientDepth > 0) keeps it too, since ReluGrad has none.
 */
const reluGradient = {
  kernelName: 'Relu',
  inputsToSave: ['x'],
  gradFunc: (dy: Tensor | Tensor[], saved: Tensor[]) => {
    const [x] = saved as [Tensor];
    const g = dy as Tensor;
    const depth = (tf.engine().state as unknown as { gradientDepth: number }).gradientDepth;
    return {
      x: () =>
        tf.getBackend() === 'tensorflow' && x.dtype === 'float32' && g.dtype === 'float32' && depth === 0
          ? (tf.engine().runKernel(NATIVE_RELU_GRAD, { dy: g, x }) as Tensor)
          : tf.mul(g, tf.cast(tf.step(x), 'float32')),
    };
  },
};

let stockReluGradient: ReturnType<typeof tf.getGradient> | undefined;

/** The stock configs replaced, per backend, kept to call (wrappers) and to restore. */
const stock = new Map<string, KernelConfig | undefined>();
const stockCpu = new Map<string, KernelConfig | undefined>();
const stockNative = new Map<string, KernelConfig | undefined>();

function replace(backendName: string, kernels: Record<string, Body>, saved: Map<string, KernelConfig | undefined>): void {
  if (saved.size > 0) return;
  for (const [kernelName, body] of Object.entries(kernels)) {
    const original = tf.getKernel(kernelName, backendName);
    saved.set(kernelName, original);
    if (original) tf.unregisterKernel(kernelName, backendName);
    const stockFunc = original?.kernelFunc;
    tf.registerKernel({
      kernelName,
      backendName,
      kernelFunc: ({ inputs, attrs, backend }) => body(inputs as Inputs, attrs ?? {}, stockFunc, backend),
      setupFunc: original?.setupFunc,
      disposeFunc: original?.disposeFunc,
    });
  }
}

function restore(backendName: string, saved: Map<string, KernelConfig | undefined>): void {
  for (const [kernelName, original] of saved) {
    tf.unregisterKernel(kernelName, backendName);
    if (original) tf.registerKernel(original);
  }
  saved.clear();
}

/**
 * Registers netport's kernels for the wasm backend (docs/WASM-KERNELS.md):
 * - missing: Conv2DBackpropFilter, DepthwiseConv2dNativeBackpropInput and
 *   -Filter, UnsortedSegmentSum (the gradient of gather);
 * - exact instead of wrong: MaxPoolGrad, MaxPoolWithArgmax, MaxPool3D,
 *   MaxPool3DGrad, Conv3DBackpropInputV2, OneHot (float dtypes), GatherV2
 *   (batchDims), ResizeBilinearGrad and ResizeNearestNeighborGrad
 *   (halfPixelCenters), Identity
 *   (IS_TEST leak reports); 2-D conv and pool
 *   kernels with numeric pads or dimRoundingMode; Add, Sub, Multiply,
 *   RealDiv, SquaredDifference and PadV2 beyond rank 6;
 * - fast instead of slow: BatchMatMul and _FusedMatMul with transpose
 *   flags, Conv2DBackpropInput, Conv3D, Conv3DBackpropFilterV2, Transpose
 *   and Slice beyond rank 4 or with short rows.
 *
 * Idempotent, and may run before or after `tf.setBackend('wasm')`: each
 * replacement carries the stock kernel's setupFunc, which the engine runs
 * on every setBackend. Importing this module registers nothing.
 */
export function registerWasmKernels(): void {
  replace(WASM, KERNELS, stock);
}

/** Registers netport's faster kernels for the tensorflow backend (NATIVE_KERNELS). Idempotent. */
export function registerNativeKernels(): void {
  if (stockNative.size > 0) return;
  replace('tensorflow', NATIVE_KERNELS, stockNative);
  if (!tf.getKernel(NATIVE_RELU_GRAD, 'tensorflow')) tf.registerKernel(nativeReluGrad);
  stockReluGradient = tf.getGradient('Relu');
  tf.registerGradient(reluGradient);
}

/** Puts tfjs-node's stock kernels back; for tests and A/B timing. */
export function unregisterNativeKernels(): void {
  restore('tensorflow', stockNative);
  if (stockReluGradient) tf.registerGradient(stockReluGradient);
  stockReluGradient = undefined;
}

/** Registers netport's replacement for cpu's wrong MaxPool3DGrad (see CPU_KERNELS). Idempotent. */
export function registerCpuKernels(): void {
  replace('cpu', CPU_KERNELS, stockCpu);
}

/**
 * Puts the stock wasm kernels back (and removes the added ones). For tests
 * and the timing script, which compare against the stock kernels.
 */
export function unregisterWasmKernels(): void {
  restore(WASM, stock);
}

/** Puts cpu's stock kernels back; for tests. */
export function unregisterCpuKernels(): void {
  restore('cpu', stockCpu);
}
