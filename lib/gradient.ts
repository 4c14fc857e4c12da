/**
 * NetPortGradient on top of TensorFlow.js's tape. The quantity differentiated is
 * Total[output * ograd] summed over the output ports: ograd is 1 everywhere by default;
 * once any port has an imposed ograd, the others get 0 (and are left out of the
 * objective). Array gradients come out summed over the batch because the arrays are
 * shared by every example; input gradients stay per example.
 */
import type { Tensor } from '@tensorflow/tfjs-core';
import { tf } from './backend/tf';
import type { ArraySlot, PlanNode, Plan, Value } from './compile';
import type { Ograd, PreparedData } from './data';
import type { Resolved } from './paths';
import { channelsFirst, channelsLast } from './layers/common';
import type { Statistics } from './layers/define';
import { readTensor, type NumArray } from './tensors';

/** A compiled net's tensors: its arrays, owned by the net, alive until it is disposed. */
export interface Runtime {
  readonly plan: Plan;
  readonly arrayTensors: ReadonlyMap<ArraySlot, Tensor>;
  /** Per node: its arrays by name, null for None. */
  readonly nodeArrays: ReadonlyMap<PlanNode, Readonly<Record<string, Tensor | null>>>;
}

export interface Computed {
  /** Requested outputs, with the batch dimension. */
  readonly outputs: NumArray[];
  /** One gradient per target, in order; input gradients with the batch dimension. */
  readonly gradients: NumArray[];
}

/**
 * Runs the net once: the requested outputs and the gradients of the objective with
 * respect to `targets`. Only the layers those need run, and only the requested gradients
 * are back-propagated. Every tensor made here is released before returning, also when
 * something throws.
 */
export function compute(
  rt: Runtime,
  data: PreparedData,
  outputs: readonly string[],
  targets: readonly Resolved[],
  ograd: ReadonlyMap<string, Ograd> | undefined,
  statistics: Statistics = 'moving',
): Computed {
  const { plan } = rt;
  const portValue = (name: string) => plan.outputs.find((p) => p.name === name)!.value;
  const objective = plan.outputs.filter(
    (p) => p.value.type!.index === undefined && (ograd === undefined || ograd.get(p.name)!.kind !== 'zero'),
  );
  const differentiate = targets.length > 0 && objective.length > 0;
  const wanted = outputs.map(portValue);
  const nodes = neededNodes(plan, [...wanted, ...(differentiate ? objective.map((p) => p.value) : [])]);

  const kept: Tensor[] = [];
  let results: Tensor[];
  try {
    results = tf.tidy(() => {
      const store = new Store();
      for (const p of plan.inputs) {
        const array = data.inputs.get(p.name)!;
        store.set(p.value.id, tf.tensor(array.data, [...array.dims], array.data instanceof Int32Array ? 'int32' : 'float32'));
      }
      const xs = targets.map((t) => (t.kind === 'input' ? store.get(t.value.id) : rt.arrayTensors.get(t.slot)!));
      if (!differentiate) {
        // Wolfram evaluates in training mode only when it takes gradients: `net[x]` uses the
        // moving statistics whatever the mode.
        forward(rt, nodes, store, data.batch, 'moving');
        return [...wanted.map((v) => store.get(v.id)), ...targets.map((t, i) => wolframLayout(t, tf.zerosLike(xs[i]!)))];
      }
      const unique = [...new Set(xs)];
      const dy = seed(objective, ograd, data.batch);
      const { grads } = tf.engine().gradients(
        () => {
          forward(rt, nodes, store, data.batch, statistics);
          for (const v of wanted) kept.push(tf.keep(store.get(v.id)));
          const ys = objective.map((p) => store.get(p.value.id));
          return ys.length === 1 ? ys[0]! : tf.concat(ys.map((y) => tf.reshape(y, [-1])));
        },
        unique,
        dy,
        true,
      );
      // A target the objective does not depend on has no tape path: its gradient is 0.
      const byTensor = new Map(unique.map((x, i) => [x, grads[i] ?? tf.zerosLike(x)]));
      return [...kept, ...targets.map((t, i) => wolframLayout(t, byTensor.get(xs[i]!)!))];
    });
  } catch (e) {
    for (const t of kept) t.dispose();
    releaseTape();
    throw e;
  }
  try {
    const backend = tf.getBackend();
    return {
      outputs: results.slice(0, wanted.length).map((t) => readTensor(t, backend)),
      gradients: results.slice(wanted.length).map((t) => readTensor(t, backend)),
    };
  } finally {
    for (const t of results) t.dispose();
  }
}

