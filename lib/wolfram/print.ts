/**
 * Wolfram InputForm output, as Mathematica prints it.
 *
 * Machine reals: Mathematica's InputForm prints the shortest digits that read back as
 * the same double (`0.30000000000000004`, `3.1298700000000004*^-17`), always with a
 * decimal point (`1.`), and switches to `*^` notation exactly where NumberForm's
 * default ExponentFunction does: when the decimal exponent of d.ddd×10^e is outside
 * -5..5 (reference.wolfram.com/language/ref/ExponentFunction.html). So 100000. and
 * 0.00001 print plainly, while 1.*^6 and 1.*^-6 do not. `3.998723445*^6` is a
 * Mathematica-printed example of the upper side; the lower side is from that page
 * alone. Non-finite values print as Indeterminate, Infinity and -Infinity.
 */
import { table } from '../names';
import { NetError } from '../errors';
import { jsonProblem } from './validate';
import type { Expr } from './ast';
import { call, symbolName } from './ast';
import type { GradientTarget, Json, SpecJson } from './json';
import { isJsonObject } from './json';
import { float32String } from '../format';

export interface RealFormat {
  /**
   * Print the shortest digits that identify the value as a float32 (what TensorFlow.js
   * computes) rather than as a double (what Mathematica prints for a Real32 result
   * converted to a machine real). Default false.
   */
  float32?: boolean;
}

/** A machine real in InputForm: `0.25`, `1.`, `-1.5`, `1.*^-7`, `2.5*^10`. */
export function formatReal(x: number, options: RealFormat = {}): string {
  if (Number.isNaN(x)) return 'Indeterminate';
  if (x === Infinity) return 'Infinity';
  if (x === -Infinity) return '-Infinity';
  if (x === 0) return '0.';
  const { digits, exponent } = shortestDigits(Math.abs(x), options.float32 ?? false);
  const sign = x < 0 ? '-' : '';
  if (exponent < -5 || exponent > 5) {
    return `${sign}${digits[0]}.${digits.slice(1)}*^${exponent}`;
  }
  if (exponent < 0) return `${sign}0.${'0'.repeat(-exponent - 1)}${digits}`;
  const whole = digits.slice(0, exponent + 1).padEnd(exponent + 1, '0');
  return `${sign}${whole}.${digits.slice(exponent + 1)}`;
}

/** Significant digits (no trailing zeros) and decimal exponent of a positive number. */
function shortestDigits(x: number, float32: boolean): { digits: string; exponent: number } {
  const text = (float32 ? Number(float32String(x)) : x).toExponential();
  const [mantissa = '', exp = '0'] = text.split('e');
  const digits = mantissa.replace('.', '').replace(/0+$/, '') || '0';
  return { digits, exponent: Number(exp) };
}

/** An integer in InputForm (exact digits, never exponent notation). */
export function formatInteger(n: number): string {
  return Number.isSafeInteger(n) ? String(n) : BigInt(n).toString();
}

/** A string literal with Wolfram escapes; non-ASCII characters as `\:xxxx` / `\|xxxxxx`. */
export function formatString(s: string): string {
  let out = '"';
  for (const ch of s) {
    const cp = ch.codePointAt(0) ?? 0;
    if (ch === '"') out += '\\"';
    else if (ch === '\\') out += '\\\\';
    else if (ch === '\n') out += '\\n';
    else if (ch === '\t') out += '\\t';
    else if (ch === '\r') out += '\\r';
    else if (cp >= 32 && cp < 127) out += ch;
    else if (cp <= 0xffff) out += `\\:${cp.toString(16).padStart(4, '0')}`;
    else out += `\\|${cp.toString(16).padStart(6, '0')}`;
  }
  return `${out}"`;
}

const COMPARISON_OPS: Record<string, string> = table({
  Equal: '==',
  Unequal: '!=',
  Less: '<',
  Greater: '>',
  LessEqual: '<=',
  GreaterEqual: '>=',
});

interface Printed {
  text: string;
  /** The precedence of the outermost operator (1000 for atoms and calls). */
  prec: number;
}

/** Canonical InputForm text of a syntax tree (`#` stands for `#1`, `a - b` for Plus[a, Times[-1, b]]). */
export function printExpr(e: Expr): string {
  return render(e).text;
}

function wrap(e: Expr, min: number): string {
  const p = render(e);
  return p.prec >= min ? p.text : `(${p.text})`;
}

const atom = (text: string): Printed => ({ text, prec: 1000 });

