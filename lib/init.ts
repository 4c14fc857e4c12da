/**
 * Initialization of missing arrays, seeded and reproducible, with Wolfram's kind of
 * defaults (NetInitialize, paclet 12.x): weights Xavier-uniform with variance
 * 2/(fan-in + fan-out), doubled when a Ramp follows (He's correction), LeCun-normal
 * before a SELU; biases and moving means 0; scalings and moving variances 1. Wolfram's
 * random numbers cannot be reproduced; the distributions are the same.
 */
import { tf } from './backend/tf';
import type { ArraySlot, Plan } from './compile';
import { volume } from './shapes';

/** Fills every array that has no value (or every array, with `all`). */
export function initialize(plan: Plan, seed: number, all = false): void {
  const activations = activationsByValue(plan);
  for (const slot of plan.arrays) {
    if (slot.value && !all) continue;
    slot.value = { dims: slot.dims, data: sample(activations, slot, seed) };
  }
}

function sample(activations: ReadonlyMap<number, 'Ramp' | 'SELU'>, slot: ArraySlot, seed: number): Float32Array {
  const n = volume(slot.dims);
  let kind = slot.decl.init;
  if (typeof kind === 'number') return new Float32Array(n).fill(kind);
  if (kind === 'array') kind = slot.dims.length === 2 ? 'weights' : 'zeros';
  if (kind === 'zeros') return new Float32Array(n);
  if (kind === 'ones') return new Float32Array(n).fill(1);
  // The seed and the array's path alone decide its values, so adding a layer elsewhere
  // does not change them.
  const stream = `${seed}/${slot.key.join('/')}`;
  const fanOut = slot.dims[0] ?? 1;
  const fanIn = volume(slot.dims.slice(1));
  const next = nextActivation(activations, slot);
  const t =
    next === 'SELU'
      ? tf.randomNormal([n], 0, Math.sqrt(1 / fanIn), 'float32', hashSeed(stream))
      : tf.randomUniform([n], -1, 1, 'float32', stream);
  const scale = next === 'SELU' ? 1 : Math.sqrt((3 * 2 * (next === 'Ramp' ? 2 : 1)) / (fanIn + fanOut));
  const values = t.dataSync() as Float32Array;
  t.dispose();
  return next === 'SELU' ? values.slice() : values.map((v) => v * scale);
}

/** The activation of the first (in topological order) Ramp or SELU ElementwiseLayer reading each value. */
function activationsByValue(plan: Plan): Map<number, 'Ramp' | 'SELU'> {
  const found = new Map<number, 'Ramp' | 'SELU'>();
  for (const node of plan.nodes) {
    if (node.layer.def.type !== 'ElementwiseLayer') continue;
    const f = node.layer.params.Function;
    const kind = f === 'Ramp' || f === 'ReLU' ? 'Ramp' : f === 'SELU' ? 'SELU' : undefined;
    if (!kind) continue;
    for (const v of Object.values(node.inputs)) if (!found.has(v.id)) found.set(v.id, kind);
  }
  return found;
}

/** The activation of the ElementwiseLayer the layer feeds directly, if any. */
function nextActivation(activations: ReadonlyMap<number, 'Ramp' | 'SELU'>, slot: ArraySlot): 'Ramp' | 'SELU' | undefined {
  for (const v of Object.values(slot.node.outputs)) {
    const kind = activations.get(v.id);
    if (kind) return kind;
  }
  return undefined;
}

/** randomNormal takes a numeric seed; derive one from the stream name. */
function hashSeed(text: string): number {
  let h = 2166136261;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 16777619);
  return h >>> 0;
}
