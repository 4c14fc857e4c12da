/**
 * Validated net -> runnable plan. Containers are flattened into one graph of layer
 * nodes joined by values (what flows along an edge); shapes are inferred in
 * topological order before anything runs, and every array gets its expected dimensions.
 * Port naming follows Wolfram: chain inputs are the first layer's inputs plus the unfed
 * inputs of later layers; graph inputs and outputs are created for unconnected ports.
 */
import type { Coder } from './coders/define';
import { formatKey, netError, where, type LayerPath } from './errors';
import { kahnOrder } from './heap';
import { dict, own } from './names';
import { defineLayer, type ArrayDecl, type InferContext, type Inferred, type LayerDef } from './layers/define';
import type { Child, ContainerNode, Edge, Endpoint, LayerNode, NetNode } from './net';
import { admits, formatDims, formatType, sameDims, sameType, type PortType } from './shapes';
import type { NumArray } from './tensors';

/** What flows along one edge: produced by one node, read by any number. */
export interface Value {
  readonly id: number;
  type?: PortType;
  producer?: { readonly node: PlanNode; readonly port: string };
  /** Shapes that a container's description declares for this value, with who declared it. */
  readonly declared: Array<{ readonly type: PortType; readonly by: string }>;
  /** The net's input port this value is, if any. */
  netInput?: string;
  /** The NetEncoder or NetDecoder a description attaches to it (the outermost one). */
  coder?: Coder;
}

export interface PlanNode {
  /** Creation order, which is the depth-first order of the description. */
  readonly index: number;
  readonly path: LayerPath;
  readonly layer: LayerNode;
  readonly inputs: Readonly<Record<string, Value>>;
  readonly outputs: Readonly<Record<string, Value>>;
  /** What the forward pass reads per port: `inputs`, except where a fusion rebinds a port. */
  feeds: Record<string, Value>;
  fused: Set<string>;
  shapes?: Inferred;
}

/** A learned or auxiliary array of one layer. */
export interface ArraySlot {
  readonly node: PlanNode;
  readonly decl: ArrayDecl;
  /** Its path as Wolfram writes it: `{2, "Weights"}`, `{"enc", 1, "Biases"}`, `{"Weights"}`. */
  readonly key: LayerPath;
  readonly dims: readonly number[];
  value: NumArray | undefined;
}

export interface Plan {
  readonly root: NetNode;
  readonly inputs: ReadonlyArray<{ readonly name: string; readonly value: Value }>;
  readonly outputs: ReadonlyArray<{ readonly name: string; readonly value: Value }>;
  /** Topological order. */
  readonly nodes: readonly PlanNode[];
  /** Layer order (depth-first), then each layer's declaration order; None arrays omitted. */
  readonly arrays: readonly ArraySlot[];
  /** The plan node of each layer of the description. */
  readonly nodeOf: ReadonlyMap<LayerNode, PlanNode>;
  /** Each container's ports (the values at its boundary) and wiring, for writers of other formats. */
  readonly containers: ReadonlyMap<ContainerNode, ContainerPlan>;
}

/** A container as compiled: the values at its ports, in port order, and its wiring. */
export interface ContainerPlan {
  readonly inputs: Readonly<Record<string, Value>>;
  readonly outputs: Readonly<Record<string, Value>>;
  /** A NetGraph's connections (children by index); absent for a NetChain. */
  readonly connections?: GraphAnalysis['connections'];
}

/** Ports of a node as seen from its container. */
interface Ports {
  readonly inputs: readonly string[];
  readonly outputs: readonly string[];
}

export type Source = { kind: 'input'; name: string } | { kind: 'layer'; child: number; port: string };
export type Target = { kind: 'output'; name: string } | { kind: 'layer'; child: number; port: string };

interface GraphAnalysis extends Ports {
  readonly childPorts: readonly Ports[];
  readonly connections: ReadonlyArray<{ from: Source; to: Target }>;
  /** The connection into each layer input, by `${child} ${port}`. */
  readonly feedOf: ReadonlyMap<string, { from: Source; to: Target }>;
}

