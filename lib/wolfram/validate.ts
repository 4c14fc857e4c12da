/**
 * Checks for what callers of the Wolfram layer hand in directly: an expression built by
 * hand (not by the parser, which bounds depth and builds only valid nodes) and JSON to
 * print. Both walk iteratively, so any depth and any value is safe to check; the
 * recursive readers and printers run only on what passes.
 */
import { MAX_NESTING, preview } from '../limits';
import { DEFAULT_MAX_DEPTH } from './parse';

type Node = Record<string, unknown>;

const isNode = (v: unknown): v is Node => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Children of an expression node, or a problem with the node itself. */
function exprChildren(e: Node): unknown[] | string {
  if (typeof e.pos !== 'number') return 'a node without a numeric "pos"';
  switch (e.kind) {
    case 'number':
      return typeof e.value === 'number' && typeof e.text === 'string' && typeof e.real === 'boolean' ? [] : 'a malformed number node';
    case 'string':
      return typeof e.value === 'string' ? [] : 'a malformed string node';
    case 'symbol':
      return typeof e.name === 'string' && typeof e.context === 'string' ? [] : 'a malformed symbol node';
    case 'slot':
      return (typeof e.index === 'number' || typeof e.index === 'string') && typeof e.sequence === 'boolean' ? [] : 'a malformed slot node';
    case 'call':
      return Array.isArray(e.args) ? [e.head, ...e.args] : 'a call without "args"';
    case 'list':
      return Array.isArray(e.items) ? [...e.items] : 'a list without "items"';
    case 'assoc':
      if (!Array.isArray(e.entries)) return 'an association without "entries"';
      return e.entries.every((x) => isNode(x) && x.kind === 'rule') ? [...e.entries] : 'an association entry that is not a rule';
    case 'rule':
      return typeof e.delayed === 'boolean' ? [e.lhs, e.rhs] : 'a malformed rule node';
    case 'span':
      return e.step === null ? [e.start, e.end] : [e.start, e.end, e.step];
    case 'function':
      if (e.params !== null && !(Array.isArray(e.params) && e.params.every((p) => typeof p === 'string'))) return 'a function with malformed "params"';
      return [e.body];
    default:
      return `a node of unknown kind ${preview(e.kind)}`;
  }
}

/** Why a value is not a well-formed expression at most `maxDepth` deep (the parser's limit and a margin), or undefined. */
export function exprProblem(value: unknown, maxDepth = DEFAULT_MAX_DEPTH + 8): string | undefined {
  const stack: Array<[unknown, number]> = [[value, 1]];
  while (stack.length > 0) {
    const [v, depth] = stack.pop()!;
    if (depth > maxDepth) return `the expression nests deeper than ${maxDepth} levels`;
    if (!isNode(v)) return `expected an expression node, got ${preview(v)}`;
    const children = exprChildren(v);
    if (typeof children === 'string') return `the expression has ${children}`;
    for (const c of children) stack.push([c, depth + 1]);
  }
  return undefined;
}

/** Why a value is not JSON (null, booleans, finite or special numbers, strings, lists, plain objects) at most MAX_NESTING deep. */
export function jsonProblem(value: unknown, maxDepth = MAX_NESTING): string | undefined {
  const stack: Array<[unknown, number]> = [[value, 0]];
  while (stack.length > 0) {
    const [v, depth] = stack.pop()!;
    if (v === null || typeof v === 'boolean' || typeof v === 'number' || typeof v === 'string') continue;
    if (typeof v !== 'object' || ArrayBuffer.isView(v) || v instanceof Map || v instanceof Set) return `${typeof v === 'undefined' ? 'undefined' : preview(v)} is not JSON`;
    if (depth + 1 > maxDepth) return `the value nests deeper than ${maxDepth} levels`;
    if (Array.isArray(v)) {
      for (let i = 0; i < v.length; i++) {
        if (!(i in v)) return 'a list has a hole (an empty slot of a sparse array)';
        stack.push([v[i], depth + 1]);
      }
    } else {
      for (const x of Object.values(v)) stack.push([x, depth + 1]);
    }
  }
  return undefined;
}
