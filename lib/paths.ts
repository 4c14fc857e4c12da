/**
 * NetPortGradient specs and array paths: parse, resolve against a compiled net, and
 * format as Wolfram writes them. Paths are `(number | string)[]`: a number is a 1-based
 * position (negative from the end), a string a name; they become indices only here.
 */
import { z } from 'zod';
import { childIndex, type ArraySlot, type Plan, type Value } from './compile';
import { formatKey, netError, where, type LayerPath } from './errors';
import type { NetNode } from './net';
import { snippet } from './net';

/** `{"NetPortGradient": X}`: X a port or array name, a path ending in an array name, or "All". */
export const GradientSpecSchema = z
  .object({
    NetPortGradient: z.union([
      z.string().min(1),
      z.array(z.union([z.string().min(1), z.number().int().refine((n) => n !== 0)])).min(1),
    ]),
  })
  .strict()
  .describe('a gradient spec: {"NetPortGradient": "Input" | [1, "Weights"] | "All"}');

export type GradientSpec = z.infer<typeof GradientSpecSchema>;
export type SpecTarget = GradientSpec['NetPortGradient'];

/** What one spec asks for, resolved. */
export type Resolved =
  | { readonly kind: 'input'; readonly name: string; readonly value: Value }
  | { readonly kind: 'array'; readonly slot: ArraySlot };

export interface ResolvedSpec {
  /** The spec as the result keys it (its Wolfram form, normalized as Wolfram does). */
  readonly spec: SpecTarget;
  /** `NetPortGradient["Input"]`, `NetPortGradient[{1, "Weights"}]`. */
  readonly key: string;
  readonly target: Resolved;
}

/** Reads a spec from JSON; anything malformed is `invalid_spec`. */
export function parseSpec(raw: unknown): GradientSpec {
  const parsed = GradientSpecSchema.safeParse(raw);
  if (parsed.success) {
    const x = parsed.data.NetPortGradient;
    if (Array.isArray(x) && typeof x[x.length - 1] !== 'string') {
      throw netError('invalid_spec', `Invalid gradient spec: the path ${formatTarget(x)} must end with an array name such as "Weights"`);
    }
    return parsed.data;
  }
  throw netError(
    'invalid_spec',
    `Invalid gradient spec: ${snippet(raw)} is not {"NetPortGradient": X} with X a port name, an array path such as [1, "Weights"], or "All"`,
  );
}

/** Wolfram's form of a spec: `NetPortGradient["Input"]`, `NetPortGradient[{1, "Weights"}]`. */
export function formatSpec(x: SpecTarget): string {
  const ok = typeof x === 'string' || (Array.isArray(x) && x.length > 0 && x.every((p) => typeof p === 'string' || (typeof p === 'number' && Number.isInteger(p))));
  if (!ok) throw netError('invalid_spec', `Invalid gradient spec: ${snippet(x)} is not a port name, an array path such as [1, "Weights"], or "All"`);
  return `NetPortGradient[${x === 'All' ? 'All' : formatTarget(x)}]`;
}

function formatTarget(x: SpecTarget): string {
  return typeof x === 'string' ? JSON.stringify(x) : `{${x.map(formatKey).join(', ')}}`;
}

/**
 * Resolves one spec against a compiled net; `All` expands to every real-valued input
 * port (input-port order), then every learned array in Wolfram's order (see allArrays).
 */
export function resolveSpec(plan: Plan, x: SpecTarget): ResolvedSpec[] {
  if (x === 'All') {
    const inputs = plan.inputs
      .filter((p) => p.value.type?.index === undefined)
      .map((p): ResolvedSpec => ({ spec: p.name, key: formatSpec(p.name), target: { kind: 'input', name: p.name, value: p.value } }));
    const arrays = allArrays(plan)
      .map((slot): ResolvedSpec => ({ spec: [...slot.key], key: formatSpec([...slot.key]), target: { kind: 'array', slot } }));
    return [...inputs, ...arrays];
  }
  if (typeof x === 'string') {
    const input = plan.inputs.find((p) => p.name === x);
    if (input) {
      if (input.value.type?.index !== undefined) {
        throw netError('integer_gradient', `Gradient is not available for integer-valued input "${x}"`);
      }
      return [{ spec: x, key: formatSpec(x), target: { kind: 'input', name: x, value: input.value } }];
    }
    // A string that is not an input names an array of a bare layer; Wolfram keys the
    // result by the path form {"Weights"}.
    if (plan.root.kind === 'layer' && plan.root.def.arrays.some((a) => a.name === x)) return resolveSpec(plan, [x]);
    throw netError('unknown_port', `${formatSpec(x)} does not correspond to an input or weight array of the net (inputs: ${plan.inputs.map((p) => `"${p.name}"`).join(', ') || 'none'})`);
  }
  const slot = resolvePath(plan, x);
  if (slot.decl.aux) {
    throw netError('aux_array_gradient', `Gradient is not available for the auxiliary array ${formatTarget(x)}`);
  }
  return [{ spec: x, key: formatSpec(x), target: { kind: 'array', slot } }];
}

