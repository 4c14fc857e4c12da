import type { Tensor } from '@tensorflow/tfjs-core';
import { z } from 'zod';
import { tf } from '../backend/tf';
import { formatDims, type PortType } from '../shapes';
import { compilePureFunction, describePureFunction } from '../functions/pure';
import { defineLayer, type InferContext } from './define';

/**
 * Wolfram's threading broadcast (not numpy's): inputs of equal rank whose dimensions
 * agree or are 1; a scalar input is replicated everywhere.
 */
export function threadedType<P>(ctx: InferContext<P>, ports: readonly string[]): PortType {
  const types = ports.map((p) => ctx.need(p));
  const ranked = types.filter((t) => t.dims.length > 0);
  const rank = ranked[0]?.dims.length ?? 0;
  const dims: number[] = Array.from({ length: rank }, () => 1);
  types.forEach((t, i) => {
    if (t.dims.length === 0) return;
    if (t.dims.length !== rank) {
      ctx.fail(`cannot thread over inputs of different ranks: ${ports.map((p, j) => `"${p}" is ${formatDims(types[j]!.dims)}`).join(', ')}`);
    }
    t.dims.forEach((d, k) => {
      if (d !== 1 && dims[k] !== 1 && dims[k] !== d) {
        ctx.fail(`cannot thread "${ports[i]}" ${formatDims(t.dims)} with the other inputs: dimension ${k + 1} is ${d}, elsewhere ${dims[k]}`);
      }
      if (d !== 1) dims[k] = d;
    });
  });
  return { dims };
}

/** Aligns a per-example scalar [N] with rank-r inputs [N, ...] for TensorFlow.js broadcasting. */
function lift(x: Tensor, rank: number): Tensor {
  return x.rank === rank + 1 ? x : tf.reshape(x, [x.shape[0]!, ...Array.from({ length: rank }, () => 1)]);
}

/** Functions of any number of arguments; the others take exactly 2. */
const FOLDING = new Set(['Plus', 'Times', 'Min', 'Max']);

/**
 * ThreadingLayer: a function applied elementwise across its inputs Input1, Input2, ...:
 * Plus, Subtract, Times, Divide, Power, Min, Max, or a pure function in Wolfram syntax
 * ("#1 + 2 #2 &") whose slots are the inputs, compiled once when the net is loaded.
 * Named slots ("#x - 2 #y &") are the inputs in order of first appearance: #x is Input1
 * (Wolfram names such ports "x" and "y"; lib/wolfram translates, see slotPorts).
 */
export const ThreadingLayer = defineLayer({
  type: 'ThreadingLayer',
  wolfram: {
    // ThreadingLayer[f, bspec]: netport supports the broadcasting spec Automatic only.
    positional: ['Function', '#Broadcasting'],
    params: { Function: 'threading', '#Broadcasting': 'automatic' },
    // The paclet's Threading.m (11.x copy): "Function" (unwrapped with First, as
    // ElementwiseLayer's ValidatedParameter, which the real 13.0.3 file shows) and "$Dimensions".
    internal: { validated: ['Function'] },
  },
  params: {
    Function: z
      .string()
      .describe('"Plus", "Subtract", "Times", "Divide", "Power", "Min", "Max", or a pure function such as "#1 + 2 #2 &"'),
  },
  inputs: { variadic: (p) => (FOLDING.has(p.Function) || !p.Function ? 2 : Math.max(2, describePureFunction(p.Function).arity)) },
  infer(ctx) {
    const ports = Object.keys(ctx.inputs);
    const f = compilePureFunction(ctx.params.Function, ports.length, { layer: 'ThreadingLayer', where: `${ctx.where} "Function"` });
    const output = threadedType(ctx, ports);
    const inputs = Object.fromEntries(ports.map((p) => [p, { dims: ctx.need(p).dims }]));
    return { inputs, outputs: { Output: output }, arrays: {}, plan: f };
  },
  forward({ inputs, shapes, plan: f }) {
    const rank = shapes.outputs.Output!.dims.length;
    return { Output: f(Object.values(inputs).map((x) => lift(x, rank))) };
  },
  examples: [
    { title: 'Function=Plus Input1={2, 3} Input2={2, 3}', layer: { Function: 'Plus', Input1: [2, 3], Input2: [2, 3] } },
    { title: 'Function=Times Input1={2, 3} Input2={1, 3} Input3={2, 1}', layer: { Function: 'Times', Input1: [2, 3], Input2: [1, 3], Input3: [2, 1] } },
    { title: 'Function=Subtract Input1={4} Input2=Real', layer: { Function: 'Subtract', Input1: 4, Input2: 'Real' } },
    { title: 'Function=Divide Input1={3} Input2={3}', layer: { Function: 'Divide', Input1: 3, Input2: 3 }, ranges: { Input2: [0.5, 2] as const } },
    { title: 'Function=Power Input1={3} Input2={3}', layer: { Function: 'Power', Input1: 3, Input2: 3 }, ranges: { Input1: [0.5, 2] as const } },
    { title: 'Function=Min Input1={5} Input2={5}', layer: { Function: 'Min', Input1: 5, Input2: 5 } },
    { title: 'Function=Max Input1={2, 2} Input2={2, 2}', layer: { Function: 'Max', Inputs: [[2, 2], [2, 2]] } },
    { title: 'Function="#1 Exp[-#2^2] + #3 &" Input1={3} Input2={3} Input3={3}', layer: { Function: '#1 Exp[-#2^2] + #3 &', Input1: 3, Input2: 3, Input3: 3 } },
    { title: 'Function="If[#1 > #2, #1 - #2, Sin[#1 #2]] &" Input1={4} Input2={4}', layer: { Function: 'If[#1 > #2, #1 - #2, Sin[#1 #2]] &', Input1: 4, Input2: 4 } },
    // Named slots are the ports Input1, Input2, ... in order of first appearance.
    { title: 'Function="#y Exp[#x] - #x &" Input1={3} Input2={3}', layer: { Function: '#y Exp[#x] - #x &', Input1: 3, Input2: 3 } },
    { title: 'Function="#a - 2 #b &" Inputs={{2, 2}, {2, 1}}', layer: { Function: '#a - 2 #b &', Inputs: [[2, 2], [2, 1]] } },
  ],
});