/** Passes values through; stands where a graph wires an input or a layer output to several ports. */
const Identity: LayerDef = defineLayer({
  type: 'Identity',
  params: {},
  inputs: ['Input'],
  infer: (ctx) => ({ inputs: { Input: ctx.need('Input') }, outputs: { Output: ctx.need('Input') }, arrays: {} }),
  forward: ({ inputs }) => ({ Output: inputs.Input! }),
  examples: [],
});

class ShapeUnknown extends Error {
  constructor(readonly port: string) {
    super(port);
  }
}

/** Options of compile(). */
export interface CompileOptions {
  /** Types for net inputs whose shape the description leaves open (e.g. taken from data). */
  readonly assume?: Readonly<Record<string, PortType>>;
}

/** Flattens, wires and shape-checks a parsed net. Throws NetError `invalid_net`. */
export function compile(root: NetNode, options: CompileOptions = {}): Plan {
  return new Compiler(root).run(options);
}

class Compiler {
  private nextValue = 0;
  private readonly nodes: PlanNode[] = [];
  private readonly analyses = new WeakMap<ContainerNode, Ports | GraphAnalysis>();
  private readonly containers = new Map<ContainerNode, ContainerPlan>();

  constructor(private readonly root: NetNode) {}

  run(options: CompileOptions): Plan {
    const ports = this.portsOf(this.root, []);
    const declared = this.root.kind === 'layer' ? dict<PortType>() : this.root.declared;
    const inputs = ports.inputs.map((name) => {
      const value = this.value(declared[name], `input "${name}"`);
      value.netInput = name;
      this.attach(value, this.root.coders[name], 'input', [], this.root.kind === 'layer' ? this.root.def.type : this.root.kind, name);
      const assumed = options.assume ? own(options.assume, name) : undefined;
      if (!value.type && assumed && !(this.root.kind === 'layer' && this.root.declared[name])) value.type = assumed;
      return { name, value };
    });
    const outputs = ports.outputs.map((name) => {
      const value = this.value(declared[name], `output "${name}"`);
      this.attach(value, this.root.coders[name], 'output', [], this.root.kind === 'layer' ? this.root.def.type : this.root.kind, name);
      return { name, value };
    });
    this.expand(
      this.root,
      [],
      dict(inputs.map((p) => [p.name, p.value])),
      dict(outputs.map((p) => [p.name, p.value])),
    );
    const order = this.topologicalOrder();
    for (const node of order) this.infer(node);
    for (const node of order) this.fuse(node);
    const arrays = this.nodes.flatMap((node) => this.slots(node));
    return {
      root: this.root,
      inputs,
      outputs,
      nodes: order,
      arrays,
      nodeOf: new Map(this.nodes.filter((n) => n.layer.def !== Identity).map((n) => [n.layer, n])),
      containers: this.containers,
    };
  }

  private value(declared: PortType | undefined, by: string): Value {
    return { id: this.nextValue++, type: declared, declared: declared ? [{ type: declared, by }] : [] };
  }

  // ---- ports of containers ----

  private portsOf(node: NetNode, path: LayerPath, arity?: number): Ports {
    if (node.kind === 'layer') {
      return { inputs: node.def.inputs(node.params, node.def.variadic ? arity : undefined), outputs: node.def.outputs };
    }
    let ports = this.analyses.get(node);
    if (!ports) {
      ports = node.kind === 'NetChain' ? this.analyzeChain(node, path) : this.analyzeGraph(node, path);
      const all = [...ports.inputs, ...ports.outputs];
      for (const key of Object.keys(node.declared)) {
        if (!all.includes(key)) {
          throw this.invalid(path, node.kind, `has no port "${key}" (its ports: ${all.map((p) => `"${p}"`).join(', ') || 'none'})`);
        }
      }
      this.analyses.set(node, ports);
    }
    return ports;
  }

