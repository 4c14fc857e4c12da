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
 *
 * Layers with ports Input1, Input2, ... (`variadic`) take their count and shapes from
 * `InputPorts -> {shape1, ...}` (12.2 and later) or `"Inputs" -> {shape1, ...}` (12.0 and
 * 12.1): the JSON "Inputs". netport writes InputPorts.
 */
import { describePureFunction } from './function';
import { isJsonObject, type Json } from './json';

/** What a parameter's value looks like. */
export type ParamKind =
  | 'posInt' // a positive integer
  | 'int' // an integer
  | 'dims' // n or {n1, n2, ...}, positive
  | 'reshape' // {d1, ...}: positive integers, Inherited, Automatic or All (strings in JSON)
  | 'replicate' // n, Automatic, or a list of these
  | 'levelOrInfinity' // a non-zero integer, or Infinity ("Infinity" in JSON) for all levels
  | 'real' // a number
  | 'padding' // n, {n1, ...} or {{lo, hi}, ...}
  | 'targetForm' // "Binary" | "Index" | "Probabilities"
  | 'elementwise' // ElementwiseLayer's function
  | 'threading' // ThreadingLayer's function
  | 'poolingFunction' // Max | Mean | Total
  | 'aggregationFunction' // Total | Mean | Max | Min | Times
  | 'partSpec' // n, All, i;;j(;;k), or a list of these and of index lists {i1, i2, ...}
  | 'levels' // n, All, i;;j, or a list of these
  | 'transpose' // m <-> n, {m1 <-> n1, ...}, {n1, n2, ...} or n (1 <-> n)
  | 'automatic' // only Automatic is accepted, and nothing is recorded
  | 'array'; // a learned array

export interface LayerForm {
  /** Parameters filled by positional arguments, in Wolfram's order. */
  readonly positional: readonly string[];
  /** Every parameter (positional or option) and its kind; arrays are listed in `arrays`. */
  readonly params: Readonly<Record<string, ParamKind>>;
  /** Learned arrays, in declaration order. */
  readonly arrays: readonly string[];
  /** Ports Input1, Input2, ...: the count and shapes may come as InputPorts -> {shapes}. */
  readonly variadic?: boolean;
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
  FlattenLayer: { positional: ['Level'], params: { Level: 'levelOrInfinity' }, arrays: [] },
  ReshapeLayer: { positional: ['Dimensions'], params: { Dimensions: 'reshape' }, arrays: [] },
  CatenateLayer: { positional: ['Level'], params: { Level: 'int' }, arrays: [], variadic: true },
  ThreadingLayer: {
    positional: ['Function', '#Broadcasting'],
    params: { Function: 'threading', '#Broadcasting': 'automatic' },
    arrays: [],
    variadic: true,
  },
  TotalLayer: { ...none, variadic: true },
  SummationLayer: none,
  DotLayer: { ...none, variadic: true },
  AggregationLayer: {
    positional: ['Function', 'Levels'],
    params: { Function: 'aggregationFunction', Levels: 'levels' },
    arrays: [],
  },
  ReplicateLayer: { positional: ['Specification', 'Level'], params: { Specification: 'replicate', Level: 'int' }, arrays: [] },
  TransposeLayer: { positional: ['Specification'], params: { Specification: 'transpose' }, arrays: [] },
  ConstantArrayLayer: { positional: ['Array'], params: {}, arrays: ['Array'] },
  NetArrayLayer: { positional: [], params: {}, arrays: ['Array'] },
};

export const CONTAINERS = ['NetChain', 'NetGraph'] as const;

/** Port-shape options (`"Input" -> 3`, `"Target" -> "Real"`, `"Input2" -> {2}`). */
export const PORT_NAME = /^(Input|Output|Target|Loss)\d*$/;

export const TARGET_FORMS = ['Binary', 'Index', 'Probabilities'];
export const POOLING_FUNCTIONS = ['Max', 'Mean', 'Total'];
export const AGGREGATION_FUNCTIONS = ['Total', 'Mean', 'Max', 'Min', 'Times'];
/** ReshapeLayer's symbolic dimensions (strings in JSON). */
export const RESHAPE_SYMBOLS = ['Inherited', 'Automatic', 'All'];

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

/**
 * The port names Wolfram gives a ThreadingLayer whose function has named slots:
 * `ThreadingLayer[#x - 2 #y &]` has ports "x" and "y" in Wolfram. netport keeps the
 * contract's Input1, Input2, ...: the k-th slot name, in order of first appearance in the
 * function (as written), is port Input<k>. The translator reads `"x" -> shape`,
 * `InputPorts -> <|"x" -> shape, ...|>` and `NetPort[{layer, "x"}]` as Input1, and the
 * printer writes them back with the slot names. Empty for any other layer or function.
 */
export function slotPorts(layer: Json | undefined): string[] {
  if (!isJsonObject(layer) || layer.type !== 'ThreadingLayer' || typeof layer.Function !== 'string') return [];
  try {
    return describePureFunction(layer.Function, undefined, { layer: 'ThreadingLayer' }).slotNames;
  } catch {
    return [];
  }
}

/** Input<k> for the k-th (1-based) input of a variadic layer. */
export const variadicPort = (k: number) => `Input${k}`;

/**
 * The layer a path names inside a container's "Layers" (names or 1-based positions,
 * negative from the end; nested containers add levels), or undefined.
 */
export function layerAt(layers: Json | undefined, path: readonly (string | number)[]): Json | undefined {
  let node: Json | undefined = { Layers: layers ?? null };
  for (const step of path) {
    const members: Json | undefined = isJsonObject(node) ? node.Layers : undefined;
    if (Array.isArray(members)) {
      if (typeof step !== 'number' && !/^-?\d+$/.test(step)) return undefined;
      const i = Number(step);
      node = members[i > 0 ? i - 1 : members.length + i];
    } else if (isJsonObject(members)) {
      if (typeof step === 'number') {
        const values = Object.values(members);
        node = values[step > 0 ? step - 1 : values.length + step];
      } else {
        node = members[step];
      }
    } else {
      return undefined;
    }
  }
  return node;
}
