import { z } from 'zod';
import { compilePureFunction, type PureFunction } from '../functions/pure';
import { realInput } from './common';
import { defineLayer } from './define';

/**
 * ElementwiseLayer: a function applied to every element. The function is a symbol
 * ("Ramp", "Tanh", "LogisticSigmoid", ...), one of Wolfram's named activations ("ReLU",
 * "SELU", "GELU", ...), or a pure function in Wolfram syntax ("#^2 &",
 * "Max[#, 0.1 #] &"); all compile to TensorFlow.js ops once, when the net is loaded
 * (lib/functions/pure.ts).
 */
export const ElementwiseLayer = defineLayer({
  type: 'ElementwiseLayer',
  wolfram: {
    positional: ['Function'],
    params: { Function: 'elementwise' },
    // 13.0.3: "Function" -> ValidatedParameter[Tanh], "$Dimensions" -> the input's dimensions.
    internal: { validated: ['Function'], derive: ({ inputs }) => ({ $Dimensions: [...inputs.Input!.dims] }) },
  },
  params: {
    Function: z.string().describe('a function: a name such as "Ramp", "Tanh" or "ReLU", or a pure function such as "#^2 &"'),
  },
  inputs: ['Input'],
  infer(ctx) {
    const input = realInput(ctx);
    const f: PureFunction = compilePureFunction(ctx.params.Function, 1, { where: `${ctx.where} "Function"` });
    return { inputs: { Input: input }, outputs: { Output: input }, arrays: {}, plan: f };
  },
  layout: 'passthrough',
  forward({ inputs, plan: f }) {
    return { Output: f([inputs.Input!]) };
  },
  examples: [
    ...['Ramp', 'LogisticSigmoid', 'Tanh', 'Sin', 'Cos', 'ArcTan', 'ArcSinh', 'Erf', 'Square', 'Abs', 'Sinh', 'Cosh', 'Exp'].map((f) => ({
      title: `Function=${f} Input={2, 3}`,
      layer: { Function: f, Input: [2, 3] },
    })),
    { title: 'Function=Tan Input={5}', layer: { Function: 'Tan', Input: 5 }, ranges: { Input: [-1.2, 1.2] as const } },
    { title: 'Function=Log Input={5}', layer: { Function: 'Log', Input: 5 }, ranges: { Input: [0.2, 3] as const } },
    { title: 'Function=Sqrt Input={5}', layer: { Function: 'Sqrt', Input: 5 }, ranges: { Input: [0.2, 3] as const } },
    { title: 'Function=ArcTanh Input={5}', layer: { Function: 'ArcTanh', Input: 5 }, ranges: { Input: [-0.8, 0.8] as const } },
    ...['ReLU', 'ELU', 'SELU', 'GELU', 'Swish', 'HardSwish', 'Mish', 'SoftSign', 'SoftPlus', 'HardTanh', 'HardSigmoid', 'Sigmoid'].map((f) => ({
      title: `Function=${f} Input={6}`,
      layer: { Function: f, Input: 6 },
      ranges: { Input: [-4, 4] as const },
    })),
    { title: 'Function=Tanh Input=Real', layer: { Function: 'Tanh', Input: 'Real' } },
    { title: 'Function="#^2 &" Input={4}', layer: { Function: '#^2 &', Input: 4 } },
    { title: 'Function="Max[#, 0.1 #] &" Input={6}', layer: { Function: 'Max[#, 0.1 #] &', Input: 6 } },
    { title: 'Function="Clip[3 Exp[-#^2] + Sin[#] / 2, {-1, 2}] &" Input={6}', layer: { Function: 'Clip[3 Exp[-#^2] + Sin[#] / 2, {-1, 2}] &', Input: 6 } },
    { title: 'Function="If[# > 0, Log[1 + #], Tanh[#]] &" Input={6}', layer: { Function: 'If[# > 0, Log[1 + #], Tanh[#]] &', Input: 6 } },
    { title: 'Function="Piecewise[{{-#, # < -0.5}, {#^3, # < 0.5}}, 2 #] &" Input={6}', layer: { Function: 'Piecewise[{{-#, # < -0.5}, {#^3, # < 0.5}}, 2 #] &', Input: 6 } },
    { title: 'Function="Function[x, x LogisticSigmoid[x] + Erf[x] + Ramp[x - 0.2]]" Input={5}', layer: { Function: 'Function[x, x LogisticSigmoid[x] + Erf[x] + Ramp[x - 0.2]]', Input: 5 } },
    { title: 'Function="ArcTan[#] + Cosh[#] / (1 + Abs[#]) + Power[2, #] &" Input={5}', layer: { Function: 'ArcTan[#] + Cosh[#] / (1 + Abs[#]) + Power[2, #] &', Input: 5 } },
  ],
});