function render(e: Expr): Printed {
  switch (e.kind) {
    case 'number':
      return renderNumber(e.value, e.real, e.text);
    case 'string':
      return atom(formatString(e.value));
    case 'symbol':
      return atom(symbolName(e) ?? `${e.context}${e.name}`);
    case 'slot': {
      const hashes = e.sequence ? '##' : '#';
      return atom(e.index === 1 && !e.sequence ? '#' : `${hashes}${e.index}`);
    }
    case 'list':
      return atom(`{${e.items.map(printExpr).join(', ')}}`);
    case 'assoc':
      return atom(`<|${e.entries.map(printExpr).join(', ')}|>`);
    case 'rule':
      return { text: `${wrap(e.lhs, 121)} ${e.delayed ? ':>' : '->'} ${wrap(e.rhs, 120)}`, prec: 120 };
    case 'span': {
      const parts = [e.start, e.end, ...(e.step ? [e.step] : [])].map((x) => wrap(x, 306));
      return { text: parts.join(' ;; '), prec: 305 };
    }
    case 'function':
      if (e.params === null) return { text: `${wrap(e.body, 91)} &`, prec: 90 };
      return atom(
        `Function[${e.params.length === 1 ? e.params[0] : `{${e.params.join(', ')}}`}, ${printExpr(e.body)}]`,
      );
    case 'call':
      return renderCall(e.head, e.args);
  }
}

function renderNumber(value: number, real: boolean, text: string): Printed {
  const s = real ? formatReal(value) : /^-?\d+$/.test(text) ? text : formatInteger(value);
  return { text: s, prec: s.startsWith('-') ? 480 : 1000 };
}

function isNumber(e: Expr | undefined, value: number): boolean {
  return e?.kind === 'number' && e.value === value;
}

function isCallOf(e: Expr, head: string): e is Extract<Expr, { kind: 'call' }> {
  return e.kind === 'call' && symbolName(e.head) === head;
}

function renderCall(head: Expr, args: readonly Expr[]): Printed {
  const name = symbolName(head);
  const [a, b] = args;
  if (name === 'Plus' && args.length >= 2) return renderPlus(args);
  if (name === 'Times' && args.length >= 2) return renderTimes(args);
  if (name === 'Power' && args.length === 2 && a && b) {
    if (isNumber(b, -1)) return { text: `1/${wrap(a, 471)}`, prec: 470 };
    return { text: `${wrap(a, 591)}^${wrap(b, 590)}`, prec: 590 };
  }
  if (name !== undefined && name in COMPARISON_OPS && args.length >= 2) {
    return { text: args.map((x) => wrap(x, 291)).join(` ${COMPARISON_OPS[name]} `), prec: 290 };
  }
  if (name === 'Not' && args.length === 1 && a) return { text: `!${wrap(a, 231)}`, prec: 230 };
  if ((name === 'And' || name === 'Or') && args.length >= 2) {
    const bp = name === 'And' ? 215 : 214;
    return { text: args.map((x) => wrap(x, bp + 1)).join(name === 'And' ? ' && ' : ' || '), prec: bp };
  }
  if (name === 'TwoWayRule' && args.length === 2 && a && b) {
    return { text: `${wrap(a, 126)} <-> ${wrap(b, 125)}`, prec: 125 };
  }
  // Part and Dot print as Mathematica's InputForm does: x[[i, j]] and a . b (precedence 490).
  if (name === 'Part' && args.length >= 2 && a) return atom(`${wrap(a, 1000)}[[${args.slice(1).map(printExpr).join(', ')}]]`);
  if (name === 'Dot' && args.length >= 2) return { text: args.map((x) => wrap(x, 491)).join(' . '), prec: 490 };
  return atom(`${wrap(head, 1000)}[${args.map(printExpr).join(', ')}]`);
}

/** A term of a sum as ` + t` or ` - t`, folding Plus[a, Times[-1, b]] back into `a - b`. */
function renderTerm(t: Expr): string {
  if (t.kind === 'number' && t.value < 0) return ` - ${renderNumber(-t.value, t.real, t.text.slice(1)).text}`;
  if (isCallOf(t, 'Times')) {
    const [first, ...rest] = t.args;
    if (first?.kind === 'number' && first.value < 0 && rest.length > 0) {
      const factors = isNumber(first, -1) ? rest : [{ ...first, value: -first.value, text: first.text.slice(1) }, ...rest];
      const positive = factors.length === 1 ? (factors[0] as Expr) : { ...t, args: factors };
      return ` - ${wrap(positive, 311)}`;
    }
  }
  return ` + ${wrap(t, 311)}`;
}

function renderPlus(args: readonly Expr[]): Printed {
  const [first, ...rest] = args as [Expr, ...Expr[]];
  return { text: wrap(first, 311) + rest.map(renderTerm).join(''), prec: 310 };
}

function renderTimes(args: readonly Expr[]): Printed {
  const [first, ...rest] = args as [Expr, ...Expr[]];
  if (isNumber(first, -1)) {
    const operand = rest.length === 1 ? (rest[0] as Expr) : call('Times', rest);
    return { text: `-${wrap(operand, 481)}`, prec: 480 };
  }
  const numerator: Expr[] = [];
  const denominator: Expr[] = [];
  for (const f of args) {
    if (isCallOf(f, 'Power') && isNumber(f.args[1], -1) && f.args[0]) denominator.push(f.args[0]);
    else numerator.push(f);
  }
  const product = (fs: Expr[], min: number) =>
    fs.length === 1 ? wrap(fs[0] as Expr, min) : `(${fs.map((f) => wrap(f, 401)).join('*')})`;
  if (denominator.length === 0) return { text: args.map((f) => wrap(f, 401)).join('*'), prec: 400 };
  const top = numerator.length === 0 ? '1' : product(numerator, 470);
  return { text: `${top}/${product(denominator, 471)}`, prec: 470 };
}

