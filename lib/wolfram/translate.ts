/**
 * Wolfram syntax → the contract's JSON (../../../shared/CONTRACT.md): nets, data,
 * requests, printed results, and whole Wolfram-syntax case files.
 *
 * Every failure is a NetError whose message names the offending symbol or option and
 * its line and column in the Wolfram text. Layers and options netport does not know
 * are 'unsupported'; malformed values are 'invalid_net' (or 'invalid_data' /
 * 'invalid_spec' for data and requests).
 */
import type { CoderKind } from '../coders/define';
import { CODERS, coderDef } from '../coders/registry';
import { dict, hasOwn, own, setOwn, table } from '../names';
import { type ErrorCode, NetError } from '../errors';
import { type CallExpr, type Expr, headName, isSymbol, symbolName } from './ast';
import { constantValue, describePureFunction, NAMED_FUNCTIONS } from '../functions/pure';
import type { GradientTarget, Json, JsonObject, NetJson, SpecJson } from './json';
import { isJsonObject } from './json';
import {
  AGGREGATION_FUNCTIONS,
  IGNORED_OPTIONS,
  layerForm,
  type LayerForm,
  layerLabel as label,
  memberLabel as child,
  type ParamCodec,
  type ParamKind,
  POOLING_FUNCTIONS,
  PORT_NAME,
  RESHAPE_SYMBOLS,
  TARGET_FORMS,
  layerAt,
  slotPorts,
  variadicPort,
} from './layers';
import { quote } from '../limits';
import { exprProblem } from './validate';
import { DEFAULT_MAX_DEPTH, type ParseOptions, WolframSyntaxError, locate, parse } from './parse';
import { printExpr } from './print';
import { fromAst } from '../formats/expr';
import { fromInternal } from '../formats/internal';

type Code = Extract<ErrorCode, 'invalid_net' | 'invalid_data' | 'invalid_spec' | 'unsupported'>;

const PREFIX: Record<Code, string> = {
  invalid_net: 'Invalid net',
  invalid_data: 'Invalid data',
  invalid_spec: 'Invalid gradient spec',
  unsupported: 'Unsupported',
};

/** Reads one Wolfram text, turning problems into NetErrors that point into it. */
class Reader {
  constructor(
    readonly text: string | undefined,
    readonly code: Code,
  ) {}

  at(e: Expr | undefined): string {
    if (this.text === undefined || !e || e.pos < 0) return '';
    const { line, column } = locate(this.text, e.pos);
    return ` at line ${line}, column ${column}`;
  }

  fail(detail: string, e?: Expr, where?: string, code: Code = this.code): never {
    const place = where ? `${where}: ` : '';
    throw new NetError(code, `${PREFIX[code]}: ${place}${detail}${this.at(e)}`, where);
  }

  show(e: Expr): string {
    const text = printExpr(e);
    return text.length > 60 ? `${text.slice(0, 57)}...` : text;
  }
}

function read(source: string | Expr, code: Code, given: ParseOptions): { e: Expr; r: Reader } {
  const options = parseOptions(given, code);
  if (typeof source !== 'string') {
    // An Expr built by hand has no parser to check its nodes or bound its depth.
    const problem = exprProblem(source, (options.maxDepth ?? DEFAULT_MAX_DEPTH) + 8);
    if (problem) throw new NetError(code, `${PREFIX[code]}: expected Wolfram text (a string) or an expression: ${problem}`);
    return { e: source, r: new Reader(undefined, code) };
  }
  const r = new Reader(source, code);
  try {
    return { e: parse(source, options), r };
  } catch (err) {
    if (err instanceof WolframSyntaxError) throw new NetError(code, `${PREFIX[code]}: ${err.message}`);
    throw err;
  }
}

/** The reader's options, checked: an object whose limits are positive integers. */
function parseOptions(options: unknown, code: Code): ParseOptions {
  if (options === undefined) return {};
  const fail = (what: string) => {
    throw new NetError(code, `${PREFIX[code]}: ${what}`);
  };
  if (typeof options !== 'object' || options === null || Array.isArray(options)) fail(`the options must be an object, not ${options === null ? 'null' : typeof options}`);
  const o = options as Record<string, unknown>;
  for (const key of ['maxDepth', 'maxLength']) {
    if (o[key] !== undefined && !(typeof o[key] === 'number' && Number.isSafeInteger(o[key]) && (o[key] as number) > 0)) fail(`the option ${key} must be a positive integer`);
  }
  if (o.inputName !== undefined && typeof o.inputName !== 'string') fail('the option inputName must be a port name (a string)');
  return o as ParseOptions;
}

function optionName(e: Expr): string | undefined {
  return e.kind === 'string' ? e.value : symbolName(e);
}

function integer(e: Expr): number | undefined {
  return e.kind === 'number' && !e.real && Number.isSafeInteger(e.value) ? e.value : undefined;
}

// ---------------------------------------------------------------------------------
// Values: arrays, data and results

interface ValueRules {
  /** Results may hold Indeterminate and infinities; inputs and arrays may not. */
  special?: boolean;
}

/** A number, or nested lists of numbers; NumericArray and RawArray are unwrapped. */
function value(e: Expr, r: Reader, where: string | undefined, rules: ValueRules = {}): Json {
  if (e.kind === 'number') return e.value;
  if (e.kind === 'list') return e.items.map((x) => value(x, r, where, rules));
  const head = headName(e);
  if (e.kind === 'call' && head === 'NumericArray' && e.args[0]) return typedArray(e, e.args[0], e.args[1], e.args.length > 2, r, where, rules);
  if (e.kind === 'call' && head === 'RawArray' && e.args.length === 2) return typedArray(e, e.args[1] as Expr, e.args[0], false, r, where, rules);
  if (rules.special) {
    const special = specialValue(e);
    if (special !== undefined) return special;
  }
  const v = constantValue(e);
  if (v !== undefined) return v;
  return r.fail(`expected a number or an array of numbers, got ${r.show(e)}`, e, where);
}

