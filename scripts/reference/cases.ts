/**
 * The cases of fixtures/wolfram-layers: nets in the contract's JSON (every array written
 * out), seeded data, and for each the file (one per layer family) it goes to. The
 * generator evaluates each with the float64 reference and writes it in Wolfram syntax.
 */
import type { Nested } from './array';
import type { Json } from './layers';
import type { Ograd } from './net';
import { random, type Random } from './random';

export interface CaseDef {
  /** fixtures/wolfram-layers/<file>.json */
  readonly file: string;
  readonly name: string;
  readonly net: Json;
  /** One example (input port -> value), or a batch: a list of examples. */
  readonly data: Record<string, Nested> | Record<string, Nested>[];
  /** Integer-valued input ports (they have no gradient). */
  readonly integer?: readonly string[];
  /**
   * The output gradients of the "-ograd" variant (imposed inside the data); by default a
   * seeded array for the first output port (the others then get 0). A list gives the
   * variants "-ograd", "-ograd2", ... Batches have no variant (Wolfram refuses imposed
   * gradients on batches).
   */
  readonly ograd?: Ograd | Ograd[];
}

export const CASES: CaseDef[] = [];

function add(file: string, name: string, build: (r: Random) => Omit<CaseDef, 'file' | 'name'>): void {
  CASES.push({ file, name, ...build(random(name)) });
}

type Obj = { [key: string]: Json };
const layer = (type: string, params: Obj = {}): Obj => ({ type, ...params });
const chain = (layers: Json, ports: Obj = {}): Obj => ({ type: 'NetChain', Layers: layers, ...ports });
const graph = (layers: Json, edges: Json[], ports: Obj = {}): Obj => ({ type: 'NetGraph', Layers: layers, Edges: edges, ...ports });
const port = (p: string | (string | number)[]): Obj => ({ NetPort: p });
const linear = (r: Random, out: number, inn: number, extra: Obj = {}): Obj =>
  layer('LinearLayer', { OutputDimensions: out, Weights: r.reals([out, inn]), Biases: r.reals([out]), ...extra });
const conv = (r: Random, out: number, inPerGroup: number, kernel: number[], extra: Obj = {}): Obj =>
  layer('ConvolutionLayer', {
    OutputChannels: out,
    KernelSize: kernel.every((k) => k === kernel[0]) ? kernel[0]! : kernel,
    Weights: r.reals([out, inPerGroup, ...kernel]),
    Biases: r.reals([out]),
    ...extra,
  });

// ---------------------------------------------------------------------------------
// LinearLayer

add('linear', 'linear', (r) => ({ net: linear(r, 3, 4, { Input: 4 }), data: { Input: r.reals([4]) } }));
add('linear', 'linear-rank2-in-out-no-biases', (r) => ({
  net: layer('LinearLayer', { OutputDimensions: [2, 2], Weights: r.reals([4, 6]), Biases: null, Input: [2, 3] }),
  data: { Input: r.reals([2, 3]) },
}));
add('linear', 'linear-ograd-number-none', (r) => ({
  net: layer('LinearLayer', { OutputDimensions: [2, 2], Weights: r.reals([4, 3]), Biases: r.reals([4]), Input: 3 }),
  data: { Input: r.reals([3]) },
  // A number is broadcast over the port; None is zero.
  ograd: [{ Output: 0.5 }, { Output: null }],
}));
add('linear', 'linear-rank3-input', (r) => ({ net: linear(r, 2, 12, { Input: [2, 3, 2] }), data: { Input: r.reals([2, 3, 2]) } }));
add('linear', 'linear-scalar-input', (r) => ({ net: linear(r, 2, 1, { Input: 'Real' }), data: { Input: 0.7109375 } }));
add('linear', 'linear-batch', (r) => ({ net: linear(r, 2, 3, { Input: 3 }), data: [0, 1, 2].map(() => ({ Input: r.reals([3]) })) }));

// ---------------------------------------------------------------------------------
// ElementwiseLayer: each named function, then a LinearLayer (so there are arrays)

const DOMAINS: Record<string, [number, number]> = { Log: [0.2, 3], Sqrt: [0.2, 3], ArcTanh: [-0.8, 0.8], Tan: [-1.2, 1.2], HardSwish: [-4, 4] };
for (const f of [
  'Ramp', 'LogisticSigmoid', 'Tanh', 'Sin', 'Cos', 'Tan', 'Exp', 'Log', 'Sqrt', 'Abs', 'Sinh', 'Cosh', 'ArcTan', 'ArcSinh', 'ArcTanh', 'Erf', 'Square',
  'ReLU', 'ELU', 'SELU', 'GELU', 'Swish', 'HardSwish', 'Mish', 'SoftSign', 'SoftPlus', 'HardTanh', 'HardSigmoid', 'Sigmoid',
]) {
  add('elementwise', `elementwise-${f}`, (r) => {
    const [lo, hi] = DOMAINS[f] ?? [-2, 2];
    return { net: chain([layer('ElementwiseLayer', { Function: f }), linear(r, 2, 5)], { Input: 5 }), data: { Input: r.reals([5], lo, hi) } };
  });
}
for (const [i, f] of [
  '#^2 &',
  'Max[#, 0.1 #] &',
  'If[# > 0, Log[1 + #], Tanh[#]] &',
  'Clip[3 Exp[-#^2] + Sin[#]/2, {-1, 2}] &',
  'Piecewise[{{-#, # < -0.5}, {#^3, # < 0.5}}, 2 #] &',
].entries()) {
  add('elementwise-pure', `elementwise-pure-${i + 1}`, (r) => ({
    net: chain([layer('ElementwiseLayer', { Function: f }), linear(r, 2, 6)], { Input: 6 }),
    data: { Input: r.reals([6], -2, 2) },
  }));
}
add('elementwise', 'elementwise-tanh-rank3-batch', (r) => ({
  net: chain([linear(r, 4, 3, { OutputDimensions: [2, 2] }), layer('ElementwiseLayer', { Function: 'Tanh' })], { Input: 3 }),
  data: [0, 1].map(() => ({ Input: r.reals([3]) })),
}));

// ---------------------------------------------------------------------------------
// SoftmaxLayer

add('softmax', 'softmax-vector', (r) => ({ net: layer('SoftmaxLayer', { Input: 5 }), data: { Input: r.reals([5], -2, 2) } }));
add('softmax', 'softmax-level1', (r) => ({ net: layer('SoftmaxLayer', { Level: 1, Input: [3, 4] }), data: { Input: r.reals([3, 4], -2, 2) } }));
add('softmax', 'softmax-rank2-last', (r) => ({ net: layer('SoftmaxLayer', { Input: [2, 3] }), data: { Input: r.reals([2, 3], -2, 2) } }));
add('softmax', 'softmax-middle-level', (r) => ({ net: layer('SoftmaxLayer', { Level: 2, Input: [2, 3, 2] }), data: { Input: r.reals([2, 3, 2], -2, 2) } }));
add('softmax', 'softmax-after-linear', (r) => ({ net: chain([linear(r, 4, 3), layer('SoftmaxLayer')], { Input: 3 }), data: { Input: r.reals([3]) } }));

// ---------------------------------------------------------------------------------
// CrossEntropyLossLayer (probabilities in; Index/Probabilities fused with a SoftmaxLayer)

add('cross-entropy', 'ce-binary', (r) => ({
  net: layer('CrossEntropyLossLayer', { TargetForm: 'Binary', Input: 4, Target: 4 }),
  data: { Input: r.reals([4], 0.05, 0.95), Target: r.reals([4], 0, 1) },
}));
add('cross-entropy', 'ce-binary-scalar', () => ({
  net: layer('CrossEntropyLossLayer', { TargetForm: 'Binary', Input: 'Real', Target: 'Real' }),
  data: { Input: 0.3125, Target: 0.75 },
}));
add('cross-entropy', 'ce-index', (r) => ({
  net: layer('CrossEntropyLossLayer', { TargetForm: 'Index', Input: [3, 4] }),
  data: { Input: r.reals([3, 4], 0.05, 1), Target: r.ints([3], 4) },
  integer: ['Target'],
}));
add('cross-entropy', 'ce-index-rank3', (r) => ({
  net: layer('CrossEntropyLossLayer', { TargetForm: 'Index', Input: [2, 2, 3] }),
  data: { Input: r.reals([2, 2, 3], 0.05, 1), Target: r.ints([2, 2], 3) },
  integer: ['Target'],
}));
add('cross-entropy', 'ce-binary-rank2', (r) => ({
  net: layer('CrossEntropyLossLayer', { TargetForm: 'Binary', Input: [2, 2] }),
  data: { Input: r.reals([2, 2], 0.05, 0.95), Target: r.reals([2, 2], 0, 1) },
}));
add('cross-entropy', 'ce-probabilities', (r) => ({
  net: layer('CrossEntropyLossLayer', { TargetForm: 'Probabilities', Input: [2, 3] }),
  data: { Input: r.reals([2, 3], 0.05, 1), Target: r.reals([2, 3], 0, 1) },
}));
add('cross-entropy', 'ce-binary-after-sigmoid', (r) => ({
  net: graph([linear(r, 2, 3), layer('ElementwiseLayer', { Function: 'LogisticSigmoid' }), layer('CrossEntropyLossLayer', { TargetForm: 'Binary' })], [[1, 2, 3]], { Input: 3 }),
  data: { Input: r.reals([3]), Target: r.reals([2], 0, 1) },
}));
add('cross-entropy', 'ce-softmax-index-fused', (r) => ({
  net: graph([linear(r, 3, 4), layer('SoftmaxLayer'), layer('CrossEntropyLossLayer', { TargetForm: 'Index' })], [[port('Input'), 1, 2, 3], [port('Target'), port([3, 'Target'])]], { Input: 4 }),
  data: { Input: r.reals([4]), Target: 2 },
  integer: ['Target'],
}));
add('cross-entropy', 'ce-softmax-index-saturated', () => ({
  net: graph([layer('SoftmaxLayer'), layer('CrossEntropyLossLayer', { TargetForm: 'Index' })], [[1, 2]], { Input: 3 }),
  data: { Input: [1000, 1, 2], Target: 3 },
  integer: ['Target'],
  ograd: { Loss: 2 },
}));
add('cross-entropy', 'ce-softmax-index-fused-rank2', (r) => ({
  net: graph([layer('SoftmaxLayer'), layer('CrossEntropyLossLayer', { TargetForm: 'Index' })], [[1, 2]], { Input: [2, 3] }),
  data: { Input: r.reals([2, 3], -3, 3), Target: [3, 1] },
  integer: ['Target'],
}));
add('cross-entropy', 'ce-softmax-probabilities-fused', (r) => ({
  net: graph([layer('SoftmaxLayer'), layer('CrossEntropyLossLayer', { TargetForm: 'Probabilities' })], [[1, 2]], { Input: [2, 3] }),
  data: { Input: r.reals([2, 3], -3, 3), Target: r.reals([2, 3], 0, 1) },
}));
add('cross-entropy', 'ce-softmax-index-batch', (r) => ({
  net: graph([linear(r, 3, 2), layer('SoftmaxLayer'), layer('CrossEntropyLossLayer', { TargetForm: 'Index' })], [[1, 2, 3]], { Input: 2 }),
  data: [1, 3, 2].map((t) => ({ Input: r.reals([2]), Target: t })),
  integer: ['Target'],
}));

