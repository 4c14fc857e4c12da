/**
 * Net JSON (CONTRACT section 1) → Wolfram InputForm, the inverse of translateNet for
 * round trips: `NetChain[{LinearLayer[3, "Weights" -> {{1., 2.}, ...}], Ramp}, "Input" -> 2]`.
 *
 * Positional parameters are written positionally while they are present, in the order
 * of layers.ts; the rest as `"Name" -> value`. Arrays print as reals, as Mathematica
 * prints Real32 arrays; `{"Dimensions", "Data"}` arrays print as ArrayReshape[data, dims],
 * which translateNet reads back into the same form.
 */
import type { CoderKind } from '../coders/define';
import { coderDef } from '../coders/registry';
import { hasOwn, own } from '../names';
import { jsonProblem } from './validate';
import { NetError } from '../errors';
import { NAMED_FUNCTIONS } from '../functions/pure';
import type { Json, JsonObject, NetJson } from './json';
import { isJsonObject } from './json';
import {
  layerForm,
  type ParamCodec,
  type ParamKind,
  PORT_NAME,
  RESHAPE_SYMBOLS,
  layerAt,
  layerLabel as label,
  memberLabel as child,
  slotPorts,
  variadicPort,
} from './layers';
import { WolframSyntaxError, parse } from './parse';
import { formatInteger, formatReal, formatString, printExpr, printValue } from './print';

/** Wolfram InputForm of a net JSON description. Throws NetError 'invalid_net' for what it cannot write. */
export function printNet(net: Json): string {
  const problem = jsonProblem(net);
  if (problem) fail('', `cannot print it: ${problem}`);
  return printNode(net, '');
}

function fail(where: string, detail: string): never {
  throw new NetError('invalid_net', `Invalid net: ${where ? `${where}: ` : ''}${detail}`, where || undefined);
}


function printNode(v: Json, at: string): string {
  if (!isJsonObject(v) || typeof v.type !== 'string') return fail(at, `expected a layer object with a "type", got ${JSON.stringify(v)}`);
  if (v.type === 'NetChain' || v.type === 'NetGraph') return printContainer(v, v.type, at);
  const form = layerForm(v.type);
  if (!form) return fail(at, `unknown layer type "${v.type}"`);
  const where = label(at, v.type);
  const args: string[] = [];
  const done = new Set(['type']);
  for (const name of form.positional) {
    const x = own(v, name);
    if (x === undefined || name.startsWith('#') || form.arrays.includes(name)) break;
    args.push(printParam(form.params[name]!, x, `${where} "${name}"`));
    done.add(name);
  }
  // A ThreadingLayer with named slots calls its ports by the slot names (see slotPorts).
  const slots = slotPorts(v);
  const portName = (name: string) => {
    const k = /^Input([1-9][0-9]*)$/.exec(name);
    return k && Number(k[1]) <= slots.length ? (slots[Number(k[1]) - 1] as string) : name;
  };
  for (const [name, x] of Object.entries(v)) {
    if (done.has(name) || x === undefined) continue;
    const kind = own(form.params, name);
    let text: string;
    const place = `${where} "${name}"`;
    if (kind && !name.startsWith('#')) text = printParam(kind, x, place);
    else if (form.arrays.includes(name)) text = printArray(x, place);
    else if (PORT_NAME.test(name)) {
      args.push(`${formatString(portName(name))} -> ${printShape(x, place)}`);
      continue;
    } else if (form.ports?.(v as NetJson).includes(name)) {
      args.push(`${formatString(name)} -> ${printShape(x, place)}`);
      continue;
    } else if (name === 'Inputs' && form.variadic) {
      args.push(`InputPorts -> ${printInputPorts(x, slots, place)}`);
      continue;
    } else return fail(where, `${v.type} has no parameter "${name}"`);
    args.push(`${formatString(name)} -> ${text}`);
  }
  return `${v.type}[${args.join(', ')}]`;
}

