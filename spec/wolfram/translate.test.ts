import {
  translateData,
  translateNet,
  translateRequest,
  translateResult,
  translateCase,
} from '../../lib/wolfram/translate';
import { netErrorOf as errorOf } from './net-error';

describe('translateNet: every layer form', () => {
  test.each([
    ['LinearLayer[3, "Input" -> 2]', { type: 'LinearLayer', OutputDimensions: 3, Input: 2 }],
    ['LinearLayer[{2, 3}]', { type: 'LinearLayer', OutputDimensions: [2, 3] }],
    ['LinearLayer[]', { type: 'LinearLayer' }],
    [
      'LinearLayer[2, "Weights" -> {{1., 2.}, {3, 4}}, "Biases" -> None]',
      { type: 'LinearLayer', OutputDimensions: 2, Weights: [[1, 2], [3, 4]], Biases: null },
    ],
    ['LinearLayer[2, "Weights" -> Automatic]', { type: 'LinearLayer', OutputDimensions: 2 }],
    ['LinearLayer[1, "Weights" -> NumericArray[{{1, 2}}, "Real32"]]', { type: 'LinearLayer', OutputDimensions: 1, Weights: [[1, 2]] }],
    ['LinearLayer[1, "Weights" -> RawArray["Real32", {{1, 2}}]]', { type: 'LinearLayer', OutputDimensions: 1, Weights: [[1, 2]] }],
    ['LinearLayer[1, "Biases" -> {1/2}]', { type: 'LinearLayer', OutputDimensions: 1, Biases: [0.5] }],
    [
      'LinearLayer[1, "Weights" -> ArrayReshape[{1., 2., 3., 4.}, {1, 4}]]',
      { type: 'LinearLayer', OutputDimensions: 1, Weights: { Dimensions: [1, 4], Data: [1, 2, 3, 4] } },
    ],
    // issue 12 (w12c): NormalizationLayer's levels and options, Scaling -> None
    [
      'NormalizationLayer[2;;, "Same", "Epsilon" -> 0.01, "Unbiased" -> True, Method -> "RMS", "GroupNumber" -> {2}, "Scaling" -> None]',
      { type: 'NormalizationLayer', AggregationLevels: '2;;All', ScalingLevels: 'Same', Epsilon: 0.01, Unbiased: true, Method: 'RMS', GroupNumber: [2], Scaling: null },
    ],
    ['FunctionLayer[#x . #y &, "x" -> {2, 3}, "y" -> 3]', { type: 'FunctionLayer', Function: '#x . #y &', x: [2, 3], y: 3 }],
    ['FunctionLayer[Apply[#1 + #2 &], "Input1" -> 2, "Input2" -> 2]', { type: 'FunctionLayer', Function: 'Apply[# + #2 &]', Input1: 2, Input2: 2 }],
    ['FunctionLayer[Total[#[[All, 1 ;; 2]]] &, "Input" -> {3, 3}]', { type: 'FunctionLayer', Function: 'Total[#[[All, 1 ;; 2]]] &', Input: [3, 3] }],
    ['NormalizationLayer[{1, -1}, 2, "GroupNumber" -> None]', { type: 'NormalizationLayer', AggregationLevels: [1, -1], ScalingLevels: 2 }],
    ['PoolingLayer[{2, 2}, 2, "Function" -> Mean]', { type: 'PoolingLayer', KernelSize: [2, 2], Stride: 2, Function: 'Mean' }],
    ['PoolingLayer[3]', { type: 'PoolingLayer', KernelSize: 3 }],
    [
      'PoolingLayer[{2, 2}, "Stride" -> {1, 2}, PaddingSize -> {{0, 1}, {1, 0}}, "Function" -> Total, Interleaving -> False]',
      { type: 'PoolingLayer', KernelSize: [2, 2], Stride: [1, 2], PaddingSize: [[0, 1], [1, 0]], Function: 'Total' },
    ],
    ['ConvolutionLayer[16, {3, 3}, "Stride" -> 2]', { type: 'ConvolutionLayer', OutputChannels: 16, KernelSize: [3, 3], Stride: 2 }],
    [
      'ConvolutionLayer[4, 3, "PaddingSize" -> 1, "Dilation" -> {1, 2}, "ChannelGroups" -> 2, "Input" -> {4, 8, 8}]',
      { type: 'ConvolutionLayer', OutputChannels: 4, KernelSize: 3, PaddingSize: 1, Dilation: [1, 2], ChannelGroups: 2, Input: [4, 8, 8] },
    ],
    ['ElementwiseLayer[Ramp]', { type: 'ElementwiseLayer', Function: 'Ramp' }],
    ['ElementwiseLayer[System`Tanh]', { type: 'ElementwiseLayer', Function: 'Tanh' }],
    ['ElementwiseLayer["ReLU"]', { type: 'ElementwiseLayer', Function: 'ReLU' }],
    ['ElementwiseLayer[#^2 &]', { type: 'ElementwiseLayer', Function: '#^2 &' }],
    ['ElementwiseLayer[#1^2&]', { type: 'ElementwiseLayer', Function: '#^2 &' }],
    ['ElementwiseLayer[Max[#, 0.1 #] &]', { type: 'ElementwiseLayer', Function: 'Max[#, 0.1*#] &' }],
    ['ElementwiseLayer[Function[x, x^3]]', { type: 'ElementwiseLayer', Function: 'Function[x, x^3]' }],
    ['SoftmaxLayer[]', { type: 'SoftmaxLayer' }],
    ['SoftmaxLayer[1]', { type: 'SoftmaxLayer', Level: 1 }],
    ['CrossEntropyLossLayer["Index"]', { type: 'CrossEntropyLossLayer', TargetForm: 'Index' }],
    [
      'CrossEntropyLossLayer["Binary", "Input" -> "Real", "Target" -> "Real"]',
      { type: 'CrossEntropyLossLayer', TargetForm: 'Binary', Input: 'Real', Target: 'Real' },
    ],
    ['MeanSquaredLossLayer[]', { type: 'MeanSquaredLossLayer' }],
    ['MeanAbsoluteLossLayer["Input" -> {2, 3}]', { type: 'MeanAbsoluteLossLayer', Input: [2, 3] }],
    ['PartLayer[1]', { type: 'PartLayer', Specification: 1 }],
    ['PartLayer[-1]', { type: 'PartLayer', Specification: -1 }],
    ['PartLayer[All]', { type: 'PartLayer', Specification: 'All' }],
    ['PartLayer[{1, 2 ;; 3}]', { type: 'PartLayer', Specification: [1, '2;;3'] }],
    ['PartLayer[{All, 1 ;; -1 ;; 2, ;;}]', { type: 'PartLayer', Specification: ['All', '1;;-1;;2', '1;;All'] }],
    ['BatchNormalizationLayer[]', { type: 'BatchNormalizationLayer' }],
    [
      'BatchNormalizationLayer["Epsilon" -> 0.001`, "Momentum" -> 0.9, "Scaling" -> {1., 2.}, "Biases" -> {0., 0.}, "MovingMean" -> {0., 1.}, "MovingVariance" -> {1., 1.}]',
      {
        type: 'BatchNormalizationLayer',
        Epsilon: 0.001,
        Momentum: 0.9,
        Scaling: [1, 2],
        Biases: [0, 0],
        MovingMean: [0, 1],
        MovingVariance: [1, 1],
      },
    ],
    ['DropoutLayer[]', { type: 'DropoutLayer' }],
    ['DropoutLayer[0.3]', { type: 'DropoutLayer', DropoutProbability: 0.3 }],
    ['DropoutLayer[0.3, Method -> "AlphaDropout"]', { type: 'DropoutLayer', DropoutProbability: 0.3 }],
    ['EmbeddingLayer[8, 10]', { type: 'EmbeddingLayer', OutputDimension: 8, ClassCount: 10 }],
    ['EmbeddingLayer[8]', { type: 'EmbeddingLayer', OutputDimension: 8 }],
    ['FlattenLayer[]', { type: 'FlattenLayer' }],
    ['FlattenLayer[Infinity]', { type: 'FlattenLayer', Level: 'Infinity' }],
    ['FlattenLayer[-2]', { type: 'FlattenLayer', Level: -2 }],
    ['ReshapeLayer[{2, 3}]', { type: 'ReshapeLayer', Dimensions: [2, 3] }],
    ['ReshapeLayer[{Inherited, Automatic, 2}]', { type: 'ReshapeLayer', Dimensions: ['Inherited', 'Automatic', 2] }],
    ['ReshapeLayer[{All, 1}]', { type: 'ReshapeLayer', Dimensions: ['All', 1] }],
    ['ReshapeLayer[{}]', { type: 'ReshapeLayer', Dimensions: [] }],
    ['CatenateLayer[]', { type: 'CatenateLayer' }],
    ['CatenateLayer[2]', { type: 'CatenateLayer', Level: 2 }],
    ['ThreadingLayer[Plus]', { type: 'ThreadingLayer', Function: 'Plus' }],
    ['ThreadingLayer[Times, Automatic]', { type: 'ThreadingLayer', Function: 'Times' }],
    ['ThreadingLayer[#1 + #2 &]', { type: 'ThreadingLayer', Function: '# + #2 &' }],
    ['ThreadingLayer[#a*#b &]', { type: 'ThreadingLayer', Function: '#a*#b &' }],
    // Named slots are the ports Input1, Input2, ... in order of first appearance.
    ['ThreadingLayer[#b - #a &, "a" -> 3, "b" -> {3}]', { type: 'ThreadingLayer', Function: '#b - #a &', Input2: 3, Input1: [3] }],
    ['ThreadingLayer[#b - #a &, InputPorts -> <|"b" -> 3, "a" -> 2|>]', { type: 'ThreadingLayer', Function: '#b - #a &', Inputs: [3, 2] }],
    ['ThreadingLayer[Plus, InputPorts -> {3, 3, "Real"}]', { type: 'ThreadingLayer', Function: 'Plus', Inputs: [3, 3, 'Real'] }],
    ['ThreadingLayer[Plus, InputPorts -> <|"Input1" -> 3, "Input2" -> 3|>]', { type: 'ThreadingLayer', Function: 'Plus', Inputs: [3, 3] }],
    ['TotalLayer["Inputs" -> {{2, 2}, {2, 2}}]', { type: 'TotalLayer', Inputs: [[2, 2], [2, 2]] }],
    ['CatenateLayer[-1, InputPorts -> {2, 3}]', { type: 'CatenateLayer', Level: -1, Inputs: [2, 3] }],
    ['DotLayer["Inputs" -> {{2, 3}, 3}]', { type: 'DotLayer', Inputs: [[2, 3], 3] }],
    ['DotLayer[InputPorts -> {{2, 3}, {3, 4}, {4, 2}}]', { type: 'DotLayer', Inputs: [[2, 3], [3, 4], [4, 2]] }],
    ['TotalLayer[]', { type: 'TotalLayer' }],
    ['SummationLayer[]', { type: 'SummationLayer' }],
    ['DotLayer[]', { type: 'DotLayer' }],
    ['AggregationLayer[Max, 2 ;; All]', { type: 'AggregationLayer', Function: 'Max', Levels: '2;;All' }],
    ['AggregationLayer[Mean]', { type: 'AggregationLayer', Function: 'Mean' }],
    ['AggregationLayer[Total, {1, 3}]', { type: 'AggregationLayer', Function: 'Total', Levels: [1, 3] }],
    ['AggregationLayer[Min, 2]', { type: 'AggregationLayer', Function: 'Min', Levels: 2 }],
    ['AggregationLayer[Times, -1]', { type: 'AggregationLayer', Function: 'Times', Levels: -1 }],
    ['AggregationLayer[Total, All]', { type: 'AggregationLayer', Function: 'Total', Levels: 'All' }],
    ['AggregationLayer[Max, {1, 3 ;; -1}]', { type: 'AggregationLayer', Function: 'Max', Levels: [1, '3;;-1'] }],
    ['AggregationLayer[Mean, {;; 2, -1}]', { type: 'AggregationLayer', Function: 'Mean', Levels: ['1;;2', -1] }],
    ['AggregationLayer[Total, {}]', { type: 'AggregationLayer', Function: 'Total', Levels: [] }],
    ['ReplicateLayer[3]', { type: 'ReplicateLayer', Specification: 3 }],
    ['ReplicateLayer[{2, 3}, 2]', { type: 'ReplicateLayer', Specification: [2, 3], Level: 2 }],
    ['ReplicateLayer[Automatic, "Output" -> {4, 3}]', { type: 'ReplicateLayer', Specification: 'Automatic', Output: [4, 3] }],
    ['ReplicateLayer[{2, Automatic}, -1]', { type: 'ReplicateLayer', Specification: [2, 'Automatic'], Level: -1 }],
    ['TransposeLayer[]', { type: 'TransposeLayer' }],
    ['TransposeLayer[{2, 1}]', { type: 'TransposeLayer', Specification: [2, 1] }],
    ['TransposeLayer[1 <-> 2]', { type: 'TransposeLayer', Specification: [[1, 2]] }],
    ['TransposeLayer[{1 <-> 3, 2 <-> 4}]', { type: 'TransposeLayer', Specification: [[1, 3], [2, 4]] }],
    ['TransposeLayer[3]', { type: 'TransposeLayer', Specification: 3 }],
    ['PartLayer[{{3, 1, -1}, 2}]', { type: 'PartLayer', Specification: [[3, 1, -1], 2] }],
    [
      'ConvolutionLayer[8, {3, 3}, "Stride" -> 2, "PaddingSize" -> {{1, 0}, {0, 1}}, "Dilation" -> {2, 1}, "ChannelGroups" -> 4, "Biases" -> None]',
      { type: 'ConvolutionLayer', OutputChannels: 8, KernelSize: [3, 3], Stride: 2, PaddingSize: [[1, 0], [0, 1]], Dilation: [2, 1], ChannelGroups: 4, Biases: null },
    ],
    [
      'BatchNormalizationLayer["Epsilon" -> 1.*^-5, "Scaling" -> {2., 1.}, "MovingMean" -> {0.5, -1.}, "Input" -> {2, 3}]',
      { type: 'BatchNormalizationLayer', Epsilon: 1e-5, Scaling: [2, 1], MovingMean: [0.5, -1], Input: [2, 3] },
    ],
    ['ConstantArrayLayer[{1., 2.}]', { type: 'ConstantArrayLayer', Array: [1, 2] }],
    ['ConstantArrayLayer["Array" -> {{1., 2.}}]', { type: 'ConstantArrayLayer', Array: [[1, 2]] }],
    ['NetArrayLayer["Array" -> {1., -2.}]', { type: 'NetArrayLayer', Array: [1, -2] }],
    ['NetArrayLayer["Output" -> {2}]', { type: 'NetArrayLayer', Output: [2] }],
    ['LinearLayer[2, LearningRateMultipliers -> 0]', { type: 'LinearLayer', OutputDimensions: 2 }],
  ])('%s', (text, json) => {
    expect(translateNet(text)).toEqual(json);
  });
});

