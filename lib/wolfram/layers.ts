/**
 * How Wolfram writes each layer of the contract: which parameters its positional
 * arguments fill, in order, and what the other parameters, arrays and option values
 * look like. translate.ts reads Wolfram with this table and print-net.ts writes it, so
 * the two cannot drift apart.
 *
 * Positional orders were checked against reference.wolfram.com/language/ref/<Name>.html
 * and, where the paclet shows it, the NeuralNetworks layer definitions (the order of
 * their "Parameters" with "PosArgCount"):
 * - PoolingLayer[kernel, stride]: PosArgCount 2, default stride 1 (PoolingLayer page).
 * - ConvolutionLayer[n, kernel]: "Stride", "PaddingSize", "Dilation", "ChannelGroups" are options.
 * - EmbeddingLayer[size, n]: size is the output dimension, n the class count.
 * - AggregationLayer[f, levels], ReplicateLayer[dims, level], ThreadingLayer[f, bspec],
 *   SoftmaxLayer[level], CatenateLayer[level], FlattenLayer[n], DropoutLayer[p],
 *   TransposeLayer[m <-> n | {perm} | {m1 <-> n1, ...}].
 * Not confirmed: ConstantArrayLayer and NetArrayLayer document no positional argument
 * (only "Array" -> a); ConstantArrayLayer[a] is read as an extension.
 */

/** What a parameter's value looks like. */
export type ParamKind =
  | 'posInt' // a positive integer
  | 'int' // an integer
  | 'dims' // n or {n1, n2, ...}, positive
  | 'intList' // {n1, n2, ...}, positive
  | 'levelOrAll' // an integer, or Infinity for "all levels" (the default, so left out)
  | 'real' // a number
  | 'padding' // n, {n1, ...} or {{lo, hi}, ...}
  | 'targetForm' // "Binary" | "Index" | "Probabilities"
  | 'elementwise' // ElementwiseLayer's function
  | 'threading' // ThreadingLayer's function
  | 'poolingFunction' // Max | Mean | Total
  | 'aggregationFunction' // Total | Mean | Max | Min
  | 'partSpec' // n, All, i;;j(;;k), or a list of these
  | 'levels' // n, i;;j, or {n1, n2, ...}
  | 'transpose' // m <-> n, {m1 <-> n1, ...} or {n1, n2, ...}
  | 'automatic' // only Automatic is accepted, and nothing is recorded
  | 'array'; // a learned array

export interface LayerForm {
  /** Parameters filled by positional arguments, in Wolfram's order. */
  readonly positional: readonly string[];
  /** Every parameter (positional or option) and its kind; arrays are listed in `arrays`. */
  readonly params: Readonly<Record<string, ParamKind>>;
  /** Learned arrays, in declaration order. */
  readonly arrays: readonly string[];
}

const none: LayerForm = { positional: [], params: {}, arrays: [] };

