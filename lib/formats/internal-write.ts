/**
 * netport's net description -> Mathematica's internal form, as the 13.0.3 .wlnet file
 * shows it (WOLFRAM-FORMATS.md section 1): every node with "Type", "Arrays",
 * "Parameters" (netport's and the derived `$` ones a layer knows how to derive),
 * "Inputs" and "Outputs" as TensorT port types, containers with "Nodes" and "Edges"
 * (destination -> source NetPaths). Whether Mathematica accepts what is written could not
 * be checked here (no Mathematica): the layout follows the real file.
 */
import type { Coder } from '../coders/define';
import { imageChannels, imageSize, type ImageParams } from '../coders/image';
import { coderOf } from '../coders/registry';
import { compile, type ContainerPlan, type Plan, type Source, type Target } from '../compile';
import { NetError } from '../errors';
import { parseNet, type ContainerNode, type LayerNode, type NetNode } from '../net';
import type { PortType } from '../shapes';
import type { NumArray } from '../tensors';
import type { Json } from '../wolfram/json';
import { parse } from '../wolfram/parse';
import { printParam } from '../wolfram/print-net';
import { fromAst, wassoc, wcall, wint, wlist, wreal, wrule, wstr, wsym, type WExpr } from './expr';
import { internalForm } from './internal';
import { WRITTEN_VERSION } from './wlnet';

/** `NetChain[<|...|>, <|"Version" -> "13.0.3", "Unstable" -> False|>]` for a net description. */
export function toInternal(description: unknown): WExpr {
  const root = parseNet(description);
  let plan: Plan;
  try {
    plan = compile(root);
  } catch (e) {
    if (e instanceof NetError) throw new NetError(e.code, `${e.message} (writing a net needs every shape known)`, e.where);
    throw e;
  }
  const w = new Writer(plan, description);
  const head = root.kind === 'layer' ? root.def.type : root.kind;
  return wcall(head, w.node(root, rootPorts(plan)), wassoc([['Version', wstr(WRITTEN_VERSION)], ['Unstable', wsym('False')]]));
}

/** The root's port types, with the coders its description declares (the JSON port shapes). */
function rootPorts(plan: Plan): Ports {
  return {
    inputs: plan.inputs.map((p) => [p.name, p.value.type!] as const),
    outputs: plan.outputs.map((p) => [p.name, p.value.type!] as const),
  };
}

interface Ports {
  readonly inputs: ReadonlyArray<readonly [string, PortType]>;
  readonly outputs: ReadonlyArray<readonly [string, PortType]>;
}

/** TensorT[{d...}, RealT] or TensorT[{d...}, IndexIntegerT[n]]. */
function tensorT(t: PortType): WExpr {
  return wcall('TensorT', wlist(t.dims.map(wint)), t.index === undefined ? wsym('RealT') : wcall('IndexIntegerT', wint(t.index)));
}

/**
 * A port's coder as the paclet's coder definitions name their parameters
 * (WOLFRAM-NOTES section 9): `NetEncoder["Image", <|"ImageSize" -> {w, h}, "ColorSpace",
 * "ColorChannels", "Interleaving" -> False, "MeanImage", "VarianceImage" (None when
 * absent)|>, type]` (Encoders/Image.m; "Method" only when it is not the default
 * "Stretch", since 12.x has no such parameter), `NetDecoder["Class", <|"Labels",
 * "Dimensions" -> n|>, type]` (Decoders/Class.m), `NetDecoder["Scalar", ...]` as the real
 * file shows it; each with "$Version" as the Scalar decoder of the real file has it.
 */
function coderExpr(coder: Coder, t: PortType): WExpr {
  const p = coder.params as Record<string, Json | undefined>;
  const version: [string, WExpr] = ['$Version', wstr(WRITTEN_VERSION)];
  const orNone = (v: Json | undefined) => (v === undefined ? wsym('None') : jsonExpr(v));
  if (coder.def.name === 'Image') {
    const ip = coder.params as ImageParams;
    const entries: Array<[string, WExpr]> = [
      ['ImageSize', jsonExpr(imageSize(ip))],
      ['ColorSpace', wstr(ip.ColorSpace)],
      ['ColorChannels', wint(imageChannels(ip))],
      ['Interleaving', wsym('False')],
      ['MeanImage', orNone(p.MeanImage)],
      ['VarianceImage', orNone(p.VarianceImage)],
    ];
    if (ip.Method !== 'Stretch') entries.push(['Method', wstr(ip.Method)]);
    return wcall('NetEncoder', wstr('Image'), wassoc([...entries, version]), tensorT(t));
  }
  if (coder.def.name === 'Class') {
    const labels = p.Labels as Json[];
    return wcall('NetDecoder', wstr('Class'), wassoc([['Labels', jsonExpr(labels)], ['Dimensions', wint(labels.length)], version]), tensorT(t));
  }
  return wcall(coder.def.kind, wstr(coder.def.name), wassoc([version]), tensorT(t));
}

function arrayExpr(a: NumArray): WExpr {
  // A rank-0 array is a number in Wolfram (NumericArray has rank >= 1).
  if (a.dims.length === 0) return wreal(a.data[0]!);
  return { kind: 'array', type: 'Real32', packed: false, dims: [...a.dims], data: Float32Array.from(a.data) };
}

class Writer {
  private readonly rootJson: Record<string, unknown>;

  constructor(
    private readonly plan: Plan,
    description: unknown,
  ) {
    this.rootJson = (typeof description === 'object' && description !== null ? description : {}) as Record<string, unknown>;
  }