/** NumericArray element types: [lowest, highest, integers only]. */
const NUMERIC_TYPES: Readonly<Record<string, readonly [number, number, boolean]>> = table({
  Integer8: [-(2 ** 7), 2 ** 7 - 1, true],
  Integer16: [-(2 ** 15), 2 ** 15 - 1, true],
  Integer32: [-(2 ** 31), 2 ** 31 - 1, true],
  Integer64: [-(2 ** 63), 2 ** 63, true],
  UnsignedInteger8: [0, 2 ** 8 - 1, true],
  UnsignedInteger16: [0, 2 ** 16 - 1, true],
  UnsignedInteger32: [0, 2 ** 32 - 1, true],
  UnsignedInteger64: [0, 2 ** 64, true],
  Real16: [-65504, 65504, false],
  Real32: [-3.4028234663852886e38, 3.4028234663852886e38, false],
  Real64: [-Number.MAX_VALUE, Number.MAX_VALUE, false],
});

/**
 * NumericArray[data, type] and RawArray[type, data]: the data, checked against the
 * type as Wolfram checks it (an unknown type, or a value outside the type's range, is
 * refused rather than silently converted); complex arrays and conversion methods are
 * not supported.
 */
function typedArray(e: Expr, data: Expr, typeArg: Expr | undefined, method: boolean, r: Reader, where: string | undefined, rules: ValueRules): Json {
  const head = headName(e);
  if (method) return r.fail(`${head} with a conversion method is not supported`, e, where, 'unsupported');
  let range: readonly [number, number, boolean] | undefined;
  if (typeArg !== undefined) {
    const type = typeArg.kind === 'string' ? typeArg.value : undefined;
    if (type !== undefined && /^Complex/.test(type)) return r.fail(`${head} of type "${type}" is not supported: netport takes real numbers`, typeArg, where, 'unsupported');
    range = type === undefined ? undefined : own(NUMERIC_TYPES, type);
    if (!range) return r.fail(`${r.show(typeArg)} is not a ${head} type (${Object.keys(NUMERIC_TYPES).map((t) => `"${t}"`).join(', ')})`, typeArg, where);
  }
  const v = value(data, r, where, rules);
  if (range) {
    const [lo, hi, integers] = range;
    const stack: Json[] = [v];
    while (stack.length > 0) {
      const x = stack.pop()!;
      if (Array.isArray(x)) for (const y of x) stack.push(y);
      else if (typeof x === 'number' && Number.isFinite(x) && (x < lo || x > hi || (integers && !Number.isInteger(x)))) {
        const type = (typeArg as { value: string }).value;
        return r.fail(`${head} of type "${type}" holds ${x}, which is not ${integers ? `an integer from ${lo} to ${hi}` : `a number from ${lo} to ${hi}`}`, data, where);
      }
    }
  }
  return v;
}

/** Indeterminate, Infinity, -Infinity, DirectedInfinity[±1], as Mathematica may print in results. */
function specialValue(e: Expr): number | undefined {
  if (isSymbol(e, 'Indeterminate')) return NaN;
  if (isSymbol(e, 'Infinity')) return Infinity;
  if (headName(e) === 'DirectedInfinity' && e.kind === 'call' && e.args.length === 1) {
    const d = constantValue(e.args[0] as Expr);
    return d === 1 ? Infinity : d === -1 ? -Infinity : undefined;
  }
  if (headName(e) === 'Times' && e.kind === 'call' && e.args.length === 2 && isSymbol(e.args[1] as Expr, 'Infinity')) {
    return constantValue(e.args[0] as Expr) === -1 ? -Infinity : undefined;
  }
  return undefined;
}

// ---------------------------------------------------------------------------------
// Nets

/** Wolfram syntax for a net (`NetChain[{LinearLayer[3], Ramp}, "Input" -> 2]`) → net JSON. */
export function translateNet(source: string | Expr, options: ParseOptions = {}): NetJson {
  const { e, r } = read(source, 'invalid_net', options);
  return net(e, r, '');
}

function net(e: Expr, r: Reader, where: string): NetJson {
  const head = headName(e);
  if (e.kind !== 'call' || head === undefined) {
    return r.fail(`expected a layer, NetChain or NetGraph, got ${r.show(e)}`, e, where);
  }
  // Mathematica's internal form (what InputForm prints for a live net): lib/formats/internal.ts.
  const first = e.args[0];
  if (first?.kind === 'assoc' && first.entries.some((x) => optionName(x.lhs) === 'Type')) return fromInternal(fromAst(e));
  if (head === 'NetChain' || head === 'NetGraph') return container(e, head, r, where);
  const form = layerForm(head);
  if (form) return layer(e, head, form, r, where);
  if (/Layer$|^Net/.test(head)) return r.fail(`netport does not support ${head}`, e, where, 'unsupported');
  return r.fail(`${head} is not a layer`, e, where);
}