/** Internal names (`#Broadcasting`) are checked when read and never written to JSON. */
export const LAYERS: Readonly<Record<string, LayerForm>> = {
  LinearLayer: { positional: ['OutputDimensions'], params: { OutputDimensions: 'dims' }, arrays: ['Weights', 'Biases'] },
  ElementwiseLayer: { positional: ['Function'], params: { Function: 'elementwise' }, arrays: [] },
  SoftmaxLayer: { positional: ['Level'], params: { Level: 'int' }, arrays: [] },
  CrossEntropyLossLayer: { positional: ['TargetForm'], params: { TargetForm: 'targetForm' }, arrays: [] },
  MeanSquaredLossLayer: none,
  MeanAbsoluteLossLayer: none,
  PartLayer: { positional: ['Specification'], params: { Specification: 'partSpec' }, arrays: [] },
  PoolingLayer: {
    positional: ['KernelSize', 'Stride'],
    params: { KernelSize: 'dims', Stride: 'dims', PaddingSize: 'padding', Function: 'poolingFunction' },
    arrays: [],
  },
  ConvolutionLayer: {
    positional: ['OutputChannels', 'KernelSize'],
    params: {
      OutputChannels: 'posInt',
      KernelSize: 'dims',
      Stride: 'dims',
      PaddingSize: 'padding',
      Dilation: 'dims',
      ChannelGroups: 'posInt',
    },
    arrays: ['Weights', 'Biases'],
  },
  BatchNormalizationLayer: {
    positional: [],
    params: { Epsilon: 'real', Momentum: 'real' },
    arrays: ['Scaling', 'Biases', 'MovingMean', 'MovingVariance'],
  },
  DropoutLayer: { positional: ['DropoutProbability'], params: { DropoutProbability: 'real' }, arrays: [] },
  EmbeddingLayer: {
    positional: ['OutputDimension', 'ClassCount'],
    params: { OutputDimension: 'posInt', ClassCount: 'posInt' },
    arrays: ['Weights'],
  },
  FlattenLayer: { positional: ['Level'], params: { Level: 'levelOrAll' }, arrays: [] },
  ReshapeLayer: { positional: ['Dimensions'], params: { Dimensions: 'intList' }, arrays: [] },
  CatenateLayer: { positional: ['Level'], params: { Level: 'int' }, arrays: [] },
  ThreadingLayer: {
    positional: ['Function', '#Broadcasting'],
    params: { Function: 'threading', '#Broadcasting': 'automatic' },
    arrays: [],
  },
  TotalLayer: none,
  SummationLayer: none,
  DotLayer: none,
  AggregationLayer: {
    positional: ['Function', 'Levels'],
    params: { Function: 'aggregationFunction', Levels: 'levels' },
    arrays: [],
  },
  ReplicateLayer: { positional: ['Specification', 'Level'], params: { Specification: 'dims', Level: 'int' }, arrays: [] },
  TransposeLayer: { positional: ['Specification'], params: { Specification: 'transpose' }, arrays: [] },
  ConstantArrayLayer: { positional: ['Array'], params: {}, arrays: ['Array'] },
  NetArrayLayer: { positional: [], params: {}, arrays: ['Array'] },
};

export const CONTAINERS = ['NetChain', 'NetGraph'] as const;

/** Port-shape options (`"Input" -> 3`, `"Target" -> "Real"`, `"Input2" -> {2}`). */
export const PORT_NAME = /^(Input|Output|Target|Loss)\d*$/;

export const TARGET_FORMS = ['Binary', 'Index', 'Probabilities'];
export const POOLING_FUNCTIONS = ['Max', 'Mean', 'Total'];
export const AGGREGATION_FUNCTIONS = ['Total', 'Mean', 'Max', 'Min'];
/** ThreadingLayer's built-in functions, written as bare symbols. */
export const THREADING_FUNCTIONS = ['Plus', 'Subtract', 'Times', 'Divide', 'Power', 'Min', 'Max'];

/**
 * Options that do not change values or gradients (training settings, and Interleaving
 * at its default), read and dropped: the values allowed (any when absent) and the
 * heads that take them (any layer or container when absent).
 */
export const IGNORED_OPTIONS: Readonly<Record<string, { values?: readonly string[]; heads?: readonly string[] }>> = {
  LearningRateMultipliers: {},
  Interleaving: { values: ['False'], heads: ['ConvolutionLayer', 'PoolingLayer', 'BatchNormalizationLayer'] },
  // Dropout of either kind is the identity at evaluation.
  Method: { values: ['Dropout', 'AlphaDropout'], heads: ['DropoutLayer'] },
  OutputPorts: { values: ['Output'], heads: ['DropoutLayer'] },
};

/** Where a layer is, in the user's terms: `layer 2 (LinearLayer)`, or `LinearLayer` at the top. */
export const layerLabel = (where: string, type: string) => (where ? `${where} (${type})` : type);

/** The place of a container's member: `layer 2`, `layer "enc" > layer 1`. */
export const memberLabel = (where: string, name: string) => (where ? `${where} > layer ${name}` : `layer ${name}`);
