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
  return `NetPortGradient[${x === 'All' ? 'All' : formatTarget(x)}]`;
}

function formatTarget(x: SpecTarget): string {
  return typeof x === 'string' ? JSON.stringify(x) : `{${x.map(formatKey).join(', ')}}`;
}

/**
 * Resolves one spec against a compiled net; `All` expands to every real-valued input
 * port, then every learned array (layer order, declaration order).
 */
export function resolveSpec(plan: Plan, x: SpecTarget): ResolvedSpec[] {
  if (x === 'All') {
    const inputs = plan.inputs
      .filter((p) => p.value.type?.index === undefined)
      .map((p): ResolvedSpec => ({ spec: p.name, key: formatSpec(p.name), target: { kind: 'input', name: p.name, value: p.value } }));
    const arrays = plan.arrays
      .filter((s) => !s.decl.aux)
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