// ---------------------------------------------------------------------------------
// MeanSquaredLossLayer, MeanAbsoluteLossLayer

add('mean-losses', 'mse', (r) => ({ net: layer('MeanSquaredLossLayer', { Input: [2, 2] }), data: { Input: r.reals([2, 2]), Target: r.reals([2, 2]) } }));
add('mean-losses', 'mae', (r) => ({ net: layer('MeanAbsoluteLossLayer', { Input: 3 }), data: { Input: r.reals([3]), Target: r.reals([3]) } }));
add('mean-losses', 'mae-rank2', (r) => ({ net: layer('MeanAbsoluteLossLayer', { Input: [2, 3] }), data: { Input: r.reals([2, 3]), Target: r.reals([2, 3]) } }));
add('mean-losses', 'mse-scalar', () => ({ net: layer('MeanSquaredLossLayer', { Input: 'Real' }), data: { Input: 0.25, Target: -0.5 } }));
add('mean-losses', 'mae-after-linear', (r) => ({
  net: graph([linear(r, 3, 2), layer('MeanAbsoluteLossLayer')], [[1, 2]], { Input: 2 }),
  data: { Input: r.reals([2]), Target: r.reals([3]) },
}));

// ---------------------------------------------------------------------------------
// PartLayer

add('part', 'part-index', (r) => ({ net: layer('PartLayer', { Specification: 2, Input: [4, 3] }), data: { Input: r.reals([4, 3]) } }));
add('part', 'part-negative', (r) => ({ net: layer('PartLayer', { Specification: -1, Input: 4 }), data: { Input: r.reals([4]) } }));
add('part', 'part-span-reverse', (r) => ({ net: layer('PartLayer', { Specification: ['2;;3', '-1;;1;;-2'], Input: [4, 3] }), data: { Input: r.reals([4, 3]) } }));
add('part', 'part-index-list', (r) => ({ net: layer('PartLayer', { Specification: ['All', [3, 1, 3]], Input: [2, 4] }), data: { Input: r.reals([2, 4]) } }));
add('part', 'part-step-then-index', (r) => ({ net: layer('PartLayer', { Specification: ['1;;-1;;2', 2], Input: [5, 3] }), data: { Input: r.reals([5, 3]) } }));
add('part', 'part-after-linear', (r) => ({
  net: chain([linear(r, 12, 3, { OutputDimensions: [4, 3] }), layer('PartLayer', { Specification: ['2;;3', -1] })], { Input: 3 }),
  data: { Input: r.reals([3]) },
}));

// ---------------------------------------------------------------------------------
// PoolingLayer: Max, Mean, Total; 1, 2 and 3 spatial dimensions; padding

add('pooling', 'pool-max-2d-stride2', (r) => ({ net: layer('PoolingLayer', { KernelSize: 2, Stride: 2, Input: [2, 4, 4] }), data: { Input: r.reals([2, 4, 4]) } }));
add('pooling', 'pool-max-2d-pad', (r) => ({
  net: layer('PoolingLayer', { KernelSize: 3, Stride: 2, PaddingSize: 1, Function: 'Max', Input: [2, 5, 5] }),
  data: { Input: r.reals([2, 5, 5], -2, -0.5) },
}));
add('pooling', 'pool-mean-2d-asymmetric-pad', (r) => ({
  net: layer('PoolingLayer', { KernelSize: 2, PaddingSize: [[1, 0], [0, 1]], Function: 'Mean', Input: [2, 3, 4] }),
  data: { Input: r.reals([2, 3, 4]) },
}));
add('pooling', 'pool-total-2d', (r) => ({ net: layer('PoolingLayer', { KernelSize: [2, 3], Stride: [2, 1], Function: 'Total', Input: [2, 4, 4] }), data: { Input: r.reals([2, 4, 4]) } }));
add('pooling', 'pool-max-3d-kernel-list', (r) => ({
  net: layer('PoolingLayer', { KernelSize: [1, 2, 3], Stride: [1, 2, 1], PaddingSize: [0, 1, 0], Input: [2, 2, 3, 3] }),
  data: { Input: r.reals([2, 2, 3, 3]) },
}));
add('pooling', 'pool-max-1d', (r) => ({ net: layer('PoolingLayer', { KernelSize: 3, Input: [2, 7] }), data: { Input: r.reals([2, 7]) } }));
add('pooling', 'pool-mean-1d-pad', (r) => ({ net: layer('PoolingLayer', { KernelSize: 2, Stride: 2, PaddingSize: 1, Function: 'Mean', Input: [2, 5] }), data: { Input: r.reals([2, 5]) } }));
add('pooling', 'pool-total-1d-pad', (r) => ({ net: layer('PoolingLayer', { KernelSize: 3, PaddingSize: [[0, 1]], Function: 'Total', Input: [1, 5] }), data: { Input: r.reals([1, 5]) } }));
add('pooling', 'pool-max-3d', (r) => ({ net: layer('PoolingLayer', { KernelSize: 2, Input: [2, 3, 3, 3] }), data: { Input: r.reals([2, 3, 3, 3]) } }));
add('pooling', 'pool-max-3d-pad-stride', (r) => ({
  net: layer('PoolingLayer', { KernelSize: [2, 2, 2], Stride: 2, PaddingSize: [[1, 0], [0, 1], [1, 1]], Input: [1, 3, 3, 2] }),
  data: { Input: r.reals([1, 3, 3, 2], -3, -0.5) },
}));
add('pooling', 'pool-mean-3d-pad', (r) => ({ net: layer('PoolingLayer', { KernelSize: 2, PaddingSize: 1, Function: 'Mean', Input: [2, 3, 3, 2] }), data: { Input: r.reals([2, 3, 3, 2]) } }));
add('pooling', 'pool-max-after-conv', (r) => ({
  net: chain([conv(r, 2, 1, [2, 2]), layer('PoolingLayer', { KernelSize: 2, Stride: 2 })], { Input: [1, 5, 5] }),
  data: { Input: r.reals([1, 5, 5]) },
}));

// ---------------------------------------------------------------------------------
// ConvolutionLayer: stride, padding, dilation, groups; 1, 2 and 3 spatial dimensions

