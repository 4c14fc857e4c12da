import type { Tensor } from '@tensorflow/tfjs-core';
import { z } from 'zod';
import { tf } from '../backend/tf';
import { formatDims } from '../shapes';
import { intOrList, paddingPairs, paddingSchema, perDimension, range } from './common';
import { CONVOLUTION_FORM, CONVOLUTION_INTERNAL, CONVOLUTION_PARAMS, convolve, kernelShape } from './convolution';
import { defineLayer } from './define';

interface Geometry {
  readonly kernel: number[];
  readonly stride: number[];
  readonly dilation: number[];
  /** Cells cropped from the full output, per spatial dimension (Wolfram's PaddingSize). */
  readonly crop: Array<[number, number]>;
  readonly groups: number;
  /** Output size per spatial dimension: s (n - 1) + d (k - 1) + 1 - lo - hi. */
  readonly out: number[];
  /** Kernel equal to the stride, no dilation, one group: the windows tile the output. */
  readonly tiles: boolean;
}

/**
 * DeconvolutionLayer (a transposed convolution) over 1, 2 or 3 spatial dimensions of a
 * channel-first input: input cell q of channel i adds W[i, o, k] x[i, q] to output cell
 * s q + d k - lo (per dimension) of channel o of its group; PaddingSize crops {lo, hi}
 * from the full output, whose size is s (n - 1) + d (k - 1) + 1. Wolfram's `Weights` are
 * {in, out/groups, k1, ...} (the reference page: ChannelGroups g splits the in and out
 * channels into g groups, group i of the inputs feeding group i of the outputs), the
 * transpose of ConvolutionLayer's {out, in/groups, ...}. PaddingSize -> "Same" is not
 * supported.
 *
 * TensorFlow.js's conv2dTranspose and conv3dTranspose are not used: they take no
 * dilation, their filter gradient is missing on stock wasm and conv3dTranspose's input
 * gradient is wrong there (docs/WASM-KERNELS.md). netport writes the transposed
 * convolution exactly as a forward convolution, which ConvolutionLayer already
 * differentiates on every backend: the input spread to stride s (s - 1 zeros between
 * cells), padded by d (k - 1) less the crop on each side, convolved with the kernel
 * reversed, dilated by d. When the kernel equals the stride (the usual 2x2 stride 2
 * upsampling) the windows tile the output and it is one matrix product instead.
 */