describe('translateNet: port shapes', () => {
  test.each([
    ['2', 2],
    ['{3, 32, 32}', [3, 32, 32]],
    ['"Real"', 'Real'],
    ['Restricted["Integer", 10]', { Index: 10 }],
    ['Restricted[Integer, 10]', { Index: 10 }],
    ['{3, Restricted["Integer", 10]}', { Index: 10, Dimensions: [3] }],
    ['{2, 4, Restricted["Integer", 5]}', { Index: 5, Dimensions: [2, 4] }],
  ])('"Input" -> %s', (shape, json) => {
    expect(translateNet(`LinearLayer[1, "Input" -> ${shape}]`)).toEqual({ type: 'LinearLayer', OutputDimensions: 1, Input: json });
  });
});

describe('translateNet: containers', () => {
  test('a chain with bare functions and integers', () => {
    expect(translateNet('NetChain[{LinearLayer[3], Ramp, 5, Tanh, LogisticSigmoid, LinearLayer[1]}, "Input" -> 2]')).toEqual({
      type: 'NetChain',
      Layers: [{ type: 'LinearLayer', OutputDimensions: 3 }, 'Ramp', 5, 'Tanh', 'LogisticSigmoid', { type: 'LinearLayer', OutputDimensions: 1 }],
      Input: 2,
    });
  });

  test('a chain given as an association, with options and a loss', () => {
    expect(
      translateNet('NetChain[<|"enc" -> NetChain[{LinearLayer[4], Ramp}], "soft" -> SoftmaxLayer[], "loss" -> CrossEntropyLossLayer["Index"]|>, "Input" -> 3, "Target" -> Restricted["Integer", 4]]'),
    ).toEqual({
      type: 'NetChain',
      Layers: {
        enc: { type: 'NetChain', Layers: [{ type: 'LinearLayer', OutputDimensions: 4 }, 'Ramp'] },
        soft: { type: 'SoftmaxLayer' },
        loss: { type: 'CrossEntropyLossLayer', TargetForm: 'Index' },
      },
      Input: 3,
      Target: { Index: 4 },
    });
  });

  test('a nested list in a chain is a nested NetChain', () => {
    expect(translateNet('NetChain[{{2, Ramp}, 1}]')).toEqual({
      type: 'NetChain',
      Layers: [{ type: 'NetChain', Layers: [2, 'Ramp'] }, 1],
    });
  });

  test('a graph with every edge form', () => {
    expect(
      translateNet(
        'NetGraph[{LinearLayer[2], LinearLayer[2], ThreadingLayer[Plus], Tanh}, {NetPort["x"] -> 1 -> NetPort[{3, "Input1"}], NetPort["y"] -> 2, {1, 2} -> 3 -> 4 -> NetPort["out"], NetPort[2, "Output"] -> NetPort["aux"]}, "x" -> 3, "y" -> 3]',
      ),
    ).toEqual({
      type: 'NetGraph',
      Layers: [
        { type: 'LinearLayer', OutputDimensions: 2 },
        { type: 'LinearLayer', OutputDimensions: 2 },
        { type: 'ThreadingLayer', Function: 'Plus' },
        'Tanh',
      ],
      Edges: [
        [{ NetPort: 'x' }, 1, { NetPort: [3, 'Input1'] }],
        [{ NetPort: 'y' }, 2],
        [[1, 2], 3, 4, { NetPort: 'out' }],
        [{ NetPort: [2, 'Output'] }, { NetPort: 'aux' }],
      ],
      x: 3,
      y: 3,
    });
  });

  test('a graph with named layers and nested ports', () => {
    expect(
      translateNet('NetGraph[<|"enc" -> NetChain[{LinearLayer[2]}], "loss" -> MeanSquaredLossLayer[]|>, {"enc" -> NetPort["loss", "Input"], NetPort[{"enc", 1, "Output"}] -> NetPort["hidden"]}]'),
    ).toEqual({
      type: 'NetGraph',
      Layers: {
        enc: { type: 'NetChain', Layers: [{ type: 'LinearLayer', OutputDimensions: 2 }] },
        loss: { type: 'MeanSquaredLossLayer' },
      },
      Edges: [
        ['enc', { NetPort: ['loss', 'Input'] }],
        [{ NetPort: ['enc', 1, 'Output'] }, { NetPort: 'hidden' }],
      ],
    });
  });
});

