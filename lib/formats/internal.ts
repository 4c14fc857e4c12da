/**
 * Mathematica's internal form of a net -> netport's net description (CONTRACT section 1).
 *
 * Whatever Mathematica gives out for a live net (InputForm, WXF, .wlnet) holds this
 * association: `<|"Type" -> "Chain", "Nodes" -> <|"1" -> <|"Type" -> "Linear",
 * "Arrays" -> ..., "Parameters" -> ..., "Inputs" -> ..., "Outputs" -> ...|>, ...|>,
 * "Edges" -> {NetPath[dst...] -> NetPath[src...], ...}, ...|>` (WOLFRAM-FORMATS.md
 * section 1). The reader knows no layer by name: the registry gives each internal type
 * name and its parameters (lib/layers/wolfram-form.ts `internal`). Parameters whose names
 * start with `$` are derived: compared with what netport derives where a layer says how
 * (mismatch: invalid_net), otherwise ignored; port types are declared on each layer, so
 * shape inference checks them too. Errors name the place as a NetPath.
 */
import { compile } from '../compile';
import { NetError } from '../errors';
import type { LayerDef } from '../layers/define';
import { LAYERS } from '../layers/registry';
import type { InternalForm } from '../layers/wolfram-form';
import { parseNet, type NetNode } from '../net';
import type { Json, JsonObject, NetJson } from '../wolfram/json';
import { translateParam } from '../wolfram/translate';
import { type ArrayExpr, headOf, isList, lookup, printWExpr, symbolOf, toAst, type WExpr } from './expr';

/** A layer's internal form with its defaults filled in. */
export function internalForm(def: LayerDef): Required<Omit<InternalForm, 'derive' | 'write'>> & Pick<InternalForm, 'derive' | 'write'> {
  const given: InternalForm = typeof def.wolfram.internal === 'string' ? { type: def.wolfram.internal } : (def.wolfram.internal ?? {});
  return {
    type: given.type ?? def.type.replace(/Layer$/, ''),
    rename: given.rename ?? {},
    derived: given.derived ?? [],
    fixed: given.fixed ?? {},
    validated: given.validated ?? [],
    derive: given.derive,
    write: given.write,
  };
}

const BY_INTERNAL = new Map(LAYERS.map((def) => [internalForm(def).type, def]));

/** The registry's layer for an internal type name ("Linear"). */
export function layerOfInternal(type: string): LayerDef | undefined {
  return BY_INTERNAL.get(type);
}

/** `NetChain[<|"Type" -> ...|>, ...]`, `LinearLayer[<|"Type" -> ...|>]`, or the bare association. */
export function isInternalForm(e: WExpr): boolean {
  const assoc = e.kind === 'call' ? e.args[0] : e;
  return assoc?.kind === 'assoc' && lookup(assoc, 'Type')?.kind === 'string';
}

type Place = readonly string[];

const netPath = (at: Place) => `NetPath[${at.map((x) => JSON.stringify(x)).join(', ')}]`;

function fail(at: Place, detail: string, code: 'invalid_net' | 'unsupported' = 'invalid_net'): never {
  const prefix = code === 'invalid_net' ? 'Invalid net' : 'Unsupported';
  const where = at.length ? netPath(at) : 'the net';
  throw new NetError(code, `${prefix}: ${where}: ${detail}`, where);
}

const show = (e: WExpr) => {
  const text = printWExpr(e);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
};

interface Check {
  readonly path: readonly (string | number)[];
  readonly at: Place;
  readonly def: LayerDef;
  readonly given: Readonly<Record<string, WExpr>>;
}

/**
 * The internal form as a net description. Arrays must be inline (NumericArray, RawArray,
 * packed or plain lists); `ExportedArray[k]` is resolved by the .wlnet reader first.
 */
export function fromInternal(e: WExpr): NetJson {
  const assoc = e.kind === 'call' ? e.args[0]! : e;
  if (e.kind === 'call') {
    const head = symbolOf(e.head);
    if (!head || !/^Net(Chain|Graph)$|Layer$/.test(head)) fail([], `expected NetChain[<|...|>], NetGraph[<|...|>] or a layer, got ${head ?? show(e.head)}[...]`);
  }
  const checks: Check[] = [];
  const json = node(assoc, [], [], checks);
  if (checks.length) checkDerived(json, checks);
  return json;
}