/**
 * After a throw inside tf.engine().gradients (a kernel missing on this backend, say),
 * TensorFlow.js leaves its tape behind with the tensors it saved for the backward pass;
 * they are kept, so no tidy frees them. Free them and drop the tape, as a successful
 * pass would have.
 */
export function releaseTape(): void {
  const state = tf.engine().state as { activeTape: Array<{ saved?: Tensor[] }> | null; gradientDepth: number };
  if (state.gradientDepth !== 0 || !state.activeTape) return;
  for (const node of state.activeTape) for (const t of node.saved ?? []) t.dispose();
  state.activeTape = null;
}

/** A gradient in Wolfram's layout: an array kept in its layer's layout is permuted back. */
function wolframLayout(target: Resolved, g: Tensor): Tensor {
  const perm = target.kind === 'array' ? target.slot.decl.layout?.(target.slot.dims.length) : undefined;
  return perm ? tf.transpose(g, perm.map((_, i) => perm.indexOf(i))) : g;
}

/** The output gradient fed to the tape, or undefined for TensorFlow.js's default of ones. */
function seed(objective: ReadonlyArray<{ name: string; value: Value }>, ograd: ReadonlyMap<string, Ograd> | undefined, batch: number): Tensor | undefined {
  if (!ograd) return undefined;
  const parts = objective.map((p) => {
    const g = ograd.get(p.name)!;
    const shape = [batch, ...p.value.type!.dims];
    if (g.kind === 'array') return tf.tensor(g.array.data, shape, 'float32');
    return tf.fill(shape, g.kind === 'fill' ? g.value : 0);
  });
  return parts.length === 1 ? parts[0] : tf.concat(parts.map((t) => tf.reshape(t, [-1])));
}

/**
 * The tensors of one evaluation, by value. A value made by a channel-last layer is kept
 * channel-last ([N, d1, ..., dk, C]); it is transposed to Wolfram's channel-first layout
 * once, and only if some reader needs that layout.
 */
export class Store {
  private readonly tensors = new Map<number, Tensor>();
  private readonly channelsLast = new Set<number>();
  private readonly other = new Map<number, Tensor>();

  set(id: number, t: Tensor, channelsLastLayout = false): void {
    this.tensors.set(id, t);
    if (channelsLastLayout) this.channelsLast.add(id);
  }

  /** The value in Wolfram's layout. */
  get(id: number): Tensor {
    return this.channelsLast.has(id) ? this.convert(id, channelsFirst) : this.tensors.get(id)!;
  }

  /** The value channel-last (for a spatial layer). */
  getChannelsLast(id: number): Tensor {
    return this.channelsLast.has(id) ? this.tensors.get(id)! : this.convert(id, channelsLast);
  }

  /** The value as stored, with its layout (for a layer that works in either). */
  raw(id: number): { tensor: Tensor; channelsLast: boolean } {
    return { tensor: this.tensors.get(id)!, channelsLast: this.channelsLast.has(id) };
  }

  private convert(id: number, f: (t: Tensor) => Tensor): Tensor {
    let t = this.other.get(id);
    if (!t) this.other.set(id, (t = f(this.tensors.get(id)!)));
    return t;
  }
}

/** What the forward pass needs of one node, worked out once per plan. */
interface Step {
  readonly node: PlanNode;
  readonly feeds: ReadonlyArray<{ readonly port: string; readonly id: number; readonly spatial: boolean }>;
  readonly outs: ReadonlyArray<{ readonly port: string; readonly id: number; readonly dims: readonly number[] }>;
}