describe('translateNet: errors name the symbol and its place', () => {
  test.each([
    ['FooLayer[3]', 'unsupported', 'Unsupported: netport does not support FooLayer at line 1, column 1'],
    ['NetChain[{LinearLayer[2], Gamma}]', 'unsupported', 'Unsupported: layer 2 (ElementwiseLayer): uses Gamma, which netport cannot compute at line 1, column 27'],
    ['Plus[1, 2]', 'invalid_net', 'Invalid net: Plus is not a layer at line 1, column 1'],
    ['NetChain[{LinearLayer[2], BarLayer[]}]', 'unsupported', 'Unsupported: layer 2: netport does not support BarLayer at line 1, column 27'],
    ['LinearLayer[3, "Foo" -> 2]', 'unsupported', 'Unsupported: LinearLayer: LinearLayer has no option "Foo" that netport supports at line 1, column 16'],
    ['LinearLayer[-1]', 'invalid_net', 'Invalid net: LinearLayer "OutputDimensions": expected a positive integer or a list of them, got -1 at line 1, column 13'],
    ['LinearLayer[3, 4]', 'invalid_net', 'Invalid net: LinearLayer: LinearLayer takes 1 positional argument, got 4 at line 1, column 16'],
    ['LinearLayer["Input" -> 2, 3]', 'invalid_net', 'Invalid net: LinearLayer: positional arguments must come before options at line 1, column 27'],
    ['LinearLayer[3, "Input" -> 2, "Input" -> 3]', 'invalid_net', 'Invalid net: LinearLayer: Input is given twice at line 1, column 30'],
    [
      'NetChain[{LinearLayer[3, "Weights" -> {{1, x}}]}]',
      'invalid_net',
      'Invalid net: layer 1 (LinearLayer) "Weights": expected a number or an array of numbers, got x at line 1, column 44',
    ],
    ['LinearLayer[3, "Weights" -> None]', 'invalid_net', 'Invalid net: LinearLayer "Weights": Weights cannot be None at line 1, column 29'],
    ['FunctionLayer["ReLU"]', 'invalid_net', 'Invalid net: FunctionLayer "Function": expected a pure function such as Total[#^2] &, got "ReLU" at line 1, column 15'],
    ['FunctionLayer[#x &, "y" -> 3]', 'unsupported', 'Unsupported: FunctionLayer: FunctionLayer has no option "y" that netport supports at line 1, column 21'],
    ['NormalizationLayer["Method" -> "Other"]', 'invalid_net', 'Invalid net: NormalizationLayer "Method": expected "Standardize" or "RMS", got "Other" at line 1, column 32'],
    ['BatchNormalizationLayer["Scaling" -> None]', 'invalid_net', 'Invalid net: BatchNormalizationLayer "Scaling": Scaling cannot be None at line 1, column 38'],
    ['LinearLayer[3, "Input" -> NetEncoder[{"Class", {a, b}}]]', 'unsupported', 'Unsupported: LinearLayer "Input": NetEncoder["Class"] is not supported (netport supports "Image") at line 1, column 39'],
    ['LinearLayer[3, "Input" -> "Integer"]', 'unsupported', 'Unsupported: LinearLayer "Input": "Integer" ports need a range: use Restricted["Integer", n] at line 1, column 27'],
    ['LinearLayer[3, "Input" -> {"Varying", 2}]', 'unsupported', 'Unsupported: LinearLayer "Input": dimension "Varying" is not supported at line 1, column 28'],
    ['ElementwiseLayer[Gamma[#] &]', 'unsupported', 'Unsupported: ElementwiseLayer "Function": uses Gamma, which netport cannot compute at line 1, column 18'],
    ['ElementwiseLayer[#1 + #2 &]', 'invalid_net', 'Invalid net: ElementwiseLayer "Function": uses #2 but the layer has 1 input at line 1, column 23'],
    ['ElementwiseLayer["Nope"]', 'unsupported', 'Unsupported: ElementwiseLayer "Function": ElementwiseLayer["Nope"] is not a function netport knows at line 1, column 18'],
    ['PoolingLayer[2, "Function" -> Median]', 'unsupported', 'Unsupported: PoolingLayer "Function": Median is not supported here (netport supports Max, Mean, Total) at line 1, column 31'],
    ['PoolingLayer[2, PaddingSize -> "Same"]', 'unsupported', 'Unsupported: PoolingLayer "PaddingSize": PaddingSize -> "Same" is not supported at line 1, column 32'],
    ['ConvolutionLayer[2, 3, Interleaving -> True]', 'unsupported', 'Unsupported: ConvolutionLayer: Interleaving -> True is not supported at line 1, column 24'],
    ['ThreadingLayer[Plus, 1]', 'unsupported', 'Unsupported: ThreadingLayer "#Broadcasting": only Automatic is supported here, got 1 at line 1, column 22'],
    ['PartLayer[0]', 'invalid_net', 'Invalid net: PartLayer "Specification": expected a part (a nonzero integer, All or a span), got 0 at line 1, column 11'],
    ['PartLayer[{{1, 0}}]', 'invalid_net', 'Invalid net: PartLayer "Specification": expected a list of nonzero integers (parts of one level), got {1, 0} at line 1, column 16'],
    ['PartLayer[{{}}]', 'invalid_net', 'Invalid net: PartLayer "Specification": expected a part (a nonzero integer, All or a span), got {} at line 1, column 12'],
    ['ReshapeLayer[{2, Foo}]', 'invalid_net', 'Invalid net: ReshapeLayer "Dimensions": expected a list of positive integers, Inherited, Automatic or All, got {2, Foo} at line 1, column 14'],
    ['AggregationLayer[Median]', 'unsupported', 'Unsupported: AggregationLayer "Function": Median is not supported here (netport supports Total, Mean, Max, Min, Times) at line 1, column 18'],
    ['AggregationLayer[Max, {1, x}]', 'invalid_net', 'Invalid net: AggregationLayer "Levels": expected a level (a non-zero integer), All, a span i;;j or a list of these, got {1, x} at line 1, column 23'],
    ['DotLayer[InputPorts -> 2]', 'unsupported', 'Unsupported: DotLayer "InputPorts": InputPorts -> 2 is not supported: give the shapes, InputPorts -> {shape1, shape2, ...} (the number of ports alone comes from the edges) at line 1, column 24'],
    ['TotalLayer[InputPorts -> {"a", "b"}]', 'unsupported', 'Unsupported: TotalLayer "InputPorts": InputPorts -> {"a", "b"} is not supported: give the shapes, InputPorts -> {shape1, shape2, ...} (the number of ports alone comes from the edges) at line 1, column 26'],
    ['ThreadingLayer[#a + #b &, InputPorts -> <|"b" -> 2, "a" -> 2|>]', 'unsupported', 'Unsupported: ThreadingLayer "InputPorts": InputPorts names the ports "b", "a"; netport supports the ports "a", "b" in this order at line 1, column 41'],
    ['ThreadingLayer[#a + #b &, "c" -> 2]', 'unsupported', 'Unsupported: ThreadingLayer: ThreadingLayer has no option "c" that netport supports at line 1, column 27'],
    ['LinearLayer[2, InputPorts -> {2}]', 'unsupported', 'Unsupported: LinearLayer: LinearLayer has no option "InputPorts" that netport supports at line 1, column 16'],
    ['CrossEntropyLossLayer["Logits"]', 'invalid_net', 'Invalid net: CrossEntropyLossLayer "TargetForm": expected "Binary", "Index" or "Probabilities", got "Logits" at line 1, column 23'],
    ['TransposeLayer[1 -> 2]', 'invalid_net', 'Invalid net: TransposeLayer: expected an option name, got 1 at line 1, column 16'],
    ['TransposeLayer[{1, 2 -> 3}]', 'invalid_net', 'Invalid net: TransposeLayer "Specification": expected m <-> n, {m1 <-> n1, ...} or a permutation list, got {1, 2 -> 3} at line 1, column 16'],
    ['NetChain[{LinearLayer[3]}, "Input" -> 2, Foo -> 1]', 'unsupported', 'Unsupported: NetChain: NetChain has no option "Foo" that netport supports at line 1, column 42'],
    [
      'NetChain[<|"Type" -> "Chain", "Nodes" -> <||>|>, <|"Version" -> "12.0"|>]',
      'invalid_net',
      'Invalid net: NetPath["Nodes"]: a Chain needs nodes',
    ],
    ['NetChain[<|"2" -> Ramp, "1" -> Tanh|>]', 'unsupported', 'Unsupported: NetChain: layer names that look like integers would change order in JSON at line 1, column 10'],
    ['NetGraph[{Ramp}, {1 -> {2, 3}}]', 'unsupported', 'Unsupported: NetGraph edge: a list of endpoints may only feed a layer (stand on the left) at line 1, column 24'],
    ['NetGraph[{Ramp}, {1 -> NetPort[x]}]', 'invalid_net', 'Invalid net: NetGraph edge: expected a layer or port name, got x at line 1, column 32'],
    ['NetChain[{LinearLayer[3], Ramp}, "Input" -> 2', 'invalid_net', 'Invalid net: Wolfram syntax: expected "]" at line 1, column 46'],
  ])('%s', (text, code, message) => {
    expect(errorOf(() => translateNet(text))).toEqual({ code, message });
  });
});