function layer(e: CallExpr, type: string, form: LayerForm, r: Reader, at: string): NetJson {
  const out: NetJson = { type };
  const where = label(at, type);
  const given = new Set<string>();
  const set = (name: string, v: Json | undefined, at: Expr) => {
    if (given.has(name)) r.fail(`${name} is given twice`, at, where);
    given.add(name);
    if (v !== undefined && !name.startsWith('#')) out[name] = v;
  };
  let seenOption = false;
  // Options naming a ThreadingLayer's slot ports ("x" -> 3), read once Function is known.
  const slotOptions: (Expr & { kind: 'rule' })[] = [];
  e.args.forEach((arg, i) => {
    if (arg.kind === 'rule') {
      seenOption = true;
      const name = optionName(arg.lhs);
      if (name === undefined) r.fail(`expected an option name, got ${r.show(arg.lhs)}`, arg, where);
      const place = `${where} ${quote(name)}`;
      if (hasOwn(form.params, name) && !name.startsWith('#')) set(name, param(form.params[name]!, arg.rhs, r, place), arg);
      else if (form.arrays.includes(name)) set(name, array(arg.rhs, name, r, place, form.nullable.includes(name)), arg);
      else if (PORT_NAME.test(name)) set(name, portShape(arg.rhs, r, place), arg);
      else if (form.variadic && (name === 'InputPorts' || name === 'Inputs')) slotOptions.push(arg);
      else if ((type === 'ThreadingLayer' || form.ports) && arg.lhs.kind === 'string') slotOptions.push(arg);
      else ignoredOption(type, name, arg, r, where);
      return;
    }
    const name = form.positional[i];
    if (seenOption) r.fail('positional arguments must come before options', arg, where);
    if (name === undefined) {
      r.fail(`${type} takes ${form.positional.length} positional argument${form.positional.length === 1 ? '' : 's'}, got ${r.show(arg)}`, arg, where);
    }
    const place = `${where} ${quote(name)}`;
    const v = form.arrays.includes(name) ? array(arg, name, r, place, form.nullable.includes(name)) : param(form.params[name]!, arg, r, place);
    set(name, v, arg);
  });
  const slots = slotPorts(out);
  for (const rule of slotOptions) {
    const name = optionName(rule.lhs) as string;
    if (name === 'InputPorts' || name === 'Inputs') {
      set('Inputs', inputPorts(rule.rhs, name, slots, r, `${where} ${quote(name)}`), rule);
    } else if (slots.includes(name)) {
      const port = variadicPort(slots.indexOf(name) + 1);
      set(port, portShape(rule.rhs, r, `${where} ${quote(name)}`), rule);
    } else if (form.ports?.(out).includes(name)) {
      set(name, portShape(rule.rhs, r, `${where} ${quote(name)}`), rule);
    } else {
      ignoredOption(type, name, rule, r, where);
    }
  }
  return out;
}

/**
 * `InputPorts -> {shape1, ...}` (or 12.0's `"Inputs" -> {...}`), or with names,
 * `<|"Input1" -> shape1, ...|>` (a ThreadingLayer with named slots: the slot names, in
 * order): the JSON "Inputs".
 */
function inputPorts(e: Expr, option: string, slots: readonly string[], r: Reader, where: string): Json {
  // A list of shapes; a list of names ({"a", "b"}) gives no shapes.
  const shapes = e.kind === 'list' && e.items.length > 0 && e.items.every((x) => x.kind !== 'string' || x.value === 'Real' || x.value === 'Integer');
  if (e.kind === 'list' && shapes) {
    return e.items.map((x) => portShape(x, r, where));
  }
  if (e.kind === 'assoc' && e.entries.length > 0) {
    const names = e.entries.map((x) => optionName(x.lhs));
    const expected = slots.length > 0 ? slots : names.map((_, i) => variadicPort(i + 1));
    if (names.length !== expected.length || names.some((n, i) => n !== expected[i])) {
      const wanted = expected.map((n) => `"${n}"`).join(', ');
      return r.fail(
        `${option} names the ports ${names.map((n) => `"${n}"`).join(', ')}; netport supports the ports ${wanted} in this order`,
        e,
        where,
        'unsupported',
      );
    }
    return e.entries.map((x) => portShape(x.rhs, r, where));
  }
  return r.fail(
    `${option} -> ${r.show(e)} is not supported: give the shapes, ${option} -> {shape1, shape2, ...} (the number of ports alone comes from the edges)`,
    e,
    where,
    'unsupported',
  );
}

/** Options that cannot change a value or a gradient are read and dropped; others are refused. */
function ignoredOption(head: string, name: string, rule: Expr & { kind: 'rule' }, r: Reader, where: string): void {
  const ignored = own(IGNORED_OPTIONS, name);
  if (!ignored || (ignored.heads && !ignored.heads.includes(head))) {
    r.fail(`${head} has no option ${quote(name)} that netport supports`, rule, where, 'unsupported');
  }
  const v = optionName(rule.rhs);
  if (ignored.values && (v === undefined || !ignored.values.includes(v))) {
    r.fail(`${name} -> ${r.show(rule.rhs)} is not supported`, rule, where, 'unsupported');
  }
}

/**
 * A parameter value of the given kind, read from its Wolfram expression (the internal
 * form's parameters use the same readers); failures name `where`.
 */
export function translateParam(kind: ParamKind | ParamCodec, e: Expr, where: string, code: Code = 'invalid_net'): Json | undefined {
  return param(kind, e, new Reader(undefined, code), where);
}

