/**
 * Containers and NetPortGradient for the float64 reference, written from the README's
 * rules (CONTRACT section 1, README "Formats" and "Wolfram's conventions"):
 * - NetChain: each layer's first input is fed by the previous layer's output; the first
 *   layer's inputs and later layers' other inputs (a loss's "Target") are the chain's.
 * - NetGraph: edges a -> b (-> c ...), a list {a, b} -> t feeding Input1, Input2, ...;
 *   NetPort["x"] a graph input on the left and a graph output on the right; unconnected
 *   inputs and outputs become the graph's, named after the port. Inputs are listed by
 *   first use, taking layers in topological order (ties by position); outputs as their
 *   NetPort edges are written, then dangling outputs in layer order.
 * - A CrossEntropyLossLayer ("Index" or "Probabilities") fed directly by a SoftmaxLayer
 *   over the last level reads that softmax's input (the log-softmax fusion).
 * - Gradients: of the sum of every output element (or of Total[output * ograd] when
 *   output gradients are imposed: unmentioned outputs get 0), by central finite
 *   differences; array gradients are summed over a batch.
 */
import { type Arr, copy, type Nested, toNested, volume } from './array';
import { withMargin } from './functions';
import { ARRAYS, FORWARD, type Json, type Layer, layerArrays, layerInputs, layerOutputs } from './layers';

type Key = string | number;

interface LayerNode {
  readonly kind: 'layer';
  readonly layer: Layer;
  readonly arrays: Record<string, Arr | null>;
  readonly inputs: string[];
  readonly outputs: string[];
}

type Source = { kind: 'input'; name: string } | { kind: 'child'; child: number; port: string };
type Sink = { kind: 'output'; name: string } | { kind: 'child'; child: number; port: string };

interface ContainerNode {
  readonly kind: 'container';
  readonly children: { key: Key; node: Node }[];
  /** What feeds each child's input port, and each container output. */
  readonly feeds: Map<string, Source>;
  /** Children in evaluation order. */
  readonly order: number[];
  readonly inputs: string[];
  readonly outputs: string[];
}

type Node = LayerNode | ContainerNode;

const feedKey = (s: Sink) => (s.kind === 'output' ? `output ${s.name}` : `${s.child} ${s.port}`);

/** The net, prepared for evaluation: ports resolved, arrays as float64. */
export class RefNet {
  readonly root: Node;

  constructor(description: Json) {
    this.root = prepare(description, undefined);
  }

  get inputs(): string[] {
    return this.root.inputs;
  }

  get outputs(): string[] {
    return this.root.outputs;
  }

  /** One example: input port -> value; every output port's value. */
  evaluate(inputs: Record<string, Arr>): Record<string, Arr> {
    return run(this.root, inputs);
  }

  /**
   * Learned (non-auxiliary) arrays with their keys, in the order of NetPortGradient[All]:
   * Wolfram's KeySort of the internal paths (see canonicalOrder).
   */
  arrays(): { key: Key[]; value: Arr }[] {
    const out: { key: Key[]; value: Arr }[] = [];
    const visit = (node: Node, path: Key[]) => {
      if (node.kind === 'container') node.children.forEach((c) => visit(c.node, [...path, c.key]));
      else for (const { name, aux } of ARRAYS[node.layer.type] ?? []) if (!aux && node.arrays[name]) out.push({ key: [...path, name], value: node.arrays[name]! });
    };
    visit(this.root, []);
    return out.sort((a, b) => canonicalOrder(internalPath(a.key), internalPath(b.key)));
  }

  /** Any array (auxiliary ones included) by path. */
  array(path: readonly Key[]): Arr | null | undefined {
    let node: Node = this.root;
    for (const step of path.slice(0, -1)) {
      if (node.kind !== 'container') return undefined;
      const child: { key: Key; node: Node } | undefined = node.children.find((c) => c.key === step);
      if (!child) return undefined;
      node = child.node;
    }
    return node.kind === 'layer' ? node.arrays[path[path.length - 1] as string] : undefined;
  }
}

function prepare(d: Json, wired: number | undefined): Node {
  const desc = d as Layer;
  if (desc.type === 'NetChain') return chain(desc);
  if (desc.type === 'NetGraph') return graph(desc);
  if (!FORWARD[desc.type]) throw new Error(`reference: unknown layer ${desc.type}`);
  return { kind: 'layer', layer: desc, arrays: layerArrays(desc), inputs: layerInputs(desc, wired), outputs: layerOutputs(desc) };
}