describe('translateData', () => {
  test('a bare value is the single input', () => {
    expect(translateData('{0.7, -0.4}')).toEqual({ data: { Input: [0.7, -0.4] } });
    expect(translateData('0.3', { inputName: 'x' })).toEqual({ data: { x: 0.3 } });
    expect(translateData('{{1, 2}, {3, 4}}')).toEqual({ data: { Input: [[1, 2], [3, 4]] } });
  });

  test('an association by port, with imposed output gradients', () => {
    expect(translateData('<|"Input" -> {1, 0, -1}, "Target" -> 3, NetPortGradient["Output"] -> {2, -1}, NetPortGradient["Aux"] -> None|>')).toEqual({
      data: { Input: [1, 0, -1], Target: 3 },
      ograd: { Output: [2, -1], Aux: null },
    });
    expect(translateData('<|"Input" -> NumericArray[{1., 2.}, "Real32"], NetPortGradient["Output"] -> 2.5|>')).toEqual({
      data: { Input: [1, 2] },
      ograd: { Output: 2.5 },
    });
  });

  test('errors', () => {
    expect(errorOf(() => translateData('<|"Input" -> {1, "a"}|>'))).toEqual({
      code: 'invalid_data',
      message: 'Invalid data: data "Input": expected a number or an array of numbers, got "a" at line 1, column 18',
    });
    expect(errorOf(() => translateData('<|NetPortGradient[{1, "Weights"}] -> 1|>'))).toEqual({
      code: 'invalid_data',
      message: 'Invalid data: data: expected "port" -> value or NetPortGradient["output"] -> gradient, got NetPortGradient[{1, "Weights"}] at line 1, column 3',
    });
    expect(errorOf(() => translateData('{1, 2'))).toEqual({ code: 'invalid_data', message: 'Invalid data: Wolfram syntax: expected "}" at line 1, column 6' });
  });
});

