import { NetError } from '../../lib/errors';
import { LAYERS as REGISTRY } from '../../lib/layers/registry';
import { Net } from '../../lib/runtime';
import type { Json, NetJson } from '../../lib/wolfram/json';
import { LAYER_HEADS } from '../../lib/wolfram/layers';
import { printNet } from '../../lib/wolfram/print-net';
import { translateNet } from '../../lib/wolfram/translate';

/**
 * Forms per layer type, next to the registry's own examples (registry.test.ts sweeps those
 * with their arrays filled in): None biases, {"Dimensions", "Data"} arrays, defaults left out.
 */
const EXAMPLES: Record<string, NetJson[]> = {
  LinearLayer: [
    { type: 'LinearLayer', OutputDimensions: 2, Input: 3, Weights: [[1, 2.5, -3], [1e-7, 0, 4]], Biases: [0.5, -0.5] },
    { type: 'LinearLayer', OutputDimensions: [2, 3], Biases: null },
    { type: 'LinearLayer', Weights: { Dimensions: [2, 2], Data: [1, 2, 3, 4] } },
  ],
  ElementwiseLayer: [
    { type: 'ElementwiseLayer', Function: 'Ramp' },
    { type: 'ElementwiseLayer', Function: 'SELU' },
    { type: 'ElementwiseLayer', Function: '#^2 &' },
    { type: 'ElementwiseLayer', Function: 'If[# > 0, #, 0.1*#] &', Input: [2, 3] },
  ],
  SoftmaxLayer: [{ type: 'SoftmaxLayer' }, { type: 'SoftmaxLayer', Level: 1 }],
  CrossEntropyLossLayer: [
    { type: 'CrossEntropyLossLayer', TargetForm: 'Index', Input: 3, Target: { Index: 3 } },
    { type: 'CrossEntropyLossLayer', TargetForm: 'Binary', Input: 'Real', Target: 'Real' },
  ],
  MeanSquaredLossLayer: [{ type: 'MeanSquaredLossLayer', Input: [2, 2] }],
  MeanAbsoluteLossLayer: [{ type: 'MeanAbsoluteLossLayer' }],
  PartLayer: [
    { type: 'PartLayer', Specification: 1, Input: [3, 2, 2] },
    { type: 'PartLayer', Specification: [1, '2;;3', 'All', '1;;-1;;2'] },
    { type: 'PartLayer', Specification: 'All' },
  ],
  PoolingLayer: [
    { type: 'PoolingLayer', KernelSize: [2, 2], Stride: 2, Function: 'Max', Input: [1, 4, 4] },
    { type: 'PoolingLayer', KernelSize: [2, 2], Function: 'Mean' },
    { type: 'PoolingLayer', KernelSize: 3, PaddingSize: [[0, 1]], Function: 'Total' },
  ],
  ConvolutionLayer: [
    {
      type: 'ConvolutionLayer',
      OutputChannels: 2,
      KernelSize: [3, 3],
      Stride: [1, 2],
      PaddingSize: 1,
      Dilation: 2,
      ChannelGroups: 1,
      Weights: [[[[1]]], [[[2]]]],
      Biases: [0, 1],
    },
    { type: 'ConvolutionLayer', OutputChannels: 4, Stride: 2 },
  ],
  BatchNormalizationLayer: [
    { type: 'BatchNormalizationLayer', Epsilon: 0.001, Momentum: 0.9, Scaling: [1, 2], Biases: [0, 0], MovingMean: [0.5, 1], MovingVariance: [1, 4] },
  ],
  DropoutLayer: [{ type: 'DropoutLayer', DropoutProbability: 0.3 }, { type: 'DropoutLayer' }],
  EmbeddingLayer: [{ type: 'EmbeddingLayer', OutputDimension: 2, ClassCount: 3, Weights: [[1, 2], [3, 4], [5, 6]], Input: { Index: 3, Dimensions: [4] } }],
  FlattenLayer: [{ type: 'FlattenLayer' }, { type: 'FlattenLayer', Level: -1 }],
  ReshapeLayer: [{ type: 'ReshapeLayer', Dimensions: [2, 3] }],
  CatenateLayer: [{ type: 'CatenateLayer' }, { type: 'CatenateLayer', Level: 2 }],
  ThreadingLayer: [
    { type: 'ThreadingLayer', Function: 'Plus' },
    { type: 'ThreadingLayer', Function: '# + #2 &' },
    { type: 'ThreadingLayer', Function: 'Max[#a, #b] &' },
  ],
  TotalLayer: [{ type: 'TotalLayer' }],
  SummationLayer: [{ type: 'SummationLayer' }],
  DotLayer: [{ type: 'DotLayer' }],
  AggregationLayer: [
    { type: 'AggregationLayer', Function: 'Max', Levels: '2;;All' },
    { type: 'AggregationLayer', Function: 'Mean', Levels: [1, 3] },
    { type: 'AggregationLayer', Function: 'Total' },
  ],
  ReplicateLayer: [{ type: 'ReplicateLayer', Specification: 3 }, { type: 'ReplicateLayer', Specification: [2, 3], Level: 2 }],
  TransposeLayer: [
    { type: 'TransposeLayer' },
    { type: 'TransposeLayer', Specification: [2, 1, 3] },
    { type: 'TransposeLayer', Specification: [[1, 2]] },
    { type: 'TransposeLayer', Specification: [[1, 3], [2, 4]] },
  ],
  ConstantArrayLayer: [{ type: 'ConstantArrayLayer', Array: [[1, 2], [3, 4]] }],
  NetArrayLayer: [{ type: 'NetArrayLayer', Array: [0.25, -1], Output: [2] }, { type: 'NetArrayLayer', Output: [2] }],
  // issue 12 (w12c)
  NormalizationLayer: [
    { type: 'NormalizationLayer' },
    { type: 'NormalizationLayer', AggregationLevels: '2;;All', ScalingLevels: 'Same', Epsilon: 0.01, Scaling: null, Biases: null },
    { type: 'NormalizationLayer', AggregationLevels: [1, -1], ScalingLevels: [2], GroupNumber: [2, 1], Unbiased: true, Method: 'RMS' },
  ],
  LocalResponseNormalizationLayer: [
    { type: 'LocalResponseNormalizationLayer' },
    { type: 'LocalResponseNormalizationLayer', ChannelWindowSize: 1, Alpha: 0.0001, Beta: 0.75, Bias: 2, Input: [3, 4, 4] },
  ],
  FunctionLayer: [
    { type: 'FunctionLayer', Function: 'Total[#^2] &', Input: 3 },
    { type: 'FunctionLayer', Function: '#x . #y + #x[[1]] &', x: [2, 2], y: 2 },
    { type: 'FunctionLayer', Function: 'Apply[Function[{a, b}, Catenate[{a, b}]]]', Input1: [2], Input2: [3] },
    { type: 'FunctionLayer', Function: 'Sin' },
  ],
  // Image-model layers (issue 12)
  ParametricRampLayer: [{ type: 'ParametricRampLayer' }, { type: 'ParametricRampLayer', Levels: [], Slope: { Dimensions: [], Data: [0.3] } }, { type: 'ParametricRampLayer', Levels: ['2;;3'], Input: [2, 3, 2] }],
  PaddingLayer: [{ type: 'PaddingLayer', Specification: [[0, 0], [1, 2]] }, { type: 'PaddingLayer', Specification: [[1, 1]], Padding: 'Periodic' }, { type: 'PaddingLayer', Specification: [[0, 1]], Padding: -2.5 }],
  ResizeLayer: [{ type: 'ResizeLayer', Specification: [{ Scaled: 2 }, 5] }, { type: 'ResizeLayer', Specification: [{ Scaled: 3 }], Resampling: 'Nearest', Input: [2, 8] }],
  ImageAugmentationLayer: [{ type: 'ImageAugmentationLayer', CropSize: [2, 3] }, { type: 'ImageAugmentationLayer', CropSize: 4, ReflectionProbabilities: [0.5, 0] }],
  DeconvolutionLayer: [
    { type: 'DeconvolutionLayer', OutputChannels: 2, KernelSize: [2, 2], Stride: 2 },
    { type: 'DeconvolutionLayer', OutputChannels: 4, KernelSize: 3, PaddingSize: [[1, 0], [0, 1]], Dilation: [1, 2], ChannelGroups: 2, Biases: null, Input: [2, 3, 3] },
  ],
};