/** A chain's members: a bare string is an ElementwiseLayer, a bare integer a LinearLayer (not used by the cases). */
function members(layers: Json): { key: Key; desc: Json }[] {
  if (Array.isArray(layers)) return layers.map((desc, i) => ({ key: i + 1, desc }));
  return Object.entries(layers as Record<string, Json>).map(([key, desc]) => ({ key, desc }));
}

function chain(desc: Layer): ContainerNode {
  const children = members(desc.Layers!).map(({ key, desc }) => ({ key, node: prepare(desc, undefined) }));
  const feeds = new Map<string, Source>();
  const inputs: string[] = [];
  children.forEach(({ node }, c) => {
    node.inputs.forEach((port, i) => {
      if (c > 0 && i === 0) {
        const prev = children[c - 1]!.node;
        if (prev.outputs.length !== 1) throw new Error('reference: a chain member with several outputs');
        feeds.set(`${c} ${port}`, { kind: 'child', child: c - 1, port: prev.outputs[0]! });
      } else {
        feeds.set(`${c} ${port}`, { kind: 'input', name: port });
        if (!inputs.includes(port)) inputs.push(port);
      }
    });
  });
  const last = children.length - 1;
  const outputs = [...children[last]!.node.outputs];
  for (const port of outputs) feeds.set(`output ${port}`, { kind: 'child', child: last, port });
  return { kind: 'container', children, feeds, order: children.map((_, i) => i), inputs, outputs };
}

function graph(desc: Layer): ContainerNode {
  const list = members(desc.Layers!);
  const childIndex = (ref: Json): number => {
    if (typeof ref === 'number') return ref > 0 ? ref - 1 : list.length + ref;
    const i = list.findIndex((m) => m.key === ref);
    if (i < 0) throw new Error(`reference: no layer ${JSON.stringify(ref)}`);
    return i;
  };
  // Edges as (source, sink) pairs; a list on the left feeds Input1, Input2, ...
  const pairs: { from: Json; to: Json; slot?: number }[] = [];
  for (const e of (desc.Edges ?? []) as Json[][]) {
    for (let i = 0; i + 1 < e.length; i++) {
      const from = e[i]!;
      if (Array.isArray(from)) from.forEach((f, k) => pairs.push({ from: f, to: e[i + 1]!, slot: k + 1 }));
      else pairs.push({ from, to: e[i + 1]! });
    }
  }
  const wired = new Map<number, number>();
  for (const p of pairs) if (p.slot && !isPort(p.to)) wired.set(childIndex(p.to), Math.max(wired.get(childIndex(p.to)) ?? 0, p.slot));
  const children = list.map(({ key, desc }, c) => ({ key, node: prepare(desc, wired.get(c)) }));
  const source = (x: Json): Source => {
    if (isPort(x)) {
      const p = (x as { NetPort: Json }).NetPort;
      if (typeof p === 'string') return { kind: 'input', name: p };
      const path = p as Key[];
      if (path.length !== 2) throw new Error('reference: nested NetPort paths are not needed by the cases');
      return { kind: 'child', child: childIndex(path[0]!), port: path[1] as string };
    }
    const c = childIndex(x);
    return { kind: 'child', child: c, port: children[c]!.node.outputs[0]! };
  };
  const sink = (x: Json, slot?: number): Sink => {
    if (isPort(x)) {
      const p = (x as { NetPort: Json }).NetPort;
      if (typeof p === 'string') return { kind: 'output', name: p };
      const path = p as Key[];
      if (path.length !== 2) throw new Error('reference: nested NetPort paths are not needed by the cases');
      return { kind: 'child', child: childIndex(path[0]!), port: path[1] as string };
    }
    const c = childIndex(x);
    return { kind: 'child', child: c, port: slot ? `Input${slot}` : children[c]!.node.inputs[0]! };
  };
  const feeds = new Map<string, Source>();
  const outputs: string[] = [];
  for (const p of pairs) {
    const s = sink(p.to, p.slot);
    if (feeds.has(feedKey(s))) throw new Error(`reference: ${feedKey(s)} is fed twice`);
    feeds.set(feedKey(s), source(p.from));
    if (s.kind === 'output') outputs.push(s.name);
  }
  // Dangling outputs, in layer order (equal names numbered).
  const used = new Set([...feeds.values()].flatMap((s) => (s.kind === 'child' ? [`${s.child} ${s.port}`] : [])));
  const dangling = children.flatMap(({ node }, c) => node.outputs.filter((port) => !used.has(`${c} ${port}`)).map((port) => ({ c, port })));
  const count = (port: string) => dangling.filter((d) => d.port === port).length;
  const seen = new Map<string, number>();
  for (const { c, port } of dangling) {
    seen.set(port, (seen.get(port) ?? 0) + 1);
    const name = count(port) > 1 ? `${port}${seen.get(port)}` : port;
    outputs.push(name);
    feeds.set(`output ${name}`, { kind: 'child', child: c, port });
  }
  // Unconnected inputs are graph inputs named after the port.
  children.forEach(({ node }, c) => {
    for (const port of node.inputs) if (!feeds.has(`${c} ${port}`)) feeds.set(`${c} ${port}`, { kind: 'input', name: port });
  });
  // Topological order, ties by position.
  const deps = children.map((_, c) => {
    const d = new Set<number>();
    for (const port of children[c]!.node.inputs) {
      const s = feeds.get(`${c} ${port}`)!;
      if (s.kind === 'child') d.add(s.child);
    }
    return d;
  });
  const order: number[] = [];
  while (order.length < children.length) {
    const next = children.findIndex((_, c) => !order.includes(c) && [...deps[c]!].every((d) => order.includes(d)));
    if (next < 0) throw new Error('reference: a cycle');
    order.push(next);
  }
  const inputs: string[] = [];
  for (const c of order) {
    for (const port of children[c]!.node.inputs) {
      const s = feeds.get(`${c} ${port}`)!;
      if (s.kind === 'input' && !inputs.includes(s.name)) inputs.push(s.name);
    }
  }
  return { kind: 'container', children, feeds, order, inputs, outputs };
}

