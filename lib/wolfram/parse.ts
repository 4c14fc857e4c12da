/**
 * A parser for the Wolfram Language InputForm that nets, data and printed results
 * use. It is a hand-written lexer and a Pratt parser: one pass, no backtracking,
 * linear in the input, with a nesting limit so hostile input gives a syntax error
 * instead of a stack overflow.
 *
 * Precedences follow Wolfram's operator table (higher binds tighter): `[...]` and
 * `[[...]]` (Part) 1000, `@` 640, `^` 590, `.` (Dot) 490, unary minus 480, `/` 470, `*` and juxtaposition 400, `+ -` 310,
 * `;;` 305, comparisons 290, `!` 230, `&&` 215, `||` 214, `<->` 125, `->` `:>` 120,
 * `&` 90, `//` 70. So `-x^2` is `-(x^2)`, `-a/b` is `(-a)/b`, and `"f" -> #^2 &` is
 * `Function["f" -> #^2]`, exactly as in Wolfram.
 */
import { table } from '../names';
import {
  type Expr,
  type FunctionExpr,
  type NumberExpr,
  type RuleExpr,
  call,
  int,
  symbolName,
  sym,
} from './ast';

export interface ParseOptions {
  /** Deepest nesting of brackets and operators accepted (default 500). */
  maxDepth?: number;
  /** Longest input accepted, in UTF-16 code units (default 64 Mi). */
  maxLength?: number;
}

export const DEFAULT_MAX_DEPTH = 500;
export const DEFAULT_MAX_LENGTH = 64 * 1024 * 1024;

/** A syntax error with its place in the source; callers wrap it in a NetError. */
export class WolframSyntaxError extends Error {
  override readonly name = 'WolframSyntaxError';

  constructor(
    readonly reason: string,
    readonly offset: number,
    readonly line: number,
    readonly column: number,
  ) {
    super(`Wolfram syntax: ${reason} at line ${line}, column ${column}`);
  }
}

/** 1-based line and column of an offset (columns count UTF-16 code units). */
export function locate(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  const end = Math.min(Math.max(offset, 0), text.length);
  for (let i = text.indexOf('\n'); i !== -1 && i < end; i = text.indexOf('\n', i + 1)) {
    line++;
    lineStart = i + 1;
  }
  return { line, column: end - lineStart + 1 };
}

/** Parses one Wolfram expression. Throws WolframSyntaxError. */
export function parse(text: string, options: ParseOptions = {}): Expr {
  if (typeof text !== 'string') throw new WolframSyntaxError(`expected Wolfram text (a string), not ${text === null ? 'null' : Array.isArray(text) ? 'a list' : typeof text}`, 0, 1, 1);
  const maxLength = options.maxLength ?? DEFAULT_MAX_LENGTH;
  if (text.length > maxLength) {
    throw syntaxError(text, `input is longer than ${maxLength} characters`, maxLength);
  }
  return new Parser(text, options.maxDepth ?? DEFAULT_MAX_DEPTH).parseAll();
}

function syntaxError(text: string, reason: string, offset: number): WolframSyntaxError {
  const { line, column } = locate(text, offset);
  return new WolframSyntaxError(reason, offset, line, column);
}

type Token =
  | { kind: 'atom'; expr: Expr; pos: number; end: number; nl: boolean }
  | { kind: 'op'; op: string; pos: number; end: number; nl: boolean }
  | { kind: 'eof'; pos: number; end: number; nl: boolean };

const SUPPORTED_OPS = [
  '<->', '->', ':>', ';;', '&&', '||', '!=', '==', '<=', '>=', '<|', '|>', '//',
  '<', '>', '!', '+', '-', '*', '/', '^', '&', '@', '[', ']', '{', '}', '(', ')', ',', '.',
];
/** Recognised only to say clearly that netport does not read them. */
const UNSUPPORTED_OPS = [
  '===', '=!=', '^:=', '@@@', '//@', '//.', ':=', '::', '^=', '+=', '-=', '*=', '/=',
  '@@', '@*', '/@', '/.', '/;', '..', '++', '--', '**', '<>', '>>', '<<', '~~',
  '|', '=', ':', ';', "'", '?', '~', '%', '_',
];
const OPS = new Map<string, boolean>([
  ...SUPPORTED_OPS.map((op): [string, boolean] => [op, true]),
  ...UNSUPPORTED_OPS.map((op): [string, boolean] => [op, false]),
]);