add('convolution', 'conv-2d', (r) => ({ net: conv(r, 3, 2, [2, 2], { Input: [2, 4, 4] }), data: { Input: r.reals([2, 4, 4]) } }));
add('convolution', 'conv-2d-stride', (r) => ({ net: conv(r, 2, 3, [2, 3], { Stride: [2, 1], Input: [3, 5, 6] }), data: { Input: r.reals([3, 5, 6]) } }));
add('convolution', 'conv-2d-asymmetric-pad', (r) => ({ net: conv(r, 2, 2, [3, 3], { PaddingSize: [[1, 0], [0, 2]], Input: [2, 3, 4] }), data: { Input: r.reals([2, 3, 4]) } }));
add('convolution', 'conv-2d-symmetric-pad-list', (r) => ({ net: conv(r, 2, 2, [2, 3], { PaddingSize: [1, 0], Stride: [1, 2], Input: [2, 3, 5] }), data: { Input: r.reals([2, 3, 5]) } }));
add('convolution', 'conv-2d-dilation', (r) => ({ net: conv(r, 2, 2, [2, 2], { Dilation: 2, Input: [2, 5, 6] }), data: { Input: r.reals([2, 5, 6]) } }));
add('convolution', 'conv-2d-dilation-1-3-pad', (r) => ({ net: conv(r, 2, 1, [2, 2], { Dilation: [1, 3], PaddingSize: 1, Input: [1, 4, 5] }), data: { Input: r.reals([1, 4, 5]) } }));
add('convolution', 'conv-2d-everything', (r) => ({
  net: conv(r, 4, 2, [2, 2], { Stride: 2, PaddingSize: [[1, 0], [0, 1]], Dilation: 2, ChannelGroups: 2, Input: [4, 6, 5] }),
  data: { Input: r.reals([4, 6, 5]) },
}));
add('convolution', 'conv-2d-stride3-dilation2', (r) => ({ net: conv(r, 2, 2, [2, 2], { Stride: 3, Dilation: 2, Input: [2, 7, 6] }), data: { Input: r.reals([2, 7, 6]) } }));
add('convolution', 'conv-2d-groups', (r) => ({ net: conv(r, 6, 2, [2, 2], { ChannelGroups: 2, Input: [4, 3, 4] }), data: { Input: r.reals([4, 3, 4]) } }));
add('convolution', 'conv-2d-depthwise', (r) => ({ net: conv(r, 6, 1, [2, 2], { ChannelGroups: 3, Stride: [1, 2], Input: [3, 4, 5] }), data: { Input: r.reals([3, 4, 5]) } }));
add('convolution', 'conv-2d-depthwise-dilation', (r) => ({ net: conv(r, 2, 1, [2, 2], { ChannelGroups: 2, Dilation: 2, Input: [2, 5, 5] }), data: { Input: r.reals([2, 5, 5]) } }));
add('convolution', 'conv-2d-depthwise-stride2-dilation2', (r) => ({
  net: conv(r, 4, 1, [2, 2], { ChannelGroups: 2, Stride: 2, Dilation: 2, PaddingSize: 1, Input: [2, 6, 6] }),
  data: { Input: r.reals([2, 6, 6]) },
}));
add('convolution', 'conv-2d-depthwise-stride3-dilation2', (r) => ({
  net: conv(r, 3, 1, [2, 2], { ChannelGroups: 3, Stride: 3, Dilation: 2, Input: [3, 7, 7] }),
  data: { Input: r.reals([3, 7, 7]) },
}));
add('convolution', 'conv-2d-no-biases', (r) => ({
  net: layer('ConvolutionLayer', { OutputChannels: 2, KernelSize: 2, Weights: r.reals([2, 1, 2, 2]), Biases: null, Input: [1, 3, 3] }),
  data: { Input: r.reals([1, 3, 3]) },
}));
add('convolution', 'conv-1d-stride-pad', (r) => ({ net: conv(r, 3, 2, [3], { Stride: 2, PaddingSize: 1, Input: [2, 7] }), data: { Input: r.reals([2, 7]) } }));
add('convolution', 'conv-1d-dilation-groups', (r) => ({
  net: conv(r, 4, 1, [2], { Dilation: 3, ChannelGroups: 2, PaddingSize: [[0, 2]], Input: [2, 6] }),
  data: { Input: r.reals([2, 6]) },
}));
add('convolution', 'conv-3d', (r) => ({ net: conv(r, 2, 2, [2, 2, 2], { Input: [2, 3, 3, 3] }), data: { Input: r.reals([2, 3, 3, 3]) } }));
add('convolution', 'conv-3d-stride-pad', (r) => ({
  net: conv(r, 2, 1, [2, 2, 1], { Stride: [2, 1, 1], PaddingSize: [[1, 0], [0, 0], [0, 1]], Input: [1, 4, 3, 2] }),
  data: { Input: r.reals([1, 4, 3, 2]) },
}));
add('convolution', 'conv-3d-dilation-groups', (r) => ({
  net: conv(r, 4, 1, [2, 2, 2], { Dilation: [2, 1, 1], ChannelGroups: 2, Input: [2, 4, 3, 3] }),
  data: { Input: r.reals([2, 4, 3, 3]) },
}));
add('convolution', 'conv-2d-batch', (r) => ({ net: conv(r, 2, 1, [2, 2], { Stride: 2, Input: [1, 4, 4] }), data: [0, 1].map(() => ({ Input: r.reals([1, 4, 4]) })) }));

// ---------------------------------------------------------------------------------
// BatchNormalizationLayer (moving statistics), DropoutLayer (the identity)

const bn = (r: Random, c: number, extra: Obj = {}): Obj =>
  layer('BatchNormalizationLayer', { Scaling: r.reals([c], -1.5, 1.5), Biases: r.reals([c]), MovingMean: r.reals([c]), MovingVariance: r.reals([c], 0.25, 2), ...extra });
add('batch-normalization', 'bn-vector', (r) => ({ net: bn(r, 3, { Input: 3 }), data: { Input: r.reals([3], -2, 2) } }));
add('batch-normalization', 'bn-rank3-epsilon', (r) => ({ net: bn(r, 3, { Epsilon: 0.1, Input: [3, 2, 2] }), data: { Input: r.reals([3, 2, 2], -2, 2) } }));
add('batch-normalization', 'bn-rank2', (r) => ({ net: bn(r, 2, { Input: [2, 4] }), data: { Input: r.reals([2, 4], -2, 2) } }));
add('batch-normalization', 'bn-after-conv', (r) => ({
  net: chain([conv(r, 2, 1, [2, 2]), bn(r, 2), layer('ElementwiseLayer', { Function: 'Ramp' })], { Input: [1, 4, 4] }),
  data: { Input: r.reals([1, 4, 4]) },
}));
add('batch-normalization', 'bn-batch', (r) => ({ net: bn(r, 2, { Input: [2, 3] }), data: [0, 1, 2].map(() => ({ Input: r.reals([2, 3], -2, 2) })) }));
add('dropout', 'dropout', (r) => ({ net: layer('DropoutLayer', { Input: [2, 3] }), data: { Input: r.reals([2, 3]) } }));
add('dropout', 'dropout-between-linears', (r) => ({
  net: chain([linear(r, 3, 4), layer('DropoutLayer', { DropoutProbability: 0.3 }), linear(r, 2, 3)], { Input: 4 }),
  data: { Input: r.reals([4]) },
}));

// ---------------------------------------------------------------------------------
// EmbeddingLayer (integer input)

add('embedding', 'embedding', (r) => ({
  net: layer('EmbeddingLayer', { OutputDimension: 3, ClassCount: 5, Weights: r.reals([5, 3]), Input: 4 }),
  data: { Input: [2, 5, 2, 1] },
  integer: ['Input'],
}));
add('embedding', 'embedding-flatten-linear', (r) => ({
  net: chain([layer('EmbeddingLayer', { OutputDimension: 2, ClassCount: 4, Weights: r.reals([4, 2]) }), layer('FlattenLayer'), linear(r, 2, 6)], { Input: 3 }),
  data: { Input: [4, 1, 4] },
  integer: ['Input'],
}));
add('embedding', 'embedding-scalar-batch', (r) => ({
  net: layer('EmbeddingLayer', { OutputDimension: 2, ClassCount: 3, Weights: r.reals([3, 2]), Input: 'Real' }),
  data: [3, 1, 3].map((i) => ({ Input: i })),
  integer: ['Input'],
}));

// ---------------------------------------------------------------------------------
// ThreadingLayer, TotalLayer, CatenateLayer, SummationLayer

