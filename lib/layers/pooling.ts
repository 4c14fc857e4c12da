import type { Tensor } from '@tensorflow/tfjs-core';
import { z } from 'zod';
import { tf } from '../backend/tf';
import { formatDims, volume } from '../shapes';
import { intOrList, paddingPairs, paddingSchema, perDimension, realInput } from './common';
import { defineLayer } from './define';

/** The lowest float32: padding that can never win a Max (and, unlike -Infinity, times 0 is 0). */
const LOWEST = -3.4028234663852886e38;

interface Geometry {
  kernel: number[];
  stride: number[];
  pads: Array<[number, number]>;
}

/**
 * PoolingLayer over 1, 2 or 3 spatial dimensions of a channel-first input. Wolfram's
 * default stride is 1 (not the kernel size), and padded cells count in the Mean divisor
 * (the kernel volume) but never win a Max. TensorFlow.js's 'same' padding excludes
 * padded cells from the mean, so netport pads explicitly and pools 'valid'. It works
 * channel-last, as TensorFlow.js's kernels do.
 */
export const PoolingLayer = defineLayer({
  type: 'PoolingLayer',
  wolfram: {
    // PoolingLayer[kernel, stride]: PosArgCount 2 in the paclet, default stride 1 (reference page).
    positional: ['KernelSize', 'Stride'],
    params: { KernelSize: 'dims', Stride: 'dims', PaddingSize: 'padding', Function: 'poolingFunction' },
    // As for ConvolutionLayer: Dimensionality and Channels are derived [inference].
    internal: {
      derived: ['Dimensionality', 'Channels'],
      fixed: { Interleaving: 'False' },
      derive: ({ inputs, outputs }) => ({
        Dimensionality: inputs.Input!.dims.length - 1,
        Channels: inputs.Input!.dims[0]!,
        $InputSize: inputs.Input!.dims.slice(1),
        $OutputSize: outputs.Output!.dims.slice(1),
      }),
    },
  },
  params: {
    KernelSize: intOrList('a positive integer or a list of them, one per spatial dimension'),
    Stride: intOrList('a positive integer or a list of them, one per spatial dimension').default(1),
    PaddingSize: paddingSchema.default(0),
    Function: z.enum(['Max', 'Mean', 'Total']).default('Max').describe('"Max", "Mean" or "Total"'),
  },
  inputs: ['Input'],
  infer(ctx) {
    const { params } = ctx;
    const input = realInput(ctx, 'Input', 2);
    const rank = Array.isArray(params.KernelSize) ? params.KernelSize.length : input.dims.length - 1;
    if (rank < 1 || rank > 3 || input.dims.length !== rank + 1) {
      ctx.fail(
        `needs a channel-first input with ${Array.isArray(params.KernelSize) ? rank : '1, 2 or 3'} spatial dimension${rank === 1 ? '' : 's'}, but "Input" is ${formatDims(input.dims)}`,
        'Input',
      );
    }
    const g: Geometry = {
      kernel: perDimension(ctx, 'KernelSize', params.KernelSize, rank),
      stride: perDimension(ctx, 'Stride', params.Stride, rank),
      pads: paddingPairs(ctx, params.PaddingSize, rank),
    };
    const [channels, ...spatial] = input.dims as number[];
    const out = spatial.map((n, i) => {
      const [lo, hi] = g.pads[i]!;
      const k = g.kernel[i]!;
      if (n + lo + hi < k) ctx.fail(`is ${formatDims(g.kernel)}, larger than the padded input ${formatDims(spatial.map((d, j) => d + g.pads[j]![0] + g.pads[j]![1]))}`, 'KernelSize');
      return Math.floor((n + lo + hi - k) / g.stride[i]!) + 1;
    });
    return { inputs: { Input: input }, outputs: { Output: { dims: [channels!, ...out] } }, arrays: {}, plan: g };
  },
  layout: 'channels-last',
  forward({ params, inputs, plan: g }) {
    const rank = g.kernel.length;
    let x = inputs.Input!;
    if (g.pads.some(([lo, hi]) => lo > 0 || hi > 0)) {
      x = tf.pad(x, [[0, 0], ...g.pads, [0, 0]], params.Function === 'Max' ? LOWEST : 0);
    }
    let y: Tensor;
    if (rank === 3) {
      const [kd, kh, kw] = g.kernel as [number, number, number];
      const strides = g.stride as [number, number, number];
      y = params.Function === 'Max' ? tf.maxPool3d(x as any, [kd, kh, kw], strides, 'valid') : tf.avgPool3d(x as any, [kd, kh, kw], strides, 'valid');
    } else {
      // 1-D pooling is 2-D pooling over a width of 1.
      const x4 = rank === 1 ? tf.expandDims(x, 2) : x;
      const kernel = (rank === 1 ? [g.kernel[0], 1] : g.kernel) as [number, number];
      const stride = (rank === 1 ? [g.stride[0], 1] : g.stride) as [number, number];
      const y4 = params.Function === 'Max' ? tf.maxPool(x4 as any, kernel, stride, 'valid') : tf.avgPool(x4 as any, kernel, stride, 'valid');
      y = rank === 1 ? tf.squeeze(y4, [2]) : y4;
    }
    if (params.Function === 'Total') y = tf.mul(y, volume(g.kernel));
    return { Output: y };
  },
  examples: [
    { title: 'KernelSize=2 Stride=2 Function=Max Input={2, 4, 4}', layer: { KernelSize: 2, Stride: 2, Input: [2, 4, 4] } },
    { title: 'KernelSize={2, 2} Function=Max Input={1, 3, 3} all negative', layer: { KernelSize: [2, 2], Input: [1, 3, 3] }, ranges: { Input: [-3, -0.5] as const } },
    { title: 'KernelSize=3 Stride=2 PaddingSize=1 Function=Max Input={2, 5, 5}', layer: { KernelSize: 3, Stride: 2, PaddingSize: 1, Input: [2, 5, 5] } },
    { title: 'KernelSize=2 PaddingSize={{1, 0}, {0, 1}} Function=Mean Input={2, 3, 4}', layer: { KernelSize: 2, PaddingSize: [[1, 0], [0, 1]], Function: 'Mean', Input: [2, 3, 4] } },
    { title: 'KernelSize=2 Stride=2 Function=Total Input={3, 4, 4}', layer: { KernelSize: 2, Stride: 2, Function: 'Total', Input: [3, 4, 4] } },
    { title: 'KernelSize=3 Function=Max Input={2, 7} (1-D)', layer: { KernelSize: 3, Input: [2, 7] } },
    { title: 'KernelSize=2 Stride=2 PaddingSize=1 Function=Mean Input={2, 5} (1-D)', layer: { KernelSize: 2, Stride: 2, PaddingSize: 1, Function: 'Mean', Input: [2, 5] } },
    { title: 'KernelSize=2 Function=Max Input={2, 3, 3, 3} (3-D)', layer: { KernelSize: 2, Input: [2, 3, 3, 3] } },
    { title: 'KernelSize={2, 2, 2} Stride=2 Function=Max Input={1, 4, 4, 4} all negative (3-D)', layer: { KernelSize: [2, 2, 2], Stride: 2, Input: [1, 4, 4, 4] }, ranges: { Input: [-2, -0.1] as const } },
    { title: 'KernelSize={2, 3, 2} Stride={1, 2, 1} Function=Max Input={2, 3, 5, 4} (3-D, uneven window)', layer: { KernelSize: [2, 3, 2], Stride: [1, 2, 1], Input: [2, 3, 5, 4] } },
    { title: 'KernelSize=2 PaddingSize=1 Function=Mean Input={2, 3, 3, 2} (3-D)', layer: { KernelSize: 2, PaddingSize: 1, Function: 'Mean', Input: [2, 3, 3, 2] } },
  ],
});