const COMPARISONS: Record<string, string> = table({
  '==': 'Equal',
  '!=': 'Unequal',
  '<': 'Less',
  '>': 'Greater',
  '<=': 'LessEqual',
  '>=': 'GreaterEqual',
});

const NAMED_CHARACTERS: Record<string, string> = table({
  Alpha: 'α', Beta: 'β', Gamma: 'γ', Delta: 'δ', Epsilon: 'ε', Lambda: 'λ', Mu: 'μ',
  Pi: 'π', Sigma: 'σ', Theta: 'θ', Omega: 'ω', Times: '×', Degree: '°', Infinity: '∞',
  RightArrow: '→', LeftArrow: '←', Bullet: '•', Ellipsis: '…', Micro: 'µ',
});

const isDigit = (c: number) => c >= 48 && c <= 57;
const isAsciiLetter = (c: number) => (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
const LETTER = /^\p{L}$/u;

class Lexer {
  private i = 0;

  constructor(private readonly s: string) {}

  fail(reason: string, offset: number): never {
    throw syntaxError(this.s, reason, offset);
  }

  charAt(offset: number): string {
    return this.s.charAt(offset);
  }

  next(): Token {
    const nl = this.skipSpace();
    const s = this.s;
    const pos = this.i;
    if (pos >= s.length) return { kind: 'eof', pos, end: pos, nl };
    const c = s.charCodeAt(pos);
    let expr: Expr;
    if (isDigit(c) || (c === 46 /* . */ && isDigit(s.charCodeAt(pos + 1)))) expr = this.number();
    else if (c === 34 /* " */) expr = this.string();
    else if (c === 35 /* # */) expr = this.slot();
    else if (this.startsSymbol(pos)) expr = this.symbol();
    else return this.operator(nl);
    return { kind: 'atom', expr, pos, end: this.i, nl };
  }

  /** Skips blanks and nested comments; reports whether a newline was crossed. */
  private skipSpace(): boolean {
    const s = this.s;
    let nl = false;
    while (this.i < s.length) {
      const c = s.charCodeAt(this.i);
      if (c === 10) {
        nl = true;
        this.i++;
      } else if (c === 32 || c === 9 || c === 13 || c === 12 || c === 11 || c === 0xa0) {
        this.i++;
      } else if (c === 40 /* ( */ && s.charCodeAt(this.i + 1) === 42 /* * */) {
        if (this.comment()) nl = true;
      } else {
        break;
      }
    }
    return nl;
  }

  private comment(): boolean {
    const s = this.s;
    const start = this.i;
    let depth = 0;
    let nl = false;
    while (this.i < s.length) {
      const c = s.charCodeAt(this.i);
      if (c === 40 && s.charCodeAt(this.i + 1) === 42) {
        depth++;
        this.i += 2;
      } else if (c === 42 && s.charCodeAt(this.i + 1) === 41) {
        depth--;
        this.i += 2;
        if (depth === 0) return nl;
      } else {
        if (c === 10) nl = true;
        this.i++;
      }
    }
    return this.fail('unterminated comment', start);
  }

  private number(): NumberExpr {
    const s = this.s;
    const pos = this.i;
    this.digits();
    if (s.startsWith('^^', this.i)) this.fail('base notation (^^) is not supported', this.i);
    let real = false;
    if (s.charCodeAt(this.i) === 46 && s.charCodeAt(this.i + 1) !== 46) {
      real = true;
      this.i++;
      this.digits();
    }
    const mantissa = s.slice(pos, this.i);
    if (s.charCodeAt(this.i) === 96 /* ` */) {
      // A precision (`p) or accuracy (``a) mark: machine arithmetic ignores it.
      real = true;
      this.i++;
      if (s.charCodeAt(this.i) === 96) this.i++;
      const c = s.charCodeAt(this.i);
      if (c === 43 || c === 45) this.i++;
      this.digits();
      if (s.charCodeAt(this.i) === 46 && isDigit(s.charCodeAt(this.i + 1))) {
        this.i++;
        this.digits();
      } else if (s.charCodeAt(this.i) === 46 && s.charCodeAt(this.i + 1) !== 46) {
        this.i++;
      }
    }
    let exponent = '';
    if (s.startsWith('*^', this.i)) {
      this.i += 2;
      const expStart = this.i;
      const c = s.charCodeAt(this.i);
      if (c === 43 || c === 45) this.i++;
      if (!isDigit(s.charCodeAt(this.i))) this.fail('expected the digits of an exponent after "*^"', this.i);
      this.digits();
      exponent = s.slice(expStart, this.i);
    }
    const value = Number(exponent ? `${mantissa}e${exponent}` : mantissa);
    if (!Number.isFinite(value)) this.fail('number too large', pos);
    // `2*^-3` is the exact 1/500 in Wolfram: not an integer, whatever it rounds to.
    const underflow = value === 0 && /[1-9]/.test(mantissa);
    return {
      kind: 'number',
      value,
      text: s.slice(pos, this.i),
      real: real || underflow || !Number.isInteger(value),
      pos,
    };
  }

  private digits(): void {
    while (isDigit(this.s.charCodeAt(this.i))) this.i++;
  }

  private string(): Expr {
    const s = this.s;
    const pos = this.i;
    this.i++;
    let out = '';
    let chunk = this.i;
    while (this.i < s.length) {
      const c = s.charCodeAt(this.i);
      if (c === 34) {
        out += s.slice(chunk, this.i);
        this.i++;
        return { kind: 'string', value: out, pos };
      }
      if (c === 92 /* \ */) {
        out += s.slice(chunk, this.i) + this.escape();
        chunk = this.i;
      } else {
        this.i++;
      }
    }
    return this.fail('unterminated string', pos);
  }

  private escape(): string {
    const s = this.s;
    const pos = this.i;
    const e = s.charAt(pos + 1);
    this.i += 2;
    switch (e) {
      case '"':
      case '\\':
        return e;
      case 'n':
        return '\n';
      case 't':
        return '\t';
      case 'r':
        return '\r';
      case 'b':
        return '\b';
      case 'f':
        return '\f';
      case '\n':
        return '';
      case ':':
        return this.hexEscape(4, pos);
      case '.':
        return this.hexEscape(2, pos);
      case '|':
        return this.hexEscape(6, pos);
      case '[': {
        const close = s.indexOf(']', this.i);
        const name = close === -1 ? '' : s.slice(this.i, close);
        const ch = /^[A-Za-z]+$/.test(name) ? NAMED_CHARACTERS[name] : undefined;
        if (ch === undefined) this.fail(`unknown named character \\[${name.slice(0, 40)}]`, pos);
        this.i = close + 1;
        return ch;
      }
      default:
        if (/^[0-7]{3}$/.test(s.slice(pos + 1, pos + 4))) {
          this.i = pos + 4;
          return String.fromCharCode(parseInt(s.slice(pos + 1, pos + 4), 8));
        }
        return this.fail(e === '' ? 'unterminated string' : `unknown escape "\\${e}"`, pos);
    }
  }

  private hexEscape(n: number, pos: number): string {
    const hex = this.s.slice(this.i, this.i + n);
    if (hex.length !== n || !/^[0-9A-Fa-f]+$/.test(hex)) this.fail(`expected ${n} hexadecimal digits`, pos);
    this.i += n;
    const code = parseInt(hex, 16);
    if (code > 0x10ffff) this.fail('character code out of range', pos);
    return String.fromCodePoint(code);
  }

  private slot(): Expr {
    const s = this.s;
    const pos = this.i;
    this.i++;
    const sequence = s.charCodeAt(this.i) === 35;
    if (sequence) this.i++;
    const start = this.i;
    if (isDigit(s.charCodeAt(this.i))) {
      this.digits();
      const index = Number(s.slice(start, this.i));
      if (!Number.isSafeInteger(index)) this.fail('slot number too large', pos);
      return { kind: 'slot', index, sequence, pos };
    }
    if (!sequence && isAsciiLetter(s.charCodeAt(this.i))) {
      while (isAsciiLetter(s.charCodeAt(this.i)) || isDigit(s.charCodeAt(this.i))) this.i++;
      return { kind: 'slot', index: s.slice(start, this.i), sequence, pos };
    }
    return { kind: 'slot', index: 1, sequence, pos };
  }

  private startsSymbol(offset: number): boolean {
    const c = this.s.charCodeAt(offset);
    if (c === 96) return this.isLetterAt(offset + 1);
    return c === 36 /* $ */ || this.isLetterAt(offset);
  }

  private isLetterAt(offset: number): boolean {
    const c = this.s.charCodeAt(offset);
    if (isAsciiLetter(c) || c === 36) return true;
    if (c < 128 || Number.isNaN(c)) return false;
    const cp = this.s.codePointAt(offset);
    return cp !== undefined && LETTER.test(String.fromCodePoint(cp));
  }

  private symbol(): Expr {
    const s = this.s;
    const pos = this.i;
    let lastTick = -1;
    for (;;) {
      const c = s.charCodeAt(this.i);
      if (c === 96 && this.isLetterAt(this.i + 1)) {
        lastTick = this.i;
        this.i++;
      } else if (isDigit(c) || this.isLetterAt(this.i)) {
        this.i += c >= 0xd800 && c <= 0xdbff ? 2 : 1;
      } else {
        break;
      }
    }
    return {
      kind: 'symbol',
      name: s.slice(lastTick === -1 ? pos : lastTick + 1, this.i),
      context: lastTick === -1 ? '' : s.slice(pos, lastTick + 1),
      pos,
    };
  }

  private operator(nl: boolean): Token {
    const s = this.s;
    const pos = this.i;
    for (const len of [3, 2, 1]) {
      const op = s.slice(pos, pos + len);
      const supported = OPS.get(op);
      if (supported === undefined) continue;
      // `x/.5` is x divided by .5, as in Wolfram, not ReplaceAll.
      if (op === '/.' && isDigit(s.charCodeAt(pos + 2))) continue;
      if (!supported) this.fail(`unsupported operator "${op}"`, pos);
      this.i += len;
      return { kind: 'op', op, pos, end: this.i, nl };
    }
    if (s.charCodeAt(pos) === 92) this.fail('named characters and escapes are only supported inside strings', pos);
    const cp = s.codePointAt(pos) ?? 0;
    return this.fail(`unexpected character ${JSON.stringify(String.fromCodePoint(cp))}`, pos);
  }
}

const ALL = () => sym('All');

class Parser {
  private readonly lexer: Lexer;
  private tok: Token;
  private depth = 0;
  /** How many brackets enclose the current token: at 0 a newline ends an expression. */
  private group = 0;

  constructor(
    private readonly text: string,
    private readonly maxDepth: number,
  ) {
    this.lexer = new Lexer(text);
    this.tok = this.lexer.next();
  }

  parseAll(): Expr {
    const e = this.expr(0);
    if (this.tok.kind !== 'eof') this.unexpected();
    return e;
  }

  private advance(): void {
    this.tok = this.lexer.next();
  }

  private isOp(op: string): boolean {
    return this.tok.kind === 'op' && this.tok.op === op;
  }

  private expect(op: string): void {
    if (!this.isOp(op)) this.fail(`expected "${op}"`);
    this.advance();
  }

  private fail(reason: string, offset = this.tok.pos): never {
    throw syntaxError(this.text, reason, offset);
  }

  private unexpected(): never {
    const t = this.tok;
    if (t.kind === 'eof') this.fail('unexpected end of input');
    return this.fail(`unexpected ${JSON.stringify(this.text.slice(t.pos, Math.min(t.end, t.pos + 40)))}`);
  }

  private expr(minBp: number): Expr {
    const base = this.depth;
    if (++this.depth > this.maxDepth) this.fail(`nesting deeper than ${this.maxDepth} levels`);
    try {
      let left = this.nud();
      for (;;) {
        const next = this.led(left, minBp);
        if (next === undefined) return left;
        left = next;
        // Each operator applied here wraps `left` once more without recursing (f[x][x]...,
        // a ;; b ;; c ;; d ..., x // f // g ...): count it, so that the tree the parser
        // returns is never deeper than the limit for the code that walks it.
        if (++this.depth > this.maxDepth) this.fail(`nesting deeper than ${this.maxDepth} levels`);
      }
    } finally {
      this.depth = base;
    }
  }

  private nud(): Expr {
    const t = this.tok;
    if (t.kind === 'atom') {
      this.advance();
      return t.expr;
    }
    if (t.kind === 'eof') this.unexpected();
    switch (t.op) {
      case '(': {
        this.group++;
        this.advance();
        const e = this.expr(0);
        this.expect(')');
        this.group--;
        return e;
      }
      case '{':
        return { kind: 'list', items: this.sequence('}'), pos: t.pos };
      case '<|':
        return this.association(t.pos);
      case '-': {
        this.advance();
        return negate(this.expr(480), t.pos);
      }
      case '+':
        this.advance();
        return this.expr(480);
      case '!':
        this.advance();
        return call('Not', [this.expr(230)], t.pos);
      case ';;':
        return this.span(int(1, t.pos), t.pos);
      default:
        return this.unexpected();
    }
  }

  /** Extends `left` by one infix or postfix operator binding tighter than minBp, if any. */
  private led(left: Expr, minBp: number): Expr | undefined {
    const t = this.tok;
    if (t.kind === 'eof' || (t.nl && this.group === 0)) return undefined;
    if (t.kind === 'atom') return minBp < 400 ? this.times(left, minBp) : undefined;
    const op = t.op;
    switch (op) {
      case '[':
        return this.callArgs(left);
      case '(':
      case '{':
      case '<|':
        return minBp < 400 ? this.times(left, minBp) : undefined;
      case '@': {
        if (minBp >= 640) return undefined;
        this.advance();
        return call(left, [this.expr(639)], left.pos);
      }
      case '^': {
        if (minBp >= 590) return undefined;
        this.advance();
        return call('Power', [left, this.expr(589)], left.pos);
      }
      case '.':
        // Dot (490, flat): a . b . c is Dot[a, b, c].
        return minBp < 490 ? this.flat(left, '.', 'Dot', 490) : undefined;
      case '/':
      case '*':
        return minBp < 400 || (op === '/' && minBp < 470) ? this.times(left, minBp) : undefined;
      case '+':
      case '-':
        return minBp < 310 ? this.plus(left) : undefined;
      case ';;':
        return minBp < 305 ? this.span(left, left.pos) : undefined;
      case '&&':
      case '||': {
        const bp = op === '&&' ? 215 : 214;
        return minBp < bp ? this.flat(left, op, op === '&&' ? 'And' : 'Or', bp) : undefined;
      }
      case '->':
      case ':>': {
        if (minBp >= 120) return undefined;
        this.advance();
        const rhs = this.expr(119);
        return { kind: 'rule', lhs: left, rhs, delayed: op === ':>', pos: left.pos } satisfies RuleExpr;
      }
      case '<->': {
        if (minBp >= 125) return undefined;
        this.advance();
        return call('TwoWayRule', [left, this.expr(124)], left.pos);
      }
      case '&': {
        if (minBp >= 90) return undefined;
        this.advance();
        return { kind: 'function', params: null, body: left, pos: left.pos } satisfies FunctionExpr;
      }
      case '//': {
        if (minBp >= 70) return undefined;
        this.advance();
        return call(this.expr(70), [left], left.pos);
      }
      case '!':
        return this.fail('factorial (postfix "!") is not supported');
      default:
        if (op in COMPARISONS) return minBp < 290 ? this.comparison(left) : undefined;
        return undefined;
    }
  }

  private callArgs(head: Expr): Expr {
    const pos = head.pos;
    if (this.lexer.charAt(this.tok.end) === '[') {
      // x[[i, j]]: Part[x, i, j]; the closing ]] are two tokens.
      this.advance();
      const specs = this.sequence(']');
      this.expect(']');
      if (specs.length === 0) this.fail('Part ([[...]]) needs at least one index', pos);
      return call('Part', [head, ...specs], pos);
    }
    const args = this.sequence(']');
    if (symbolName(head) === 'Function') {
      const fn = functionForm(args, pos);
      if (fn) return fn;
    }
    return call(head, args, pos);
  }

  /** Comma-separated expressions up to `close`; the current token is the opener. */
  private sequence(close: string): Expr[] {
    this.group++;
    this.advance();
    const items: Expr[] = [];
    if (this.isOp(close)) {
      this.advance();
      this.group--;
      return items;
    }
    for (;;) {
      if (this.isOp(',') || this.isOp(close)) this.fail('expected an expression');
      items.push(this.expr(0));
      if (this.isOp(',')) {
        this.advance();
        continue;
      }
      this.expect(close);
      this.group--;
      return items;
    }
  }

  private association(pos: number): Expr {
    const items = this.sequence('|>');
    const entries = items.map((e) => {
      if (e.kind !== 'rule') this.fail('expected a rule (key -> value) in an association', e.pos);
      return e;
    });
    return { kind: 'assoc', entries, pos };
  }

  private times(left: Expr, minBp: number): Expr {
    const factors = [...timesFactors(left)];
    const pos = left.pos;
    for (;;) {
      const t = this.tok;
      if (t.kind === 'eof' || (t.nl && this.group === 0)) break;
      if (t.kind === 'op' && t.op === '/') {
        if (minBp >= 470) break;
        this.advance();
        factors.push(call('Power', [this.expr(470), int(-1)], t.pos));
        continue;
      }
      const juxtaposed = t.kind === 'atom' || (t.kind === 'op' && (t.op === '(' || t.op === '{' || t.op === '<|'));
      if (!juxtaposed && !(t.kind === 'op' && t.op === '*')) break;
      if (minBp >= 400) break;
      if (!juxtaposed) this.advance();
      factors.push(...timesFactors(this.expr(400)));
    }
    return call('Times', factors, pos);
  }

  private plus(left: Expr): Expr {
    const terms = [left];
    const pos = left.pos;
    while ((this.isOp('+') || this.isOp('-')) && !(this.tok.nl && this.group === 0)) {
      const minus = this.isOp('-');
      const opPos = this.tok.pos;
      this.advance();
      const term = this.expr(310);
      terms.push(minus ? negate(term, opPos) : term);
    }
    return call('Plus', terms, pos);
  }

  private flat(left: Expr, op: string, head: string, bp: number): Expr {
    const args = [left];
    const pos = left.pos;
    while (this.isOp(op) && !(this.tok.nl && this.group === 0)) {
      this.advance();
      args.push(this.expr(bp));
    }
    return call(head, args, pos);
  }

  /** `a < b < c` is Less[a, b, c]; mixed chains are Inequality[a, Less, b, Greater, c]. */
  private comparison(left: Expr): Expr {
    const operands = [left];
    const heads: string[] = [];
    const pos = left.pos;
    while (this.tok.kind === 'op' && this.tok.op in COMPARISONS && !(this.tok.nl && this.group === 0)) {
      heads.push(COMPARISONS[this.tok.op] as string);
      this.advance();
      operands.push(this.expr(290));
    }
    if (heads.every((h) => h === heads[0])) return call(heads[0] as string, operands, pos);
    const args: Expr[] = [operands[0] as Expr];
    heads.forEach((h, i) => args.push(sym(h), operands[i + 1] as Expr));
    return call('Inequality', args, pos);
  }

  /** The current token is `;;`; `start` is what precedes it. */
  private span(start: Expr, pos: number): Expr {
    this.advance();
    let end: Expr = ALL();
    if (this.startsOperand() && !this.isOp(';;')) end = this.expr(305);
    let step: Expr | null = null;
    if (this.isOp(';;') && !(this.tok.nl && this.group === 0)) {
      this.advance();
      if (!this.startsOperand()) this.fail('expected an expression');
      step = this.expr(305);
    }
    return { kind: 'span', start, end, step, pos };
  }

  private startsOperand(): boolean {
    const t = this.tok;
    if (t.kind === 'atom') return true;
    if (t.kind === 'eof' || (t.nl && this.group === 0)) return false;
    return ['(', '{', '<|', '-', '+', '!', ';;'].includes(t.op);
  }
}

function timesFactors(e: Expr): readonly Expr[] {
  return e.kind === 'call' && symbolName(e.head) === 'Times' ? e.args : [e];
}

/** Unary minus as Wolfram's parser builds it: `-3` is a number, `-x` is Times[-1, x]. */
function negate(e: Expr, pos: number): Expr {
  if (e.kind === 'number') {
    const text = e.text.startsWith('-') ? e.text.slice(1) : `-${e.text}`;
    return { ...e, value: -e.value, text, pos };
  }
  return call('Times', [int(-1, pos), ...timesFactors(e)], pos);
}

/** Function[body], Function[x, body], Function[{x, y}, body]; undefined for other forms. */
function functionForm(args: readonly Expr[], pos: number): FunctionExpr | undefined {
  const [first, second] = args;
  if (args.length === 1 && first) return { kind: 'function', params: null, body: first, pos };
  if (args.length !== 2 || !first || !second) return undefined;
  const names = first.kind === 'list' ? first.items.map(symbolName) : [symbolName(first)];
  if (names.some((n) => n === undefined)) return undefined;
  return { kind: 'function', params: names as string[], body: second, pos };
}