function str(e: WExpr | undefined, at: Place, what: string): string {
  if (e?.kind !== 'string') return fail(at, `expected ${what} as a string, got ${e ? show(e) : 'nothing'}`);
  return e.value;
}

function entries(e: WExpr | undefined, at: Place, what: string): Array<[string, WExpr]> {
  if (e === undefined) return [];
  if (e.kind !== 'assoc') return fail(at, `expected ${what} as an association, got ${show(e)}`);
  return e.entries.map((x) => [x.key.kind === 'string' ? x.key.value : fail(at, `${what} has the key ${show(x.key)}, expected strings`), x.value]);
}

function node(e: WExpr, at: Place, path: readonly (string | number)[], checks: Check[]): NetJson {
  if (e.kind !== 'assoc') return fail(at, `expected a net's association <|"Type" -> ...|>, got ${show(e)}`);
  const type = str(lookup(e, 'Type'), [...at, 'Type'], 'the type');
  if (type === 'Chain' || type === 'Graph') return container(e, type, at, path, checks);
  if (type === 'Function') return functionNode(e, at, path, checks);
  const def = layerOfInternal(type);
  if (!def) return fail(at, `netport does not support the layer type "${type}"`, 'unsupported');
  return layer(e, def, at, path, checks);
}

/**
 * FunctionLayer (13.x): its compiled inner net under "Net" when there is one (netport then
 * runs Wolfram's own lowering of the function); otherwise the registry's FunctionLayer, if
 * netport has one, reads the function itself.
 */
function functionNode(e: WExpr, at: Place, path: readonly (string | number)[], checks: Check[]): NetJson {
  const params = lookup(e, 'Parameters');
  const inner = lookup(params, 'Net');
  if (inner) return node(inner, [...at, 'Parameters', 'Net'], path, checks);
  const def = layerOfInternal('Function');
  if (def) return layer(e, def, at, path, checks);
  const f = lookup(params, 'Function');
  return fail(at, `FunctionLayer${f ? `[${show(f)}]` : ''} without a compiled inner net is not supported`, 'unsupported');
}

function layer(e: WExpr, def: LayerDef, at: Place, path: readonly (string | number)[], checks: Check[]): NetJson {
  const out: NetJson = { type: def.type };
  const form = internalForm(def);
  const given: Record<string, WExpr> = {};
  const pat = [...at, 'Parameters'];
  for (const [name, raw] of entries(lookup(e, 'Parameters'), pat, 'the parameters')) {
    const place = [...pat, name];
    const v = headOf(raw) === 'ValidatedParameter' && raw.kind === 'call' && raw.args.length === 1 ? raw.args[0]! : raw;
    const target = form.rename[name] ?? (name.startsWith('$') || form.derived.includes(name) ? undefined : name);
    if (target === undefined) {
      given[name] = v;
      continue;
    }
    if (name in form.fixed) {
      if (printWExpr(v) !== form.fixed[name]) fail(place, `${name} -> ${show(v)} is not supported (only ${form.fixed[name]})`, 'unsupported');
      continue;
    }
    const kind = target.startsWith('#') ? undefined : def.wolfram.params[target];
    if (!kind) fail(place, `${def.type} has no parameter "${name}" that netport supports`, 'unsupported');
    const where = netPath(place);
    const value = translateParam(kind!, toAst(v), where);
    if (value !== undefined) out[target] = value;
  }
  const aat = [...at, 'Arrays'];
  for (const [name, v] of entries(lookup(e, 'Arrays'), aat, 'the arrays')) {
    const decl = def.arrays.find((a) => a.name === name);
    if (!decl) fail([...aat, name], `${def.type} has no array "${name}"`);
    if (symbolOf(v) === 'None') {
      if (!decl!.nullable) fail([...aat, name], `${name} cannot be None`);
      out[name] = null;
    } else if (symbolOf(v) !== 'Automatic') {
      out[name] = arrayJson(v, [...aat, name]);
    }
  }
  declarePorts(e, out, at);
  if (form.derive && Object.keys(given).length) checks.push({ path, at, def, given });
  return out;
}

