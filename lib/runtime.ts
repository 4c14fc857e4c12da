/**
 * A compiled net bound to a backend: parse, validate and infer shapes once, then
 * evaluate many times. The net owns the tensors of its arrays until `dispose()`.
 */
import type { Tensor } from '@tensorflow/tfjs-core';
import { activate, restoreBackend, selectBackend, type BackendName } from './backend';
import { currentBackend } from './backend/host';
import { tf } from './backend/tf';
import { coderJson } from './coders/define';
import { checkCoders, classOgrads, decodeOutput, encodeData, encodeImageValue, isImageValue, rejectImages, type Decoded, type EncodeOptions, type ImageValue, type PortCoders } from './coders/ports';
import { compile, type ArraySlot, type Plan, type PlanNode } from './compile';
import { prepareData, prepareOgrad } from './data';
import { formatKey, netError, where, type LayerPath } from './errors';
import { compute, type Runtime } from './gradient';
import { initialize } from './init';
import type { Statistics } from './layers/define';
import { preview, quote } from './limits';
import { checkBatch, checkNet, DEFAULT_MEMORY_LIMIT } from './memory';
import { parseNet } from './net';
import { backendOption, checkSeed, formatOption, gradientsOption, initializeOption, memoryLimitOption, optionsObject, outputsOption, pathArgument } from './options';
import { parseSpec, resolvePath, resolveSpec, type GradientSpec, type ResolvedSpec, type SpecTarget } from './paths';
import { formatDims, sameDims, volume } from './shapes';
import { beyondFloat32, fromNested, isFloat32, negativeProblem, ShapeProblem, toNested, type Nested, type NumArray } from './tensors';

export interface LoadOptions {
  /** `cpu`, `wasm` or `tensorflow`; default `tensorflow` if tfjs-node is installed, else `wasm`. */
  readonly backend?: BackendName;
  /** Initialize missing arrays with this seed (Wolfram's NetInitialize, reproducibly). */
  readonly initialize?: number | { readonly seed: number; readonly all?: boolean };
  /** The default of EvaluateOptions `batchNorm` for this net. */
  readonly batchNorm?: Statistics;
  /**
   * The most memory the net and one evaluation may need, in bytes or as a size such as
   * "512M" or "8G" (default 4 GiB); more is refused with `limit_exceeded` before anything
   * is allocated (lib/memory.ts).
   */
  readonly memoryLimit?: number | string;
}

/** A gradient request: `{"NetPortGradient": X}` or X itself ("Input", [1, "Weights"], "All"). */
export type GradientRequest = GradientSpec | SpecTarget;

export interface EvaluateOptions<F extends 'nested' | 'typed' = 'nested'> {
  /** Output ports whose values to return; default: all of them when no gradient is asked for. */
  readonly outputs?: readonly string[] | 'All';
  readonly gradients?: readonly GradientRequest[];
  /** Imposed output gradients by port: an array (with the batch, for a batch), a number, or null. */
  readonly ograd?: Readonly<Record<string, unknown>>;
  /** `nested` (default): numbers and nested lists; `typed`: `{dims, data}`. */
  readonly format?: F;
  /**
   * The statistics BatchNormalizationLayer uses when gradients are taken: 'moving'
   * (default: its MovingMean and MovingVariance, the same normalization as outputs alone
   * get) or 'batch' (Wolfram's: the mean and biased variance of the batch being evaluated,
   * per channel over the examples and spatial positions, with the gradient flowing through
   * them, as MXNet's training-mode BatchNorm computes them). An evaluation that takes no
   * gradient uses the moving statistics in both modes, as Wolfram's `net[x]` does.
   */
  readonly batchNorm?: Statistics;
  /**
   * Also decode the outputs that have a decoder (all outputs are then returned unless
   * `outputs` says otherwise) (NetDecoder["Class"]: the class and the
   * probabilities by label; "Scalar": the number) into `decoded`; `outputs` stay raw.
   */
  readonly decode?: boolean;
}