function isPort(x: Json): boolean {
  return typeof x === 'object' && x !== null && !Array.isArray(x) && 'NetPort' in x;
}

function run(node: Node, inputs: Record<string, Arr>): Record<string, Arr> {
  if (node.kind === 'layer') return FORWARD[node.layer.type]!(node.layer, pick(inputs, node.inputs), node.arrays, {});
  const values = new Map<string, Arr>();
  const valueOf = (s: Source): Arr => {
    if (s.kind === 'input') {
      const v = inputs[s.name];
      if (!v) throw new Error(`reference: no data for input "${s.name}"`);
      return v;
    }
    return values.get(`${s.child} ${s.port}`)!;
  };
  for (const c of node.order) {
    const child = node.children[c]!.node;
    const x: Record<string, Arr> = {};
    for (const port of child.inputs) x[port] = valueOf(node.feeds.get(`${c} ${port}`)!);
    let y: Record<string, Arr>;
    if (child.kind === 'layer') {
      y = FORWARD[child.layer.type]!(child.layer, x, child.arrays, { logits: fusedLogits(node, c, inputs, values) });
    } else {
      y = run(child, x);
    }
    for (const [port, v] of Object.entries(y)) values.set(`${c} ${port}`, v);
  }
  return Object.fromEntries(node.outputs.map((o) => [o, valueOf(node.feeds.get(`output ${o}`)!)]));
}

/** The fused softmax's input, when child c is an Index/Probabilities cross-entropy fed directly by a SoftmaxLayer over its last level. */
function fusedLogits(node: ContainerNode, c: number, inputs: Record<string, Arr>, values: Map<string, Arr>): Arr | undefined {
  const child = node.children[c]!.node;
  if (child.kind !== 'layer' || child.layer.type !== 'CrossEntropyLossLayer' || child.layer.TargetForm === 'Binary') return undefined;
  const s = node.feeds.get(`${c} Input`)!;
  if (s.kind !== 'child') return undefined;
  const producer = node.children[s.child]!.node;
  if (producer.kind !== 'layer' || producer.layer.type !== 'SoftmaxLayer') return undefined;
  const ps = node.feeds.get(`${s.child} Input`)!;
  const logits = ps.kind === 'input' ? inputs[ps.name]! : values.get(`${ps.child} ${ps.port}`)!;
  const level = typeof producer.layer.Level === 'number' ? producer.layer.Level : -1;
  const rank = logits.dims.length;
  return (level > 0 ? level : rank + 1 + level) === rank ? logits : undefined;
}

function pick(x: Record<string, Arr>, ports: string[]): Record<string, Arr> {
  return Object.fromEntries(ports.map((p) => [p, x[p]!]));
}