describe('translateRequest', () => {
  test.each([
    ['NetPortGradient["Input"]', { specs: [{ NetPortGradient: 'Input' }], list: false }],
    ['NetPortGradient[{1, "Weights"}]', { specs: [{ NetPortGradient: [1, 'Weights'] }], list: false }],
    ['NetPortGradient[{"enc", -1, "Biases"}]', { specs: [{ NetPortGradient: ['enc', -1, 'Biases'] }], list: false }],
    ['NetPortGradient[{"Weights"}]', { specs: [{ NetPortGradient: ['Weights'] }], list: false }],
    ['NetPortGradient[All]', { specs: [{ NetPortGradient: 'All' }], list: false }],
    ['"Output"', { specs: ['Output'], list: false }],
    ['NetPort["Loss"]', { specs: ['Loss'], list: false }],
    ['{NetPortGradient["Input"], NetPortGradient[{1, "Weights"}]}', { specs: [{ NetPortGradient: 'Input' }, { NetPortGradient: [1, 'Weights'] }], list: true }],
  ])('%s', (text, json) => {
    expect(translateRequest(text)).toEqual(json);
  });

  test('errors', () => {
    expect(errorOf(() => translateRequest('NetPortGradient[{1, 2}]'))).toEqual({
      code: 'invalid_spec',
      message: 'Invalid gradient spec: expected a port, an array path {layer, ..., "Array"} or All, got {1, 2} at line 1, column 17',
    });
    expect(errorOf(() => translateRequest('Gradient["x"]')).code).toBe('invalid_spec');
  });
});