function param(kind: ParamKind | ParamCodec, e: Expr, r: Reader, where: string): Json | undefined {
  if (typeof kind === 'object') {
    return kind.read(e, { fail: (detail, at, code) => r.fail(detail, at ?? e, where, code), show: (x) => r.show(x) });
  }
  const bad = (what: string): never => r.fail(`expected ${what}, got ${r.show(e)}`, e, where);
  const positive = (x: Expr) => {
    const n = integer(x);
    return n !== undefined && n > 0 ? n : bad('a positive integer or a list of them');
  };
  switch (kind) {
    case 'posInt': {
      const n = integer(e);
      return n !== undefined && n > 0 ? n : bad('a positive integer');
    }
    case 'int':
      return integer(e) ?? bad('an integer');
    case 'dims':
      return e.kind === 'list' && e.items.length > 0 ? e.items.map(positive) : positive(e);
    case 'reshape': {
      const entry = (x: Expr): Json => {
        const name = symbolName(x);
        if (name !== undefined && RESHAPE_SYMBOLS.includes(name)) return name;
        const n = integer(x);
        return n !== undefined && n > 0 ? n : bad('a list of positive integers, Inherited, Automatic or All');
      };
      return e.kind === 'list' ? e.items.map(entry) : bad('a list of positive integers, Inherited, Automatic or All');
    }
    case 'replicate': {
      const entry = (x: Expr): Json => (isSymbol(x, 'Automatic') ? 'Automatic' : positive(x));
      return e.kind === 'list' && e.items.length > 0 ? e.items.map(entry) : entry(e);
    }
    case 'levelOrInfinity': {
      if (isSymbol(e, 'Infinity')) return 'Infinity';
      const n = integer(e);
      return n !== undefined && n !== 0 ? n : bad('a non-zero integer or Infinity');
    }
    case 'real': {
      const v = constantValue(e);
      return v ?? bad('a number');
    }
    case 'padding':
      return padding(e, r, where);
    case 'targetForm':
      if (e.kind === 'string' && TARGET_FORMS.includes(e.value)) return e.value;
      return bad(TARGET_FORMS.map((f) => `"${f}"`).join(', ').replace(/, ([^,]*)$/, ' or $1'));
    case 'elementwise':
      return elementwiseFunction(e, r, where);
    case 'threading':
      return threadingFunction(e, r, where);
    case 'poolingFunction':
      return namedFunction(e, POOLING_FUNCTIONS, r, where);
    case 'aggregationFunction':
      return namedFunction(e, AGGREGATION_FUNCTIONS, r, where);
    case 'partSpec':
      return e.kind === 'list' ? e.items.map((x) => partElement(x, r, where, true)) : partElement(e, r, where, false);
    case 'levels': {
      const level = (x: Expr): Json => {
        if (isSymbol(x, 'All')) return 'All';
        if (x.kind === 'span') return spanText(x, r, where);
        const n = integer(x);
        return n !== undefined && n !== 0 ? n : bad('a level (a non-zero integer), All, a span i;;j or a list of these');
      };
      return e.kind === 'list' ? e.items.map(level) : level(e);
    }
    case 'transpose':
      return transposeSpec(e, r, where);
    case 'automatic':
      return isSymbol(e, 'Automatic') ? undefined : r.fail(`only Automatic is supported here, got ${r.show(e)}`, e, where, 'unsupported');
    case 'array':
      return array(e, '', r, where);
  }
}

function padding(e: Expr, r: Reader, where: string): Json {
  const natural = (x: Expr) => {
    const n = integer(x);
    return n !== undefined && n >= 0 ? n : r.fail(`expected a padding size (n, {n1, ...} or {{lo, hi}, ...}), got ${r.show(e)}`, x, where);
  };
  if (e.kind === 'string') return r.fail(`PaddingSize -> ${quote(e.value)} is not supported`, e, where, 'unsupported');
  if (e.kind !== 'list') return natural(e);
  return e.items.map((x) => (x.kind === 'list' && x.items.length === 2 ? x.items.map(natural) : natural(x)));
}

function elementwiseFunction(e: Expr, r: Reader, where: string): string {
  if (e.kind === 'string') {
    if (hasOwn(NAMED_FUNCTIONS, e.value)) return e.value;
    return r.fail(`ElementwiseLayer[${quote(e.value)}] is not a function netport knows`, e, where, 'unsupported');
  }
  if (e.kind !== 'symbol' && e.kind !== 'function') return r.fail(`expected a function, got ${r.show(e)}`, e, where);
  return describePureFunction(e, 1, { layer: 'ElementwiseLayer', text: r.text, where }).text;
}

function threadingFunction(e: Expr, r: Reader, where: string): string {
  if (e.kind !== 'symbol' && e.kind !== 'function') return r.fail(`expected a function, got ${r.show(e)}`, e, where);
  const arity = e.kind === 'symbol' ? 2 : undefined;
  return describePureFunction(e, arity, { layer: 'ThreadingLayer', text: r.text, where }).text;
}

function namedFunction(e: Expr, allowed: readonly string[], r: Reader, where: string): string {
  const name = symbolName(e);
  if (name !== undefined && allowed.includes(name)) return name;
  if (name !== undefined) return r.fail(`${name} is not supported here (netport supports ${allowed.join(', ')})`, e, where, 'unsupported');
  return r.fail(`expected one of ${allowed.join(', ')}, got ${r.show(e)}`, e, where);
}

/** One level of a part specification; inside the list of levels, a list picks several parts. */
function partElement(e: Expr, r: Reader, where: string, inList: boolean): Json {
  if (isSymbol(e, 'All')) return 'All';
  if (e.kind === 'span') return spanText(e, r, where);
  const n = integer(e);
  if (n !== undefined && n !== 0) return n;
  if (e.kind === 'list' && inList && e.items.length > 0) {
    return e.items.map((x) => {
      const i = integer(x);
      return i !== undefined && i !== 0 ? i : r.fail(`expected a list of nonzero integers (parts of one level), got ${r.show(e)}`, x, where);
    });
  }
  return r.fail(`expected a part (a nonzero integer, All or a span), got ${r.show(e)}`, e, where);
}

