/**
 * The scalar that NetPortGradient differentiates, on the host: Total[output * ograd]
 * summed over the real-valued output ports, where ograd is 1 everywhere by default and,
 * once any port has an imposed ograd, 0 on the ports not mentioned (README, "Wolfram's
 * conventions"). gradcheck differentiates it numerically and saliency's Integrated
 * Gradients checks its completeness against it, both in float64.
 *
 * Also the output gradient that picks one class: the unit vector of that class, the
 * imposed ograd a saliency map of class k needs (with the default seed of ones, a softmax
 * output's gradient is that of the total probability, about 0).
 */
import { netError } from './errors';
import type { Net, PortInfo } from './runtime';
import { formatDims, sameDims, volume } from './shapes';
import { fromNested, ShapeProblem, type NumArray } from './tensors';

/** Per real-valued output port, the weights of one example: an array like the port, or one number. */
export type ExampleWeights = ReadonlyMap<string, ArrayLike<number> | number>;

/**
 * The objective's weights for each example of a batch of `batch` (`batched`: whether the
 * data was a batch, so that array ograds carry the batch dimension), from an imposed
 * `ograd` as `net.evaluate` takes it (array, number or null per port), or Wolfram's
 * default seed of ones. Integer-valued outputs never count.
 */
export function objectiveWeights(net: Net, ograd: Readonly<Record<string, unknown>> | undefined, batch: number, batched: boolean): ExampleWeights[] {
  const ports = net.outputs.filter((p) => p.classes === undefined);
  const perPort = ports.map((p): [string, (b: number) => ArrayLike<number> | number] => {
    if (ograd === undefined) return [p.name, () => 1];
    const raw = ograd[p.name];
    if (raw === undefined || raw === null) return [p.name, () => 0];
    if (typeof raw === 'number') return [p.name, () => raw];
    const array = readOgrad(raw, p);
    const n = volume(p.dims);
    if (sameDims(array.dims, batched ? [batch, ...p.dims] : p.dims)) {
      return [p.name, (b) => (batched ? array.data.subarray(b * n, (b + 1) * n) : array.data)];
    }
    throw netError('invalid_ograd', `Invalid output gradient: "${p.name}" has dimensions ${formatDims(array.dims)}, but the output is ${formatDims(batched ? [batch, ...p.dims] : p.dims)}`);
  });
  return Array.from({ length: batch }, (_, b) => new Map(perPort.map(([name, w]) => [name, w(b)])));
}

/**
 * The objective of example `b` in float64: the sum over ports of Total[output * weights].
 * `outputs` are typed and carry the batch dimension.
 */
export function objectiveOf(outputs: Readonly<Record<string, NumArray>>, weights: ExampleWeights, b: number): number {
  let total = 0;
  for (const [name, w] of weights) {
    const out = outputs[name]!;
    const n = out.data.length / out.dims[0]!;
    const base = b * n;
    if (typeof w === 'number') {
      if (w === 0) continue;
      for (let i = 0; i < n; i++) total += w * out.data[base + i]!;
    } else {
      for (let i = 0; i < n; i++) total += w[i]! * out.data[base + i]!;
    }
  }
  return total;
}

/**
 * The output gradient that picks class `k` (1-based) of output `port`: the unit vector of
 * the port's shape with 1 at flat position k, and 0 on every other output port.
 */
export function unitOgrad(net: Net, k: number, port?: string): Record<string, NumArray | null> {
  const out = outputPort(net, port);
  const n = volume(out.dims);
  if (!Number.isInteger(k) || k < 1 || k > n) {
    throw netError('invalid_ograd', `Invalid output gradient: class ${k} is not one of the ${n} classes of output "${out.name}" (1 to ${n})`);
  }
  const data = new Float32Array(n);
  data[k - 1] = 1;
  const ograd: Record<string, NumArray | null> = {};
  for (const p of net.outputs) ograd[p.name] = p.name === out.name ? { dims: out.dims, data } : null;
  return ograd;
}

/** The output port named, or the net's only real-valued output. */
export function outputPort(net: Net, port?: string): PortInfo {
  const real = net.outputs.filter((p) => p.classes === undefined);
  if (port === undefined) {
    if (real.length === 1) return real[0]!;
    throw netError('unknown_port', `The net has ${real.length} real-valued output ports (${net.outputs.map((p) => `"${p.name}"`).join(', ')}); name the one to explain`);
  }
  const found = net.outputs.find((p) => p.name === port);
  if (!found) throw netError('unknown_port', `"${port}" is not an output port of the net (outputs: ${net.outputs.map((p) => `"${p.name}"`).join(', ')})`);
  return found;
}

function readOgrad(raw: unknown, port: PortInfo): NumArray {
  const v = raw as { dims?: unknown; data?: unknown };
  if (typeof raw === 'object' && raw !== null && Array.isArray(v.dims) && ArrayBuffer.isView(v.data)) return raw as NumArray;
  try {
    return fromNested(raw);
  } catch (e) {
    if (e instanceof ShapeProblem) throw netError('invalid_ograd', `Invalid output gradient: the output gradient for "${port.name}" ${e.message}`);
    throw e;
  }
}