/** Options of evaluateAsync: those of evaluate, and where relative image paths are read from. */
export interface EvaluateAsyncOptions<F extends 'nested' | 'typed' = 'nested'> extends EvaluateOptions<F>, EncodeOptions {}

export type ResultValue<F> = F extends 'typed' ? NumArray : Nested;

export interface GradientResult<V> {
  /** The position of the request it answers in `gradients` (`All` answers with several). */
  readonly request: number;
  /** The spec in the form results are keyed by (CONTRACT section 2). */
  readonly spec: SpecTarget;
  /** `NetPortGradient["Input"]`, `NetPortGradient[{1, "Weights"}]`, ... */
  readonly key: string;
  readonly value: V;
}

export interface Result<V> {
  readonly outputs: Readonly<Record<string, V>>;
  readonly gradients: ReadonlyArray<GradientResult<V>>;
  /** With `decode`: the decoded outputs (those with a decoder), a list for a batch. */
  readonly decoded?: Readonly<Record<string, Decoded | Decoded[]>>;
}

export interface PortInfo {
  readonly name: string;
  /** Dimensions of one example; [] for a scalar. */
  readonly dims: readonly number[];
  /** For integer ports: the values are 1..classes. */
  readonly classes?: number;
  /** The port's NetEncoder or NetDecoder in its JSON form, defaults filled. */
  readonly coder?: Readonly<Record<string, unknown>>;
}

export interface ArrayInfo {
  readonly path: LayerPath;
  readonly dims: readonly number[];
  readonly auxiliary: boolean;
  readonly initialized: boolean;
}

/** A validated, shape-checked net on one backend. */
export class Net {
  private readonly tensors = new Map<ArraySlot, Tensor>();
  private runtime: Runtime | undefined;
  private disposed = false;
  /** The coders of the net's input and output ports. */
  readonly coders: PortCoders;

  private constructor(
    private readonly plan: Plan,
    /** The backend the net evaluates on. */
    readonly backend: BackendName,
    /** BatchNormalizationLayer's statistics under gradients, unless an evaluation says otherwise. */
    readonly batchNorm: Statistics = 'moving',
    private readonly memoryLimit = DEFAULT_MEMORY_LIMIT,
  ) {
    const coders = (ports: Plan['inputs']) => new Map(ports.flatMap((p) => (p.value.coder ? [[p.name, p.value.coder] as const] : [])));
    this.coders = { inputs: coders(plan.inputs), outputs: coders(plan.outputs) };
  }

  /** Validates the description, infers its shapes and prepares it on a backend. */
  static async load(description: unknown, options?: LoadOptions): Promise<Net> {
    const opts = optionsObject('loadNet', options);
    const batchNorm = statisticsOption(opts.batchNorm, 'loadNet');
    const init = initializeOption(opts.initialize);
    const memoryLimit = memoryLimitOption('loadNet', opts.memoryLimit);
    const backendName = backendOption(opts.backend);
    const plan = compile(parseNet(description));
    checkCoders(plan.outputs);
    checkNet(plan, memoryLimit);
    const previous = currentBackend();
    const backend = await selectBackend(backendName as BackendName | undefined);
    try {
      const net = new Net(plan, backend, batchNorm, memoryLimit);
      if (init) net.initialize(init.seed, init.all);
      return net;
    } finally {
      restoreBackend(previous);
    }
  }

  get inputs(): PortInfo[] {
    return this.plan.inputs.map((p) => portInfo(p.name, p.value.type!, p.value.coder));
  }

  get outputs(): PortInfo[] {
    return this.plan.outputs.map((p) => portInfo(p.name, p.value.type!, p.value.coder));
  }

  get arrays(): ArrayInfo[] {
    return this.plan.arrays.map((s) => ({ path: s.key, dims: s.dims, auxiliary: !!s.decl.aux, initialized: !!s.value }));
  }