/** `2;;All` as the contract's span string. */
function spanText(e: Expr & { kind: 'span' }, r: Reader, where: string): string {
  const end = (x: Expr) => (isSymbol(x, 'All') ? 'All' : integer(x) ?? r.fail(`expected an integer or All in a span, got ${r.show(x)}`, x, where));
  const parts = [end(e.start), end(e.end)];
  if (e.step) parts.push(integer(e.step) ?? r.fail(`expected an integer step, got ${r.show(e.step)}`, e.step, where));
  return parts.join(';;');
}

function transposeSpec(e: Expr, r: Reader, where: string): Json {
  const swap = (x: Expr): Json | undefined => {
    if (headName(x) !== 'TwoWayRule' || x.kind !== 'call' || x.args.length !== 2) return undefined;
    const [a, b] = x.args.map(integer);
    return a !== undefined && b !== undefined ? [a, b] : undefined;
  };
  const one = swap(e);
  if (one) return [one];
  // TransposeLayer[n] is 1 <-> n, as the paclet reads it.
  const n = integer(e);
  if (n !== undefined && n !== 0) return n;
  if (e.kind === 'list' && e.items.length > 0) {
    const swaps = e.items.map(swap);
    if (swaps.every((s) => s !== undefined)) return swaps as Json[];
    const perm = e.items.map(integer);
    if (perm.every((p) => p !== undefined)) return perm as number[];
  }
  return r.fail(`expected m <-> n, {m1 <-> n1, ...} or a permutation list, got ${r.show(e)}`, e, where);
}

/** A learned array; undefined (absent, "not initialized") for Automatic. */
function array(e: Expr, name: string, r: Reader, where: string, nullable = false): Json | undefined {
  if (isSymbol(e, 'Automatic')) return undefined;
  if (isSymbol(e, 'None')) return nullable ? null : r.fail(`${name} cannot be None`, e, where);
  const head = headName(e);
  if (head === 'NetSharedArray') return r.fail('shared arrays are not supported', e, where, 'unsupported');
  if (head === 'ArrayReshape' && e.kind === 'call' && e.args.length === 2) {
    const [data, dims] = e.args as [Expr, Expr];
    if (data.kind !== 'list' || data.items.some((x) => x.kind === 'list')) r.fail('ArrayReshape needs a flat list of numbers', data, where);
    const dimensions = dims.kind === 'list' ? dims.items.map((x) => integer(x) ?? r.fail('expected dimensions', x, where)) : r.fail('expected dimensions', dims, where);
    return { Dimensions: dimensions, Data: value(data, r, where) };
  }
  return value(e, r, where);
}

/** `"Input" -> 3`, `{3, 32, 32}`, `"Real"`, `Restricted["Integer", 10]`, `{3, Restricted["Integer", 10]}`. */
function portShape(e: Expr, r: Reader, where: string): Json {
  const n = integer(e);
  if (n !== undefined && n > 0) return n;
  if (e.kind === 'string') {
    if (e.value === 'Real') return 'Real';
    if (e.value === 'Integer') return r.fail('"Integer" ports need a range: use Restricted["Integer", n]', e, where, 'unsupported');
    return r.fail(`port shape ${quote(e.value)} is not supported`, e, where, 'unsupported');
  }
  const index = restrictedInteger(e, r, where);
  if (index !== undefined) return { Index: index };
  if (e.kind === 'list') {
    const last = e.items[e.items.length - 1];
    const lastIndex = last ? restrictedInteger(last, r, where) : undefined;
    const dims = (lastIndex === undefined ? e.items : e.items.slice(0, -1)).map((x) => {
      const d = integer(x);
      if (d !== undefined && d > 0) return d;
      if (x.kind === 'string' || isSymbol(x, 'Automatic')) return r.fail(`dimension ${r.show(x)} is not supported`, x, where, 'unsupported');
      return r.fail(`expected a positive dimension, got ${r.show(x)}`, x, where);
    });
    return lastIndex === undefined ? dims : { Index: lastIndex, Dimensions: dims };
  }
  const head = headName(e);
  if ((head === 'NetEncoder' || head === 'NetDecoder') && e.kind === 'call') return coder(e, head, r, where);
  return r.fail(`expected a port shape, got ${r.show(e)}`, e, where);
}

/**
 * `NetEncoder["Image"]`, `NetEncoder[{"Image", {w, h}, "Grayscale", "MeanImage" -> {...}}]`,
 * `NetDecoder[{"Class", {"cat", "dog"}}]` → the coder's JSON form; the positional
 * parameters come from the coder registry.
 */
function coder(e: CallExpr, head: CoderKind, r: Reader, where: string): Json {
  const [arg] = e.args;
  if (e.args.length !== 1 || !arg) return r.fail(`${head} takes one argument, "name" or {"name", ...}`, e, where);
  const items = arg.kind === 'list' ? arg.items : [arg];
  const nameExpr = items[0];
  const name = nameExpr?.kind === 'string' ? nameExpr.value : r.fail(`expected ${head}["name"] or ${head}[{"name", ...}], got ${r.show(arg)}`, arg, where);
  const def = coderDef(head, name);
  if (!def) {
    const known = CODERS.filter((c) => c.kind === head).map((c) => `"${c.name}"`).join(', ');
    return r.fail(`${head}["${name}"] is not supported (netport supports ${known})`, nameExpr, where, 'unsupported');
  }
  const out: JsonObject = { [head]: name };
  let position = 0;
  for (const x of items.slice(1)) {
    if (x.kind === 'rule') {
      const key = optionName(x.lhs);
      if (key === undefined) return r.fail(`expected a parameter name, got ${r.show(x.lhs)}`, x.lhs, where);
      out[key] = coderValue(x.rhs, r, where);
    } else {
      const key = def.positional[position++];
      if (key === undefined) return r.fail(`${head}["${name}"] takes ${def.positional.length} positional parameter${def.positional.length === 1 ? '' : 's'}, got ${r.show(x)}`, x, where, 'unsupported');
      out[key] = coderValue(x, r, where);
    }
  }
  return out;
}

