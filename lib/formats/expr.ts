/**
 * The Wolfram expression tree that the file readers share (WXF, Compress, Wolfram
 * text): what `BinarySerialize` writes, without the operator forms of InputForm. Lists
 * and rules are ordinary calls (`List[...]`, `Rule[a, b]`); associations keep their
 * entries in order; packed arrays and NumericArrays keep their typed data instead of
 * one node per number, so a net's weights stay compact.
 */
import * as ast from '../wolfram/ast';
import { formatReal, formatString } from '../wolfram/print';

/** Element types of WXF's packed arrays and NumericArrays, by Wolfram's names. */
export type ArrayType =
  | 'Integer8'
  | 'Integer16'
  | 'Integer32'
  | 'Integer64'
  | 'UnsignedInteger8'
  | 'UnsignedInteger16'
  | 'UnsignedInteger32'
  | 'UnsignedInteger64'
  | 'Real32'
  | 'Real64'
  | 'ComplexReal32'
  | 'ComplexReal64';

export type WExpr =
  | { readonly kind: 'integer'; readonly value: number }
  /** An integer beyond 2^53 (WXF `I`, or an Integer64 out of range), as decimal digits. */
  | { readonly kind: 'bigint'; readonly digits: string }
  | { readonly kind: 'real'; readonly value: number }
  /** An arbitrary-precision real, as Wolfram writes it (`1.5`20.`); its value as a double. */
  | { readonly kind: 'bigreal'; readonly digits: string; readonly value: number }
  | { readonly kind: 'string'; readonly value: string }
  /** A symbol with its context as written: `List`, `System\`List`, `NeuralNetworks\`TensorT`. */
  | { readonly kind: 'symbol'; readonly name: string }
  | { readonly kind: 'bytes'; readonly data: Uint8Array }
  | { readonly kind: 'call'; readonly head: WExpr; readonly args: readonly WExpr[] }
  | { readonly kind: 'assoc'; readonly entries: readonly AssocEntry[] }
  | ArrayExpr;

export interface AssocEntry {
  readonly key: WExpr;
  readonly value: WExpr;
  readonly delayed: boolean;
}

/**
 * A packed array (`packed`, an ordinary list for Wolfram) or a NumericArray. `data` is
 * row-major; complex types hold (re, im) pairs, so twice the volume.
 */
export interface ArrayExpr {
  readonly kind: 'array';
  readonly type: ArrayType;
  readonly packed: boolean;
  readonly dims: readonly number[];
  readonly data: ArrayLike<number>;
}

export const wsym = (name: string): WExpr => ({ kind: 'symbol', name });
export const wstr = (value: string): WExpr => ({ kind: 'string', value });
export const wint = (value: number): WExpr => ({ kind: 'integer', value });
export const wreal = (value: number): WExpr => ({ kind: 'real', value });
export const wcall = (head: string, ...args: WExpr[]): WExpr => ({ kind: 'call', head: wsym(head), args });
export const wlist = (items: readonly WExpr[]): WExpr => ({ kind: 'call', head: wsym('List'), args: items });
export const wrule = (lhs: WExpr, rhs: WExpr): WExpr => wcall('Rule', lhs, rhs);
/** An association with string keys, in the given order. */
export function wassoc(entries: ReadonlyArray<readonly [string, WExpr]>): WExpr {
  return { kind: 'assoc', entries: entries.map(([k, v]) => ({ key: wstr(k), value: v, delayed: false })) };
}