/** "Inputs" and "Outputs" of a node as the description's port shapes. */
function declarePorts(e: WExpr, out: JsonObject, at: Place): void {
  for (const side of ['Inputs', 'Outputs'] as const) {
    for (const [port, t] of entries(lookup(e, side), [...at, side], `the ${side.toLowerCase()}`)) {
      const shape = portShape(t, [...at, side, port]);
      if (shape !== undefined) out[port] = shape;
    }
  }
}

/** TensorT[{d...}, RealT] -> [d...] ("Real" for {}), TensorT[dims, IndexIntegerT[n]] -> {"Index": n, ...}, coders. */
function portShape(t: WExpr, at: Place): Json | undefined {
  const head = headOf(t);
  if (head === 'NetEncoder' || head === 'NetDecoder') return coder(t as WExpr & { kind: 'call' }, head, at);
  if (symbolOf(t) === 'RealT') return 'Real';
  if (head === 'IndexIntegerT') return { Index: indexCount(t, at) };
  if (head === 'ListT') return undefined; // a variadic layer's inputs: counted from the wiring
  if (head !== 'TensorT' || t.kind !== 'call' || t.args.length !== 2) return fail(at, `expected a port type TensorT[dims, type], got ${show(t)}`, 'unsupported');
  const [dims, elem] = t.args as [WExpr, WExpr];
  const d = isList(dims) ? dims.args.map((x) => (x.kind === 'integer' && x.value > 0 ? x.value : fail(at, `the dimension ${show(x)} is not supported (fixed sizes only)`, 'unsupported'))) : fail(at, `the dimensions ${show(dims)} are not supported (fixed sizes only)`, 'unsupported');
  if (symbolOf(elem) === 'RealT') return d.length === 0 ? 'Real' : d;
  if (headOf(elem) === 'IndexIntegerT') return { Index: indexCount(elem, at), Dimensions: d };
  return fail(at, `the element type ${show(elem)} is not supported`, 'unsupported');
}

function indexCount(t: WExpr, at: Place): number {
  const n = t.kind === 'call' ? t.args[0] : undefined;
  if (n?.kind === 'integer' && n.value > 0) return n.value;
  return fail(at, `expected IndexIntegerT[n] with a positive n, got ${show(t)}`, 'unsupported');
}

/**
 * Whether netport's validator takes a coder's port shape: asked of the validator itself
 * (an ElementwiseLayer with the shape on its input or output), so the reader follows
 * whatever coders the description format knows.
 */
function accepted(shape: JsonObject): boolean {
  try {
    parseNet({ type: 'ElementwiseLayer', Function: 'Ramp', [shape.NetEncoder ? 'Input' : 'Output']: shape });
    return true;
  } catch {
    return false;
  }
}

/**
 * NetDecoder["Scalar"]: a scalar result; "Image" encoders and "Class" decoders: the JSON
 * port shapes of the image issue, under the parameter names of the paclet's
 * Encoders/Image.m and Decoders/Class.m. A coder the validator does not know is refused.
 */
function coder(t: WExpr & { kind: 'call' }, head: 'NetEncoder' | 'NetDecoder', at: Place): Json | undefined {
  const name = t.args[0]?.kind === 'string' ? t.args[0].value : show(t.args[0] ?? t);
  const params = Object.fromEntries(entries(t.args[1], at, `the ${head} parameters`));
  const type = t.args[2];
  let shape: JsonObject | undefined;
  if (head === 'NetDecoder' && name === 'Scalar') {
    shape = { NetDecoder: 'Scalar' };
    // Until the validator knows the coder, the port keeps its array type ({1}).
    if (!accepted(shape)) return type ? portShape(type, at) : undefined;
  } else if (head === 'NetEncoder' && name === 'Image') {
    // Encoders/Image.m (12.x): ImageSize {w, h}, ColorSpace, ColorChannels (derived from
    // it), Interleaving (False: channels first), MeanImage, VarianceImage; Method is read
    // where a later version writes it.
    if (params.Interleaving && symbolOf(params.Interleaving) !== 'False') fail([...at, 'Interleaving'], `NetEncoder["Image"] with "Interleaving" -> ${show(params.Interleaving)} (channels last) is not supported`, 'unsupported');
    shape = { NetEncoder: 'Image' };
    for (const key of ['ImageSize', 'ColorSpace', 'MeanImage', 'VarianceImage', 'Method']) {
      const v = params[key];
      if (v !== undefined && symbolOf(v) !== 'None' && symbolOf(v) !== 'Automatic') shape[key] = plainJson(v, [...at, key]);
    }
  } else if (head === 'NetDecoder' && name === 'Class') {
    // Decoders/Class.m (12.x): Labels, and Dimensions, their count.
    shape = { NetDecoder: 'Class' };
    if (params.Labels) shape.Labels = plainJson(params.Labels, [...at, 'Labels']);
    const n = params.Dimensions;
    if (n && Array.isArray(shape.Labels) && !(n.kind === 'integer' && n.value === shape.Labels.length)) {
      fail([...at, 'Dimensions'], `is ${show(n)}, but the decoder has ${shape.Labels.length} labels`);
    }
  }
  if (!shape || !accepted(shape)) return fail(at, `${head}["${name}"] is not supported yet`, 'unsupported');
  return shape;
}