add('threading', 'threading-plus', (r) => ({ net: layer('ThreadingLayer', { Function: 'Plus', Input1: [2, 3], Input2: [2, 3] }), data: { Input1: r.reals([2, 3]), Input2: r.reals([2, 3]) } }));
add('threading', 'threading-times-broadcast', (r) => ({
  net: layer('ThreadingLayer', { Function: 'Times', Inputs: [[2, 3], [1, 3], [2, 1]] }),
  data: { Input1: r.reals([2, 3]), Input2: r.reals([1, 3]), Input3: r.reals([2, 1]) },
}));
add('threading', 'threading-subtract-scalar', (r) => ({ net: layer('ThreadingLayer', { Function: 'Subtract', Input1: 4, Input2: 'Real' }), data: { Input1: r.reals([4]), Input2: 0.375 } }));
add('threading', 'threading-divide', (r) => ({ net: layer('ThreadingLayer', { Function: 'Divide', Input1: 3, Input2: 3 }), data: { Input1: r.reals([3]), Input2: r.reals([3], 0.5, 2) } }));
add('threading', 'threading-power', (r) => ({ net: layer('ThreadingLayer', { Function: 'Power', Input1: 3, Input2: 3 }), data: { Input1: r.reals([3], 0.5, 2), Input2: r.reals([3], -1.5, 1.5) } }));
add('threading', 'threading-min', (r) => ({ net: layer('ThreadingLayer', { Function: 'Min', Input1: 5, Input2: 5 }), data: { Input1: r.reals([5]), Input2: r.reals([5]) } }));
add('threading', 'threading-max-three', (r) => ({
  net: layer('ThreadingLayer', { Function: 'Max', Inputs: [4, 4, 4] }),
  data: { Input1: r.reals([4]), Input2: r.reals([4]), Input3: r.reals([4]) },
}));
add('threading', 'threading-pure-three', (r) => ({
  net: layer('ThreadingLayer', { Function: '#1 Exp[-#2^2] + #3 &', Input1: 3, Input2: 3, Input3: 3 }),
  data: { Input1: r.reals([3]), Input2: r.reals([3]), Input3: r.reals([3]) },
}));
add('threading', 'threading-pure-if', (r) => ({
  net: layer('ThreadingLayer', { Function: 'If[#1 > #2, #1 - #2, Sin[#1 #2]] &', Input1: 4, Input2: 4 }),
  data: { Input1: r.reals([4]), Input2: r.reals([4]) },
}));
// Named slots: #y is Input1, #x Input2; in Wolfram syntax the edges say NetPort[{"t", "x"}].
add('threading', 'threading-named-slots-graph', (r) => ({
  net: graph(
    { lin: linear(r, 3, 2), t: layer('ThreadingLayer', { Function: '#y Exp[#x] - #x &' }) },
    [[port('a'), 'lin', port(['t', 'Input2'])], [port('b'), port(['t', 'Input1'])]],
    { a: 2, b: 3 },
  ),
  data: { a: r.reals([2]), b: r.reals([3]) },
}));
add('threading', 'threading-gate-graph', (r) => ({
  net: graph(
    [linear(r, 3, 3), linear(r, 3, 3), linear(r, 3, 3), layer('ThreadingLayer', { Function: 'LogisticSigmoid[#1] #2 + (1 - LogisticSigmoid[#1]) #3 &' })],
    [[port('Input'), 1], [port('Input'), 2], [port('Input'), 3], [[1, 2, 3], 4]],
    { Input: 3 },
  ),
  data: { Input: r.reals([3]) },
}));
add('total', 'total-two', (r) => ({ net: layer('TotalLayer', { Input1: 3, Input2: 3 }), data: { Input1: r.reals([3]), Input2: r.reals([3]) } }));
add('total', 'total-three', (r) => ({
  net: layer('TotalLayer', { Inputs: [[2, 2], [2, 2], [2, 2]] }),
  data: { Input1: r.reals([2, 2]), Input2: r.reals([2, 2]), Input3: r.reals([2, 2]) },
}));
add('total', 'total-residual-graph', (r) => ({
  net: graph([linear(r, 3, 3), layer('ElementwiseLayer', { Function: 'Tanh' }), layer('TotalLayer')], [[port('Input'), 1, 2], [[2, port('Input')], 3]], { Input: 3 }),
  data: { Input: r.reals([3]) },
}));
add('catenate', 'catenate-vectors', (r) => ({ net: layer('CatenateLayer', { Input1: 2, Input2: 3 }), data: { Input1: r.reals([2]), Input2: r.reals([3]) } }));
add('catenate', 'catenate-level2', (r) => ({ net: layer('CatenateLayer', { Level: 2, Input1: [2, 1], Input2: [2, 3] }), data: { Input1: r.reals([2, 1]), Input2: r.reals([2, 3]) } }));
add('catenate', 'catenate-level-minus1-three', (r) => ({
  net: layer('CatenateLayer', { Level: -1, Inputs: [[2, 2], [2, 2], [2, 1]] }),
  data: { Input1: r.reals([2, 2]), Input2: r.reals([2, 2]), Input3: r.reals([2, 1]) },
}));
add('catenate', 'catenate-graph', (r) => ({
  net: graph({ a: linear(r, 2, 3), b: linear(r, 3, 3), cat: layer('CatenateLayer'), out: linear(r, 2, 5) }, [[port('Input'), 'a'], [port('Input'), 'b'], [['a', 'b'], 'cat', 'out']], { Input: 3 }),
  data: { Input: r.reals([3]) },
}));
add('summation', 'summation', (r) => ({ net: layer('SummationLayer', { Input: [2, 3] }), data: { Input: r.reals([2, 3]) } }));
add('summation', 'summation-after-linear', (r) => ({ net: chain([linear(r, 4, 2), layer('ElementwiseLayer', { Function: 'Tanh' }), layer('SummationLayer')], { Input: 2 }), data: { Input: r.reals([2]) } }));

// ---------------------------------------------------------------------------------
// ConstantArrayLayer, NetArrayLayer

add('constant-array', 'constant-array-alone', (r) => ({ net: layer('ConstantArrayLayer', { Array: r.reals([2, 3]) }), data: {} }));
add('constant-array', 'constant-array-plus-input', (r) => ({
  net: graph({ c: layer('ConstantArrayLayer', { Array: r.reals([2, 3]) }), plus: layer('ThreadingLayer', { Function: 'Times' }) }, [[[port('Input'), 'c'], 'plus']], { Input: [2, 3] }),
  data: { Input: r.reals([2, 3]) },
}));
add('constant-array', 'net-array-dot', (r) => ({
  net: graph({ a: layer('NetArrayLayer', { Array: r.reals([3, 2]) }), dot: layer('DotLayer') }, [[[port('Input'), 'a'], 'dot']], { Input: 3 }),
  data: { Input: r.reals([3]) },
}));

// ---------------------------------------------------------------------------------
// FlattenLayer, ReshapeLayer, ReplicateLayer, TransposeLayer, AggregationLayer, DotLayer

add('flatten', 'flatten-all', (r) => ({ net: layer('FlattenLayer', { Input: [2, 3, 2] }), data: { Input: r.reals([2, 3, 2]) } }));
add('flatten', 'flatten-level1', (r) => ({ net: layer('FlattenLayer', { Level: 1, Input: [2, 3, 2] }), data: { Input: r.reals([2, 3, 2]) } }));
add('flatten', 'flatten-level-minus1', (r) => ({ net: layer('FlattenLayer', { Level: -1, Input: [2, 3, 2] }), data: { Input: r.reals([2, 3, 2]) } }));
add('flatten', 'flatten-infinity-after-conv', (r) => ({
  net: chain([conv(r, 2, 1, [2, 2]), layer('FlattenLayer', { Level: 'Infinity' }), linear(r, 2, 8)], { Input: [1, 3, 3] }),
  data: { Input: r.reals([1, 3, 3]) },
}));
add('reshape', 'reshape-sizes', (r) => ({ net: layer('ReshapeLayer', { Dimensions: [3, 2], Input: 6 }), data: { Input: r.reals([6]) } }));
add('reshape', 'reshape-inherited-automatic', (r) => ({ net: layer('ReshapeLayer', { Dimensions: ['Inherited', 'Automatic'], Input: [2, 2, 3] }), data: { Input: r.reals([2, 2, 3]) } }));
add('reshape', 'reshape-all-1', (r) => ({ net: layer('ReshapeLayer', { Dimensions: ['All', 1], Input: [2, 3] }), data: { Input: r.reals([2, 3]) } }));
add('reshape', 'reshape-inherited-all', (r) => ({ net: layer('ReshapeLayer', { Dimensions: ['Inherited', 'All'], Input: [2, 3, 2] }), data: { Input: r.reals([2, 3, 2]) } }));
add('reshape', 'reshape-after-linear', (r) => ({
  net: chain([linear(r, 6, 2), layer('ReshapeLayer', { Dimensions: [2, 'Automatic'] }), layer('SoftmaxLayer')], { Input: 2 }),
  data: { Input: r.reals([2]) },
}));
add('replicate', 'replicate-n', (r) => ({ net: layer('ReplicateLayer', { Specification: 3, Input: 2 }), data: { Input: r.reals([2]) } }));
add('replicate', 'replicate-list-level2', (r) => ({ net: layer('ReplicateLayer', { Specification: [2, 3], Level: 2, Input: [2, 2] }), data: { Input: r.reals([2, 2]) } }));
add('replicate', 'replicate-level-minus1', (r) => ({ net: layer('ReplicateLayer', { Specification: 2, Level: -1, Input: [3, 2] }), data: { Input: r.reals([3, 2]) } }));
add('replicate', 'replicate-level-minus2', (r) => ({ net: layer('ReplicateLayer', { Specification: 2, Level: -2, Input: [3, 2] }), data: { Input: r.reals([3, 2]) } }));
add('replicate', 'replicate-automatic', (r) => ({ net: layer('ReplicateLayer', { Specification: 'Automatic', Input: 3, Output: [4, 3] }), data: { Input: r.reals([3]) } }));
add('replicate', 'replicate-scalar', () => ({ net: layer('ReplicateLayer', { Specification: 3, Input: 'Real' }), data: { Input: -0.4375 } }));
add('replicate', 'replicate-list-automatic-after-linear', (r) => ({
  net: chain([linear(r, 2, 3), layer('ReplicateLayer', { Specification: [2, 'Automatic'], Level: 2, Output: [2, 2, 3] })], { Input: 3 }),
  data: { Input: r.reals([3]) },
}));
add('transpose', 'transpose-default', (r) => ({ net: layer('TransposeLayer', { Input: [2, 3] }), data: { Input: r.reals([2, 3]) } }));
add('transpose', 'transpose-permutation', (r) => ({ net: layer('TransposeLayer', { Specification: [3, 1, 2], Input: [2, 3, 4] }), data: { Input: r.reals([2, 3, 4]) } }));
add('transpose', 'transpose-partial-permutation', (r) => ({ net: layer('TransposeLayer', { Specification: [2, 1], Input: [2, 3, 2] }), data: { Input: r.reals([2, 3, 2]) } }));
add('transpose', 'transpose-swaps', (r) => ({ net: layer('TransposeLayer', { Specification: [[1, 3], [1, 4]], Input: [2, 3, 4, 1] }), data: { Input: r.reals([2, 3, 4, 1]) } }));
add('transpose', 'transpose-negative-swap', (r) => ({ net: layer('TransposeLayer', { Specification: [[2, -1]], Input: [2, 3, 4] }), data: { Input: r.reals([2, 3, 4]) } }));
add('transpose', 'transpose-integer', (r) => ({ net: layer('TransposeLayer', { Specification: 3, Input: [2, 3, 4] }), data: { Input: r.reals([2, 3, 4]) } }));
add('transpose', 'transpose-after-conv', (r) => ({
  net: chain([conv(r, 2, 1, [2, 2]), layer('TransposeLayer', { Specification: [[1, 3]] }), layer('FlattenLayer'), linear(r, 2, 12)], { Input: [1, 3, 4] }),
  data: { Input: r.reals([1, 3, 4]) },
}));
add('aggregation', 'aggregation-max-default', (r) => ({ net: layer('AggregationLayer', { Function: 'Max', Input: [3, 2, 2] }), data: { Input: r.reals([3, 2, 2]) } }));
add('aggregation', 'aggregation-mean-level2', (r) => ({ net: layer('AggregationLayer', { Function: 'Mean', Levels: 2, Input: [2, 3, 2] }), data: { Input: r.reals([2, 3, 2]) } }));
add('aggregation', 'aggregation-total-all', (r) => ({ net: layer('AggregationLayer', { Function: 'Total', Levels: 'All', Input: [2, 3] }), data: { Input: r.reals([2, 3]) } }));
add('aggregation', 'aggregation-min-levels-1-3', (r) => ({ net: layer('AggregationLayer', { Function: 'Min', Levels: [1, 3], Input: [2, 3, 2] }), data: { Input: r.reals([2, 3, 2]) } }));
add('aggregation', 'aggregation-max-open-span', (r) => ({ net: layer('AggregationLayer', { Function: 'Max', Levels: ';;-2', Input: [2, 2, 3] }), data: { Input: r.reals([2, 2, 3]) } }));
add('aggregation', 'aggregation-times', (r) => ({ net: layer('AggregationLayer', { Function: 'Times', Levels: -1, Input: [2, 3] }), data: { Input: r.reals([2, 3], 0.5, 1.5) } }));
add('aggregation', 'aggregation-total-none', (r) => ({ net: layer('AggregationLayer', { Function: 'Total', Levels: [], Input: [2, 2] }), data: { Input: r.reals([2, 2]) } }));
add('aggregation', 'aggregation-mean-level-and-span', (r) => ({ net: layer('AggregationLayer', { Function: 'Mean', Levels: [1, '3;;-1'], Input: [2, 3, 2, 2] }), data: { Input: r.reals([2, 3, 2, 2]) } }));
add('aggregation', 'aggregation-after-conv', (r) => ({
  net: chain([conv(r, 3, 2, [2, 2]), layer('AggregationLayer', { Function: 'Max' }), linear(r, 2, 3)], { Input: [2, 3, 3] }),
  data: { Input: r.reals([2, 3, 3]) },
}));
add('dot', 'dot-vectors', (r) => ({ net: layer('DotLayer', { Input1: 3, Input2: 3 }), data: { Input1: r.reals([3]), Input2: r.reals([3]) } }));
add('dot', 'dot-matrix-vector', (r) => ({ net: layer('DotLayer', { Input1: [2, 3], Input2: 3 }), data: { Input1: r.reals([2, 3]), Input2: r.reals([3]) } }));
add('dot', 'dot-vector-matrix', (r) => ({ net: layer('DotLayer', { Input1: 3, Input2: [3, 2] }), data: { Input1: r.reals([3]), Input2: r.reals([3, 2]) } }));
add('dot', 'dot-rank3', (r) => ({ net: layer('DotLayer', { Input1: [2, 2, 3], Input2: [3, 2] }), data: { Input1: r.reals([2, 2, 3]), Input2: r.reals([3, 2]) } }));
add('dot', 'dot-matrix-rank3', (r) => ({ net: layer('DotLayer', { Input1: [2, 3], Input2: [3, 2, 2] }), data: { Input1: r.reals([2, 3]), Input2: r.reals([3, 2, 2]) } }));
add('dot', 'dot-three', (r) => ({
  net: layer('DotLayer', { Inputs: [[2, 3], [3, 4], [4, 2]] }),
  data: { Input1: r.reals([2, 3]), Input2: r.reals([3, 4]), Input3: r.reals([4, 2]) },
}));

