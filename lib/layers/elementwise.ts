import type { Tensor } from '@tensorflow/tfjs-core';
import { z } from 'zod';
import { tf } from '../backend/tf';
import { realInput } from './common';
import { defineLayer } from './define';

const SQRT1_2 = Math.SQRT1_2;

/**
 * The named functions of ElementwiseLayer, as Wolfram defines them. Where Wolfram and
 * the usual deep-learning definition differ, Wolfram wins: HardSigmoid is
 * Clip[(x + 1)/2, {0, 1}] (not the 0.2 x + 0.5 of Keras) and GELU is the exact erf form.
 * Ramp/ReLU must have derivative 0 at exactly 0; tf.relu's gradient (step(x)) does.
 */
export const ELEMENTWISE_FUNCTIONS: Readonly<Record<string, (x: Tensor) => Tensor>> = {
  Ramp: (x) => tf.relu(x),
  ReLU: (x) => tf.relu(x),
  LogisticSigmoid: (x) => tf.sigmoid(x),
  Sigmoid: (x) => tf.sigmoid(x),
  Tanh: (x) => tf.tanh(x),
  Sin: (x) => tf.sin(x),
  Cos: (x) => tf.cos(x),
  Tan: (x) => tf.tan(x),
  Exp: (x) => tf.exp(x),
  Log: (x) => tf.log(x),
  Sqrt: (x) => tf.sqrt(x),
  Abs: (x) => tf.abs(x),
  Sinh: (x) => tf.sinh(x),
  Cosh: (x) => tf.cosh(x),
  ArcTan: (x) => tf.atan(x),
  ArcSinh: (x) => tf.asinh(x),
  ArcTanh: (x) => tf.atanh(x),
  Erf: (x) => tf.erf(x),
  Square: (x) => tf.square(x),
  ELU: (x) => tf.elu(x),
  // tf.selu uses scale 1.0507009873554805 and alpha 1.6732632423543772, whose product
  // is Wolfram's 1.7580993408473766.
  SELU: (x) => tf.selu(x),
  GELU: (x) => tf.mul(tf.mul(x, 0.5), tf.add(tf.erf(tf.mul(x, SQRT1_2)), 1)),
  Swish: (x) => tf.mul(x, tf.sigmoid(x)),
  HardSwish: (x) => tf.mul(x, tf.div(tf.relu6(tf.add(x, 3)), 6)),
  Mish: (x) => tf.mul(x, tf.tanh(tf.softplus(x))),
  SoftSign: (x) => tf.div(x, tf.add(tf.abs(x), 1)),
  SoftPlus: (x) => tf.softplus(x),
  // Wolfram builds these from two ramps, which fixes the derivative at the kinks: at +1
  // the inner slope, at -1 zero. A clip would give other one-sided values.
  HardTanh: (x) => tf.sub(tf.sub(tf.relu(tf.add(x, 1)), tf.relu(tf.sub(x, 1))), 1),
  HardSigmoid: (x) => tf.mul(tf.sub(tf.relu(tf.add(x, 1)), tf.relu(tf.sub(x, 1))), 0.5),
};

export const ElementwiseLayer = defineLayer({
  type: 'ElementwiseLayer',
  params: {
    Function: z.string().describe('a function name such as "Ramp" or "Tanh"'),
  },
  inputs: ['Input'],
  infer(ctx) {
    const f = ctx.params.Function;
    if (!(f in ELEMENTWISE_FUNCTIONS)) {
      ctx.fail(`is ${JSON.stringify(f)}, which is not a function netport knows; known: ${Object.keys(ELEMENTWISE_FUNCTIONS).join(', ')}`, 'Function');
    }
    const input = realInput(ctx);
    return { inputs: { Input: input }, outputs: { Output: input }, arrays: {} };
  },
  layout: 'passthrough',
  forward({ params, inputs }) {
    return { Output: ELEMENTWISE_FUNCTIONS[params.Function]!(inputs.Input!) };
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
  ],
});