  node(n: NetNode, ports: Ports, top = true): WExpr {
    return n.kind === 'layer' ? this.layer(n, ports, top) : this.container(n, this.plan.containers.get(n)!, top);
  }

  private portsOf(n: NetNode): Ports {
    if (n.kind === 'layer') {
      const pn = this.plan.nodeOf.get(n)!;
      return {
        inputs: Object.entries(pn.shapes!.inputs).map(([k, t]) => [k, t] as const),
        outputs: Object.entries(pn.shapes!.outputs).map(([k, t]) => [k, t] as const),
      };
    }
    const cp = this.plan.containers.get(n)!;
    return {
      inputs: Object.entries(cp.inputs).map(([k, v]) => [k, v.type!] as const),
      outputs: Object.entries(cp.outputs).map(([k, v]) => [k, v.type!] as const),
    };
  }

  /** Port types; on the whole net, a port the description gives a coder gets it (see coderExpr). */
  private portsAssoc(ports: Ports, top: boolean): Array<[string, WExpr]> {
    const side = (list: Ports['inputs'], output: boolean): WExpr =>
      wassoc(
        list.map(([name, t]) => {
          const coder = top ? coderOf(this.rootJson[name]) : undefined;
          const wanted = output ? 'NetDecoder' : 'NetEncoder';
          return [name, coder && coder.def.kind === wanted ? coderExpr(coder, t) : tensorT(t)];
        }),
      );
    return [
      ['Inputs', side(ports.inputs, false)],
      ['Outputs', side(ports.outputs, true)],
    ];
  }

  private layer(n: LayerNode, ports: Ports, top: boolean): WExpr {
    const def = n.def;
    const form = internalForm(def);
    const pn = this.plan.nodeOf.get(n)!;
    const where = `${def.type}`;
    const arrays: Array<[string, WExpr]> = [];
    for (const decl of def.arrays) {
      const v = n.arrays[decl.name];
      if (v === null) arrays.push([decl.name, wsym('None')]);
      else if (v !== undefined) arrays.push([decl.name, arrayExpr(v)]);
    }
    const back = Object.fromEntries(Object.entries(form.rename).map(([internal, mine]) => [mine, internal]));
    const written = form.write?.(n.params) ?? {};
    const params: Array<[string, WExpr]> = [];
    for (const [name, kind] of Object.entries(def.wolfram.params)) {
      if (name.startsWith('#') || kind === 'array') continue;
      const value = name in written ? written[name] : (n.params[name] as Json | undefined);
      if (value === undefined) continue;
      let e = name in written ? jsonExpr(value) : fromAst(parse(printParam(kind, value, `${where} "${name}"`)));
      if (form.validated.includes(name)) e = wcall('ValidatedParameter', e);
      params.push([back[name] ?? name, e]);
    }
    for (const [name, text] of Object.entries(form.fixed)) params.push([name, fromAst(parse(text))]);
    if (form.derive && pn.shapes) for (const [name, v] of Object.entries(form.derive(pn.shapes, n.params))) params.push([name, jsonExpr(v)]);
    return wassoc([
      ['Type', wstr(form.type)],
      ['Arrays', wassoc(arrays)],
      ['Parameters', wassoc(params)],
      ...this.portsAssoc(top ? ports : this.portsOf(n), top),
    ]);
  }

  private container(n: ContainerNode, cp: ContainerPlan, top: boolean): WExpr {
    const key = (i: number) => String(n.children[i]!.key);
    const nodes = n.children.map((c, i) => [key(i), this.node(c.node, this.portsOf(c.node), false)] as [string, WExpr]);
    const path = (...parts: string[]) => wcall('NetPath', ...parts.map(wstr));
    const edges: WExpr[] = [];
    const ports = top ? rootPorts(this.plan) : this.portsOf(n);
    if (n.kind === 'NetChain') {
      n.children.forEach((c, i) => {
        const own = this.portsOf(c.node);
        own.inputs.forEach(([p], k) => {
          const src = i > 0 && k === 0 ? path('Nodes', key(i - 1), 'Outputs', this.portsOf(n.children[i - 1]!.node).outputs[0]![0]) : path('Inputs', p);
          edges.push(wrule(path('Nodes', key(i), 'Inputs', p), src));
        });
      });
      const last = n.children.length - 1;
      for (const [p] of this.portsOf(n.children[last]!.node).outputs) edges.push(wrule(path('Outputs', p), path('Nodes', key(last), 'Outputs', p)));
    } else {
      const src = (s: Source) => (s.kind === 'input' ? path('Inputs', s.name) : path('Nodes', key(s.child), 'Outputs', s.port));
      const dst = (t: Target) => (t.kind === 'output' ? path('Outputs', t.name) : path('Nodes', key(t.child), 'Inputs', t.port));
      for (const { from, to } of cp.connections ?? []) edges.push(wrule(dst(to), src(from)));
    }
    return wassoc([
      ['Type', wstr(n.kind === 'NetChain' ? 'Chain' : 'Graph')],
      ['Nodes', wassoc(nodes)],
      ['Edges', wlist(edges)],
      ...this.portsAssoc(ports, top),
    ]);
  }
}

/** Integers, reals, strings and lists as expressions. */
function jsonExpr(v: Json): WExpr {
  if (typeof v === 'number') return Number.isInteger(v) ? wint(v) : wreal(v);
  if (typeof v === 'string') return wstr(v);
  if (typeof v === 'boolean') return wsym(v ? 'True' : 'False');
  if (Array.isArray(v)) return wlist(v.map(jsonExpr));
  if (v === null) return wsym('None');
  return wassoc(Object.entries(v).map(([k, x]) => [k, jsonExpr(x)] as const));
}