// ---------------------------------------------------------------------------------
// Small nets

add('nets', 'net-classifier', (r) => ({
  net: graph(
    [linear(r, 3, 4), layer('ElementwiseLayer', { Function: 'Ramp' }), linear(r, 2, 3), layer('SoftmaxLayer'), layer('CrossEntropyLossLayer', { TargetForm: 'Index' })],
    [[1, 2, 3, 4, 5]],
    { Input: 4 },
  ),
  data: { Input: r.reals([4]), Target: 2 },
  integer: ['Target'],
}));
add('nets', 'net-classifier-batch', (r) => ({
  net: graph(
    [linear(r, 3, 4), layer('ElementwiseLayer', { Function: 'Ramp' }), linear(r, 2, 3), layer('SoftmaxLayer'), layer('CrossEntropyLossLayer', { TargetForm: 'Index' })],
    [[1, 2, 3, 4, 5]],
    { Input: 4 },
  ),
  data: [1, 2, 2, 1].map((t) => ({ Input: r.reals([4]), Target: t })),
  integer: ['Target'],
}));
add('nets', 'net-cnn', (r) => ({
  net: chain(
    [conv(r, 2, 1, [3, 3], { PaddingSize: 1 }), layer('ElementwiseLayer', { Function: 'Ramp' }), layer('PoolingLayer', { KernelSize: 2, Stride: 2 }), layer('FlattenLayer'), linear(r, 3, 8), layer('ElementwiseLayer', { Function: 'Tanh' })],
    { Input: [1, 4, 4] },
  ),
  data: { Input: r.reals([1, 4, 4]) },
}));
add('nets', 'net-cnn-bn-mean-pool-batch', (r) => ({
  net: chain(
    [conv(r, 3, 2, [2, 2]), bn(r, 3), layer('ElementwiseLayer', { Function: 'Tanh' }), layer('PoolingLayer', { KernelSize: 2, Function: 'Mean', PaddingSize: 1 }), layer('FlattenLayer'), linear(r, 2, 27)],
    { Input: [2, 3, 3] },
  ),
  data: [0, 1].map(() => ({ Input: r.reals([2, 3, 3]) })),
}));
add('nets', 'net-two-outputs', (r) => ({
  net: graph(
    { a: linear(r, 2, 3), ta: layer('ElementwiseLayer', { Function: 'Tanh' }), b: linear(r, 3, 3), sb: layer('ElementwiseLayer', { Function: 'LogisticSigmoid' }) },
    [[port('x'), 'a', 'ta', port('ya')], [port('x'), 'b', 'sb', port('yb')]],
    { x: 3 },
  ),
  data: { x: r.reals([3]) },
  ograd: { ya: null, yb: [0.5, -1.25, 2] },
}));
add('nets', 'net-input-order', (r) => ({
  // Layer 1 needs layer 2: inputs are listed by first use in topological order, x then y.
  net: graph([layer('ThreadingLayer', { Function: 'Times' }), linear(r, 2, 3)], [[[2, port('y')], 1], [port('x'), 2]], { x: 3, y: 2 }),
  data: { x: r.reals([3]), y: r.reals([2]) },
}));
add('nets', 'net-nested', (r) => ({
  net: chain({ enc: chain([linear(r, 3, 2), layer('ElementwiseLayer', { Function: 'Tanh' })]), dec: linear(r, 2, 3) }, { Input: 2 }),
  data: { Input: r.reals([2]) },
}));
add('nets', 'net-embedding-classifier', (r) => ({
  net: graph(
    [layer('EmbeddingLayer', { OutputDimension: 3, ClassCount: 6, Weights: r.reals([6, 3]) }), layer('AggregationLayer', { Function: 'Mean', Levels: 1 }), linear(r, 4, 3), layer('SoftmaxLayer'), layer('CrossEntropyLossLayer', { TargetForm: 'Index' })],
    [[1, 2, 3, 4, 5]],
    { Input: 5 },
  ),
  data: { Input: [6, 2, 2, 5, 1], Target: 3 },
  integer: ['Input', 'Target'],
}));
add('nets', 'net-regression-mse', (r) => ({
  net: graph([linear(r, 4, 3), layer('ElementwiseLayer', { Function: 'SoftPlus' }), linear(r, 2, 4), layer('MeanSquaredLossLayer')], [[1, 2, 3, 4]], { Input: 3 }),
  data: { Input: r.reals([3]), Target: r.reals([2]) },
}));

// ---------------------------------------------------------------------------------
// Layouts: netport keeps tensors channel-last between spatial layers, so every layer
// that reads an axis after a convolution or a pooling is a place to get it wrong.

