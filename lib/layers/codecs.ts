/**
 * Parameter codecs (wolfram-form.ts ParamCodec) that several layers of issue 12 share:
 * True/False, a string from a fixed set, and level sets that may also be a keyword
 * (NormalizationLayer's "Complement" and "Same"). A layer that needs one imports it here,
 * so lib/wolfram keeps knowing no layer by name.
 */
import { type Expr, isSymbol } from '../wolfram/ast';
import type { Json } from '../wolfram/json';
import { formatString } from '../wolfram/print';
import type { ParamCodec, ParamReadContext } from './wolfram-form';

const integer = (e: Expr): number | undefined => (e.kind === 'number' && !e.real && Number.isSafeInteger(e.value) ? e.value : undefined);

/** True or False: a JSON boolean. */
export const BOOLEAN: ParamCodec = {
  read(e, ctx) {
    if (isSymbol(e, 'True')) return true;
    if (isSymbol(e, 'False')) return false;
    return ctx.fail(`expected True or False, got ${ctx.show(e)}`, e);
  },
  print: (v) => (v === true ? 'True' : 'False'),
};

/** One of a fixed set of strings ("Standardize" or "RMS"). */
export function stringOf(values: readonly string[]): ParamCodec {
  return {
    read(e, ctx) {
      if (e.kind === 'string' && values.includes(e.value)) return e.value;
      return ctx.fail(`expected ${values.map((v) => `"${v}"`).join(' or ')}, got ${ctx.show(e)}`, e);
    },
    print: (v) => formatString(String(v)),
  };
}

/** `i;;j(;;k)` as the JSON span text, open ends filled in (`;;` is `1;;All`). */
function spanText(e: Expr & { kind: 'span' }, ctx: ParamReadContext): string {
  const end = (x: Expr) => (isSymbol(x, 'All') ? 'All' : (integer(x) ?? ctx.fail(`expected an integer or All in a span, got ${ctx.show(x)}`, x)));
  const parts = [end(e.start), end(e.end)];
  if (e.step) parts.push(integer(e.step) ?? ctx.fail(`expected an integer step, got ${ctx.show(e.step)}`, e.step));
  return parts.join(';;');
}

/**
 * A level set (n, All, i;;j, or a list of these), or one of `keywords` given as a
 * Wolfram string. Spans print as their JSON text, which is Wolfram syntax.
 */
export function levelsOr(keywords: readonly string[]): ParamCodec {
  const level = (x: Expr, ctx: ParamReadContext): Json => {
    if (isSymbol(x, 'All')) return 'All';
    if (x.kind === 'span') return spanText(x, ctx);
    const n = integer(x);
    return n !== undefined && n !== 0 ? n : ctx.fail(`expected a level (a non-zero integer), All, a span i;;j or a list of these, got ${ctx.show(x)}`, x);
  };
  const printLevel = (v: Json): string => String(v);
  return {
    read(e, ctx) {
      if (e.kind === 'string' && keywords.includes(e.value)) return e.value;
      return e.kind === 'list' ? e.items.map((x) => level(x, ctx)) : level(e, ctx);
    },
    print(v) {
      if (typeof v === 'string' && keywords.includes(v)) return formatString(v);
      return Array.isArray(v) ? `{${v.map(printLevel).join(', ')}}` : printLevel(v);
    },
  };
}

/** None (nothing recorded), a positive integer, or a list of them. */
export const NONE_OR_POSITIVE_INTEGERS: ParamCodec = {
  read(e, ctx) {
    if (isSymbol(e, 'None')) return undefined;
    const positive = (x: Expr) => {
      const n = integer(x);
      return n !== undefined && n > 0 ? n : ctx.fail(`expected None, a positive integer or a list of them, got ${ctx.show(e)}`, x);
    };
    return e.kind === 'list' && e.items.length > 0 ? e.items.map(positive) : positive(e);
  },
  print: (v) => (Array.isArray(v) ? `{${v.join(', ')}}` : String(v)),
};
