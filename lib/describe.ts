/**
 * `netport describe`: a net as Wolfram's summary panel shows it: each layer with its type,
 * input and output shapes and arrays, the ports with their coders, and the parameter
 * count (Wolfram's NetInformation "ArraysTotalElementCount"; netport also gives the
 * learnable part, without auxiliary arrays such as a BatchNormalizationLayer's moving
 * statistics). Built from the compiled plan, so shapes are the inferred ones.
 */
import { coderJson } from './coders/define';
import { compile, type ArraySlot, type Plan, type PlanNode } from './compile';
import { formatKey, type LayerPath } from './errors';
import { parseNet } from './net';
import { volume, type PortType } from './shapes';

export interface PortSummary {
  readonly name: string;
  readonly dims: readonly number[];
  /** Integer ports: values 1..index. */
  readonly index?: number;
  /** The port's coder in its JSON form, defaults filled. */
  readonly coder?: Readonly<Record<string, unknown>>;
  /** The coder in words: `Image 32x32 RGB, mean {0.5, 0.5, 0.5}`. */
  readonly coderSummary?: string;
}

export interface ArraySummary {
  readonly name: string;
  readonly dims: readonly number[];
  readonly size: number;
  readonly auxiliary: boolean;
  readonly initialized: boolean;
}

export interface LayerSummary {
  /** Where the layer sits: positions and names from the top (`[2]`, `["enc", 1]`). */
  readonly path: LayerPath;
  readonly type: string;
  readonly inputs: readonly PortSummary[];
  readonly outputs: readonly PortSummary[];
  readonly arrays: readonly ArraySummary[];
}

export interface NetSummary {
  /** NetChain, NetGraph, or the layer's type when the net is one layer. */
  readonly type: string;
  readonly inputs: readonly PortSummary[];
  readonly outputs: readonly PortSummary[];
  readonly layers: readonly LayerSummary[];
  /** Elements of all arrays, and of the learnable ones (without auxiliary arrays). */
  readonly parameters: { readonly total: number; readonly learnable: number };
}

/** Validates and shape-checks a net description and summarizes it. NetError `invalid_net` otherwise. */
export function describeNet(description: unknown): NetSummary {
  return summarize(compile(parseNet(description)));
}

function port(name: string, value: { type?: PortType; coder?: Parameters<typeof coderJson>[0] }, withCoder = true): PortSummary {
  const t = value.type!;
  const base: PortSummary = t.index === undefined ? { name, dims: t.dims } : { name, dims: t.dims, index: t.index };
  const c = withCoder ? value.coder : undefined;
  return c ? { ...base, coder: coderJson(c), coderSummary: c.def.summary(c.params) } : base;
}

function summarize(plan: Plan): NetSummary {
  const byNode = new Map<PlanNode, ArraySlot[]>();
  for (const s of plan.arrays) byNode.set(s.node, [...(byNode.get(s.node) ?? []), s]);
  const nodes = [...plan.nodeOf.values()].sort((a, b) => a.index - b.index);
  const layers = nodes.map((n): LayerSummary => ({
    path: n.path,
    type: n.layer.def.type,
    inputs: Object.entries(n.inputs).map(([name, v]) => port(name, v, false)),
    outputs: Object.entries(n.outputs).map(([name, v]) => port(name, v, false)),
    arrays: (byNode.get(n) ?? []).map((s) => ({ name: s.decl.name, dims: s.dims, size: volume(s.dims), auxiliary: !!s.decl.aux, initialized: !!s.value })),
  }));
  const all = layers.flatMap((l) => l.arrays);
  return {
    type: plan.root.kind === 'layer' ? plan.root.def.type : plan.root.kind,
    inputs: plan.inputs.map((p) => port(p.name, p.value)),
    outputs: plan.outputs.map((p) => port(p.name, p.value)),
    layers,
    parameters: { total: sum(all.map((a) => a.size)), learnable: sum(all.filter((a) => !a.auxiliary).map((a) => a.size)) },
  };
}

const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);

/** A shape in the words of Wolfram's panel: `real`, `vector (size: 3)`, `3-tensor (size: 3×32×32)`, `index (range: 1..10)`. */
export function shapeWords(p: { dims: readonly number[]; index?: number }): string {
  const size = p.dims.join('×');
  if (p.index !== undefined) return p.dims.length === 0 ? `index (range: 1..${p.index})` : `${rankWord(p.dims.length)} of indices (size: ${size}, range: 1..${p.index})`;
  return p.dims.length === 0 ? 'real' : `${rankWord(p.dims.length)} (size: ${size})`;
}

function rankWord(rank: number): string {
  return rank === 1 ? 'vector' : rank === 2 ? 'matrix' : `${rank}-tensor`;
}

function pathText(path: LayerPath): string {
  return path.length === 1 ? formatKey(path[0]!) : `{${path.map(formatKey).join(', ')}}`;
}

function portsText(ports: readonly PortSummary[]): string {
  if (ports.length === 1) return shapeWords(ports[0]!);
  return ports.map((p) => `${p.name}: ${shapeWords(p)}`).join('; ');
}

function count(n: number): string {
  return n.toLocaleString('en-US');
}

/** The summary as a table for a terminal. */
export function formatSummary(s: NetSummary): string {
  const lines: string[] = [];
  const arrays = s.layers.reduce((n, l) => n + l.arrays.length, 0);
  lines.push(`${s.type}: ${s.layers.length} layer${s.layers.length === 1 ? '' : 's'}, ${arrays} array${arrays === 1 ? '' : 's'}, ${count(s.parameters.total)} parameters`);
  lines.push('');
  const rows: string[][] = [['', 'layer', 'input', 'output', 'arrays / coder']];
  for (const p of s.inputs) rows.push([p.name, p.coderSummary ? 'NetEncoder' : 'port', '', shapeWords(p), p.coderSummary ?? '']);
  for (const l of s.layers) {
    const arr = l.arrays.map((a) => `${a.name} ${a.dims.join('×')} (${count(a.size)}${a.auxiliary ? ', auxiliary' : ''}${a.initialized ? '' : ', not initialized'})`).join(', ');
    rows.push([pathText(l.path), l.type, portsText(l.inputs), portsText(l.outputs), arr]);
  }
  for (const p of s.outputs) rows.push([p.name, p.coderSummary ? 'NetDecoder' : 'port', shapeWords(p), '', p.coderSummary ?? '']);
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
  for (const r of rows) lines.push(r.map((x, c) => (c === r.length - 1 ? x : x.padEnd(widths[c]!))).join('  ').trimEnd());
  lines.push('');
  const aux = s.parameters.total - s.parameters.learnable;
  lines.push(`Parameters: ${count(s.parameters.total)}${aux > 0 ? ` (${count(s.parameters.learnable)} learnable, ${count(aux)} auxiliary)` : ''}`);
  return lines.join('\n');
}