const stepCache = new WeakMap<PlanNode, Step>();

function stepOf(node: PlanNode): Step {
  let step = stepCache.get(node);
  if (!step) {
    const shapes = node.shapes!;
    step = {
      node,
      feeds: Object.entries(node.feeds).map(([port, v]) => ({ port, id: v.id, spatial: v.type!.dims.length >= 2 })),
      outs: Object.entries(node.outputs).map(([port, v]) => ({ port, id: v.id, dims: shapes.outputs[port]!.dims })),
    };
    stepCache.set(node, step);
  }
  return step;
}

/** Runs the given nodes (in topological order), storing each output in `store`. */
export function forward(rt: Runtime, nodes: readonly PlanNode[], store: Store, batch: number, statistics: Statistics): void {
  for (const node of nodes) {
    const { feeds, outs } = stepOf(node);
    const { def, params } = node.layer;
    const shapes = node.shapes!;
    const inputs: Record<string, Tensor> = {};
    let arrivedLast: Set<string> | undefined;
    let outputLast = false;
    for (const { port, id, spatial } of feeds) {
      if (def.layout === 'channels-last' && port === 'Input' && spatial) {
        inputs[port] = store.getChannelsLast(id);
        (arrivedLast ??= new Set()).add(port);
        outputLast = true;
      } else if (def.layout === 'passthrough' && spatial) {
        const stored = store.raw(id);
        inputs[port] = stored.tensor;
        if (stored.channelsLast) (arrivedLast ??= new Set()).add(port);
        outputLast = stored.channelsLast;
      } else {
        inputs[port] = store.get(id);
      }
    }
    const result = def.forward({
      params,
      shapes,
      plan: shapes.plan,
      batch,
      statistics,
      inputs,
      arrays: rt.nodeArrays.get(node) ?? {},
      fused: node.fused,
      channelsLast: arrivedLast ?? NONE,
    });
    for (const { port, id, dims } of outs) {
      const t = result[port];
      const last = outputLast && dims.length >= 2;
      if (!t || !hasShape(t.shape, batch, dims, last)) {
        const expected = last ? [batch, ...dims.slice(1), dims[0]!] : [batch, ...dims];
        throw new Error(`netport bug: ${def.type} produced ${t ? `[${t.shape}]` : 'nothing'} for "${port}", expected [${expected}]`);
      }
      store.set(id, t, last);
    }
  }
}

const NONE: ReadonlySet<string> = new Set();

/** Whether `shape` is [batch, ...dims], or [batch, d2, ..., dk, d1] for a channel-last tensor. */
function hasShape(shape: readonly number[], batch: number, dims: readonly number[], channelsLast: boolean): boolean {
  if (shape.length !== dims.length + 1 || shape[0] !== batch) return false;
  const k = dims.length;
  for (let i = 0; i < k; i++) {
    const want = channelsLast ? (i === k - 1 ? dims[0] : dims[i + 1]) : dims[i];
    if (shape[i + 1] !== want) return false;
  }
  return true;
}

const neededCache = new WeakMap<Plan, Map<string, PlanNode[]>>();

/** The nodes that the given values depend on, in topological order (cached per plan). */
function neededNodes(plan: Plan, values: readonly Value[]): PlanNode[] {
  let key = '';
  for (const v of values) key += `${v.id},`;
  let cache = neededCache.get(plan);
  if (!cache) neededCache.set(plan, (cache = new Map()));
  let nodes = cache.get(key);
  if (!nodes) {
    const need = new Set<PlanNode>();
    const stack = [...values];
    while (stack.length > 0) {
      const producer = stack.pop()!.producer?.node;
      if (!producer || need.has(producer)) continue;
      need.add(producer);
      stack.push(...Object.values(producer.feeds));
    }
    nodes = plan.nodes.filter((n) => need.has(n));
    cache.set(key, nodes);
  }
  return nodes;
}