/** Walks `[l1, ..., "Array"]` down the containers to an array slot; `unknown_array` otherwise. */
export function resolvePath(plan: Plan, path: LayerPath): ArraySlot {
  const unknown = (why: string) =>
    netError('unknown_array', `${formatSpec(path as SpecTarget)} does not correspond to an input or weight array of the net: ${why}`);
  let node: NetNode = plan.root;
  const walked: Array<string | number> = [];
  for (const ref of path.slice(0, -1)) {
    if (node.kind === 'layer') throw unknown(`${where(walked, node.def.type)} is a layer, not a container`);
    const i = childIndex(node, ref);
    if (i === undefined) {
      const keys = node.children.map((c) => formatKey(c.key)).join(', ');
      throw unknown(`${walked.length === 0 ? 'the net' : where(walked, node.kind)} has no layer ${formatKey(ref)} (layers: ${keys})`);
    }
    const child = node.children[i]!;
    walked.push(child.key);
    node = child.node;
  }
  const name = path[path.length - 1] as string;
  if (node.kind !== 'layer') throw unknown(`${where(walked, node.kind)} is a container; name one of its layers`);
  const planNode = plan.nodeOf.get(node)!;
  const slot = plan.arrays.find((s) => s.node === planNode && s.decl.name === name);
  if (!slot) {
    const decl = node.def.arrays.find((a) => a.name === name);
    const names = plan.arrays.filter((s) => s.node === planNode).map((s) => `"${s.decl.name}"`);
    throw unknown(
      decl
        ? `${where(walked, node.def.type)} has no "${name}" (it is None)`
        : `${where(walked, node.def.type)} has no array "${name}"${names.length ? ` (arrays: ${names.join(', ')})` : ''}`,
    );
  }
  return slot;
}

/**
 * The learned arrays in the order `NetPortGradient[All]` lists them. The paclet expands
 * All into `Keys @ NetArrays[net, False]`, and NetArrays ends in KeySort: the arrays come
 * in the canonical order of their internal paths, `NetPath["Nodes", "enc", "Nodes", "2",
 * "Arrays", "Biases"]` for `{"enc", 2, "Biases"}` (positions as the strings "1", "2", ...).
 * Canonical order compares shorter paths first (shallower arrays before deeper ones,
 * whatever the layer order), then part by part as strings (wolframStringOrder).
 */
export function allArrays(plan: Plan): ArraySlot[] {
  const internal = (key: LayerPath): string[] => [...key.slice(0, -1).flatMap((k) => ['Nodes', String(k)]), 'Arrays', String(key[key.length - 1])];
  const keyed = plan.arrays.filter((s) => !s.decl.aux).map((slot) => ({ slot, path: internal(slot.key) }));
  keyed.sort((a, b) => {
    if (a.path.length !== b.path.length) return a.path.length - b.path.length;
    for (let i = 0; i < a.path.length; i++) {
      const c = wolframStringOrder(a.path[i]!, b.path[i]!);
      if (c !== 0) return c;
    }
    return 0;
  });
  return keyed.map((k) => k.slot);
}

/**
 * Wolfram's canonical order of strings, as Sort and KeySort use it: alphabetical ignoring
 * case, digits before letters (so "10" before "2"), and on a tie ignoring case, lower case
 * before upper case at the first difference. Other characters (punctuation, spaces) sort
 * before digits, by code point: Wolfram's exact order among punctuation is not documented.
 */
export function wolframStringOrder(a: string, b: string): number {
  const rank = (ch: string): [number, string] => {
    const lower = ch.toLowerCase();
    if (/[0-9]/.test(ch)) return [1, ch];
    if (lower !== ch.toUpperCase()) return [2, lower];
    return [0, ch];
  };
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const [ca, ka] = rank(a[i]!);
    const [cb, kb] = rank(b[i]!);
    if (ca !== cb) return ca - cb;
    if (ka !== kb) return ka < kb ? -1 : 1;
  }
  if (a.length !== b.length) return a.length - b.length;
  for (let i = 0; i < n; i++) {
    if (a[i] === b[i]) continue;
    // The same letter in two cases: lower case first.
    return a[i] === a[i]!.toLowerCase() ? -1 : 1;
  }
  return 0;
}
