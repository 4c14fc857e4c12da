/**
 * The syntax tree of Wolfram Language InputForm as netport reads it.
 *
 * Operators are normalised to the heads Wolfram's own parser produces (FullForm),
 * so `a - b` is `Plus[a, Times[-1, b]]`, `a/b` is `Times[a, Power[b, -1]]` and `-x`
 * is `Times[-1, x]`; `-3` is the number -3, as in Wolfram. Every node keeps `pos`,
 * the offset in the source, so later stages can report line and column.
 */

export type Expr =
  | NumberExpr
  | StringExpr
  | SymbolExpr
  | CallExpr
  | ListExpr
  | AssocExpr
  | RuleExpr
  | SpanExpr
  | SlotExpr
  | FunctionExpr;

export interface NumberExpr {
  readonly kind: 'number';
  readonly value: number;
  /** The source text (`1.5*^-7`, `2.`, `1.2345678\`10.`), or the printed form for made-up nodes. */
  readonly text: string;
  /** True for approximate numbers (a decimal point or precision mark) and non-integer values. */
  readonly real: boolean;
  readonly pos: number;
}

export interface StringExpr {
  readonly kind: 'string';
  readonly value: string;
  readonly pos: number;
}

export interface SymbolExpr {
  readonly kind: 'symbol';
  readonly name: string;
  /** `System\`` for `System\`Ramp`; empty when the source gives no context. */
  readonly context: string;
  readonly pos: number;
}

export interface CallExpr {
  readonly kind: 'call';
  readonly head: Expr;
  readonly args: readonly Expr[];
  readonly pos: number;
}

export interface ListExpr {
  readonly kind: 'list';
  readonly items: readonly Expr[];
  readonly pos: number;
}

export interface AssocExpr {
  readonly kind: 'assoc';
  readonly entries: readonly RuleExpr[];
  readonly pos: number;
}

export interface RuleExpr {
  readonly kind: 'rule';
  readonly lhs: Expr;
  readonly rhs: Expr;
  /** `:>` (RuleDelayed) rather than `->`. */
  readonly delayed: boolean;
  readonly pos: number;
}

/** `i;;j;;k`; omitted ends are filled in as Wolfram does: `;;` is `1;;All`. */
export interface SpanExpr {
  readonly kind: 'span';
  readonly start: Expr;
  readonly end: Expr;
  readonly step: Expr | null;
  readonly pos: number;
}

export interface SlotExpr {
  readonly kind: 'slot';
  /** 1 for `#` and `#1`, a name for `#name`. */
  readonly index: number | string;
  /** `##` (SlotSequence). */
  readonly sequence: boolean;
  readonly pos: number;
}

/** `body &` (params null), `Function[x, body]`, `Function[{x, y}, body]`. */
export interface FunctionExpr {
  readonly kind: 'function';
  readonly params: readonly string[] | null;
  readonly body: Expr;
  readonly pos: number;
}

/** Contexts under which a symbol is taken to be the built-in one of that name. */
const PLAIN_CONTEXTS = new Set(['', 'System`', 'Global`']);

/** The name of a symbol in the System or Global context (`Ramp` for `System\`Ramp`), else undefined. */
export function symbolName(e: Expr): string | undefined {
  return e.kind === 'symbol' && PLAIN_CONTEXTS.has(e.context) ? e.name : undefined;
}

/** The head's symbol name of a call (`LinearLayer` for `LinearLayer[3]`), else undefined. */
export function headName(e: Expr): string | undefined {
  return e.kind === 'call' ? symbolName(e.head) : undefined;
}

export function isSymbol(e: Expr, name: string): boolean {
  return symbolName(e) === name;
}

export function sym(name: string, pos = -1): SymbolExpr {
  return { kind: 'symbol', name, context: '', pos };
}

export function call(head: string | Expr, args: readonly Expr[], pos = -1): CallExpr {
  return { kind: 'call', head: typeof head === 'string' ? sym(head) : head, args, pos };
}

export function list(items: readonly Expr[], pos = -1): ListExpr {
  return { kind: 'list', items, pos };
}

export function rule(lhs: Expr, rhs: Expr, pos = -1): RuleExpr {
  return { kind: 'rule', lhs, rhs, delayed: false, pos };
}

/** An integer node; `text` is its decimal digits. */
export function int(value: number, pos = -1): NumberExpr {
  return { kind: 'number', value, text: String(value), real: false, pos };
}

/** A machine-real node; its text is left for the printer to produce. */
export function real(value: number, pos = -1): NumberExpr {
  return { kind: 'number', value, text: '', real: true, pos };
}