// ---------------------------------------------------------------------------------
// NetPortGradient by central differences

/** Imposed output gradients: a port's array, a number (broadcast) or null (zero). */
export type Ograd = Record<string, Nested | null>;

export interface Problem {
  readonly net: RefNet;
  /** One example, or a batch (a list of examples), each input port -> value. */
  readonly examples: Record<string, Arr>[];
  readonly ograd?: Ograd;
}

/** Sum over examples and output ports of Total[output * ograd] (ograd 1 everywhere by default). */
export function objective(p: Problem): number {
  let s = 0;
  for (const [e, example] of p.examples.entries()) {
    const out = p.net.evaluate(example);
    for (const port of p.net.outputs) {
      const y = out[port]!;
      const w = weightOf(p.ograd, port, y, e, p.examples.length > 1);
      for (let i = 0; i < y.data.length; i++) s += y.data[i]! * w(i);
    }
  }
  return s;
}

function weightOf(ograd: Ograd | undefined, port: string, y: Arr, example: number, batch: boolean): (i: number) => number {
  if (!ograd) return () => 1;
  if (!(port in ograd)) return () => 0;
  const g = ograd[port];
  if (g === null || g === undefined) return () => 0;
  if (typeof g === 'number') return () => g;
  const flat = (v: Nested): number[] => (typeof v === 'number' ? [v] : v.flatMap(flat));
  const values = flat(batch ? (g as Nested[])[example]! : g);
  if (values.length !== y.data.length) throw new Error(`reference: ograd for "${port}" has ${values.length} elements, the output ${y.data.length}`);
  return (i) => values[i]!;
}

export interface Derivative {
  /** The gradient, shaped like what was differentiated. */
  readonly value: Arr;
  /** max |D(h) - D(2h)| / (1e-6 + 1e-4 |D(h)|): the finite-difference error as a fraction of the check's tolerance. */
  readonly errorRatio: number;
}

/**
 * d objective / d each element of `target` (an array of the net, or one example's input),
 * by central differences with step h = 1e-6 max(1, |x|), estimated again with 2h: the
 * difference of the two bounds the error of the first.
 */
export function derivative(p: Problem, target: Arr): Derivative {
  const out = copy(target);
  let worst = 0;
  for (let i = 0; i < target.data.length; i++) {
    const x0 = target.data[i]!;
    const at = (dx: number) => {
      target.data[i] = x0 + dx;
      const v = objective(p);
      target.data[i] = x0;
      return v;
    };
    const h = 1e-6 * Math.max(1, Math.abs(x0));
    const d1 = (at(h) - at(-h)) / (2 * h);
    const d2 = (at(2 * h) - at(-2 * h)) / (4 * h);
    out.data[i] = d1;
    worst = Math.max(worst, Math.abs(d1 - d2) / (1e-6 + 1e-4 * Math.abs(d1)));
  }
  return { value: out, errorRatio: worst };
}

/** The smallest distance to a kink or tie met while evaluating the problem. */
export function kinkMargin(p: Problem): number {
  return withMargin(() => objective(p)).margin;
}

export { toNested, volume };

/** `{"enc", 2, "Biases"}` -> NetPath["Nodes", "enc", "Nodes", "2", "Arrays", "Biases"], as parts. */
function internalPath(key: Key[]): string[] {
  const parts: string[] = [];
  key.forEach((k, i) => parts.push(...(i < key.length - 1 ? ['Nodes', String(k)] : ['Arrays', String(k)])));
  return parts;
}

/**
 * Canonical order of two NetPaths of strings (SEMANTICS.md, Results): fewer parts first,
 * then the first differing part in Wolfram's string order, which compares ignoring case
 * with digits before letters, and puts lower case first between strings equal but for case.
 */
function canonicalOrder(a: string[], b: string[]): number {
  if (a.length !== b.length) return a.length - b.length;
  for (let i = 0; i < a.length; i++) {
    const x = a[i]!;
    const y = b[i]!;
    if (x === y) continue;
    const fold = (s: string) => [...s].map((c) => (/[0-9]/.test(c) ? `1${c}` : /[a-z]/i.test(c) ? `2${c.toLowerCase()}` : `0${c}`)).join('');
    const fx = fold(x);
    const fy = fold(y);
    if (fx !== fy) return fx < fy ? -1 : 1;
    for (let j = 0; j < x.length; j++) if (x[j] !== y[j]) return /[a-z]/.test(x[j]!) ? -1 : 1;
  }
  return 0;
}