  /** The current value of an array, by path (`[1, "Weights"]`). */
  array(path: LayerPath): NumArray {
    const slot = resolvePath(this.plan, pathArgument('array', path));
    if (!slot.value) throw notInitialized(slot);
    return slot.value;
  }

  /**
   * Replaces an array's value (nested lists or `{dims, data}`); its dimensions must stay
   * those the net expects.
   */
  setArray(path: LayerPath, value: Nested | NumArray): void {
    this.check();
    const slot = resolvePath(this.plan, pathArgument('setArray', path));
    let array: NumArray;
    try {
      if (isNumArray(value)) {
        for (let i = 0; i < value.data.length; i++) {
          const x = value.data[i]!;
          if (Number.isFinite(x) && !isFloat32(x)) throw new ShapeProblem(beyondFloat32(x, ` at position ${i + 1}`));
        }
      }
      array = isNumArray(value) ? { dims: [...value.dims], data: Float32Array.from(value.data) } : fromNested(value);
    } catch (e) {
      if (e instanceof ShapeProblem) throw netError('invalid_data', `Invalid array: ${formatKeyPath(path)} ${e.message}`);
      throw e;
    }
    if (!sameDims(array.dims, slot.dims) || array.data.length !== volume(slot.dims)) {
      throw netError('invalid_data', `Invalid array: ${formatKeyPath(path)} has dimensions ${formatDims(array.dims)}, expected ${formatDims(slot.dims)}`);
    }
    for (const x of array.data) if (!Number.isFinite(x)) throw netError('invalid_data', `Invalid array: ${formatKeyPath(path)} contains ${x}, not a finite number`);
    const negative = slot.decl.nonNegative ? negativeProblem(array) : undefined;
    if (negative) throw netError('invalid_data', `Invalid array: ${formatKeyPath(path)} ${negative}`);
    slot.value = array;
    if (this.runtime) {
      // Swap this one tensor; the others stay.
      const previous = activate(this.backend);
      try {
        this.tensors.get(slot)?.dispose();
        const t = arrayTensor(slot, array);
        this.tensors.set(slot, t);
        (this.runtime.nodeArrays.get(slot.node) as Record<string, Tensor | null>)[slot.decl.name] = t;
      } finally {
        restoreBackend(previous);
      }
    }
  }

  /** Fills the arrays that have no value (all of them with `all`), reproducibly from `seed`. */
  initialize(seed: number, all = false): void {
    this.check();
    checkSeed('initialize', 'the seed', seed);
    if (typeof all !== 'boolean') checkSeed('initialize', 'all (true or false)', all);
    const previous = activate(this.backend);
    try {
      initialize(this.plan, seed, all);
    } finally {
      restoreBackend(previous);
    }
    this.release();
  }