export interface ValueFormat extends RealFormat {
  /** Print every number as a real (`1.`), as Mathematica prints net outputs and gradients. */
  reals?: boolean;
}

/**
 * A JSON value as a Wolfram expression: numbers (integers stay integers unless
 * `reals`), nested lists, strings, `null` as None, booleans, objects as associations.
 */
export function printValue(v: Json, options: ValueFormat = {}): string {
  printable(v);
  return valueText(v, options);
}

function valueText(v: Json, options: ValueFormat): string {
  if (typeof v === 'number') {
    return !options.reals && Number.isInteger(v) ? formatInteger(v) : formatReal(v, options);
  }
  if (typeof v === 'string') return formatString(v);
  if (typeof v === 'boolean') return v ? 'True' : 'False';
  if (v === null) return 'None';
  if (Array.isArray(v)) return `{${v.map((x) => valueText(x, options)).join(', ')}}`;
  return `<|${Object.entries(v)
    .map(([k, x]) => `${formatString(k)} -> ${valueText(x, options)}`)
    .join(', ')}|>`;
}

/** What a NetPortGradient names: `"Input"`, `{1, "Weights"}`, `All`. */
export function printTarget(target: GradientTarget): string {
  if (target === 'All') return 'All';
  if (typeof target === 'string') return formatString(target);
  return `{${target.map((x) => (typeof x === 'number' ? formatInteger(x) : formatString(x))).join(', ')}}`;
}

/** `NetPortGradient["Input"]`, `NetPortGradient[{1, "Weights"}]`, or `"Output"` for an output port. */
export function printSpec(spec: SpecJson): string {
  return typeof spec === 'string' ? formatString(spec) : `NetPortGradient[${printTarget(spec.NetPortGradient)}]`;
}

/** `{spec, spec}` for a list of requests, or the single spec. */
export function printRequest(specs: SpecJson | readonly SpecJson[]): string {
  return Array.isArray(specs) ? `{${specs.map(printSpec).join(', ')}}` : printSpec(specs as SpecJson);
}

/**
 * A result as Mathematica prints it: a bare value (all numbers reals), or for an
 * association of [spec, value] pairs `<|NetPortGradient["Input"] -> {...}, ...|>`.
 */
export function printResult(result: Json | readonly (readonly [SpecJson, Json])[], options: RealFormat = {}): string {
  printable(result);
  const format = { ...options, reals: true };
  if (isEntryList(result)) {
    return `<|${result.map(([k, v]) => `${printSpec(k)} -> ${printValue(v, format)}`).join(', ')}|>`;
  }
  return printValue(result as Json, format);
}

function isEntryList(v: unknown): v is readonly (readonly [SpecJson, Json])[] {
  return (
    Array.isArray(v) &&
    v.length > 0 &&
    v.every((e) => Array.isArray(e) && e.length === 2 && (typeof e[0] === 'string' || (isJsonObject(e[0]) && 'NetPortGradient' in e[0])))
  );
}

export interface DataFormat {
  /** Imposed output gradients by output port (`null` prints as None). */
  ograd?: Readonly<Record<string, Json>>;
  /** Write a lone "Input" port without its association, as `net[{...}]` takes it. */
  bare?: boolean;
}

/** Input data: `<|"Input" -> {...}, "Target" -> 3, NetPortGradient["Output"] -> {2, -1}|>`. */
export function printData(data: Readonly<Record<string, Json>>, options: DataFormat = {}): string {
  printable(data, true);
  if (options?.ograd !== undefined) printable(options.ograd, true);
  const ports = Object.entries(data);
  const ograd = Object.entries(options.ograd ?? {});
  const [only] = ports;
  if (options.bare && ports.length === 1 && only && only[0] === 'Input' && ograd.length === 0) {
    return printValue(only[1]);
  }
  const entries = [
    ...ports.map(([k, v]) => `${formatString(k)} -> ${printValue(v)}`),
    ...ograd.map(([k, v]) => `NetPortGradient[${formatString(k)}] -> ${printValue(v)}`),
  ];
  return `<|${entries.join(', ')}|>`;
}

/** Printers recurse over their input: check it first (any depth, any value), NetError otherwise. */
function printable(v: unknown, object = false): void {
  const problem = object && (typeof v !== 'object' || v === null || Array.isArray(v)) ? `expected an object keyed by port, got ${v === null ? 'null' : Array.isArray(v) ? 'a list' : typeof v}` : jsonProblem(v);
  if (problem) throw new NetError('invalid_data', `Invalid data: cannot print it: ${problem}`);
}