const allLayers = Object.values(EXAMPLES).flat();

const BIG_GRAPH: NetJson = {
  type: 'NetGraph',
  Layers: Object.fromEntries(allLayers.map((l, i) => [`l${i}`, l])),
  Edges: [
    [{ NetPort: 'x' }, 'l0', 'l4'],
    [['l4', 'l5'], 'l6', { NetPort: 'y' }],
    [{ NetPort: ['l1', 'Output'] }, { NetPort: ['l2', 'Input'] }],
    [1, 2],
  ],
  x: 3,
  y: 'Real',
  z: { Index: 5 },
};

const CHAIN: NetJson = {
  type: 'NetChain',
  Layers: [
    { type: 'LinearLayer', OutputDimensions: 3 },
    'Ramp',
    'Tanh',
    'ReLU',
    '#^3 &',
    4,
    { type: 'NetChain', Layers: { a: 'LogisticSigmoid', b: { type: 'NetGraph', Layers: ['Ramp'], Edges: [] } } },
  ],
  Input: 2,
  Output: [4],
};

describe('net JSON → Wolfram → JSON is the identity', () => {
  test('the Wolfram layer table is the layer registry', () => {
    expect([...LAYER_HEADS].sort()).toEqual(REGISTRY.map((l) => l.type).sort());
    expect(Object.keys(EXAMPLES).sort()).toEqual([...LAYER_HEADS].sort());
  });

  test.each(allLayers.map((l) => [printNet(l), l] as const))('%s', (_text, json) => {
    expect(translateNet(printNet(json))).toEqual(json);
  });

  test('a graph holding every layer', () => {
    expect(translateNet(printNet(BIG_GRAPH))).toEqual(BIG_GRAPH);
  });

  test('a chain with bare layers and nested containers', () => {
    const text = printNet(CHAIN);
    expect(text).toBe(
      'NetChain[{LinearLayer[3], Ramp, Tanh, ElementwiseLayer["ReLU"], ElementwiseLayer[#^3 &], 4, NetChain[<|"a" -> LogisticSigmoid, "b" -> NetGraph[{Ramp}, {}]|>]}, "Input" -> 2, "Output" -> {4}]',
    );
    // A bare "ReLU" or pure function in a chain is not Wolfram syntax, so it is written out in full.
    const back = translateNet(text) as unknown as { Layers: Json[] };
    expect(back.Layers[3]).toEqual({ type: 'ElementwiseLayer', Function: 'ReLU' });
    expect(back.Layers[4]).toEqual({ type: 'ElementwiseLayer', Function: '#^3 &' });
  });

  test('printed forms read as Mathematica prints them', () => {
    expect(printNet(EXAMPLES.LinearLayer?.[0] as NetJson)).toBe(
      'LinearLayer[2, "Input" -> 3, "Weights" -> {{1., 2.5, -3.}, {1.*^-7, 0., 4.}}, "Biases" -> {0.5, -0.5}]',
    );
    expect(printNet(EXAMPLES.PoolingLayer?.[1] as NetJson)).toBe('PoolingLayer[{2, 2}, "Function" -> Mean]');
    expect(printNet(EXAMPLES.TransposeLayer?.[3] as NetJson)).toBe('TransposeLayer[{1 <-> 3, 2 <-> 4}]');
    expect(printNet(EXAMPLES.ConstantArrayLayer?.[0] as NetJson)).toBe('ConstantArrayLayer["Array" -> {{1., 2.}, {3., 4.}}]');
    expect(printNet(EXAMPLES.EmbeddingLayer?.[0] as NetJson)).toBe(
      'EmbeddingLayer[2, 3, "Weights" -> {{1., 2.}, {3., 4.}, {5., 6.}}, "Input" -> {4, Restricted["Integer", 3]}]',
    );
  });
});