/** Numbers, strings, symbols (as strings) and lists of them. */
function plainJson(e: WExpr, at: Place): Json {
  switch (e.kind) {
    case 'integer':
    case 'real':
    case 'bigreal':
      return e.value;
    case 'string':
      return e.value;
    case 'symbol':
      return symbolOf(e)!;
    case 'array':
      return arrayJson(e, at);
    default:
      if (isList(e)) return e.args.map((x) => plainJson(x, at));
      return fail(at, `the value ${show(e)} is not supported`, 'unsupported');
  }
}

/**
 * An inline array (NumericArray, RawArray, a packed array or nested lists of numbers) as
 * `{"Dimensions", "Data"}`, whichever way it came, so every format gives the same description.
 */
export function arrayJson(e: WExpr, at: Place): Json {
  if (e.kind === 'array') return arrayExprJson(e, at);
  const head = headOf(e);
  if ((head === 'NumericArray' || head === 'RawArray') && e.kind === 'call' && e.args.length === 2) {
    const [values, type] = head === 'NumericArray' ? [e.args[0]!, e.args[1]!] : [e.args[1]!, e.args[0]!];
    const a = arrayJson(values, at);
    // A "Real32" array printed as text holds float32 values in their shortest digits.
    if (type.kind === 'string' && type.value === 'Real32' && typeof a === 'object' && a !== null && 'Data' in a) (a.Data as number[]).forEach((x, i, d) => (d[i] = Math.fround(x)));
    return a;
  }
  if (head === 'NumericArray' && e.kind === 'call' && e.args[0]) return arrayJson(e.args[0], at);
  if (head === 'ExportedArray') return fail(at, `${show(e)} refers to an array of a .wlnet file, which is not there`);
  // A rank-0 array (ParametricRampLayer's one slope) is written as its number.
  if (e.kind === 'integer' || e.kind === 'real' || e.kind === 'bigreal') return { Dimensions: [], Data: [finite(e.value, at)] };
  if (!isList(e)) return fail(at, `expected an array of numbers, got ${show(e)}`);
  const dims: number[] = [];
  for (let x: WExpr | undefined = e; isList(x); x = x.args[0]) dims.push(x.args.length);
  const data: number[] = [];
  const walk = (x: WExpr, depth: number): void => {
    if (depth === dims.length) {
      if (x.kind === 'integer' || x.kind === 'real' || x.kind === 'bigreal') data.push(finite(x.value, at));
      else fail(at, `expected an array of numbers, got ${show(x)}`);
    } else if (x.kind === 'array' && x.dims.length === dims.length - depth) {
      data.push(...(arrayExprJson(x, at) as { Data: number[] }).Data);
    } else if (!isList(x) || x.args.length !== dims[depth]) {
      fail(at, `the array is not rectangular: found ${show(x)} where a list of ${dims[depth]} was expected`);
    } else {
      x.args.forEach((y) => walk(y, depth + 1));
    }
  };
  walk(e, 0);
  return { Dimensions: dims, Data: data };
}

function arrayExprJson(e: ArrayExpr, at: Place): Json {
  if (e.type.startsWith('Complex')) fail(at, `a ${e.type} array is not supported`, 'unsupported');
  const data = Array.from(e.data, (x) => finite(x, at));
  return { Dimensions: [...e.dims], Data: data };
}

function finite(x: number, at: Place): number {
  return Number.isFinite(x) ? x : fail(at, `the array holds ${x}, not a finite number`);
}