export const DeconvolutionLayer = defineLayer({
  type: 'DeconvolutionLayer',
  wolfram: {
    // DeconvolutionLayer[n, kernel]; "Stride", PaddingSize, "Dilation", "ChannelGroups" are options (reference page).
    positional: ['OutputChannels', 'KernelSize'],
    params: CONVOLUTION_FORM,
    // The paclet's Deconvolution.m (WOLFRAM-NOTES section 9): "InputChannels" derived, the
    // group count "$GroupNumber", "$InputSize"/"$OutputSize" the spatial sizes; as for
    // ConvolutionLayer, "Dimensionality" derived and "Interleaving" -> False [inference for 12.x+].
    internal: {
      ...CONVOLUTION_INTERNAL,
      // The paclet's definition and the reference page's options have no "Dilation": written only when not 1.
      write: (p) => ([p.Dilation as number | number[]].flat().every((d) => d === 1) ? { Dilation: undefined } : {}),
    },
  },
  params: CONVOLUTION_PARAMS,
  arrays: [
    { name: 'Weights', init: 'weights' },
    { name: 'Biases', nullable: true, init: 'zeros' },
  ],
  inputs: ['Input'],
  infer(ctx) {
    const { params, arrays } = ctx;
    const { input, rank, channels, spatial, kernel, groups, outChannels } = kernelShape(ctx, 'in, out/groups', (w, g) => w[1]! * g);
    const stride = perDimension(ctx, 'Stride', params.Stride, rank);
    const dilation = perDimension(ctx, 'Dilation', params.Dilation, rank);
    const crop = paddingPairs(ctx, params.PaddingSize, rank);
    const full = spatial.map((n, i) => stride[i]! * (n - 1) + dilation[i]! * (kernel[i]! - 1) + 1);
    const out = full.map((f, i) => f - crop[i]![0] - crop[i]![1]);
    if (out.some((o) => o < 1)) ctx.fail(`crops ${formatDims(crop.map(([lo, hi]) => lo + hi))} cells from an output of ${formatDims(full)}`, 'PaddingSize');
    const tiles = groups === 1 && kernel.every((k, i) => k === stride[i] && dilation[i] === 1);
    const g: Geometry = { kernel, stride, dilation, crop, groups, out, tiles };
    return {
      inputs: { Input: input },
      outputs: { Output: { dims: [outChannels, ...out] } },
      arrays: { Weights: [channels, outChannels / groups, ...kernel], Biases: arrays.Biases === null ? null : [outChannels] },
      plan: g,
    };
  },
  layout: 'channels-last',
  forward({ inputs, arrays, plan: g }) {
    const x = inputs.Input!;
    let y = g.tiles ? tiled(x, arrays.Weights!, g) : transposed(x, arrays.Weights!, g);
    if (arrays.Biases) y = tf.add(y, arrays.Biases);
    return { Output: y };
  },
  examples: [
    { title: 'OutputChannels=2 KernelSize=2 Stride=2 Input={3, 2, 3} (tiles)', layer: { OutputChannels: 2, KernelSize: 2, Stride: 2, Input: [3, 2, 3] } },
    { title: 'OutputChannels=2 KernelSize=3 Input={2, 3, 3}', layer: { OutputChannels: 2, KernelSize: 3, Input: [2, 3, 3] } },
    { title: 'OutputChannels=3 KernelSize={3, 2} Stride={2, 1} PaddingSize={{1, 0}, {0, 1}} Input={2, 3, 2}', layer: { OutputChannels: 3, KernelSize: [3, 2], Stride: [2, 1], PaddingSize: [[1, 0], [0, 1]], Input: [2, 3, 2] } },
    { title: 'OutputChannels=2 KernelSize=2 Dilation=2 Stride=2 Input={1, 3, 3}', layer: { OutputChannels: 2, KernelSize: 2, Dilation: 2, Stride: 2, Input: [1, 3, 3] } },
    { title: 'OutputChannels=4 KernelSize=2 ChannelGroups=2 Stride=2 Input={4, 2, 2}', layer: { OutputChannels: 4, KernelSize: 2, ChannelGroups: 2, Stride: 2, Input: [4, 2, 2] } },
    { title: 'OutputChannels=2 KernelSize=2 Stride=2 PaddingSize=1 Biases=None Input={2, 3, 3} (tiles, cropped)', layer: { OutputChannels: 2, KernelSize: 2, Stride: 2, PaddingSize: 1, Biases: null, Input: [2, 3, 3] } },
    { title: 'OutputChannels=2 KernelSize=4 Stride=2 PaddingSize=3 Input={2, 3} (1-D, cropped past the padding)', layer: { OutputChannels: 2, KernelSize: 4, Stride: 2, PaddingSize: 3, Input: [2, 3] } },
    { title: 'OutputChannels=3 KernelSize=3 Stride=3 Dilation=1 Input={2, 4} (1-D, tiles)', layer: { OutputChannels: 3, KernelSize: 3, Stride: 3, Input: [2, 4] } },
    { title: 'OutputChannels=2 KernelSize=2 Stride={2, 1, 2} Input={2, 2, 2, 2} (3-D)', layer: { OutputChannels: 2, KernelSize: 2, Stride: [2, 1, 2], Input: [2, 2, 2, 2] } },
    { title: 'OutputChannels=2 KernelSize=2 Stride=2 Input={2, 2, 2, 2} (3-D, tiles)', layer: { OutputChannels: 2, KernelSize: 2, Stride: 2, Input: [2, 2, 2, 2] } },
  ],
});