  private analyzeChain(chain: ContainerNode, path: LayerPath): Ports {
    const ports = chain.children.map((c) => this.portsOf(c.node, [...path, c.key]));
    const inputs: string[] = [];
    const seen = new Set<string>();
    const add = (names: readonly string[]) => names.forEach((n) => seen.has(n) || (seen.add(n), inputs.push(n)));
    ports.forEach((p, i) => {
      const child = chain.children[i]!;
      if (i > 0 && p.inputs.length === 0) {
        throw this.invalid([...path, child.key], typeOf(child.node), 'has no input, so the layer before it in the NetChain cannot feed it');
      }
      if (i < ports.length - 1 && p.outputs.length !== 1) {
        throw this.invalid([...path, child.key], typeOf(child.node), `has ${p.outputs.length} outputs; inside a NetChain every layer but the last needs exactly one`);
      }
      add(i === 0 ? p.inputs : p.inputs.slice(1));
    });
    return { inputs, outputs: ports[ports.length - 1]!.outputs };
  }

  private analyzeGraph(graph: ContainerNode, path: LayerPath): GraphAnalysis {
    const at = (e: number) => `edge ${e + 1} of ${where(path, 'NetGraph')}`;
    const fail = (e: number, message: string): never => {
      throw netError('invalid_net', `Invalid net: ${at(e)} ${message}`, where(path, 'NetGraph'));
    };
    const find = (e: number, ref: string | number): number => {
      const i = childIndex(graph, ref);
      if (i === undefined) return fail(e, `refers to layer ${formatKey(ref)}, which does not exist`);
      return i;
    };
    const isBareLayer = (x: Endpoint | readonly Endpoint[]): x is string | number => typeof x === 'string' || typeof x === 'number';

    // Variadic layers take their number of inputs from the edges that feed them.
    const feeds = new Map<number, number>();
    graph.edges.forEach((edge, e) => {
      for (let j = 1; j < edge.length; j++) {
        const [left, right] = [edge[j - 1]!, edge[j]!];
        for (const r of Array.isArray(right) ? right : [right]) {
          if (!isBareLayer(r)) continue;
          const c = find(e, r);
          const node = graph.children[c]!.node;
          if (node.kind === 'layer' && node.def.variadic && !hasDeclaredArity(node)) {
            feeds.set(c, (feeds.get(c) ?? 0) + (Array.isArray(left) ? left.length : 1));
          }
        }
      }
    });
    const childPorts = graph.children.map((c, i) => this.portsOf(c.node, [...path, c.key], feeds.get(i)));

    const connections: Array<{ from: Source; to: Target }> = [];
    const nextFree = new Map<number, number>();
    const source = (e: number, x: Endpoint): Source => {
      if (isBareLayer(x)) {
        const c = find(e, x);
        const outs = childPorts[c]!.outputs;
        if (outs.length === 0) fail(e, `starts at layer ${formatKey(x)}, which has no output`);
        return { kind: 'layer', child: c, port: outs[0]! };
      }
      if (typeof x.NetPort === 'string') return { kind: 'input', name: x.NetPort };
      const [ref, port] = x.NetPort;
      const c = find(e, ref);
      if (!childPorts[c]!.outputs.includes(port)) {
        fail(e, `starts at port "${port}" of layer ${formatKey(ref)}, which has no such output (outputs: ${childPorts[c]!.outputs.join(', ')})`);
      }
      return { kind: 'layer', child: c, port };
    };
    const target = (e: number, x: Endpoint, count: number): Target[] => {
      if (isBareLayer(x)) {
        const c = find(e, x);
        const ins = childPorts[c]!.inputs;
        const node = graph.children[c]!.node;
        if (node.kind === 'layer' && node.def.variadic) {
          const first = nextFree.get(c) ?? 0;
          nextFree.set(c, first + count);
          if (first + count > ins.length) fail(e, `feeds more inputs than layer ${formatKey(x)} has (${ins.length})`);
          return ins.slice(first, first + count).map((port) => ({ kind: 'layer', child: c, port }));
        }
        if (count > 1 && count !== ins.length) fail(e, `feeds ${count} values to layer ${formatKey(x)}, which has ${ins.length} input${ins.length === 1 ? '' : 's'} (${ins.join(', ')})`);
        if (ins.length === 0) fail(e, `ends at layer ${formatKey(x)}, which has no input`);
        return ins.slice(0, count).map((port) => ({ kind: 'layer', child: c, port }));
      }
      if (count > 1) fail(e, 'feeds a list of values to a single port');
      if (typeof x.NetPort === 'string') return [{ kind: 'output', name: x.NetPort }];
      const [ref, port] = x.NetPort;
      const c = find(e, ref);
      if (!childPorts[c]!.inputs.includes(port)) {
        fail(e, `ends at port "${port}" of layer ${formatKey(ref)}, which has no such input (inputs: ${childPorts[c]!.inputs.join(', ') || 'none'})`);
      }
      return [{ kind: 'layer', child: c, port }];
    };
    graph.edges.forEach((edge, e) => {
      edge.slice(1, -1).forEach((x) => Array.isArray(x) && fail(e, 'has a list in the middle of a chain of edges'));
      for (let j = 1; j < edge.length; j++) {
        const left = edge[j - 1]!;
        const right = edge[j]!;
        const sources = (Array.isArray(left) ? left : [left]).map((x) => source(e, x));
        for (const r of Array.isArray(right) ? right : [right]) {
          const targets = target(e, r, sources.length);
          targets.forEach((t, k) => connections.push({ from: sources[k]!, to: t }));
        }
      }
    });

    // Each input port and each graph output takes one connection.
    const fedBy = new Map<string, number>();
    connections.forEach(({ to }, i) => {
      const key = to.kind === 'output' ? `output ${to.name}` : `${to.child} ${to.port}`;
      if (fedBy.has(key)) {
        const what = to.kind === 'output' ? `NetPort["${to.name}"]` : `port "${to.port}" of ${where([...path, graph.children[to.child]!.key], typeOf(graph.children[to.child]!.node))}`;
        throw this.invalid(path, 'NetGraph', `connects ${what} more than once`);
      }
      fedBy.set(key, i);
    });

    // Graph outputs: explicit NetPorts in edge order, then unconnected layer outputs
    // (equal names become Output1, Output2, ...).
    const outputs: string[] = [];
    const outputSet = new Set<string>();
    const addOutput = (name: string) => outputSet.has(name) || (outputSet.add(name), outputs.push(name));
    for (const { to } of connections) if (to.kind === 'output') addOutput(to.name);
    const used = new Set(connections.flatMap(({ from }) => (from.kind === 'layer' ? [`${from.child} ${from.port}`] : [])));
    const dangling = childPorts.flatMap((p, c) => p.outputs.filter((port) => !used.has(`${c} ${port}`)).map((port) => ({ c, port })));
    const counts = new Map<string, number>();
    dangling.forEach(({ port }) => counts.set(port, (counts.get(port) ?? 0) + 1));
    const seen = new Map<string, number>();
    for (const { c, port } of dangling) {
      let name = port;
      if (counts.get(port)! > 1) {
        seen.set(port, (seen.get(port) ?? 0) + 1);
        name = `${port}${seen.get(port)}`;
      }
      if (outputSet.has(name)) throw this.invalid(path, 'NetGraph', `has two outputs named "${name}"`);
      addOutput(name);
      connections.push({ from: { kind: 'layer', child: c, port }, to: { kind: 'output', name } });
    }

    // Graph inputs: unconnected layer inputs are named after their port (equal names
    // merge); inputs are listed by first use, layers taken in topological order.
    childPorts.forEach((p, c) => {
      for (const port of p.inputs) {
        if (!fedBy.has(`${c} ${port}`)) connections.push({ from: { kind: 'input', name: port }, to: { kind: 'layer', child: c, port } });
      }
    });
    const feedOf = new Map<string, { from: Source; to: Target }>();
    for (const conn of connections) if (conn.to.kind === 'layer') feedOf.set(`${conn.to.child} ${conn.to.port}`, conn);
    const inputs: string[] = [];
    const inputSet = new Set<string>();
    const addInput = (name: string) => inputSet.has(name) || (inputSet.add(name), inputs.push(name));
    const order = this.childOrder(graph, path, connections);
    for (const c of order) {
      for (const port of childPorts[c]!.inputs) {
        const conn = feedOf.get(`${c} ${port}`)!;
        if (conn.from.kind === 'input') addInput(conn.from.name);
      }
    }
    for (const { from } of connections) if (from.kind === 'input') addInput(from.name);
    const clash = inputs.find((name) => outputSet.has(name));
    if (clash) throw this.invalid(path, 'NetGraph', `uses "${clash}" as the name of both an input and an output`);
    return { inputs, outputs, childPorts, connections, feedOf };
  }

