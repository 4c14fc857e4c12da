import type { Tensor } from '@tensorflow/tfjs-core';
import { z } from 'zod';
import { tf } from '../backend/tf';
import { formatDims } from '../shapes';
import { formatInteger, formatReal, formatString } from '../wolfram/print';
import { defineLayer } from './define';
import type { ParamCodec } from './wolfram-form';

const size = z.union([
  z.number().int().positive(),
  z.object({ Scaled: z.number().positive() }).strict().describe('{"Scaled": s}: s times the input size'),
]);
type Size = z.infer<typeof size>;

/** `{d1, Scaled[s2]}`: sizes and scale factors, one per spatial dimension. */
const SPECIFICATION: ParamCodec = {
  read(e, ctx) {
    const entry = (x: typeof e) => {
      if (x.kind === 'number' && Number.isInteger(x.value) && x.value > 0) return x.value;
      if (x.kind === 'call' && x.head.kind === 'symbol' && x.head.name === 'Scaled' && x.args.length === 1 && x.args[0]!.kind === 'number' && x.args[0]!.value > 0) {
        return { Scaled: x.args[0]!.value };
      }
      return ctx.fail(`expected a positive integer or Scaled[s] (s > 0), got ${ctx.show(x)}`, x);
    };
    return e.kind === 'list' && e.items.length > 0 ? e.items.map(entry) : ctx.fail(`expected a list of sizes or Scaled[s], got ${ctx.show(e)}`, e);
  },
  print: (v) => `{${(v as Size[]).map((s) => (typeof s === 'number' ? formatInteger(s) : `Scaled[${formatReal(s.Scaled)}]`)).join(', ')}}`,
};

const METHODS = ['Linear', 'Nearest'] as const;

const RESAMPLING: ParamCodec = {
  read(e, ctx) {
    if (e.kind === 'string' && (METHODS as readonly string[]).includes(e.value)) return e.value;
    if (e.kind === 'string') return ctx.fail(`"Resampling" -> "${e.value}" is not supported (netport supports "Linear" and "Nearest")`, e, 'unsupported');
    return ctx.fail(`expected "Linear" or "Nearest", got ${ctx.show(e)}`, e);
  },
  print: (v) => formatString(String(v)),
};

/**
 * The interpolation matrix of one dimension, n input cells to m output cells, row-major
 * [m, n]: output cell i is sum_j A[i, j] x[j].
 * - "Linear": Wolfram aligns the corners (the first and last cells of input and output
 *   coincide, as MXNet's BilinearResize2D, which it runs on): output i samples the input
 *   at i (n - 1) / (m - 1), linearly between its two neighbours; m = 1 samples cell 0.
 * - "Nearest": an integer upscaling k = m / n, each cell repeated k times.
 */
function interpolation(method: (typeof METHODS)[number], n: number, m: number): Float32Array {
  const a = new Float32Array(m * n);
  for (let i = 0; i < m; i++) {
    if (method === 'Nearest') {
      a[i * n + Math.floor((i * n) / m)] = 1;
      continue;
    }
    const at = m > 1 ? (i * (n - 1)) / (m - 1) : 0;
    const j = Math.min(Math.floor(at), n - 1);
    const t = at - j;
    a[i * n + j] = a[i * n + j]! + 1 - t;
    if (t > 0) a[i * n + j + 1] = a[i * n + j + 1]! + t;
  }
  return a;
}

interface Plan {
  readonly from: readonly number[];
  readonly to: readonly number[];
  /** Per spatial dimension: the transposed interpolation matrix [n, m], or null where the size stays. */
  readonly matrices: readonly (Float32Array | null)[];
}

/**
 * ResizeLayer[{d1, d2}] (or `Scaled[s]` for a size s times the input's, Floor[n s] cells)
 * resizes the spatial dimensions of a channel-first input {c, h, w} (or {c, w}).
 *
 * The resize is a linear map per dimension, so netport applies it as a product with the
 * interpolation matrix of each dimension (Y = A_h X A_w^T per channel), exact for both
 * methods and differentiable by MatMul alone. TensorFlow.js's resizeBilinear is not used:
 * its cpu gradient (ResizeBilinearGrad) swaps height and width on non-square images and
 * ignores halfPixelCenters (docs/WASM-KERNELS.md).
 */