/** The general case: the spread, padded input convolved with the reversed kernel (see the layer). */
function transposed(x: Tensor, w: Tensor, g: Geometry): Tensor {
  const rank = g.kernel.length;
  g.stride.forEach((s, i) => {
    if (s > 1) x = spread(x, i + 1, s);
  });
  // Pad by d (k - 1) less the crop; a crop past that padding slices the input instead.
  const sides = g.kernel.map((k, i): [number, number] => [g.dilation[i]! * (k - 1) - g.crop[i]![0], g.dilation[i]! * (k - 1) - g.crop[i]![1]]);
  if (sides.some(([lo, hi]) => lo > 0 || hi > 0)) x = tf.pad(x, [[0, 0], ...sides.map(([lo, hi]): [number, number] => [Math.max(lo, 0), Math.max(hi, 0)]), [0, 0]]);
  if (sides.some(([lo, hi]) => lo < 0 || hi < 0)) {
    const begin = [0, ...sides.map(([lo]) => Math.max(-lo, 0)), 0];
    x = tf.slice(x, begin, x.shape.map((n, a) => (a === 0 || a === rank + 1 ? n : n - begin[a]! - Math.max(-sides[a - 1]![1], 0))));
  }
  // {in, out/groups, k...} -> [k..., in/groups, out], groups side by side in the last axis, kernel reversed.
  const [cin, outPer] = w.shape as [number, number];
  const grouped = tf.reshape(w, [g.groups, cin / g.groups, outPer, ...g.kernel]);
  const filter = tf.reverse(
    tf.reshape(tf.transpose(grouped, [...range(3, 3 + rank), 1, 0, 2]), [...g.kernel, cin / g.groups, g.groups * outPer]),
    range(0, rank),
  );
  return convolve(x, filter, { kernel: g.kernel, stride: g.kernel.map(() => 1), dilation: g.dilation, pads: g.kernel.map(() => [0, 0]), groups: g.groups, out: g.out });
}

/** Kernel = stride: each input cell writes its own block of s1 x ... output cells, one product. */
function tiled(x: Tensor, w: Tensor, g: Geometry): Tensor {
  const rank = g.kernel.length;
  const n = x.shape[0]!;
  const rest = x.shape.slice(1) as number[];
  const q = rest.slice(0, rank);
  const cin = rest[rank]!;
  const outPer = w.shape[1]!;
  // [N q..., in] @ [in, out k...] -> [N, q..., out, k...] -> [N, q1, k1, ..., qr, kr, out]
  const y = tf.reshape(tf.matMul(tf.reshape(x, [-1, cin]), tf.reshape(w, [cin, -1])), [n, ...q, outPer, ...g.kernel]);
  const perm = [0, ...range(0, rank).flatMap((i) => [1 + i, 2 + rank + i]), 1 + rank];
  const full = tf.reshape(tf.transpose(y, perm), [n, ...q.map((qi, i) => qi * g.kernel[i]!), outPer]);
  if (g.crop.every(([lo, hi]) => lo === 0 && hi === 0)) return full;
  return tf.slice(full, [0, ...g.crop.map(([lo]) => lo), 0], [n, ...g.out, outPer]);
}

/** s - 1 zeros between the cells of `axis`: n cells become s (n - 1) + 1. */
function spread(x: Tensor, axis: number, s: number): Tensor {
  const shape = x.shape as number[];
  const n = shape[axis]!;
  const gaps = [...shape, 1].map((_, j): [number, number] => (j === axis + 1 ? [0, s - 1] : [0, 0]));
  const wide = tf.reshape(tf.pad(tf.expandDims(x, axis + 1), gaps), [...shape.slice(0, axis), n * s, ...shape.slice(axis + 1)]);
  return tf.slice(wide, wide.shape.map(() => 0), [...shape.slice(0, axis), s * (n - 1) + 1, ...shape.slice(axis + 1)]);
}