  /** Children in topological order of the graph's connections, ties by position. */
  private childOrder(graph: ContainerNode, path: LayerPath, connections: ReadonlyArray<{ from: Source; to: Target }>): number[] {
    const n = graph.children.length;
    const deps = Array.from({ length: n }, () => new Set<number>());
    for (const { from, to } of connections) if (from.kind === 'layer' && to.kind === 'layer') deps[to.child]!.add(from.child);
    const { order, stuck } = kahnOrder(n, (c) => deps[c]!);
    if (stuck !== undefined) throw this.invalid(path, 'NetGraph', `has a cycle through layer ${formatKey(graph.children[stuck]!.key)}`);
    return order;
  }

  // ---- expansion into plan nodes ----

  private expand(node: NetNode, path: LayerPath, inputs: Record<string, Value>, outputs: Record<string, Value>): void {
    if (node.kind === 'layer') {
      const plan: PlanNode = { index: this.nodes.length, path, layer: node, inputs, outputs, feeds: dict(Object.entries(inputs)), fused: new Set() };
      this.nodes.push(plan);
      for (const [port, v] of Object.entries(inputs)) this.attach(v, node.coders[port], 'input', path, node.def.type, port);
      for (const [port, v] of Object.entries(outputs)) this.attach(v, node.coders[port], 'output', path, node.def.type, port);
      for (const [port, v] of Object.entries(outputs)) v.producer = { node: plan, port };
      return;
    }
    const ports = this.portsOf(node, path);
    this.containers.set(node, { inputs, outputs, connections: (ports as Partial<GraphAnalysis>).connections });
    for (const [name, v] of Object.entries(inputs)) {
      this.declare(v, node, path, name);
      if (path.length > 0) this.attach(v, node.coders[name], 'input', path, node.kind, name);
    }
    for (const [name, v] of Object.entries(outputs)) {
      this.declare(v, node, path, name);
      if (path.length > 0) this.attach(v, node.coders[name], 'output', path, node.kind, name);
    }
    if (node.kind === 'NetChain') this.expandChain(node, path, inputs, outputs);
    else this.expandGraph(node, path, ports as GraphAnalysis, inputs, outputs);
  }