/** Contexts whose symbols netport takes as the plain name (`System\`List` is `List`). */
const CONTEXTS = /^(System|Global|NeuralNetworks|NeuralNetworks`Private)`/;

/** A symbol's name without a System, Global or NeuralNetworks context; undefined for other nodes. */
export function symbolOf(e: WExpr | undefined): string | undefined {
  return e?.kind === 'symbol' ? e.name.replace(CONTEXTS, '') : undefined;
}

export function headOf(e: WExpr | undefined): string | undefined {
  return e?.kind === 'call' ? symbolOf(e.head) : undefined;
}

export function isList(e: WExpr | undefined): e is WExpr & { kind: 'call' } {
  return headOf(e) === 'List';
}

/** The value under a string key of an association. */
export function lookup(e: WExpr | undefined, key: string): WExpr | undefined {
  if (e?.kind !== 'assoc') return undefined;
  return e.entries.find((x) => x.key.kind === 'string' && x.key.value === key)?.value;
}

// ---------------------------------------------------------------------------------
// Wolfram text: the InputForm parser's tree <-> this one

/** The InputForm syntax tree (lib/wolfram/ast) as an expression tree. */
export function fromAst(e: ast.Expr): WExpr {
  switch (e.kind) {
    case 'number':
      return e.real ? wreal(e.value) : Number.isSafeInteger(e.value) ? wint(e.value) : { kind: 'bigint', digits: e.text };
    case 'string':
      return wstr(e.value);
    case 'symbol':
      return wsym(e.context + e.name);
    case 'call':
      return { kind: 'call', head: fromAst(e.head), args: e.args.map(fromAst) };
    case 'list':
      return wlist(e.items.map(fromAst));
    case 'assoc':
      return { kind: 'assoc', entries: e.entries.map((x) => ({ key: fromAst(x.lhs), value: fromAst(x.rhs), delayed: x.delayed })) };
    case 'rule':
      return wcall(e.delayed ? 'RuleDelayed' : 'Rule', fromAst(e.lhs), fromAst(e.rhs));
    case 'span':
      return wcall('Span', fromAst(e.start), fromAst(e.end), ...(e.step ? [fromAst(e.step)] : []));
    case 'slot':
      return wcall(e.sequence ? 'SlotSequence' : 'Slot', typeof e.index === 'number' ? wint(e.index) : wstr(e.index));
    case 'function':
      return e.params === null ? wcall('Function', fromAst(e.body)) : wcall('Function', wlist(e.params.map(wsym)), fromAst(e.body));
  }
}

/**
 * This tree as the InputForm parser's tree, for the readers of parameter values in
 * lib/wolfram. Arrays become nested lists; Rule, Span and Function get their syntax nodes.
 */
export function toAst(e: WExpr): ast.Expr {
  switch (e.kind) {
    case 'integer':
      return ast.int(e.value);
    case 'bigint':
      return { kind: 'number', value: Number(e.digits), text: e.digits, real: false, pos: -1 };
    case 'real':
      return ast.real(e.value);
    case 'bigreal':
      return { kind: 'number', value: e.value, text: e.digits, real: true, pos: -1 };
    case 'string':
      return { kind: 'string', value: e.value, pos: -1 };
    case 'symbol': {
      const tick = e.name.lastIndexOf('`');
      return { kind: 'symbol', name: e.name.slice(tick + 1), context: e.name.slice(0, tick + 1), pos: -1 };
    }
    case 'bytes':
      return ast.call('ByteArray', [{ kind: 'string', value: Buffer.from(e.data).toString('base64'), pos: -1 }]);
    case 'assoc':
      return { kind: 'assoc', entries: e.entries.map((x) => ({ kind: 'rule', lhs: toAst(x.key), rhs: toAst(x.value), delayed: x.delayed, pos: -1 })), pos: -1 };
    case 'array':
      return nestedAst(e);
    case 'call': {
      const head = symbolOf(e.head);
      const args = e.args.map(toAst);
      if (head === 'List') return ast.list(args);
      if ((head === 'Rule' || head === 'RuleDelayed') && args.length === 2) return { kind: 'rule', lhs: args[0]!, rhs: args[1]!, delayed: head === 'RuleDelayed', pos: -1 };
      if (head === 'Span' && (args.length === 2 || args.length === 3)) return { kind: 'span', start: args[0]!, end: args[1]!, step: args[2] ?? null, pos: -1 };
      const [a] = e.args;
      if ((head === 'Slot' || head === 'SlotSequence') && e.args.length === 1 && (a?.kind === 'integer' || a?.kind === 'string')) {
        return { kind: 'slot', index: a.value, sequence: head === 'SlotSequence', pos: -1 };
      }
      if (head === 'Function' && e.args.length === 1) return { kind: 'function', params: null, body: args[0]!, pos: -1 };
      if (head === 'Function' && e.args.length === 2) {
        const names = (isList(a) ? a.args : [a!]).map(symbolOf);
        if (names.every((n): n is string => n !== undefined)) return { kind: 'function', params: names, body: args[1]!, pos: -1 };
      }
      return ast.call(toAst(e.head), args);
    }
  }
}

function nestedAst(e: ArrayExpr): ast.Expr {
  const real = e.type.startsWith('Real') || e.type.startsWith('Complex');
  const leaf = (i: number) => (real ? ast.real(e.data[i]!) : ast.int(e.data[i]!));
  const build = (level: number, offset: number, stride: number): ast.Expr => {
    if (level === e.dims.length) return leaf(offset);
    const n = e.dims[level]!;
    const inner = stride / n;
    return ast.list(Array.from({ length: n }, (_, i) => build(level + 1, offset + i * inner, inner)));
  };
  return build(0, 0, e.data.length);
}

/** InputForm text of an expression, as Mathematica prints it (packed arrays as lists). */
export function printWExpr(e: WExpr): string {
  switch (e.kind) {
    case 'integer':
      return String(e.value);
    case 'bigint':
      return e.digits;
    case 'real':
      return formatReal(e.value);
    case 'bigreal':
      return e.digits;
    case 'string':
      return formatString(e.value);
    case 'symbol':
      return e.name;
    case 'bytes':
      return `ByteArray[${formatString(Buffer.from(e.data).toString('base64'))}]`;
    case 'assoc':
      return `<|${e.entries.map((x) => `${printWExpr(x.key)} ${x.delayed ? ':>' : '->'} ${printWExpr(x.value)}`).join(', ')}|>`;
    case 'array': {
      const real = e.type.startsWith('Real');
      const leaf = (i: number) => (real ? formatReal(e.data[i]!, { float32: e.type === 'Real32' }) : String(e.data[i]));
      const build = (level: number, offset: number, stride: number): string => {
        if (level === e.dims.length) return leaf(offset);
        const n = e.dims[level]!;
        const inner = stride / n;
        return `{${Array.from({ length: n }, (_, i) => build(level + 1, offset + i * inner, inner)).join(', ')}}`;
      };
      const nested = build(0, 0, e.data.length);
      return e.packed ? nested : `NumericArray[${nested}, ${formatString(e.type)}]`;
    }
    case 'call': {
      const head = symbolOf(e.head);
      if (head === 'List') return `{${e.args.map(printWExpr).join(', ')}}`;
      if ((head === 'Rule' || head === 'RuleDelayed') && e.args.length === 2) {
        return `${printWExpr(e.args[0]!)} ${head === 'Rule' ? '->' : ':>'} ${printWExpr(e.args[1]!)}`;
      }
      const h = e.head.kind === 'symbol' ? e.head.name : `(${printWExpr(e.head)})`;
      return `${h}[${e.args.map(printWExpr).join(', ')}]`;
    }
  }
}