/** A coder parameter: a string, a number, a list; `Range[...]` and arithmetic on lists (`{0.229, 0.224}^2`) evaluated. */
function coderValue(e: Expr, r: Reader, where: string): Json {
  if (e.kind === 'string') return e.value;
  if (e.kind === 'list') return e.items.map((x) => coderValue(x, r, where));
  const head = headName(e);
  if (e.kind === 'call' && head === 'Range' && e.args.length >= 1 && e.args.length <= 3) {
    const [a, b, step = 1] = e.args.map((x) => constantValue(x) ?? r.fail(`Range needs numbers, got ${r.show(x)}`, x, where));
    const [lo, hi] = b === undefined ? [1, a!] : [a!, b];
    const n = Math.floor((hi - lo) / step + 1e-9) + 1;
    if (!(step !== 0 && n >= 0 && n <= 100000)) return r.fail(`${r.show(e)} is not a range netport can expand`, e, where);
    return Array.from({ length: n }, (_, i) => lo + i * step);
  }
  if (e.kind === 'call' && (head === 'Power' || head === 'Times' || head === 'Plus') && e.args.some((x) => x.kind === 'list')) {
    const args = e.args.map((x) => coderValue(x, r, where));
    const len = Math.max(...args.map((x) => (Array.isArray(x) ? x.length : 0)));
    const at = (x: Json, i: number) => (Array.isArray(x) ? x[i] : x);
    if (!args.every((x) => typeof x === 'number' || (Array.isArray(x) && x.length === len && x.every((y) => typeof y === 'number')))) {
      return r.fail(`${r.show(e)} is not arithmetic on numbers netport can evaluate`, e, where);
    }
    const op = (xs: number[]) => (head === 'Power' ? xs.reduceRight((acc, x) => x ** acc) : head === 'Times' ? xs.reduce((p, x) => p * x, 1) : xs.reduce((p, x) => p + x, 0));
    return Array.from({ length: len }, (_, i) => op(args.map((x) => at(x, i) as number)));
  }
  if (isSymbol(e, 'True') || isSymbol(e, 'False')) return isSymbol(e, 'True');
  return value(e, r, where);
}

/** n for Restricted["Integer", n] (or Restricted[Integer, n], which the paclet accepts too). */
function restrictedInteger(e: Expr, r: Reader, where: string): number | undefined {
  if (headName(e) !== 'Restricted' || e.kind !== 'call') return undefined;
  const [kind, range] = e.args;
  if (!kind || !(optionName(kind) === 'Integer') || e.args.length !== 2 || !range) return r.fail(`expected Restricted["Integer", n], got ${r.show(e)}`, e, where);
  const n = integer(range);
  if (n !== undefined && n > 0) return n;
  return r.fail(`only Restricted["Integer", n] with a positive n is supported, got ${r.show(e)}`, e, where, 'unsupported');
}

function container(e: CallExpr, type: 'NetChain' | 'NetGraph', r: Reader, at: string): NetJson {
  const where = label(at, type);
  const [layersArg, ...rest] = e.args;
  if (!layersArg) return r.fail(`${type} needs its layers`, e, where);
  const element = (x: Expr, place: string) => chainElement(x, r, place);
  let layers: Json;
  if (layersArg.kind === 'list') {
    layers = layersArg.items.map((x, i) => element(x, child(at, String(i + 1))));
  } else if (layersArg.kind === 'assoc') {
    const named: JsonObject = dict();
    for (const entry of layersArg.entries) {
      const name = entry.lhs.kind === 'string' ? entry.lhs.value : r.fail('layer names must be strings', entry.lhs, where);
      if (hasOwn(named, name)) r.fail(`layer ${quote(name)} is given twice`, entry.lhs, where);
      named[name] = element(entry.rhs, child(at, JSON.stringify(name)));
    }
    const order = layersArg.entries.map((x) => (x.lhs as { value: string }).value);
    if (Object.keys(named).some((k, i) => k !== order[i])) {
      r.fail('layer names that look like integers would change order in JSON', layersArg, where, 'unsupported');
    }
    layers = named;
  } else {
    return r.fail(`expected a list or association of layers, got ${r.show(layersArg)}`, layersArg, where);
  }
  const out: NetJson = { type, Layers: layers };
  let options = rest;
  if (type === 'NetGraph') {
    const [edges] = rest;
    if (edges && edges.kind === 'list') {
      out.Edges = edges.items.map((x) => slotEndpoints(edge(x, r, `${where} edge`), layers));
      options = rest.slice(1);
    } else {
      out.Edges = [];
    }
  }
  for (const opt of options) {
    if (opt.kind !== 'rule') r.fail(`expected an option, got ${r.show(opt)}`, opt, where);
    const name = optionName(opt.lhs);
    if (name === undefined) return r.fail(`expected an option name, got ${r.show(opt.lhs)}`, opt.lhs, where);
    // A NetGraph's ports take any name; a NetChain's are Input, Output and its loss ports.
    if (opt.lhs.kind === 'string' && (type === 'NetGraph' || PORT_NAME.test(name))) {
      if (hasOwn(out, name)) r.fail(`${name} is given twice`, opt, where);
      setOwn(out, name, portShape(opt.rhs, r, `${where} ${quote(name)}`));
    } else {
      ignoredOption(type, name, opt, r, where);
    }
  }
  return out;
}