  /** An encoder goes on an input port, a decoder on an output port; the outermost one counts. */
  private attach(v: Value, coder: Coder | undefined, side: 'input' | 'output', path: LayerPath, type: string, port: string): void {
    if (!coder) return;
    const wanted = side === 'input' ? 'NetEncoder' : 'NetDecoder';
    if (coder.def.kind !== wanted) {
      throw this.invalid(path, type, `"${port}" is an ${side} port, which takes a ${wanted}, not a ${coder.def.kind}`);
    }
    v.coder ??= coder;
  }

  private declare(v: Value, node: ContainerNode, path: LayerPath, port: string): void {
    const t = node.declared[port];
    if (!t || path.length === 0) return;
    const by = `${where(path, node.kind)} "${port}"`;
    if (v.type && !admits(v.type, t) && !admits(t, v.type)) throw this.invalid(path, node.kind, `"${port}" is declared ${formatType(t)}, but receives ${formatType(v.type)}`);
    if (!v.type || (v.type.index === undefined && t.index !== undefined)) v.type = t;
    v.declared.push({ type: t, by });
  }

  private expandChain(chain: ContainerNode, path: LayerPath, inputs: Record<string, Value>, outputs: Record<string, Value>): void {
    let previous: Value | undefined;
    chain.children.forEach((child, i) => {
      const childPath = [...path, child.key];
      const ports = this.portsOf(child.node, childPath);
      const last = i === chain.children.length - 1;
      const ins = dict(ports.inputs.map((p, k) => [p, i > 0 && k === 0 ? previous! : inputs[p]!]));
      const outs = last ? outputs : dict([[ports.outputs[0]!, (previous = this.value(undefined, ''))]]);
      this.expand(child.node, childPath, ins, outs);
    });
  }