const convIn = (r: Random, c: number, out = 2) => conv(r, out, c, [2, 2]);
add('layouts', 'layout-conv-softmax-channels', (r) => ({
  net: chain([convIn(r, 1, 3), layer('SoftmaxLayer', { Level: 1 })], { Input: [1, 3, 3] }),
  data: { Input: r.reals([1, 3, 3]) },
}));
add('layouts', 'layout-conv-softmax-last', (r) => ({ net: chain([convIn(r, 1, 3), layer('SoftmaxLayer')], { Input: [1, 3, 4] }), data: { Input: r.reals([1, 3, 4]) } }));
add('layouts', 'layout-conv-part', (r) => ({
  net: chain([convIn(r, 1, 3), layer('PartLayer', { Specification: ['2;;3', -1] })], { Input: [1, 3, 4] }),
  data: { Input: r.reals([1, 3, 4]) },
}));
add('layouts', 'layout-conv-catenate-channels', (r) => ({
  net: graph({ a: convIn(r, 1, 2), b: convIn(r, 1, 3), cat: layer('CatenateLayer') }, [[port('Input'), 'a'], [port('Input'), 'b'], [['a', 'b'], 'cat']], { Input: [1, 3, 3] }),
  data: { Input: r.reals([1, 3, 3]) },
}));
add('layouts', 'layout-conv-catenate-last', (r) => ({
  net: graph({ a: convIn(r, 1, 2), b: convIn(r, 1, 2), cat: layer('CatenateLayer', { Level: -1 }) }, [[port('Input'), 'a'], [port('Input'), 'b'], [['a', 'b'], 'cat']], { Input: [1, 3, 3] }),
  data: { Input: r.reals([1, 3, 3]) },
}));
add('layouts', 'layout-conv-plus-input', (r) => ({
  net: graph({ c: conv(r, 2, 2, [3, 3], { PaddingSize: 1 }), plus: layer('ThreadingLayer', { Function: 'Plus' }) }, [[port('Input'), 'c'], [['c', port('Input')], 'plus']], { Input: [2, 3, 4] }),
  data: { Input: r.reals([2, 3, 4]) },
}));
add('layouts', 'layout-conv-times-channel-array', (r) => ({
  net: graph(
    { c: convIn(r, 1, 3), s: layer('ConstantArrayLayer', { Array: r.reals([3, 1, 1]) }), t: layer('ThreadingLayer', { Function: 'Times' }) },
    [[port('Input'), 'c'], [['c', 's'], 't']],
    { Input: [1, 3, 3] },
  ),
  data: { Input: r.reals([1, 3, 3]) },
}));
add('layouts', 'layout-conv-total-pool', (r) => ({
  net: graph(
    { c: conv(r, 2, 2, [3, 3], { PaddingSize: 1 }), p: layer('PoolingLayer', { KernelSize: 3, PaddingSize: 1, Function: 'Mean' }), t: layer('TotalLayer') },
    [[port('Input'), 'c'], [port('Input'), 'p'], [['c', 'p'], 't']],
    { Input: [2, 3, 3] },
  ),
  data: { Input: r.reals([2, 3, 3]) },
}));
add('layouts', 'layout-conv-aggregation-levels', (r) => ({
  net: chain([convIn(r, 2, 3), layer('AggregationLayer', { Function: 'Total', Levels: [1, 3] })], { Input: [2, 3, 4] }),
  data: { Input: r.reals([2, 3, 4]) },
}));
add('layouts', 'layout-conv-reshape', (r) => ({
  net: chain([convIn(r, 1, 2), layer('ReshapeLayer', { Dimensions: ['Inherited', 'Automatic'] })], { Input: [1, 3, 4] }),
  data: { Input: r.reals([1, 3, 4]) },
}));
add('layouts', 'layout-conv-replicate', (r) => ({
  net: chain([convIn(r, 1, 2), layer('ReplicateLayer', { Specification: 2, Level: 2 })], { Input: [1, 3, 3] }),
  data: { Input: r.reals([1, 3, 3]) },
}));
add('layouts', 'layout-conv-dropout-pool-bn', (r) => ({
  net: chain([convIn(r, 2, 3), layer('DropoutLayer'), layer('PoolingLayer', { KernelSize: 2 }), bn(r, 3), layer('ElementwiseLayer', { Function: 'Tanh' })], { Input: [2, 4, 4] }),
  data: { Input: r.reals([2, 4, 4]) },
}));
add('layouts', 'layout-conv-ramp-conv', (r) => ({
  net: chain([convIn(r, 1, 3), layer('ElementwiseLayer', { Function: 'Ramp' }), conv(r, 2, 3, [2, 2], { Stride: 2 })], { Input: [1, 5, 5] }),
  data: { Input: r.reals([1, 5, 5]) },
}));
add('layouts', 'layout-conv-mse', (r) => ({
  net: graph([convIn(r, 1, 2), layer('MeanSquaredLossLayer')], [[1, 2]], { Input: [1, 3, 3] }),
  data: { Input: r.reals([1, 3, 3]), Target: r.reals([2, 2, 2]) },
}));
add('layouts', 'layout-conv-summation', (r) => ({ net: chain([convIn(r, 1, 2), layer('SummationLayer')], { Input: [1, 3, 3] }), data: { Input: r.reals([1, 3, 3]) } }));
add('layouts', 'layout-conv1d-transpose-dot', (r) => ({
  net: graph(
    { c: conv(r, 2, 2, [2]), t: layer('TransposeLayer'), a: layer('NetArrayLayer', { Array: r.reals([2, 3]) }), dot: layer('DotLayer') },
    [[port('Input'), 'c', 't'], [['t', 'a'], 'dot']],
    { Input: [2, 5] },
  ),
  data: { Input: r.reals([2, 5]) },
}));
add('layouts', 'layout-conv3d-bn-pool', (r) => ({
  net: chain([conv(r, 2, 1, [2, 2, 2]), bn(r, 2), layer('PoolingLayer', { KernelSize: 2, Function: 'Max' }), layer('FlattenLayer')], { Input: [1, 3, 3, 3] }),
  data: { Input: r.reals([1, 3, 3, 3]) },
}));
add('layouts', 'layout-embedding-conv1d', (r) => ({
  net: chain([layer('EmbeddingLayer', { OutputDimension: 3, ClassCount: 5, Weights: r.reals([5, 3]) }), conv(r, 2, 4, [2]), layer('FlattenLayer'), linear(r, 2, 4)], { Input: 4 }),
  data: { Input: [5, 1, 3, 1] },
  integer: ['Input'],
}));
add('layouts', 'layout-pool-part-channel', (r) => ({
  net: chain([layer('PoolingLayer', { KernelSize: 2 }), layer('PartLayer', { Specification: 2 })], { Input: [3, 3, 3] }),
  data: { Input: r.reals([3, 3, 3]) },
}));
add('nets', 'net-softmax-fused-and-output', (r) => ({
  net: graph(
    { lin: linear(r, 3, 2), sm: layer('SoftmaxLayer'), loss: layer('CrossEntropyLossLayer', { TargetForm: 'Index' }) },
    [[port('Input'), 'lin', 'sm', 'loss', port('Loss')], ['sm', port('Probabilities')]],
    { Input: 2 },
  ),
  data: { Input: r.reals([2]), Target: 1 },
  integer: ['Target'],
}));

// ---------------------------------------------------------------------------------
// issue 12 (w12c): NormalizationLayer, LocalResponseNormalizationLayer

const norm = (r: Random, scaleDims: number[], extra: Obj = {}): Obj =>
  layer('NormalizationLayer', { Scaling: r.reals(scaleDims, -1.5, 1.5), Biases: r.reals(scaleDims), ...extra });
add('normalization', 'norm-default-levels', (r) => ({ net: norm(r, [3], { Input: [3, 4] }), data: { Input: r.reals([3, 4], -2, 2) } }));
add('normalization', 'norm-layer-last-same', (r) => ({
  net: norm(r, [3], { AggregationLevels: -1, ScalingLevels: 'Same', Input: [2, 3] }),
  data: { Input: r.reals([2, 3], -2, 2) },
}));
add('normalization', 'norm-levels-1-3-epsilon', (r) => ({
  net: norm(r, [3], { AggregationLevels: [1, 3], ScalingLevels: 2, Epsilon: 0.1, Input: [2, 3, 2] }),
  data: { Input: r.reals([2, 3, 2], -2, 2) },
}));
add('normalization', 'norm-all-scaling-1-2', (r) => ({
  net: norm(r, [2, 3], { AggregationLevels: 'All', ScalingLevels: '1;;2', Input: [2, 3] }),
  data: { Input: r.reals([2, 3], -2, 2) },
}));
add('normalization', 'norm-group-number', (r) => ({
  net: norm(r, [4], { AggregationLevels: '1;;All', ScalingLevels: 1, GroupNumber: [2, 1, 1], Input: [4, 2, 2] }),
  data: { Input: r.reals([4, 2, 2], -2, 2) },
}));
add('normalization', 'norm-rms-unbiased', (r) => ({
  net: norm(r, [2], { Method: 'RMS', Unbiased: true, Input: [2, 3] }),
  data: { Input: r.reals([2, 3], -2, 2) },
}));
add('normalization', 'norm-no-arrays-linear', (r) => ({
  net: chain([layer('NormalizationLayer', { Scaling: null, Biases: null, Unbiased: true }), linear(r, 2, 6)], { Input: [2, 3] }),
  data: { Input: r.reals([2, 3], -2, 2) },
}));
add('normalization', 'norm-after-conv', (r) => ({
  net: chain([conv(r, 2, 1, [2, 2]), norm(r, [2]), layer('ElementwiseLayer', { Function: 'Tanh' })], { Input: [1, 4, 4] }),
  data: { Input: r.reals([1, 4, 4]) },
}));
add('normalization', 'norm-batch', (r) => ({ net: norm(r, [2], { Input: [2, 3] }), data: [0, 1, 2].map(() => ({ Input: r.reals([2, 3], -2, 2) })) }));
add('local-response-normalization', 'lrn-defaults', (r) => ({
  net: chain([layer('LocalResponseNormalizationLayer'), linear(r, 2, 20)], { Input: [5, 2, 2] }),
  data: { Input: r.reals([5, 2, 2], -2, 2) },
}));
add('local-response-normalization', 'lrn-options', (r) => ({
  net: layer('LocalResponseNormalizationLayer', { ChannelWindowSize: 1, Alpha: 2, Beta: 0.75, Bias: 0.5, Input: [4, 3] }),
  data: { Input: r.reals([4, 3], -2, 2) },
}));
add('local-response-normalization', 'lrn-after-conv', (r) => ({
  net: chain([conv(r, 3, 1, [2, 2]), layer('LocalResponseNormalizationLayer', { ChannelWindowSize: 1, Alpha: 0.5 })], { Input: [1, 3, 3] }),
  data: { Input: r.reals([1, 3, 3]) },
}));
add('local-response-normalization', 'lrn-batch', (r) => ({
  net: layer('LocalResponseNormalizationLayer', { ChannelWindowSize: 1, Input: [3, 2] }),
  data: [0, 1].map(() => ({ Input: r.reals([3, 2], -2, 2) })),
}));