/** "Inputs": `{shape1, ...}`, or `<|"x" -> shape1, ...|>` for a ThreadingLayer with named slots. */
function printInputPorts(v: Json, slots: readonly string[], where: string): string {
  if (!Array.isArray(v) || v.length === 0) return fail(where, 'expected a list of port shapes');
  if (slots.length === v.length) return `<|${v.map((x, i) => `${formatString(slots[i] as string)} -> ${printShape(x, where)}`).join(', ')}|>`;
  return `{${v.map((x) => printShape(x, where)).join(', ')}}`;
}

function printContainer(v: JsonObject, type: 'NetChain' | 'NetGraph', at: string): string {
  const where = label(at, type);
  const layers = v.Layers;
  let layerText: string;
  if (Array.isArray(layers)) {
    layerText = `{${layers.map((x, i) => printChainElement(x, child(at, String(i + 1)))).join(', ')}}`;
  } else if (isJsonObject(layers)) {
    layerText = `<|${Object.entries(layers)
      .map(([k, x]) => `${formatString(k)} -> ${printChainElement(x, child(at, JSON.stringify(k)))}`)
      .join(', ')}|>`;
  } else {
    return fail(where, `${type} needs "Layers" (a list or an object)`);
  }
  const args = [layerText];
  if (type === 'NetGraph') {
    const edges = v.Edges ?? [];
    if (!Array.isArray(edges)) return fail(where, '"Edges" must be a list');
    args.push(`{${edges.map((e) => printEdge(e, layers, `${where} edge`)).join(', ')}}`);
  }
  for (const [name, x] of Object.entries(v)) {
    if (name === 'type' || name === 'Layers' || name === 'Edges' || x === undefined) continue;
    args.push(`${formatString(name)} -> ${printShape(x, `${where} "${name}"`)}`);
  }
  return `${type}[${args.join(', ')}]`;
}

/** Bare functions stay bare where Wolfram allows it (`Ramp`); integers are LinearLayer[n]. */
function printChainElement(v: Json, where: string): string {
  if (typeof v === 'number') return Number.isInteger(v) && v > 0 ? formatInteger(v) : fail(where, `a bare layer must be a positive integer, got ${v}`);
  if (typeof v === 'string') {
    const f = printFunction(v, where);
    return /^[A-Za-z$][A-Za-z0-9$]*$/.test(f) ? f : `ElementwiseLayer[${f}]`;
  }
  return printNode(v, where);
}

function expectInteger(v: Json, where: string, min = -Infinity): string {
  return typeof v === 'number' && Number.isInteger(v) && v >= min ? formatInteger(v) : fail(where, `expected an integer, got ${JSON.stringify(v)}`);
}

function printIntegers(v: Json, where: string, min: number): string {
  if (Array.isArray(v)) return `{${v.map((x) => (Array.isArray(x) ? printIntegers(x, where, min) : expectInteger(x, where, min))).join(', ')}}`;
  return expectInteger(v, where, min);
}