describe('translateResult', () => {
  test('bare values and numbers in every printed form', () => {
    expect(translateResult('{0.25, -1.5, 1.*^-3, 2., -3, 1.2345678`10.}')).toEqual({ kind: 'value', value: [0.25, -1.5, 0.001, 2, -3, 1.2345678] });
    expect(translateResult('998.')).toEqual({ kind: 'value', value: 998 });
    expect(translateResult('{Indeterminate, Infinity, -Infinity, DirectedInfinity[-1]}')).toEqual({
      kind: 'value',
      value: [NaN, Infinity, -Infinity, -Infinity],
    });
  });

  test('associations keep order and keys', () => {
    expect(translateResult('<|NetPortGradient["Input"] -> {0.25, -1.5}, NetPortGradient[{1, "Weights"}] -> {{1.*^-3, 0.5}}, "Output" -> {2.1}|>')).toEqual({
      kind: 'association',
      entries: [
        [{ NetPortGradient: 'Input' }, [0.25, -1.5]],
        [{ NetPortGradient: [1, 'Weights'] }, [[0.001, 0.5]]],
        ['Output', [2.1]],
      ],
    });
  });
});

describe('translateCase', () => {
  test('list requests become one expectation per spec', () => {
    expect(
      translateCase({
        name: 'c',
        net: 'LinearLayer[1, "Input" -> 2]',
        data: '{1, 2}',
        expect: [
          { request: '{NetPortGradient["Input"], "Output"}', wolfram: '<|"Output" -> {3.}, NetPortGradient["Input"] -> {1., 1.}|>' },
          { request: 'NetPortGradient["Nope"]', error: 'unknown_port' },
        ],
        tolerance: { rtol: 0.01 },
      }),
    ).toEqual({
      name: 'c',
      net: { type: 'LinearLayer', OutputDimensions: 1, Input: 2 },
      data: { Input: [1, 2] },
      expect: [
        { gradient: 'Input', value: [1, 1] },
        { output: 'Output', value: [3] },
        { gradient: 'Nope', error: 'unknown_port' },
      ],
      tolerance: { rtol: 0.01 },
    });
  });
});