describe('Wolfram → JSON → Wolfram is stable for printed text', () => {
  test.each([
    'NetChain[{LinearLayer[3, "Weights" -> {{1., 2.}, {3., 4.}, {5., 6.}}, "Biases" -> {0.1, 0.2, 0.3}], Ramp, LinearLayer[1]}, "Input" -> 2]',
    'NetGraph[<|"a" -> LinearLayer[2], "b" -> ElementwiseLayer[Max[#, 0.1*#] &]|>, {NetPort["x"] -> "a" -> "b" -> NetPort["y"]}, "x" -> 3]',
    'PoolingLayer[{2, 2}, 2, "Function" -> Mean, "PaddingSize" -> {{0, 1}, {1, 0}}]',
    'AggregationLayer[Max, 2 ;; All]',
    'PartLayer[{1, 2 ;; 3, All}]',
  ])('%s', (text) => {
    expect(printNet(translateNet(text))).toBe(text);
  });
});

describe('ThreadingLayer with named slots: the slots are Input1, Input2, ... in order of first appearance', () => {
  const text =
    'NetGraph[<|"sq" -> ElementwiseLayer[#^2 &], "t" -> ThreadingLayer[#y - 2*#x &, "x" -> 2]|>, {NetPort["p"] -> "sq" -> NetPort[{"t", "x"}], NetPort["q"] -> NetPort[{"t", "y"}]}, "p" -> 2, "q" -> 2]';
  const json: NetJson = {
    type: 'NetGraph',
    Layers: { sq: { type: 'ElementwiseLayer', Function: '#^2 &' }, t: { type: 'ThreadingLayer', Function: '#y - 2*#x &', Input2: 2 } },
    Edges: [
      [{ NetPort: 'p' }, 'sq', { NetPort: ['t', 'Input2'] }],
      [{ NetPort: 'q' }, { NetPort: ['t', 'Input1'] }],
    ],
    p: 2,
    q: 2,
  };

  test('Wolfram port names become Input<k>, and are printed back', () => {
    expect(translateNet(text)).toEqual(json);
    expect(printNet(json)).toBe(text);
  });

  test('positions and nested containers resolve too', () => {
    const nested = 'NetChain[{NetGraph[{ThreadingLayer[#b/#a &]}, {NetPort["u"] -> NetPort[{1, "a"}], NetPort["v"] -> NetPort[1, "b"]}]}]';
    expect(translateNet(nested)).toEqual({
      type: 'NetChain',
      Layers: [
        {
          type: 'NetGraph',
          Layers: [{ type: 'ThreadingLayer', Function: '#b/#a &' }],
          Edges: [
            [{ NetPort: 'u' }, { NetPort: [1, 'Input2'] }],
            [{ NetPort: 'v' }, { NetPort: [1, 'Input1'] }],
          ],
        },
      ],
    });
  });

  test('the net computes #y - 2 #x with x = p^2 and y = q', async () => {
    const net = await Net.load(translateNet(text), { backend: 'cpu' });
    try {
      const r = net.evaluate({ p: [1, 2], q: [10, 20] }, { outputs: ['Output'], gradients: ['p', 'q'] });
      expect(r.outputs.Output).toEqual([8, 12]);
      expect(r.gradients.map((g) => g.value)).toEqual([[-4, -8], [1, 1]]);
    } finally {
      net.dispose();
    }
  });
});