/** A parameter value of the given kind as InputForm; failures name `where`. */
export function printParam(kind: ParamKind | ParamCodec, v: Json, where: string): string {
  if (typeof kind === 'object') return kind.print(v);
  switch (kind) {
    case 'posInt':
      return expectInteger(v, where, 1);
    case 'int':
      return expectInteger(v, where);
    case 'levelOrInfinity':
      return v === 'Infinity' ? 'Infinity' : expectInteger(v, where);
    case 'dims':
      return printIntegers(v, where, 1);
    case 'reshape':
      if (!Array.isArray(v)) return fail(where, 'expected a list of dimensions');
      return `{${v.map((x) => (typeof x === 'string' && RESHAPE_SYMBOLS.includes(x) ? x : expectInteger(x, where, 1))).join(', ')}}`;
    case 'replicate': {
      const entry = (x: Json) => (x === 'Automatic' ? 'Automatic' : expectInteger(x, where, 1));
      return Array.isArray(v) ? `{${v.map(entry).join(', ')}}` : entry(v);
    }
    case 'padding':
      return printIntegers(v, where, 0);
    case 'real':
      return typeof v === 'number' ? formatReal(v) : fail(where, `expected a number, got ${JSON.stringify(v)}`);
    case 'targetForm':
      return typeof v === 'string' ? formatString(v) : fail(where, 'expected a string');
    case 'elementwise':
    case 'threading':
      return typeof v === 'string' ? printFunction(v, where) : fail(where, 'expected a function name or a pure function');
    case 'poolingFunction':
    case 'aggregationFunction':
      return typeof v === 'string' && /^[A-Za-z]+$/.test(v) ? v : fail(where, `expected a function name, got ${JSON.stringify(v)}`);
    case 'partSpec':
      // Inside the list of levels, a list of integers picks several parts of one level.
      return Array.isArray(v) ? `{${v.map((x) => (Array.isArray(x) ? printIntegers(x, where, -Infinity) : printPart(x, where))).join(', ')}}` : printPart(v, where);
    case 'levels':
      return Array.isArray(v) ? `{${v.map((x) => printPart(x, where)).join(', ')}}` : printPart(v, where);
    case 'transpose':
      return printTranspose(v, where);
    case 'automatic':
      return 'Automatic';
    case 'array':
      return printArray(v, where);
  }
}

function printPart(v: Json, where: string): string {
  if (typeof v === 'number') return expectInteger(v, where);
  if (v === 'All') return 'All';
  if (typeof v === 'string' && v.includes(';;')) {
    const e = parseText(v, where);
    if (e.kind === 'span') return printExpr(e);
  }
  return fail(where, `expected an integer, "All" or a span "i;;j", got ${JSON.stringify(v)}`);
}

function printTranspose(v: Json, where: string): string {
  if (typeof v === 'number') return expectInteger(v, where);
  if (!Array.isArray(v)) return fail(where, 'expected a permutation, a list of [i, j] swaps or an integer');
  const swaps = v.map((s) => (Array.isArray(s) && s.length === 2 ? `${expectInteger(s[0] as Json, where)} <-> ${expectInteger(s[1] as Json, where)}` : undefined));
  if (swaps.length > 0 && swaps.every((s) => s !== undefined)) return swaps.length === 1 ? (swaps[0] as string) : `{${swaps.join(', ')}}`;
  return printIntegers(v, where, 1);
}

/** "Ramp" → Ramp, "ReLU" → "ReLU", "#^2 &" → #^2 & (re-printed canonically). */
function printFunction(text: string, where: string): string {
  if (hasOwn(NAMED_FUNCTIONS, text)) return formatString(text);
  const e = parseText(text, where);
  if (e.kind === 'symbol' || e.kind === 'function') return printExpr(e);
  return fail(where, `expected a function name or a pure function, got ${JSON.stringify(text)}`);
}

function parseText(text: string, where: string) {
  try {
    return parse(text);
  } catch (err) {
    if (err instanceof WolframSyntaxError) return fail(where, `${JSON.stringify(text)}: ${err.message}`);
    throw err;
  }
}

function isNumericArray(v: Json): boolean {
  return typeof v === 'number' || (Array.isArray(v) && v.every(isNumericArray));
}

function printArray(v: Json, where: string): string {
  if (v === null) return 'None';
  if (isJsonObject(v) && Array.isArray(v.Dimensions) && Array.isArray(v.Data)) {
    if (!isNumericArray(v.Data) || v.Data.some(Array.isArray)) return fail(where, '"Data" must be a flat list of numbers');
    return `ArrayReshape[${printValue(v.Data, { reals: true })}, ${printIntegers(v.Dimensions, where, 0)}]`;
  }
  return isNumericArray(v) ? printValue(v, { reals: true }) : fail(where, 'expected an array of numbers');
}