// ---------------------------------------------------------------------------------
// issue 12 (w12c): FunctionLayer (scripts/reference/function-layer.ts has each function by hand)

const fn = (f: string, ports: Obj): Obj => layer('FunctionLayer', { Function: f, ...ports });
add('function', 'function-total-squares', (r) => ({ net: fn('Total[#^2] &', { Input: 4 }), data: { Input: r.reals([4], -2, 2) } }));
add('function', 'function-mean-tanh-max', (r) => ({ net: fn('Mean[Tanh[#]] - Max[#] &', { Input: [3, 2] }), data: { Input: r.reals([3, 2], -2, 2) } }));
add('function', 'function-named-slots', (r) => ({ net: fn('#x*Exp[-#y^2] + 1 &', { x: [2, 3], y: [2, 3] }), data: { x: r.reals([2, 3]), y: r.reals([2, 3]) } }));
add('function', 'function-listable-rows', (r) => ({ net: fn('#v + #m &', { v: 2, m: [2, 3] }), data: { v: r.reals([2]), m: r.reals([2, 3]) } }));
add('function', 'function-dot', (r) => ({ net: fn('#a . #b &', { a: [2, 3], b: 3 }), data: { a: r.reals([2, 3]), b: r.reals([3]) } }));
add('function', 'function-transpose-dot', (r) => ({ net: fn('Transpose[#] . # &', { Input: [3, 2] }), data: { Input: r.reals([3, 2]) } }));
add('function', 'function-part', (r) => ({ net: fn('#[[1]] - 2*#[[-1]] + #[[2, 1]] &', { Input: [3, 4] }), data: { Input: r.reals([3, 4]) } }));
add('function', 'function-part-span-list', (r) => ({ net: fn('#[[2 ;; 3, {1, 3}]] &', { Input: [3, 3] }), data: { Input: r.reals([3, 3]) } }));
add('function', 'function-catenate', (r) => ({ net: fn('Catenate[{#x, Tanh[#y]}] &', { x: [2, 3], y: [1, 3] }), data: { x: r.reals([2, 3]), y: r.reals([1, 3]) } }));
add('function', 'function-apply', (r) => ({ net: fn('Apply[# + 2*#2 &]', { Input1: 3, Input2: 3 }), data: { Input1: r.reals([3]), Input2: r.reals([3]) } }));
add('function', 'function-params-total-2', (r) => ({ net: fn('Function[{u, v}, Total[u*v, 2]]', { u: [2, 3], v: [2, 3] }), data: { u: r.reals([2, 3]), v: r.reals([2, 3]) } }));
add('function', 'function-list-transpose', (r) => ({
  net: chain([fn('{Sin[#], LogisticSigmoid[#]} &', {}), fn('Transpose[#, {2, 3, 1}] &', {}), linear(r, 2, 12)], { Input: [2, 3] }),
  data: { Input: r.reals([2, 3], -2, 2) },
}));
add('function', 'function-in-graph', (r) => ({
  net: graph({ l: linear(r, 3, 2), f: fn('#a . #b &', {}) }, [[port('x'), 'l', port(['f', 'a'])], [port('y'), port(['f', 'b'])]], { x: 2, y: [3, 2] }),
  data: { x: r.reals([2]), y: r.reals([3, 2]) },
}));
add('function', 'function-batch', (r) => ({ net: fn('#x*Exp[-#y^2] + 1 &', { x: 2, y: 2 }), data: [0, 1].map(() => ({ x: r.reals([2]), y: r.reals([2]) })) }));
add('function', 'function-reverse-flatten', (r) => ({ net: fn('Reverse[Flatten[#, 1]] - Flatten[#, 1] &', { Input: [2, 2, 3] }), data: { Input: r.reals([2, 2, 3]) } }));
// Image-model layers (issue 12): ParametricRampLayer, PaddingLayer, ResizeLayer,
// ImageAugmentationLayer, DeconvolutionLayer, and blocks built from them

const pramp = (r: Random, slopeDims: number[], extra: Obj = {}): Obj => layer('ParametricRampLayer', { Slope: r.reals(slopeDims, 0.05, 0.6), ...extra });
add('parametric-ramp', 'pramp-vector', (r) => ({ net: pramp(r, [4], { Input: 4 }), data: { Input: r.reals([4]) } }));
add('parametric-ramp', 'pramp-channels', (r) => ({ net: pramp(r, [2], { Input: [2, 3, 2] }), data: { Input: r.reals([2, 3, 2]) } }));
add('parametric-ramp', 'pramp-levels-span', (r) => ({ net: pramp(r, [3, 2], { Levels: '2;;3', Input: [2, 3, 2] }), data: { Input: r.reals([2, 3, 2]) } }));
add('parametric-ramp', 'pramp-levels-first-last', (r) => ({ net: pramp(r, [2, 3], { Levels: [1, -1], Input: [2, 2, 3] }), data: { Input: r.reals([2, 2, 3]) } }));
add('parametric-ramp', 'pramp-after-conv', (r) => ({ net: chain([conv(r, 3, 2, [2, 2]), pramp(r, [3])], { Input: [2, 3, 4] }), data: { Input: r.reals([2, 3, 4]) } }));
add('parametric-ramp', 'pramp-after-conv-levels-1-3', (r) => ({
  net: chain([conv(r, 2, 1, [2, 2]), pramp(r, [2, 3], { Levels: [1, 3] })], { Input: [1, 3, 4] }),
  data: { Input: r.reals([1, 3, 4]) },
}));
add('parametric-ramp', 'pramp-batch', (r) => ({ net: chain([linear(r, 3, 2), pramp(r, [3])], { Input: 2 }), data: [0, 1, 2].map(() => ({ Input: r.reals([2]) })) }));
const pad = (spec: number[][], padding?: Json, extra: Obj = {}): Obj => layer('PaddingLayer', { Specification: spec, ...(padding === undefined ? {} : { Padding: padding }), ...extra });
add('padding', 'padding-vector', (r) => ({ net: chain([pad([[1, 2]]), linear(r, 2, 6)], { Input: 3 }), data: { Input: r.reals([3]) } }));
add('padding', 'padding-constant-image', (r) => ({ net: pad([[0, 0], [1, 1], [2, 0]], -0.5, { Input: [2, 2, 3] }), data: { Input: r.reals([2, 2, 3]) } }));
add('padding', 'padding-fixed', (r) => ({ net: pad([[1, 0], [0, 2]], 'Fixed', { Input: [2, 3] }), data: { Input: r.reals([2, 3]) } }));
add('padding', 'padding-reflected', (r) => ({ net: pad([[0, 0], [2, 1], [1, 2]], 'Reflected', { Input: [2, 3, 3] }), data: { Input: r.reals([2, 3, 3]) } }));
add('padding', 'padding-reflected-wide', (r) => ({ net: pad([[4, 3]], 'Reflected', { Input: 3 }), data: { Input: r.reals([3]) } }));
add('padding', 'padding-periodic', (r) => ({ net: pad([[1, 1], [3, 2]], 'Periodic', { Input: [2, 2] }), data: { Input: r.reals([2, 2]) } }));
add('padding', 'padding-after-conv-reflected', (r) => ({
  net: chain([conv(r, 2, 1, [2, 2]), pad([[1, 0], [1, 1], [0, 2]], 'Reflected'), layer('FlattenLayer'), linear(r, 2, 60)], { Input: [1, 3, 4] }),
  data: { Input: r.reals([1, 3, 4]) },
}));
add('padding', 'padding-after-conv-periodic-batch', (r) => ({
  net: chain([conv(r, 2, 1, [2, 2]), pad([[0, 0], [2, 1], [1, 1]], 'Periodic')], { Input: [1, 3, 3] }),
  data: [0, 1].map(() => ({ Input: r.reals([1, 3, 3]) })),
}));
const resize = (spec: Json, extra: Obj = {}): Obj => layer('ResizeLayer', { Specification: spec, ...extra });
add('resize', 'resize-scaled-2', (r) => ({ net: resize([{ Scaled: 2 }, { Scaled: 2 }], { Input: [2, 3, 2] }), data: { Input: r.reals([2, 3, 2]) } }));
add('resize', 'resize-sizes-up-down', (r) => ({ net: resize([5, 3], { Input: [1, 3, 4] }), data: { Input: r.reals([1, 3, 4]) } }));
add('resize', 'resize-to-one-row', (r) => ({ net: resize([1, 4], { Input: [2, 3, 2] }), data: { Input: r.reals([2, 3, 2]) } }));
add('resize', 'resize-scaled-fraction', (r) => ({ net: resize([3, { Scaled: 1.5 }], { Input: [2, 3, 4] }), data: { Input: r.reals([2, 3, 4]) } }));
add('resize', 'resize-1d', (r) => ({ net: resize([7], { Input: [2, 4] }), data: { Input: r.reals([2, 4]) } }));
add('resize', 'resize-nearest', (r) => ({ net: resize([{ Scaled: 2 }, { Scaled: 3 }], { Resampling: 'Nearest', Input: [2, 2, 3] }), data: { Input: r.reals([2, 2, 3]) } }));
add('resize', 'resize-after-conv', (r) => ({
  net: chain([conv(r, 2, 1, [2, 2]), resize([{ Scaled: 2 }, 5]), layer('SummationLayer')], { Input: [1, 3, 4] }),
  data: { Input: r.reals([1, 3, 4]) },
}));
add('resize', 'resize-nearest-batch', (r) => ({ net: chain([resize([4, 2], { Resampling: 'Nearest' }), linear(r, 2, 8)], { Input: [1, 2, 2] }), data: [0, 1].map(() => ({ Input: r.reals([1, 2, 2]) })) }));
add('image-augmentation', 'augmentation-center-crop', (r) => ({ net: layer('ImageAugmentationLayer', { CropSize: [2, 3], Input: [2, 4, 5] }), data: { Input: r.reals([2, 4, 5]) } }));
add('image-augmentation', 'augmentation-odd-margin', (r) => ({ net: layer('ImageAugmentationLayer', { CropSize: 2, Input: [1, 5, 4] }), data: { Input: r.reals([1, 5, 4]) } }));
add('image-augmentation', 'augmentation-after-conv', (r) => ({
  net: chain([conv(r, 2, 1, [2, 2]), layer('ImageAugmentationLayer', { CropSize: [2, 2] }), layer('FlattenLayer'), linear(r, 2, 8)], { Input: [1, 5, 4] }),
  data: { Input: r.reals([1, 5, 4]) },
}));
const deconv = (r: Random, out: number, inChannels: number, groups: number, kernel: number[], extra: Obj = {}): Obj =>
  layer('DeconvolutionLayer', {
    OutputChannels: out,
    KernelSize: kernel.every((k) => k === kernel[0]) ? kernel[0]! : kernel,
    ...(groups > 1 ? { ChannelGroups: groups } : {}),
    Weights: r.reals([inChannels, out / groups, ...kernel]),
    Biases: r.reals([out]),
    ...extra,
  });