  private expandGraph(graph: ContainerNode, path: LayerPath, a: GraphAnalysis, inputs: Record<string, Value>, outputs: Record<string, Value>): void {
    // Each layer output gets one value; a graph output reuses it, and an Identity node
    // stands in where one value must appear as several graph outputs.
    const produced = new Map<string, Value>();
    const outputOf = (c: number, port: string) => {
      const key = `${c} ${port}`;
      let v = produced.get(key);
      if (!v) produced.set(key, (v = this.value(undefined, '')));
      return v;
    };
    for (const { from, to } of a.connections) {
      if (to.kind !== 'output') continue;
      const wanted = outputs[to.name]!;
      const key = from.kind === 'layer' ? `${from.child} ${from.port}` : undefined;
      if (key && !produced.has(key)) produced.set(key, wanted);
      else this.identity(path, from.kind === 'input' ? inputs[from.name]! : produced.get(key!)!, wanted);
    }
    graph.children.forEach((child, c) => {
      const ports = a.childPorts[c]!;
      const ins = dict<Value>();
      for (const port of ports.inputs) {
        const { from } = a.feedOf.get(`${c} ${port}`)!;
        ins[port] = from.kind === 'input' ? inputs[from.name]! : outputOf(from.child, from.port);
      }
      const outs = dict(ports.outputs.map((port) => [port, outputOf(c, port)]));
      this.expand(child.node, [...path, child.key], ins, outs);
    });
  }

  private identity(path: LayerPath, from: Value, to: Value): void {
    const layer: LayerNode = { kind: 'layer', def: Identity, params: {}, arrays: dict(), declared: dict(), coders: dict() };
    this.expand(layer, path, dict([['Input', from]]), dict([['Output', to]]));
  }

  // ---- inference ----

  private topologicalOrder(): PlanNode[] {
    // Kahn's algorithm, the lowest creation index first among the ready nodes.
    const nodes = this.nodes;
    const deps = (i: number) => Object.values(nodes[i]!.inputs).flatMap((v) => (v.producer ? [v.producer.node.index] : []));
    const { order, stuck } = kahnOrder(nodes.length, deps);
    if (stuck !== undefined) {
      const node = nodes[stuck]!;
      throw this.invalid([], typeOf(this.root), `has a cycle through ${where(node.path, node.layer.def.type)}`);
    }
    return order.map((i) => nodes[i]!);
  }

  private infer(node: PlanNode): void {
    const { layer } = node;
    const type = layer.def.type;
    const at = where(node.path, type);
    const known = dict<PortType | undefined>();
    for (const [port, v] of Object.entries(node.inputs)) {
      const decl = layer.declared[port];
      if (decl && v.type && !admits(decl, v.type) && !(v.producer === undefined && admits(v.type, decl))) {
        throw this.invalid(node.path, type, `"${port}" is declared ${formatType(decl)}, but receives ${formatType(v.type)}`);
      }
      known[port] = v.type?.index === undefined && decl?.index !== undefined ? decl : (v.type ?? decl);
    }
    const ctx: InferContext<Record<string, unknown>> = {
      params: layer.params,
      inputs: known,
      declared: layer.declared,
      arrays: dict(Object.entries(layer.arrays).map(([k, a]) => [k, a === null ? null : a?.dims])),
      where: at,
      need: (port) => known[port] ?? (() => { throw new ShapeUnknown(port); })(),
      fail: (message, field) => {
        throw netError('invalid_net', `Invalid net: ${at} ${field ? `"${field}" ` : ''}${message}`, at);
      },
    };
    let inferred: Inferred;
    try {
      inferred = layer.def.infer(ctx);
    } catch (e) {
      if (!(e instanceof ShapeUnknown)) throw e;
      const v = node.inputs[e.port]!;
      const what = v.netInput !== undefined ? `input "${v.netInput}"` : `"${e.port}" of ${at}`;
      const example = v.netInput ?? e.port;
      throw netError(
        'invalid_net',
        `Invalid net: the shape of ${what} is not known${v.netInput !== undefined ? ` (${at} needs it)` : ''}; declare it, e.g. "${example}": 3, "${example}": [3, 32, 32] or "${example}": "Real"`,
        at,
      );
    }
    for (const [port, v] of Object.entries(node.inputs)) {
      const t = inferred.inputs[port]!;
      // A net input declared by shape alone takes the integer type of the port it feeds.
      if (v.type && !sameType(v.type, t) && !(v.producer === undefined && admits(v.type, t))) {
        const real = t.index !== undefined && v.type.index === undefined && sameDims(t.dims, v.type.dims) ? 'real numbers ' : '';
        throw this.invalid(node.path, type, `"${port}" expects ${formatType(t)}, but receives ${real}${formatType(v.type)}`);
      }
      v.type = t;
      this.checkDeclared(v);
    }
    for (const [port, v] of Object.entries(node.outputs)) {
      const t = inferred.outputs[port]!;
      const decl = layer.declared[port];
      if (decl && !admits(decl, t)) throw this.invalid(node.path, type, `"${port}" is declared ${formatType(decl)}, but the layer produces ${formatType(t)}`);
      v.type = t;
      this.checkDeclared(v);
    }
    node.shapes = inferred;
  }