export const ResizeLayer = defineLayer({
  type: 'ResizeLayer',
  wolfram: {
    positional: ['Specification'],
    params: { Specification: SPECIFICATION, Resampling: RESAMPLING },
    // The paclet's Resize.m (12.x): "Specification" a ValidatedParameter, "Resampling",
    // "Dimensionality" (no $) and "$Channels", "$InputSize", "$OutputSize" derived.
    internal: {
      validated: ['Specification'],
      derived: ['Dimensionality'],
      derive: ({ inputs, outputs }) => ({
        Dimensionality: inputs.Input!.dims.length - 1,
        $Channels: inputs.Input!.dims[0]!,
        $InputSize: inputs.Input!.dims.slice(1),
        $OutputSize: outputs.Output!.dims.slice(1),
      }),
    },
  },
  params: {
    Specification: z.array(size).min(1).max(2).describe('a list of sizes or {"Scaled": s}, one per spatial dimension'),
    Resampling: z.enum(METHODS).default('Linear').describe('"Linear" or "Nearest"'),
  },
  inputs: ['Input'],
  infer(ctx) {
    const input = ctx.need('Input');
    const spec = ctx.params.Specification;
    if (input.index !== undefined) ctx.fail('needs real numbers, but "Input" is integer-valued', 'Input');
    if (input.dims.length !== spec.length + 1) {
      ctx.fail(`is ${input.dims.length === 0 ? 'a scalar' : formatDims(input.dims)}, expected channels then ${spec.length} spatial dimension${spec.length === 1 ? '' : 's'} (one per entry of "Specification")`, 'Input');
    }
    const [channels, ...from] = input.dims as [number, ...number[]];
    const to = spec.map((s, i) => (typeof s === 'number' ? s : Math.floor(from[i]! * s.Scaled)));
    to.forEach((m, i) => {
      if (m < 1) ctx.fail(`scales ${from[i]} cells to ${m}`, 'Specification');
      if (ctx.params.Resampling === 'Nearest' && m % from[i]! !== 0) {
        throw ctx.fail(`resizes ${from[i]} cells to ${m}: "Nearest" is supported for integer upscaling only`, 'Resampling');
      }
    });
    const matrices = from.map((n, i) => {
      if (n === to[i]) return null;
      const a = interpolation(ctx.params.Resampling, n, to[i]!);
      const t = new Float32Array(n * to[i]!);
      for (let r = 0; r < to[i]!; r++) for (let c = 0; c < n; c++) t[c * to[i]! + r] = a[r * n + c]!;
      return t;
    });
    const plan: Plan = { from, to, matrices };
    return { inputs: { Input: { dims: input.dims } }, outputs: { Output: { dims: [channels, ...to] } }, arrays: {}, plan };
  },
  forward({ inputs, plan }) {
    const x = inputs.Input!;
    const [n, c] = x.shape as [number, number];
    const { from, to, matrices } = plan;
    const along = (t: Tensor, i: number): Tensor => {
      const m = matrices[i]!;
      return tf.matMul(tf.reshape(t, [-1, from[i]!]), tf.tensor2d(m, [from[i]!, to[i]!]));
    };
    if (from.length === 1) return { Output: matrices[0] ? tf.reshape(along(x, 0), [n, c, to[0]!]) : x };
    // Width first (the last axis), then height, moved last by a transpose and back.
    const [h, w] = from as [number, number];
    let y = matrices[1] ? tf.reshape(along(x, 1), [n * c, h, to[1]!]) : tf.reshape(x, [n * c, h, w]);
    if (matrices[0]) y = tf.transpose(tf.reshape(along(tf.transpose(y, [0, 2, 1]), 0), [n * c, to[1]!, to[0]!]), [0, 2, 1]);
    return { Output: tf.reshape(y, [n, c, to[0]!, to[1]!]) };
  },
  examples: [
    { title: 'Specification={Scaled[2], Scaled[2]} Input={2, 3, 2}', layer: { Specification: [{ Scaled: 2 }, { Scaled: 2 }], Input: [2, 3, 2] } },
    { title: 'Specification={5, 3} Input={1, 3, 4} (up and down)', layer: { Specification: [5, 3], Input: [1, 3, 4] } },
    { title: 'Specification={1, 4} Input={2, 3, 2}', layer: { Specification: [1, 4], Input: [2, 3, 2] } },
    { title: 'Specification={3, Scaled[1.5]} Input={2, 3, 4} (height unchanged)', layer: { Specification: [3, { Scaled: 1.5 }], Input: [2, 3, 4] } },
    { title: 'Specification={7} Input={2, 4} (1-D)', layer: { Specification: [7], Input: [2, 4] } },
    { title: 'Specification={Scaled[2], Scaled[3]} Resampling="Nearest" Input={2, 2, 3}', layer: { Specification: [{ Scaled: 2 }, { Scaled: 3 }], Resampling: 'Nearest', Input: [2, 2, 3] } },
    { title: 'Specification={4, 2} Resampling="Nearest" Input={1, 2, 2}', layer: { Specification: [4, 2], Resampling: 'Nearest', Input: [1, 2, 2] } },
  ],
});