  /**
   * Evaluates outputs and gradients in one pass. Gradients follow NetPortGradient:
   * the gradient of the sum of all outputs, or of Total[output * ograd] with imposed
   * output gradients (ports not mentioned get 0); array gradients are summed over a batch.
   */
  evaluate<F extends 'nested' | 'typed' = 'nested'>(data: unknown, options?: EvaluateOptions<F>): Result<ResultValue<F>> {
    this.check();
    const plan = this.plan;
    const opts = optionsObject('evaluate', options);
    const wanted = outputsOption(opts.outputs);
    const shape = formatOption(opts.format);
    const specs = this.resolve(gradientsOption(opts.gradients) as GradientRequest[]);
    rejectImages(data, plan.inputs.map((p) => p.name));
    const prepared = prepareData(plan, data);
    const ograd =
      opts.ograd === undefined
        ? undefined
        : prepareOgrad(plan, classOgrads(opts.ograd, this.coders, prepared.batch, prepared.batched), prepared);
    const outputs =
      wanted === 'All' || (wanted === undefined && (specs.length === 0 || opts.decode))
        ? plan.outputs.map((p) => p.name)
        : [...(wanted ?? [])];
    for (const name of outputs) {
      if (!plan.outputs.some((p) => p.name === name)) {
        throw netError('unknown_port', `${quote(String(name))} is not an output port of the net (outputs: ${plan.outputs.map((p) => `"${p.name}"`).join(', ')})`);
      }
    }
    const statistics = statisticsOption(opts.batchNorm, 'evaluate') ?? this.batchNorm;
    checkBatch(plan, prepared.batch, specs.length > 0, specs.some((s) => s.target.kind === 'array'), this.memoryLimit);
    const previous = activate(this.backend);
    let computed: ReturnType<typeof compute>;
    try {
      computed = compute(this.ensureRuntime(), prepared, outputs, specs.map((s) => s.target), ograd, statistics);
    } finally {
      restoreBackend(previous);
    }
    const format = (array: NumArray, batchless: boolean): ResultValue<F> => {
      const a = batchless && !prepared.batched ? { dims: array.dims.slice(1), data: array.data } : array;
      return (shape === 'typed' ? a : toNested(a)) as ResultValue<F>;
    };
    const result = {
      outputs: Object.fromEntries(outputs.map((name, i) => [name, format(computed.outputs[i]!, true)])),
      gradients: specs.map((s, i) => ({ request: s.request, spec: s.spec, key: s.key, value: format(computed.gradients[i]!, s.target.kind === 'input') })),
    };
    if (opts.decode !== undefined && typeof opts.decode !== 'boolean') throw netError('invalid_spec', `evaluate: the option decode must be true or false, not ${String(opts.decode)}`);
    if (!opts.decode) return result;
    const decoded: Record<string, Decoded | Decoded[]> = {};
    outputs.forEach((name, i) => {
      const coder = this.coders.outputs.get(name);
      if (coder) decoded[name] = decodeOutput(coder, computed.outputs[i]!, name, prepared.batched);
    });
    return { ...result, decoded };
  }

  /**
   * evaluate() for data that may hold images (`{"Image": path | bytes | Pixels}`, or a
   * list of them for a batch) on ports with an image encoder: they are decoded and
   * encoded first (decoding is asynchronous), then evaluated as their arrays.
   */
  async evaluateAsync<F extends 'nested' | 'typed' = 'nested'>(data: unknown, options?: EvaluateAsyncOptions<F>): Promise<Result<ResultValue<F>>> {
    this.check();
    const opts = optionsObject('evaluateAsync', options) as EvaluateAsyncOptions<F>;
    const encoded = await encodeData(data, this.plan.inputs.map((p) => p.name), this.coders, opts);
    return this.evaluate(encoded, opts);
  }

  /**
   * What an input port's encoder makes of an image (or a batch of images): the array
   * `{c, h, w}` (`{n, c, h, w}`) that the net evaluates, and that NetPortGradient of the
   * port is taken with respect to.
   */
  async encode(port: string, image: ImageValue | readonly ImageValue[] | ImageValue['Image'], options?: EncodeOptions): Promise<NumArray> {
    this.check();
    const opts = optionsObject('encode', options) as EncodeOptions;
    const coder = this.coders.inputs.get(port);
    if (!coder) {
      const known = this.plan.inputs.some((p) => p.name === port);
      throw netError(known ? 'invalid_data' : 'unknown_port', known ? `Invalid data: the input "${port}" has no encoder` : `"${port}" is not an input port of the net (inputs: ${this.plan.inputs.map((p) => `"${p.name}"`).join(', ')})`);
    }
    const value = Array.isArray(image) || isImageValue(image) ? image : { Image: image as ImageValue['Image'] };
    return encodeImageValue(coder, value as ImageValue | ImageValue[], port, opts);
  }

  private readonly resolved = new Map<string, Array<ResolvedSpec & { request: number }>>();