function printShape(v: Json, where: string): string {
  if (v === 'Real') return '"Real"';
  if (typeof v === 'number' || Array.isArray(v)) return printIntegers(v, where, 1);
  if (isJsonObject(v) && typeof v.Index === 'number') {
    const index = `Restricted["Integer", ${expectInteger(v.Index, where, 1)}]`;
    const dims = v.Dimensions ?? [];
    if (!Array.isArray(dims)) return fail(where, '"Dimensions" must be a list');
    return dims.length === 0 ? index : `{${dims.map((d) => expectInteger(d, where, 1)).join(', ')}, ${index}}`;
  }
  if (isJsonObject(v) && (typeof v.NetEncoder === 'string' || typeof v.NetDecoder === 'string')) return printCoder(v, where);
  return fail(where, `expected a port shape, got ${JSON.stringify(v)}`);
}

/** `NetEncoder[{"Image", {224, 224}, "MeanImage" -> {...}}]`, `NetDecoder[{"Class", {"cat", "dog"}}]`. */
function printCoder(v: JsonObject, where: string): string {
  const kind: CoderKind = typeof v.NetEncoder === 'string' ? 'NetEncoder' : 'NetDecoder';
  const name = v[kind] as string;
  const def = coderDef(kind, name);
  if (!def) return fail(where, `${kind} ${JSON.stringify(name)} is not supported`);
  const value = (x: Json): string => (typeof x === 'string' ? formatString(x) : Array.isArray(x) && x.some((y) => typeof y === 'string') ? `{${x.map(value).join(', ')}}` : printValue(x));
  const parts = [formatString(name)];
  // Positional parameters while they are given in order; the rest as rules.
  let positional = true;
  const keys = Object.keys(v).filter((k) => k !== kind && v[k] !== undefined);
  for (const key of def.positional) {
    if (!positional || !keys.includes(key)) {
      positional = false;
      continue;
    }
    parts.push(value(v[key]!));
    keys.splice(keys.indexOf(key), 1);
    // ColorSpace reads better as a rule; ImageSize and Labels go by position, as Wolfram users write them.
    if (key === 'ImageSize') positional = false;
  }
  for (const key of keys) parts.push(`${formatString(key)} -> ${value(v[key]!)}`);
  return parts.length === 1 ? `${kind}[${parts[0]}]` : `${kind}[{${parts.join(', ')}}]`;
}

/** An edge endpoint; a ThreadingLayer's port Input<k> is written with its slot name (see slotPorts). */
function printEndpoint(v: Json, layers: Json | undefined, where: string): string {
  if (typeof v === 'number') return expectInteger(v, where);
  if (typeof v === 'string') return formatString(v);
  if (isJsonObject(v) && hasOwn(v, 'NetPort')) {
    const p = v.NetPort;
    if (typeof p === 'string') return `NetPort[${formatString(p)}]`;
    if (Array.isArray(p)) {
      const port = p[p.length - 1];
      const slots = p.length >= 2 ? slotPorts(layerAt(layers, p.slice(0, -1) as (string | number)[])) : [];
      const k = slots.findIndex((_, i) => variadicPort(i + 1) === port);
      return `NetPort[${printValue(k >= 0 ? [...p.slice(0, -1), slots[k] as string] : p)}]`;
    }
  }
  return fail(where, `expected an edge endpoint, got ${JSON.stringify(v)}`);
}

function printEdge(e: Json, layers: Json | undefined, where: string): string {
  if (!Array.isArray(e) || e.length < 2) return fail(where, `expected an edge [from, to], got ${JSON.stringify(e)}`);
  return e
    .map((x, i) => (Array.isArray(x) && i === 0 ? `{${x.map((y) => printEndpoint(y, layers, where)).join(', ')}}` : printEndpoint(x, layers, where)))
    .join(' -> ');
}