describe('printNet errors', () => {
  test.each([
    [{ type: 'FooLayer' }, 'Invalid net: unknown layer type "FooLayer"'],
    [{ type: 'LinearLayer', Foo: 1 }, 'Invalid net: LinearLayer: LinearLayer has no parameter "Foo"'],
    [{ type: 'LinearLayer', OutputDimensions: 0 }, 'Invalid net: LinearLayer "OutputDimensions": expected an integer, got 0'],
    [{ type: 'LinearLayer', Weights: [[1, 'a']] }, 'Invalid net: LinearLayer "Weights": expected an array of numbers'],
    [{ type: 'ElementwiseLayer', Function: 'Ramp], Evil[' }, 'Invalid net: ElementwiseLayer "Function": "Ramp], Evil[": Wolfram syntax: unexpected "]" at line 1, column 5'],
    [{ type: 'NetChain', Layers: [{ type: 'PartLayer', Specification: '1;;x;;' }] }, 'Invalid net: layer 1 (PartLayer) "Specification": "1;;x;;": Wolfram syntax: expected an expression at line 1, column 7'],
    [{ type: 'NetGraph', Layers: [], Edges: [[1]] }, 'Invalid net: NetGraph edge: expected an edge [from, to], got [1]'],
  ] as [Json, string][])('%j', (json, message) => {
    expect(() => printNet(json)).toThrow(new NetError('invalid_net', message));
  });
});