  /** Gradient requests resolved against the net, cached: services repeat the same request. */
  private resolve(gradients: readonly GradientRequest[]): Array<ResolvedSpec & { request: number }> {
    if (gradients.length === 0) return [];
    let key: string | undefined;
    try {
      key = JSON.stringify(gradients);
    } catch {
      // A circular or BigInt value: the spec parser refuses it below.
    }
    let specs = key === undefined ? undefined : this.resolved.get(key);
    if (!specs) {
      specs = gradients.flatMap((g, request) => resolveSpec(this.plan, toTarget(g)).map((s) => ({ ...s, request })));
      if (this.resolved.size > 64) this.resolved.clear();
      if (key !== undefined) this.resolved.set(key, specs);
    }
    return specs;
  }

  /** Releases the net's tensors. The net cannot be evaluated afterwards. */
  dispose(): void {
    this.release();
    this.disposed = true;
  }

  private check(): void {
    if (this.disposed) throw netError('invalid_net', 'This net has been disposed');
  }

  private release(): void {
    for (const t of this.tensors.values()) t.dispose();
    this.tensors.clear();
    this.runtime = undefined;
  }

  private ensureRuntime(): Runtime {
    if (this.runtime) return this.runtime;
    const missing = this.plan.arrays.find((s) => !s.value);
    if (missing) throw notInitialized(missing);
    for (const slot of this.plan.arrays) {
      this.tensors.set(slot, arrayTensor(slot, slot.value!));
    }
    const nodeArrays = new Map<PlanNode, Record<string, Tensor | null>>();
    for (const node of this.plan.nodes) {
      const arrays: Record<string, Tensor | null> = {};
      for (const decl of node.layer.def.arrays) arrays[decl.name] = null;
      nodeArrays.set(node, arrays);
    }
    for (const [slot, t] of this.tensors) nodeArrays.get(slot.node)![slot.decl.name] = t;
    this.runtime = { plan: this.plan, arrayTensors: this.tensors, nodeArrays };
    return this.runtime;
  }
}

/** An array's tensor, in the layout its layer's forward pass takes (ArrayDecl.layout). */
function arrayTensor(slot: ArraySlot, value: NumArray): Tensor {
  const perm = slot.decl.layout?.(slot.dims.length);
  return tf.tidy(() => {
    const t = tf.tensor(value.data, [...slot.dims], 'float32');
    return perm ? tf.transpose(t, perm) : t;
  });
}

function isNumArray(v: unknown): v is NumArray {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && ArrayBuffer.isView((v as NumArray).data);
}

function formatKeyPath(path: LayerPath): string {
  return `{${path.map(formatKey).join(', ')}}`;
}

function toTarget(g: GradientRequest): SpecTarget {
  return typeof g === 'object' && g !== null && !Array.isArray(g) ? parseSpec(g).NetPortGradient : parseSpec({ NetPortGradient: g }).NetPortGradient;
}

function portInfo(name: string, type: { dims: readonly number[]; index?: number }, coder: Parameters<typeof coderJson>[0] | undefined): PortInfo {
  const info: PortInfo = type.index === undefined ? { name, dims: type.dims } : { name, dims: type.dims, classes: type.index };
  return coder ? { ...info, coder: coderJson(coder) } : info;
}

function notInitialized(slot: ArraySlot) {
  const at = where(slot.node.path, slot.node.layer.def.type);
  return netError(
    'not_initialized',
    `Net not initialized: ${at} "${slot.decl.name}" has no value; give it, or initialize the net with a seed (--init SEED, or the "initialize" option)`,
    at,
  );
}

/** The `batchNorm` option, checked: 'moving', 'batch' or absent. */
function statisticsOption(value: unknown, call: string): Statistics | undefined {
  if (value === undefined || value === 'moving' || value === 'batch') return value;
  throw netError('unsupported', `${call}: the option batchNorm must be "moving" or "batch", got ${preview(value)}`);
}