add('deconvolution', 'deconv-2x2-stride2', (r) => ({ net: deconv(r, 2, 3, 1, [2, 2], { Stride: 2, Input: [3, 2, 3] }), data: { Input: r.reals([3, 2, 3]) } }));
add('deconvolution', 'deconv-3x3', (r) => ({ net: deconv(r, 2, 2, 1, [3, 3], { Input: [2, 3, 3] }), data: { Input: r.reals([2, 3, 3]) } }));
add('deconvolution', 'deconv-stride-crop', (r) => ({
  net: deconv(r, 3, 2, 1, [3, 2], { Stride: [2, 1], PaddingSize: [[1, 0], [0, 1]], Input: [2, 3, 2] }),
  data: { Input: r.reals([2, 3, 2]) },
}));
add('deconvolution', 'deconv-dilation-stride', (r) => ({ net: deconv(r, 2, 1, 1, [2, 2], { Dilation: 2, Stride: 2, Input: [1, 3, 3] }), data: { Input: r.reals([1, 3, 3]) } }));
add('deconvolution', 'deconv-dilation-3', (r) => ({ net: deconv(r, 2, 2, 1, [2, 3], { Dilation: [3, 1], Input: [2, 2, 3] }), data: { Input: r.reals([2, 2, 3]) } }));
add('deconvolution', 'deconv-groups', (r) => ({ net: deconv(r, 4, 4, 2, [2, 2], { Stride: 2, Input: [4, 2, 2] }), data: { Input: r.reals([4, 2, 2]) } }));
add('deconvolution', 'deconv-groups-3x3', (r) => ({ net: deconv(r, 6, 3, 3, [3, 3], { PaddingSize: 1, Input: [3, 2, 3] }), data: { Input: r.reals([3, 2, 3]) } }));
add('deconvolution', 'deconv-tiles-cropped-no-biases', (r) => ({
  net: layer('DeconvolutionLayer', { OutputChannels: 2, KernelSize: 2, Stride: 2, PaddingSize: 1, Weights: r.reals([2, 2, 2, 2]), Biases: null, Input: [2, 3, 3] }),
  data: { Input: r.reals([2, 3, 3]) },
}));
add('deconvolution', 'deconv-1d-crop-past-padding', (r) => ({ net: deconv(r, 2, 2, 1, [4], { Stride: 2, PaddingSize: 3, Input: [2, 3] }), data: { Input: r.reals([2, 3]) } }));
add('deconvolution', 'deconv-1d-tiles', (r) => ({ net: deconv(r, 3, 2, 1, [3], { Stride: 3, Input: [2, 4] }), data: { Input: r.reals([2, 4]) } }));
add('deconvolution', 'deconv-3d', (r) => ({ net: deconv(r, 2, 2, 1, [2, 2, 2], { Stride: [2, 1, 2], Input: [2, 2, 2, 2] }), data: { Input: r.reals([2, 2, 2, 2]) } }));
add('deconvolution', 'deconv-3d-tiles', (r) => ({ net: deconv(r, 2, 1, 1, [2, 2, 2], { Stride: 2, Input: [1, 2, 2, 2] }), data: { Input: r.reals([1, 2, 2, 2]) } }));
add('deconvolution', 'deconv-after-conv-batch', (r) => ({
  net: chain([conv(r, 2, 1, [2, 2]), deconv(r, 2, 2, 1, [2, 2], { Stride: 2 })], { Input: [1, 3, 3] }),
  data: [0, 1].map(() => ({ Input: r.reals([1, 3, 3]) })),
}));

// Blocks of image models, differentiated whole (every input and array, NetPortGradient[All])
const resnetBlock = (r: Random, c: number): Obj =>
  graph(
    {
      conv1: conv(r, c, c, [3, 3], { PaddingSize: 1 }),
      bn1: bn(r, c),
      ramp1: pramp(r, [c]),
      conv2: conv(r, c, c, [3, 3], { PaddingSize: 1 }),
      bn2: bn(r, c),
      add: layer('TotalLayer'),
      ramp2: pramp(r, [c]),
    },
    [[port('Input'), 'conv1', 'bn1', 'ramp1', 'conv2', 'bn2'], [['bn2', port('Input')], 'add', 'ramp2']],
    { Input: [c, 4, 4] },
  );
add('blocks', 'block-resnet', (r) => ({ net: resnetBlock(r, 2), data: { Input: r.reals([2, 4, 4]) } }));
add('blocks', 'block-resnet-batch', (r) => ({ net: resnetBlock(r, 2), data: [0, 1].map(() => ({ Input: r.reals([2, 4, 4]) })) }));
/** Weights within +-0.4, so that three convolutions and batch normalizations keep the values (and the finite differences' rounding) small. */
const smallConv = (r: Random, out: number, inn: number, kernel: number[], extra: Obj = {}): Obj =>
  layer('ConvolutionLayer', { OutputChannels: out, KernelSize: kernel[0]!, Weights: r.reals([out, inn, ...kernel], -0.4, 0.4), Biases: r.reals([out], -0.3, 0.3), ...extra });
/** Down (conv, batch norm, ramp, pool), up (`up`, to the skip's size), catenate with the skip, pad, conv, batch norm, ramp. */
const unetBlock = (r: Random, up: (r: Random) => Obj, upChannels: number, padding: Json): Obj =>
  graph(
    {
      conv1: smallConv(r, 3, 2, [3, 3], { PaddingSize: 1 }),
      bn1: bn(r, 3),
      ramp1: pramp(r, [3]),
      pool: layer('PoolingLayer', { KernelSize: 2, Stride: 2 }),
      conv2: smallConv(r, 4, 3, [3, 3], { PaddingSize: 1 }),
      bn2: bn(r, 4),
      ramp2: pramp(r, [4]),
      up: up(r),
      cat: layer('CatenateLayer'),
      pad: pad([[0, 0], [1, 1], [1, 1]], padding),
      conv3: smallConv(r, 2, 3 + upChannels, [3, 3]),
      bn3: bn(r, 2),
      ramp3: pramp(r, [2]),
    },
    [[port('Input'), 'conv1', 'bn1', 'ramp1', 'pool', 'conv2', 'bn2', 'ramp2', 'up'], [['ramp1', 'up'], 'cat', 'pad', 'conv3', 'bn3', 'ramp3']],
    { Input: [2, 4, 4] },
  );
add('blocks', 'block-unet-deconvolution', (r) => ({ net: unetBlock(r, (q) => deconv(q, 3, 4, 1, [2, 2], { Stride: 2 }), 3, 'Reflected'), data: { Input: (r.reals([6]), r.reals([2, 4, 4])) } }));
add('blocks', 'block-unet-resize', (r) => ({ net: unetBlock(r, () => resize([{ Scaled: 2 }, { Scaled: 2 }]), 4, 0), data: { Input: r.reals([2, 4, 4]) } }));
add('blocks', 'block-unet-deconvolution-batch', (r) => {
  r.reals([4]); // a draw that moves the weights off a kink
  const net = unetBlock(r, (q) => deconv(q, 3, 4, 1, [3, 3], { Stride: 2, PaddingSize: [[1, 0], [1, 0]] }), 3, 'Fixed');
  return { net, data: [0, 1].map(() => ({ Input: r.reals([2, 4, 4]) })) };
});