/** In a layer list: a layer, a bare function (`Ramp`), an integer (LinearLayer[n]) or a nested list. */
function chainElement(e: Expr, r: Reader, where: string): Json {
  if (e.kind === 'symbol') return elementwiseFunction(e, r, label(where, 'ElementwiseLayer'));
  if (e.kind === 'list') return { type: 'NetChain', Layers: e.items.map((x, i) => chainElement(x, r, child(where, String(i + 1)))) };
  const n = integer(e);
  if (n !== undefined) return n > 0 ? n : r.fail(`a bare integer layer must be positive, got ${n}`, e, where);
  return net(e, r, where);
}

/** `a -> b -> c` → [a, b, c]; `{a, b} -> c` → [[a, b], c]. */
function edge(e: Expr, r: Reader, where: string): Json {
  if (e.kind !== 'rule') return r.fail(`expected an edge (a -> b), got ${r.show(e)}`, e, where);
  const chain: Expr[] = [e.lhs];
  let rhs: Expr = e.rhs;
  while (rhs.kind === 'rule') {
    chain.push(rhs.lhs);
    rhs = rhs.rhs;
  }
  chain.push(rhs);
  return chain.map((x, i) => {
    if (x.kind === 'list') {
      if (i !== 0) r.fail('a list of endpoints may only feed a layer (stand on the left)', x, where, 'unsupported');
      return x.items.map((y) => endpoint(y, r, where));
    }
    return endpoint(x, r, where);
  });
}

/** NetPort[{layer, "x"}] for a ThreadingLayer's slot port "x" is its port Input<k> (see slotPorts). */
function slotEndpoints(edge: Json, layers: Json): Json {
  const rename = (p: Json): Json => {
    if (Array.isArray(p)) return p.map(rename);
    if (!isJsonObject(p) || !Array.isArray(p.NetPort) || p.NetPort.length < 2) return p;
    const path = p.NetPort as (string | number)[];
    const port = path[path.length - 1] as string;
    const slots = slotPorts(layerAt(layers, path.slice(0, -1)));
    return slots.includes(port) ? { NetPort: [...path.slice(0, -1), variadicPort(slots.indexOf(port) + 1)] } : p;
  };
  return Array.isArray(edge) ? edge.map(rename) : edge;
}

function endpoint(e: Expr, r: Reader, where: string): Json {
  const n = integer(e);
  if (n !== undefined) return n;
  if (e.kind === 'string') return e.value;
  if (headName(e) === 'NetPort' && e.kind === 'call') {
    const path = e.args.length === 1 && e.args[0]?.kind === 'list' ? e.args[0].items : e.args;
    const parts = path.map((x) => integer(x) ?? (x.kind === 'string' ? x.value : r.fail(`expected a layer or port name, got ${r.show(x)}`, x, where)));
    if (parts.length === 1 && typeof parts[0] === 'string') return { NetPort: parts[0] };
    if (parts.length >= 2 && typeof parts[parts.length - 1] === 'string') return { NetPort: parts };
  }
  return r.fail(`expected a layer, NetPort["port"] or NetPort[{layer, "port"}], got ${r.show(e)}`, e, where);
}

// ---------------------------------------------------------------------------------
// Data, requests, results

export interface WolframData {
  /** Input values by port. */
  data: JsonObject;
  /** Output gradients imposed with `NetPortGradient["port"] -> g` (null for None). */
  ograd?: JsonObject;
}

export interface DataOptions extends ParseOptions {
  /** The port a bare value (`{0.7, -0.4}`) is for; default "Input". */
  inputName?: string;
}

/** `{0.7, -0.4}` or `<|"Input" -> {...}, "Target" -> 3, NetPortGradient["Output"] -> {2, -1}|>`. */
export function translateData(source: string | Expr, options: DataOptions = {}): WolframData {
  const { e, r } = read(source, 'invalid_data', options);
  if (e.kind !== 'assoc') return { data: dict([[options?.inputName ?? 'Input', value(e, r, 'data')]]) };
  const data: JsonObject = dict();
  const ograd: JsonObject = dict();
  for (const { lhs, rhs } of e.entries) {
    if (lhs.kind === 'string') {
      if (hasOwn(data, lhs.value)) r.fail(`${quote(lhs.value)} is given twice`, lhs);
      data[lhs.value] = value(rhs, r, `data ${quote(lhs.value)}`);
      continue;
    }
    const target = headName(lhs) === 'NetPortGradient' && lhs.kind === 'call' && lhs.args.length === 1 ? lhs.args[0] : undefined;
    if (target?.kind !== 'string') {
      return r.fail(`expected "port" -> value or NetPortGradient["output"] -> gradient, got ${r.show(lhs)}`, lhs, 'data');
    }
    if (hasOwn(ograd, target.value)) r.fail(`NetPortGradient[${quote(target.value)}] is given twice`, lhs);
    ograd[target.value] = isSymbol(rhs, 'None') ? null : value(rhs, r, `output gradient ${quote(target.value)}`);
  }
  return Object.keys(ograd).length > 0 ? { data, ograd } : { data };
}

export interface WolframRequest {
  specs: SpecJson[];
  /** Whether the request was a list (the result is then an association). */
  list: boolean;
}