  private checkDeclared(v: Value): void {
    for (const d of v.declared) {
      if (!admits(d.type, v.type!)) {
        throw netError('invalid_net', `Invalid net: ${d.by} is declared ${formatType(d.type)}, but the net gives it ${formatType(v.type!)}`, d.by);
      }
    }
  }

  /** Rebinds an input to the producer's own input where the layer fuses with it. */
  private fuse(node: PlanNode): void {
    const fusion = node.layer.def.fuse;
    if (!fusion) return;
    const producer = node.inputs[fusion.input]?.producer?.node;
    if (!producer || producer.layer.def.type !== fusion.producer) return;
    if (!fusion.when({ params: producer.layer.params, shapes: producer.shapes! }, { params: node.layer.params })) return;
    node.feeds[fusion.input] = producer.inputs.Input!;
    node.fused.add(fusion.input);
  }

  private slots(node: PlanNode): ArraySlot[] {
    const { layer } = node;
    const slots: ArraySlot[] = [];
    for (const decl of layer.def.arrays) {
      const expected = node.shapes!.arrays[decl.name];
      const given = layer.arrays[decl.name];
      if (given === null || expected === null || expected === undefined) continue;
      if (given && !sameDims(given.dims, expected)) {
        throw this.invalid(node.path, layer.def.type, `"${decl.name}" has dimensions ${formatDims(given.dims)}, expected ${formatDims(expected)}`);
      }
      slots.push({ node, decl, key: [...node.path, decl.name], dims: expected, value: given });
    }
    return slots;
  }

  private invalid(path: LayerPath, type: string, message: string) {
    const at = where(path, type);
    return netError('invalid_net', `Invalid net: ${at} ${message}`, at);
  }
}

function typeOf(node: NetNode): string {
  return node.kind === 'layer' ? node.def.type : node.kind;
}

function hasDeclaredArity(node: LayerNode): boolean {
  return Object.keys(node.declared).some((k) => /^Input[1-9][0-9]*$/.test(k));
}

/**
 * A layer reference inside a container: an integer is a position (negative from the
 * end; in an association, a key spelt with digits wins), a string is a name (in a list,
 * the digits of a position, as Wolfram keys list layers "1", "2", ...).
 */
export function childIndex(container: ContainerNode, ref: string | number): number | undefined {
  const n = container.children.length;
  if (typeof ref === 'number') {
    if (container.named) {
      const byKey = keyIndex(container).get(String(ref));
      if (byKey !== undefined) return byKey;
    }
    if (!Number.isInteger(ref) || ref === 0 || Math.abs(ref) > n) return undefined;
    return ref > 0 ? ref - 1 : n + ref;
  }
  const i = container.named
    ? (keyIndex(container).get(ref) ?? -1)
    : /^[1-9][0-9]*$/.test(ref) && Number(ref) <= n
      ? Number(ref) - 1
      : -1;
  return i >= 0 ? i : undefined;
}

const keyIndexes = new WeakMap<ContainerNode, Map<string | number, number>>();

/** A named container's positions by key (0-based), built once: edges look layers up by name. */
function keyIndex(container: ContainerNode): Map<string | number, number> {
  let m = keyIndexes.get(container);
  if (!m) {
    m = new Map();
    container.children.forEach((c: Child, i) => m!.has(c.key) || m!.set(c.key, i));
    keyIndexes.set(container, m);
  }
  return m;
}

export type { Edge };