function container(e: WExpr, type: 'Chain' | 'Graph', at: Place, path: readonly (string | number)[], checks: Check[]): NetJson {
  const nat = [...at, 'Nodes'];
  const nodes = entries(lookup(e, 'Nodes'), nat, 'the nodes');
  if (nodes.length === 0) fail(nat, `a ${type} needs nodes`);
  const positional = nodes.every(([k], i) => k === String(i + 1));
  if (!positional && nodes.some(([k]) => /^\d+$/.test(k))) fail(nat, 'node names that look like integers would change order in JSON', 'unsupported');
  const ref = (k: string): string | number => (positional ? Number(k) : k);
  const children = nodes.map(([k, v]) => node(v, [...nat, k], [...path, ref(k)], checks));
  const out: NetJson = {
    type: type === 'Chain' ? 'NetChain' : 'NetGraph',
    Layers: positional ? children : Object.fromEntries(nodes.map(([k], i) => [k, children[i]!])),
  };
  if (type === 'Graph') {
    const eat = [...at, 'Edges'];
    const edges = lookup(e, 'Edges');
    if (!edges || !isList(edges)) return fail(eat, `expected a list of edges, got ${edges ? show(edges) : 'nothing'}`);
    out.Edges = edges.args.map((x, i) => edge(x, [...eat, String(i + 1)], ref, new Set(nodes.map(([k]) => k))));
  }
  declarePorts(e, out, at);
  return out;
}

/** `NetPath[dst...] -> NetPath[src...]` as netport's `[from, to]`. */
function edge(e: WExpr, at: Place, ref: (k: string) => string | number, names: ReadonlySet<string>): Json {
  if (headOf(e) !== 'Rule' || e.kind !== 'call' || e.args.length !== 2) return fail(at, `expected NetPath[...] -> NetPath[...], got ${show(e)}`);
  const parts = (p: WExpr): string[] => {
    if (headOf(p) !== 'NetPath' || p.kind !== 'call') return fail(at, `expected a NetPath, got ${show(p)}`);
    return p.args.map((x) => (x.kind === 'string' ? x.value : x.kind === 'integer' ? String(x.value) : fail(at, `a NetPath holds ${show(x)}`)));
  };
  const endpoint = (p: string[], side: 'Inputs' | 'Outputs'): Json => {
    if (p.length === 2 && p[0] === side) return { NetPort: p[1]! };
    const other = side === 'Inputs' ? 'Outputs' : 'Inputs';
    if (p.length === 4 && p[0] === 'Nodes' && p[2] === other) {
      if (!names.has(p[1]!)) fail(at, `refers to the node "${p[1]}", which does not exist`);
      return { NetPort: [ref(p[1]!), p[3]!] };
    }
    return fail(at, `the path ${netPath(p)} is not an endpoint netport supports`, 'unsupported');
  };
  const [dst, src] = e.args as [WExpr, WExpr];
  return [endpoint(parts(src), 'Inputs'), endpoint(parts(dst), 'Outputs')];
}

/** Compares the `$` parameters a file gives with those netport derives from the inferred shapes. */
function checkDerived(json: NetJson, checks: readonly Check[]): void {
  let root: NetNode;
  let plan: ReturnType<typeof compile>;
  try {
    root = parseNet(json);
    plan = compile(root);
  } catch {
    return; // loading the description reports the problem itself
  }
  const byPath = new Map([...plan.nodeOf.values()].map((n) => [JSON.stringify(n.path), n]));
  for (const c of checks) {
    const pn = byPath.get(JSON.stringify(c.path));
    if (!pn?.shapes) continue;
    const derived = internalForm(c.def).derive!(pn.shapes, pn.layer.params);
    for (const [name, expected] of Object.entries(derived)) {
      const given = c.given[name];
      if (given === undefined) continue;
      let value: Json;
      try {
        value = plainJson(given, c.at);
      } catch {
        value = printWExpr(given);
      }
      if (JSON.stringify(value) !== JSON.stringify(expected)) {
        fail([...c.at, 'Parameters', name], `is ${show(given)}, but the layer's shapes give ${JSON.stringify(expected).replace(/\[/g, '{').replace(/\]/g, '}')}`);
      }
    }
  }
}
