/**
 * What an evaluation will allocate, worked out from the plan before anything is
 * allocated: the net's arrays, and per example the values every layer produces. A net
 * or a batch over the memory limit is refused with `limit_exceeded`, naming the layer
 * that needs the most, instead of running the process out of memory or into a
 * RangeError from a typed array that cannot exist.
 *
 * The estimate is a floor, not an exact figure: float32 values of every layer output
 * (twice under gradients: the values the backward pass keeps and their gradients),
 * the arrays (twice when their gradients are asked for), and the data.
 */
import type { Plan, PlanNode } from './compile';
import { netError, where } from './errors';
import { DEFAULT_MEMORY_LIMIT } from './limits';
import { volume } from './shapes';

const BYTES = 4;

/** The memory a plan needs: its arrays, and per example its layers' outputs. */
export interface Footprint {
  readonly arrays: number;
  readonly perExample: number;
  /** The layer whose arrays, and the one whose outputs per example, are largest. */
  readonly largestArrays?: { readonly node: PlanNode; readonly bytes: number };
  readonly largestOutputs?: { readonly node: PlanNode; readonly bytes: number };
}

const footprints = new WeakMap<Plan, Footprint>();

export function footprint(plan: Plan): Footprint {
  let f = footprints.get(plan);
  if (f) return f;
  const byNode = new Map<PlanNode, number>();
  let arrays = 0;
  for (const slot of plan.arrays) {
    const bytes = volume(slot.dims) * BYTES;
    arrays += bytes;
    byNode.set(slot.node, (byNode.get(slot.node) ?? 0) + bytes);
  }
  let largestArrays: Footprint['largestArrays'];
  for (const [node, bytes] of byNode) if (!largestArrays || bytes > largestArrays.bytes) largestArrays = { node, bytes };
  let perExample = 0;
  let largestOutputs: Footprint['largestOutputs'];
  for (const node of plan.nodes) {
    let bytes = 0;
    for (const port of Object.keys(node.outputs)) bytes += volume(node.shapes!.outputs[port]!.dims) * BYTES;
    perExample += bytes;
    if (!largestOutputs || bytes > largestOutputs.bytes) largestOutputs = { node, bytes };
  }
  for (const p of plan.inputs) perExample += volume(p.value.type!.dims) * BYTES;
  f = { arrays, perExample, largestArrays, largestOutputs };
  footprints.set(plan, f);
  return f;
}

/** Refuses a net whose arrays and one example do not fit in `limit` bytes. */
export function checkNet(plan: Plan, limit: number): void {
  const f = footprint(plan);
  const need = f.arrays + f.perExample;
  if (need <= limit) return;
  const big = f.largestArrays && f.largestArrays.bytes >= (f.largestOutputs?.bytes ?? 0) ? { ...f.largestArrays, what: 'for its arrays' } : { ...f.largestOutputs!, what: 'for its outputs of one example' };
  const at = where(big.node.path, big.node.layer.def.type);
  throw netError(
    'limit_exceeded',
    `Limit exceeded: the net needs at least ${formatBytes(need)}, over the memory limit of ${formatBytes(limit)}; ${at} alone needs ${formatBytes(big.bytes)} ${big.what} (raise the limit with the memoryLimit option or --memory-limit)`,
    at,
  );
}

/** Refuses an evaluation of `batch` examples that does not fit in `limit` bytes. */
export function checkBatch(plan: Plan, batch: number, gradients: boolean, arrayGradients: boolean, limit: number): void {
  const f = footprint(plan);
  const need = f.perExample * batch * (gradients ? 2 : 1) + f.arrays * (arrayGradients ? 2 : 1);
  if (need <= limit) return;
  const node = f.largestOutputs!.node;
  const at = where(node.path, node.layer.def.type);
  throw netError(
    'limit_exceeded',
    `Limit exceeded: evaluating ${batch} example${batch === 1 ? '' : 's'}${gradients ? ' with gradients' : ''} needs at least ${formatBytes(need)}, over the memory limit of ${formatBytes(limit)}; ${at} alone produces ${formatBytes(f.largestOutputs!.bytes * batch)} (give smaller batches, or raise the limit with the memoryLimit option or --memory-limit)`,
    at,
  );
}

/** `512 MiB`, `4 GiB`, `1.5 KiB`, `12 bytes`. */
export function formatBytes(n: number): string {
  const units = ['bytes', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB', 'EiB'];
  let i = 0;
  let v = n;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  if (i === 0) return `${n} bytes`;
  const text = v >= 100 || Number.isInteger(v) ? v.toFixed(0) : v.toPrecision(3).replace(/\.?0+$/, '');
  return `${text} ${units[i]}`;
}

/**
 * A memory limit: bytes as a number, or a size such as "512M", "8G", "1.5GiB", "100000".
 * Returns undefined for anything else.
 */
export function parseSize(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) && value > 0 ? value : undefined;
  if (typeof value !== 'string') return undefined;
  const m = /^\s*(\d+(?:\.\d+)?)\s*([kmgtp]?)(?:i?b)?\s*$/i.exec(value);
  if (!m) return undefined;
  const scale = 1024 ** ' kmgtp'.indexOf((m[2] || ' ').toLowerCase());
  const bytes = Number(m[1]) * scale;
  return bytes > 0 ? Math.floor(bytes) : undefined;
}

export { DEFAULT_MEMORY_LIMIT };