/** `NetPortGradient["Input"]`, `{NetPortGradient[{1, "Weights"}], "Output"}`, `NetPortGradient[All]`. */
export function translateRequest(source: string | Expr, options: ParseOptions = {}): WolframRequest {
  const { e, r } = read(source, 'invalid_spec', options);
  if (e.kind === 'list') return { specs: e.items.map((x) => spec(x, r)), list: true };
  return { specs: [spec(e, r)], list: false };
}

function spec(e: Expr, r: Reader): SpecJson {
  if (e.kind === 'string') return e.value;
  const head = headName(e);
  if (e.kind === 'call' && head === 'NetPort' && e.args.length === 1 && e.args[0]?.kind === 'string') return e.args[0].value;
  if (e.kind === 'call' && head === 'NetPortGradient' && e.args.length === 1) {
    return { NetPortGradient: gradientTarget(e.args[0] as Expr, r) };
  }
  return r.fail(`expected NetPortGradient[...] or an output port name, got ${r.show(e)}`, e);
}

function gradientTarget(e: Expr, r: Reader): GradientTarget {
  if (isSymbol(e, 'All')) return 'All';
  if (e.kind === 'string') return e.value;
  if (e.kind === 'list' && e.items.length > 0) {
    const path = e.items.map((x) => integer(x) ?? (x.kind === 'string' ? x.value : r.fail(`expected a layer position or name, got ${r.show(x)}`, x)));
    if (typeof path[path.length - 1] === 'string') return path;
  }
  return r.fail(`expected a port, an array path {layer, ..., "Array"} or All, got ${r.show(e)}`, e);
}

export type WolframResult =
  | { kind: 'value'; value: Json }
  | { kind: 'association'; entries: [SpecJson, Json][] };

/** What Mathematica printed: a bare array or number, or `<|NetPortGradient["Input"] -> ..., ...|>`. */
export function translateResult(source: string | Expr, options: ParseOptions = {}): WolframResult {
  const { e, r } = read(source, 'invalid_data', options);
  if (e.kind !== 'assoc') return { kind: 'value', value: value(e, r, 'result', { special: true }) };
  const entries = e.entries.map(({ lhs, rhs }): [SpecJson, Json] => [spec(lhs, r), value(rhs, r, 'result', { special: true })]);
  return { kind: 'association', entries };
}

// ---------------------------------------------------------------------------------
// Case files

/** One expectation of a Wolfram-syntax case: a request and Mathematica's printed answer, or an error code. */
export type WolframExpectation = { request: string; wolfram: string } | { request: string; error: string };

/** A case file (CONTRACT section 3) whose net, data and expectations are Wolfram text. */
export interface WolframCase {
  name?: string;
  net: string | NetJson;
  data: string | JsonObject;
  ograd?: JsonObject;
  expect: (WolframExpectation | JsonObject)[];
  tolerance?: JsonObject;
  error?: string;
}

/** A case in the JSON notation of CONTRACT section 3. */
export interface JsonCase {
  name?: string;
  net: NetJson;
  data: JsonObject;
  ograd?: JsonObject;
  expect: JsonObject[];
  tolerance?: JsonObject;
  error?: string;
}

/**
 * A Wolfram-syntax case → the JSON case. A request for a list of specs becomes one
 * expectation per spec (the association's values, matched by key).
 */
export function translateCase(c: WolframCase): JsonCase {
  const netJson = typeof c.net === 'string' ? translateNet(c.net) : c.net;
  const { data, ograd } = typeof c.data === 'string' ? translateData(c.data) : { data: c.data, ograd: c.ograd };
  const out: JsonCase = { ...(c.name !== undefined ? { name: c.name } : {}), net: netJson, data, expect: [] };
  const imposed = ograd ?? c.ograd;
  if (imposed) out.ograd = imposed;
  out.expect = c.expect.flatMap(expectation);
  if (c.tolerance) out.tolerance = c.tolerance;
  if (c.error !== undefined) out.error = c.error;
  return out;
}

const sameJson = (a: Json, b: Json) => JSON.stringify(a) === JSON.stringify(b);

function expectation(x: WolframExpectation | JsonObject): JsonObject[] {
  if (!isJsonObject(x as Json) || typeof x.request !== 'string') return [x as JsonObject];
  const item = (s: SpecJson): JsonObject => (typeof s === 'string' ? { output: s } : { gradient: s.NetPortGradient });
  const { specs, list } = translateRequest(x.request);
  if ('error' in x && typeof x.error === 'string') return specs.map((s) => ({ ...item(s), error: x.error as string }));
  if (!('wolfram' in x) || typeof x.wolfram !== 'string') {
    throw new NetError('invalid_data', `Invalid data: expectation for ${x.request} needs "wolfram" or "error"`);
  }
  const result = translateResult(x.wolfram);
  const [only] = specs;
  if (!list && only !== undefined) {
    if (typeof only !== 'string' && only.NetPortGradient === 'All') {
      if (result.kind !== 'association') throw new NetError('invalid_data', `Invalid data: NetPortGradient[All] expects an association`);
      const pairs = result.entries.map(([k, v]): Json => [typeof k === 'string' ? k : (k.NetPortGradient as Json), v]);
      return [{ gradient: 'All', value: pairs }];
    }
    if (result.kind !== 'value') throw new NetError('invalid_data', `Invalid data: ${x.request} expects a bare value, got an association`);
    return [{ ...item(only), value: result.value }];
  }
  if (result.kind !== 'association') throw new NetError('invalid_data', `Invalid data: a list request expects an association`);
  return specs.map((s) => {
    const hit = result.entries.find(([k]) => sameJson(k as Json, s as Json));
    if (!hit) throw new NetError('invalid_data', `Invalid data: the result has no entry for ${JSON.stringify(s)}`);
    return { ...item(s), value: hit[1] };
  });
}
