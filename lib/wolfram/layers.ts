/**
 * How Wolfram writes each layer, read from the registry: every layer declares its
 * positional arguments and parameter kinds next to its schema (lib/layers/wolfram-form.ts),
 * and its arrays and ports come from the same definition, so translate.ts (reading) and
 * print-net.ts (writing) cannot drift apart from the layers or from each other.
 *
 * Layers with ports Input1, Input2, ... (`variadic`) take their count and shapes from
 * `InputPorts -> {shape1, ...}` (12.2 and later) or `"Inputs" -> {shape1, ...}` (12.0 and
 * 12.1): the JSON "Inputs". netport writes InputPorts.
 */
import { own, table } from '../names';
import { describePureFunction } from '../functions/pure';
import { LAYERS as REGISTRY } from '../layers/registry';
import type { ParamCodec, ParamKind } from '../layers/wolfram-form';
import { isJsonObject, type Json, type NetJson } from './json';

export type { ParamCodec, ParamKind };

export interface LayerForm {
  /** Parameters filled by positional arguments, in Wolfram's order. */
  readonly positional: readonly string[];
  /** Every parameter (positional or option) and its kind; arrays are listed in `arrays`. */
  readonly params: Readonly<Record<string, ParamKind | ParamCodec>>;
  /** Learned arrays, in declaration order. */
  readonly arrays: readonly string[];
  /** The arrays that may be None (`"Biases" -> None`, `"Scaling" -> None`). */
  readonly nullable: readonly string[];
  /** Ports Input1, Input2, ...: the count and shapes may come as InputPorts -> {shapes}. */
  readonly variadic?: boolean;
  /** For ports the parameters name (FunctionLayer's slots): the ports of a layer's JSON. */
  readonly ports?: (layer: NetJson) => string[];
}

/** Internal names (`#Broadcasting`) are checked when read and never written to JSON. */
const FORMS: ReadonlyMap<string, LayerForm> = new Map(
  REGISTRY.map((def) => [
    def.type,
    {
      positional: def.wolfram.positional,
      // A null prototype: parameter names are looked up with `in`, and a Wolfram option
      // named "constructor" must not find Object.prototype's.
      params: Object.assign(Object.create(null) as Record<string, ParamKind | ParamCodec>, def.wolfram.params),
      arrays: def.arrays.map((a) => a.name),
      nullable: def.arrays.filter((a) => a.nullable).map((a) => a.name),
      variadic: def.variadic,
      ports: def.named ? (layer: NetJson) => def.inputs(layer) : undefined,
    },
  ]),
);

/** The Wolfram form of a layer head (`LinearLayer`), or undefined for anything else. */
export function layerForm(head: string): LayerForm | undefined {
  return FORMS.get(head);
}

/** Every layer head netport reads and prints. */
export const LAYER_HEADS: readonly string[] = [...FORMS.keys()];

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
export const IGNORED_OPTIONS: Readonly<Record<string, { values?: readonly string[]; heads?: readonly string[] }>> = table({
  LearningRateMultipliers: {},
  Interleaving: { values: ['False'], heads: ['ConvolutionLayer', 'PoolingLayer', 'BatchNormalizationLayer'] },
  // Dropout of either kind is the identity at evaluation.
  Method: { values: ['Dropout', 'AlphaDropout'], heads: ['DropoutLayer'] },
  OutputPorts: { values: ['Output'], heads: ['DropoutLayer'] },
});

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
        node = own(members, step);
      }
    } else {
      return undefined;
    }
  }
  return node;
}
