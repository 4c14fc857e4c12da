/**
 * Every error code of the contract, with its message pinned as users see it, and the
 * tensor count unchanged after each.
 */
import { tf } from '../lib/backend/tf';
import { Net } from '../lib/runtime';
import { errorOf, expectNoLeak, useBackend } from './helpers/backends';

const LINEAR = { type: 'LinearLayer', OutputDimensions: 2, Input: 3, Weights: [[1, 2, 3], [4, 5, 6]], Biases: [0.5, -0.5] };
const LOSS_CHAIN = {
  type: 'NetChain',
  Input: 2,
  Layers: [{ type: 'LinearLayer', OutputDimensions: 3, Weights: [[1, 2], [3, 4], [5, 6]], Biases: [0, 0, 0] }, { type: 'SoftmaxLayer' }, { type: 'CrossEntropyLossLayer', TargetForm: 'Index' }],
};

const load = (description: unknown) => Net.load(description, { backend: 'cpu' });

/** The error of evaluating `description` on `data` with `options`, net disposed after. */
async function evalError(description: unknown, data: unknown, options: Parameters<Net['evaluate']>[1] = {}): Promise<string> {
  const net = await load(description);
  try {
    return await errorOf(() => net.evaluate(data, options));
  } finally {
    net.dispose();
  }
}

beforeAll(() => useBackend('cpu'));

describe('invalid_net', () => {
  const cases: Array<[string, unknown]> = [
    ['array of the wrong dimensions', { ...LINEAR, Weights: [[1, 2], [3, 4]] }],
    [
      'array of the wrong dimensions inside a chain',
      { type: 'NetChain', Input: 2, Layers: [{ type: 'LinearLayer', OutputDimensions: 3, Weights: [[1, 2], [3, 4], [5, 6]] }, { type: 'LinearLayer', OutputDimensions: 2, Weights: [[1, 2], [3, 4]] }] },
    ],
    ['unknown layer type', { type: 'NetChain', Input: 2, Layers: [{ type: 'LinerLayer', OutputDimensions: 3 }] }],
    ['unknown key', { ...LINEAR, Weight: [[1, 2, 3]] }],
    ['parameter of the wrong type', { type: 'LinearLayer', OutputDimensions: '3', Input: 2 }],
    ['missing parameter', { type: 'CrossEntropyLossLayer', Input: 3 }],
    ['ragged array', { ...LINEAR, Weights: [[1, 2, 3], [4, 5]] }],
    ['unknown input shape', { type: 'NetChain', Layers: [{ type: 'LinearLayer', OutputDimensions: 3 }, 'Ramp'] }],
    ['ports that do not fit', { type: 'NetChain', Input: 3, Layers: [{ type: 'LinearLayer', OutputDimensions: 2 }, { type: 'SoftmaxLayer', Input: 3 }] }],
    ['a port declared on a container that it does not have', { type: 'NetChain', Input: 3, Foo: 2, Layers: ['Ramp'] }],
    ['a layer list entry that is not a layer', { type: 'NetChain', Input: 3, Layers: ['Ramp', true] }],
    ['a part out of range', { type: 'PartLayer', Specification: [1, 5], Input: [2, 3] }],
    ['a span that Wolfram cannot take (1 ;; All ;; -1)', { type: 'PartLayer', Specification: ';;;;-1', Input: 3 }],
    ['a pooling kernel larger than its input', { type: 'PoolingLayer', KernelSize: 4, Input: [1, 3, 3] }],
    ['an edge to a layer that does not exist', { type: 'NetGraph', Input: 2, Layers: { a: 'Ramp' }, Edges: [[{ NetPort: 'Input' }, 'b']] }],
    ['a cycle', { type: 'NetGraph', Input: 2, Layers: [{ type: 'TotalLayer' }, 'Ramp'], Edges: [[1, 2], [2, { NetPort: [1, 'Input2'] }]] }],
    ['a port fed twice', { type: 'NetGraph', Input: 2, Layers: ['Ramp', 'Tanh', 'Sin'], Edges: [[1, 3], [2, 3]] }],
    ['ThreadingLayer inputs that do not thread', { type: 'ThreadingLayer', Function: 'Plus', Input1: [2, 3], Input2: [3, 2] }],
    ['ChannelGroups that do not divide the input channels', { type: 'ConvolutionLayer', OutputChannels: 4, KernelSize: 2, ChannelGroups: 3, Input: [4, 5, 5] }],
    ['ChannelGroups that do not divide the output channels', { type: 'ConvolutionLayer', OutputChannels: 3, KernelSize: 2, ChannelGroups: 2, Input: [4, 5, 5] }],
    ['a dilated convolution kernel larger than its input', { type: 'ConvolutionLayer', OutputChannels: 2, KernelSize: 3, Dilation: 2, PaddingSize: [[0, 0], [1, 0]], Input: [1, 4, 4] }],
    ['convolution weights of the wrong dimensions', { type: 'ConvolutionLayer', OutputChannels: 2, KernelSize: 2, Input: [3, 4, 4], Weights: { Dimensions: [2, 2, 2, 2], Data: Array(16).fill(0) } }],
    ['convolution weights of the wrong rank', { type: 'ConvolutionLayer', Input: [3, 4, 4], Weights: { Dimensions: [2, 3, 2], Data: Array(12).fill(0) } }],
    ['a convolution without a kernel size', { type: 'ConvolutionLayer', OutputChannels: 2, Input: [3, 4, 4] }],
    ['a convolution over four spatial dimensions', { type: 'ConvolutionLayer', OutputChannels: 2, KernelSize: 1, Input: [1, 2, 2, 2, 2] }],
    ['a stride list of the wrong length', { type: 'ConvolutionLayer', OutputChannels: 2, KernelSize: 2, Stride: [1, 2, 1], Input: [1, 4, 4] }],
    ['BatchNormalizationLayer on a scalar', { type: 'BatchNormalizationLayer', Input: 'Real' }],
    ['a DropoutProbability of 1', { type: 'DropoutLayer', DropoutProbability: 1, Input: 3 }],
    ['an EmbeddingLayer input with another class count', { type: 'EmbeddingLayer', OutputDimension: 2, ClassCount: 5, Input: { Index: 4, Dimensions: [3] } }],
    ['an EmbeddingLayer without a class count', { type: 'EmbeddingLayer', OutputDimension: 2, Input: 3 }],
    ['an EmbeddingLayer fed real numbers', { type: 'NetChain', Input: 3, Layers: ['Tanh', { type: 'EmbeddingLayer', OutputDimension: 2, ClassCount: 4 }] }],
  ];
  test.each(cases)('%s', async (_title, description) => {
    await expectNoLeak(async () => {
      const message = await errorOf(() => load(description));
      expect(message.startsWith('invalid_net: Invalid net: ')).toBe(true);
    });
  });

  test('messages name the layer, the field, what was expected and what was received', async () => {
    const messages = await Promise.all(cases.map(([, d]) => errorOf(() => load(d))));
    expect(messages).toMatchInlineSnapshot(`
[
  "invalid_net: Invalid net: LinearLayer "Weights" has dimensions {2, 2}, expected {2, 3}",
  "invalid_net: Invalid net: layer 2 (LinearLayer) "Weights" has dimensions {2, 2}, expected {2, 3}",
  "invalid_net: Invalid net: layer 1 has unknown type "LinerLayer" (did you mean "LinearLayer"?)",
  "invalid_net: Invalid net: LinearLayer has unknown key "Weight" (did you mean "Weights"?)",
  "invalid_net: Invalid net: LinearLayer "OutputDimensions" must be a positive integer or a list of positive integers, not "3"",
  "invalid_net: Invalid net: CrossEntropyLossLayer needs "TargetForm": "Binary", "Index" or "Probabilities"",
  "invalid_net: Invalid net: LinearLayer "Weights" is ragged (the sublist at position {2} has length 2, expected 3)",
  "invalid_net: Invalid net: the shape of input "Input" is not known (layer 1 (LinearLayer) needs it); declare it, e.g. "Input": 3, "Input": [3, 32, 32] or "Input": "Real"",
  "invalid_net: Invalid net: layer 2 (SoftmaxLayer) "Input" is declared {3}, but receives {2}",
  "invalid_net: Invalid net: NetChain has no port "Foo" (its ports: "Input", "Output")",
  "invalid_net: Invalid net: layer 2 is true, not a layer: expected an object with "type", a function name such as "Ramp", or a positive integer",
  "invalid_net: Invalid net: PartLayer "Specification" asks for part 5 at level 2, but that level has 3",
  "invalid_net: Invalid net: PartLayer "Specification" has the empty span ";;;;-1" at level 1",
  "invalid_net: Invalid net: PoolingLayer "KernelSize" is {4, 4}, larger than the padded input {3, 3}",
  "invalid_net: Invalid net: edge 1 of NetGraph refers to layer "b", which does not exist",
  "invalid_net: Invalid net: NetGraph has a cycle through layer 1",
  "invalid_net: Invalid net: NetGraph connects port "Input" of layer 3 (ElementwiseLayer) more than once",
  "invalid_net: Invalid net: ThreadingLayer cannot thread "Input2" {3, 2} with the other inputs: dimension 1 is 3, elsewhere 2",
  "invalid_net: Invalid net: ConvolutionLayer "ChannelGroups" is 3, which does not divide the 4 input channels",
  "invalid_net: Invalid net: ConvolutionLayer "ChannelGroups" is 2, which does not divide the 3 output channels",
  "invalid_net: Invalid net: ConvolutionLayer "KernelSize" is {3, 3} (dilated {5, 5}), larger than the padded input {4, 5}",
  "invalid_net: Invalid net: ConvolutionLayer "Weights" has dimensions {2, 2, 2, 2}, expected {2, 3, 2, 2}",
  "invalid_net: Invalid net: ConvolutionLayer "Weights" has dimensions {2, 3, 2}, expected 4 dimensions {out, in/groups, k1, k2}",
  "invalid_net: Invalid net: ConvolutionLayer has no "KernelSize" and no "Weights" to infer it from",
  "invalid_net: Invalid net: ConvolutionLayer "Input" is {1, 2, 2, 2, 2}, expected channels then 1, 2 or 3 spatial dimensions",
  "invalid_net: Invalid net: ConvolutionLayer "Stride" has 3 values, but the input has 2 spatial dimensions",
  "invalid_net: Invalid net: BatchNormalizationLayer "Input" needs an input of rank at least 1, but "Input" is a scalar",
  "invalid_net: Invalid net: DropoutLayer "DropoutProbability" must be a number p with 0 <= p < 1, not 1",
  "invalid_net: Invalid net: EmbeddingLayer "Input" is integers in 1..4 of dimensions {3}, but the layer has 5 classes",
  "invalid_net: Invalid net: EmbeddingLayer has no "ClassCount", no "Weights" and no "Index" input type to infer it from",
  "invalid_net: Invalid net: layer 2 (EmbeddingLayer) "Input" expects integers in 1..4 of dimensions {3}, but receives real numbers {3}",
]
`);
  });
});

describe('data, specs and output gradients', () => {
  test('not_initialized names the first array without a value', async () => {
    await expectNoLeak(async () => {
      expect(await evalError({ type: 'LinearLayer', OutputDimensions: 2, Input: 3 }, { Input: [1, 2, 3] })).toMatchInlineSnapshot(`"not_initialized: Net not initialized: LinearLayer "Weights" has no value; give it, or initialize the net with a seed (--init SEED, or the "initialize" option)"`);
    });
  });

  test.each<[string, unknown]>([
    ['wrong dimensions', { Input: [1, 2] }],
    ['not a number', { Input: [1, 'x', 3] }],
    ['NaN in typed data', { Input: { dims: [3], data: Float32Array.from([1, NaN, 3]) } }],
    ['an unknown port', { Input: [1, 2, 3], Extra: [1] }],
    ['a missing port', {}],
    ['a ragged batch', { Input: [[1, 2, 3], [4, 5]] }],
  ])('invalid_data: %s', async (_title, data) => {
    await expectNoLeak(async () => {
      const message = await evalError(LINEAR, data);
      expect(message.startsWith('invalid_data: Invalid data: ')).toBe(true);
    });
  });

  test('invalid_data messages', async () => {
    const messages = [
      await evalError(LINEAR, { Input: [1, 2] }),
      await evalError(LINEAR, { Input: [1, 'x', 3] }),
      await evalError(LINEAR, { Input: { dims: [3], data: Float32Array.from([1, NaN, 3]) } }),
      await evalError(LINEAR, { Input: { dims: [2, 3], data: Float64Array.from([1, 2, 3, 4, 5, -Infinity]) } }),
      await evalError(LINEAR, { Input: [1, 2, 3], Extra: [1] }),
      await evalError(LINEAR, {}),
      await evalError(LINEAR, { Input: [[1, 2, 3], [4, 5]] }),
      await evalError(LOSS_CHAIN, { Input: [1, 2], Target: 4 }),
      await evalError(LOSS_CHAIN, { Input: [1, 2], Target: 1.5 }),
      await evalError(LOSS_CHAIN, { Input: [[1, 2]], Target: 1 }),
      await evalError(LOSS_CHAIN, { Input: [[1, 2], [3, 4]], Target: [1, 2, 3] }),
    ];
    expect(messages).toMatchInlineSnapshot(`
[
  "invalid_data: Invalid data: "Input" has dimensions {2}, but the port takes {3} (or a batch of them, {n, 3})",
  "invalid_data: Invalid data: "Input" contains "x" at position {2}, not a number",
  "invalid_data: Invalid data: "Input" contains NaN at position {2}, not a finite number",
  "invalid_data: Invalid data: "Input" contains -Infinity at position {2, 3}, not a finite number",
  "invalid_data: Invalid data: "Extra" is not an input port of the net (inputs: "Input")",
  "invalid_data: Invalid data: no value for the input port "Input"",
  "invalid_data: Invalid data: "Input" is ragged (the sublist at position {2} has length 2, expected 3)",
  "invalid_data: Invalid data: "Target" takes integers from 1 to 3, but has 4",
  "invalid_data: Invalid data: "Target" takes integers from 1 to 3, but has 1.5",
  "invalid_data: Invalid data: "Input" is a batch but "Target" is one example",
  "invalid_data: Invalid data: "Input" has 2 examples but "Target" has 3",
]
`);
  });

  test('invalid_spec, unknown_port, unknown_array, integer_gradient', async () => {
    await expectNoLeak(async () => {
      const data = { Input: [1, 2], Target: 2 };
      const messages = [
        await evalError(LOSS_CHAIN, data, { gradients: [{ NetPortGradient: 3 } as never] }),
        await evalError(LOSS_CHAIN, data, { gradients: [[1, 2]] as never }),
        await evalError(LOSS_CHAIN, data, { gradients: ['Nope'] }),
        await evalError(LOSS_CHAIN, data, { gradients: ['Loss'] }),
        await evalError(LOSS_CHAIN, data, { gradients: [[5, 'Weights']] }),
        await evalError(LOSS_CHAIN, data, { gradients: [[1, 'Scaling']] }),
        await evalError(LOSS_CHAIN, data, { gradients: [[2, 'Weights']] }),
        await evalError({ ...LINEAR, Biases: null }, { Input: [1, 2, 3] }, { gradients: [['Biases']] }),
        await evalError(LOSS_CHAIN, data, { gradients: ['Target'] }),
        await evalError(LOSS_CHAIN, data, { outputs: ['Output'] }),
      ];
      expect(messages).toMatchInlineSnapshot(`
[
  "invalid_spec: Invalid gradient spec: {"NetPortGradient":3} is not {"NetPortGradient": X} with X a port name, an array path such as [1, "Weights"], or "All"",
  "invalid_spec: Invalid gradient spec: the path {1, 2} must end with an array name such as "Weights"",
  "unknown_port: NetPortGradient["Nope"] does not correspond to an input or weight array of the net (inputs: "Input", "Target")",
  "unknown_port: NetPortGradient["Loss"] does not correspond to an input or weight array of the net (inputs: "Input", "Target")",
  "unknown_array: NetPortGradient[{5, "Weights"}] does not correspond to an input or weight array of the net: the net has no layer 5 (layers: 1, 2, 3)",
  "unknown_array: NetPortGradient[{1, "Scaling"}] does not correspond to an input or weight array of the net: layer 1 (LinearLayer) has no array "Scaling" (arrays: "Weights", "Biases")",
  "unknown_array: NetPortGradient[{2, "Weights"}] does not correspond to an input or weight array of the net: layer 2 (SoftmaxLayer) has no array "Weights"",
  "unknown_array: NetPortGradient[{"Biases"}] does not correspond to an input or weight array of the net: LinearLayer has no "Biases" (it is None)",
  "integer_gradient: Gradient is not available for integer-valued input "Target"",
  "unknown_port: "Output" is not an output port of the net (outputs: "Loss")",
]
`);
    });
  });

  test('aux_array_gradient: the moving statistics of BatchNormalizationLayer', async () => {
    await expectNoLeak(async () => {
      const bn = { type: 'BatchNormalizationLayer', Scaling: [1, 2], Biases: [0, 1], MovingMean: [0.5, -0.5], MovingVariance: [1, 2] };
      const chain = { type: 'NetChain', Input: [2, 3], Layers: [bn, 'Tanh'] };
      const data = [[1, 2, 3], [4, 5, 6]];
      const messages = [
        await evalError(chain, data, { gradients: [[1, 'MovingMean']] }),
        await evalError(chain, data, { gradients: ['Input', [1, 'MovingVariance']] }),
        await evalError({ ...bn, Input: [2, 3] }, data, { gradients: ['MovingVariance'] }),
      ];
      expect(messages).toMatchInlineSnapshot(`
[
  "aux_array_gradient: Gradient is not available for the auxiliary array {1, "MovingMean"}",
  "aux_array_gradient: Gradient is not available for the auxiliary array {1, "MovingVariance"}",
  "aux_array_gradient: Gradient is not available for the auxiliary array {"MovingVariance"}",
]
`);
    });
  });

  test('invalid_ograd', async () => {
    await expectNoLeak(async () => {
      const messages = [
        await evalError(LINEAR, { Input: [1, 2, 3] }, { gradients: ['Input'], ograd: { Foo: 1 } }),
        await evalError(LINEAR, { Input: [1, 2, 3] }, { gradients: ['Input'], ograd: { Output: [1, 2, 3] } }),
        await evalError(LINEAR, { Input: [1, 2, 3] }, { gradients: ['Input'], ograd: { Output: Number.NaN } }),
        await evalError(LINEAR, { Input: [[1, 2, 3]] }, { gradients: ['Input'], ograd: { Output: [1, 2] } }),
      ];
      expect(messages).toMatchInlineSnapshot(`
[
  "invalid_ograd: Invalid output gradient: "Foo" is not an output port of the net (outputs: "Output")",
  "invalid_ograd: Invalid output gradient: "Output" has dimensions {3}, but the output is {2}",
  "invalid_ograd: Invalid output gradient: "Output" is NaN, not a finite number",
  "invalid_ograd: Invalid output gradient: "Output" has dimensions {2}, but the output is {1, 2} for this batch",
]
`);
    });
  });

  test('unsupported: functions netport cannot compute, named with where they are', async () => {
    const messages = [
      await errorOf(() => load({ type: 'ElementwiseLayer', Function: 'Rmp', Input: 3 })),
      await errorOf(() => load({ type: 'NetChain', Input: 3, Layers: ['Tanh', { type: 'ElementwiseLayer', Function: '#^2 + Gamma[#] &' }] })),
      await errorOf(() => load({ type: 'ThreadingLayer', Function: '#1 + #3 &', Input1: 2, Input2: 2 })),
    ];
    expect(messages).toMatchInlineSnapshot(`
[
  "unsupported: Unsupported: ElementwiseLayer "Function": uses Rmp, which netport cannot compute (did you mean Ramp?)",
  "unsupported: Unsupported: layer 2 (ElementwiseLayer) "Function": uses Gamma, which netport cannot compute at line 1, column 7",
  "invalid_net: Invalid net: ThreadingLayer "Function": uses #3 but the layer has 2 inputs at line 1, column 6",
]
`);
  });

  // The tensorflow backend's errors (tfjs-node absent, broken, a foreign copy): spec/backend/native.test.ts.

  test('a kernel that throws in the backward pass leaves no tensor behind', async () => {
    // Stand-in for a kernel a backend lacks: cpu's filter gradient, made to throw.
    const name = 'Conv2DBackpropFilter';
    const original = tf.getKernel(name, 'cpu')!;
    tf.unregisterKernel(name, 'cpu');
    tf.registerKernel({ ...original, kernelFunc: () => { throw new Error('no such kernel here'); } });
    try {
      const net = await Net.load({ type: 'ConvolutionLayer', OutputChannels: 2, KernelSize: 2, Input: [1, 3, 3] }, { backend: 'cpu', initialize: 1 });
      const data = { Input: [[[1, 2, 3], [4, 5, 6], [7, 8, 9]]] };
      try {
        net.evaluate(data);
        await expectNoLeak(async () => {
          expect(() => net.evaluate(data, { gradients: ['Weights'] })).toThrow('no such kernel here');
        });
        // The engine is usable afterwards.
        expect(net.evaluate(data, { gradients: ['Input'] }).gradients).toHaveLength(1);
      } finally {
        net.dispose();
      }
    } finally {
      tf.unregisterKernel(name, 'cpu');
      tf.registerKernel(original);
    }
  });

  test('errors inside a forward pass release every tensor', async () => {
    await expectNoLeak(async () => {
      const net = await load(LOSS_CHAIN);
      try {
        // Valid data, then an invalid request after data preparation: nothing may leak.
        for (let i = 0; i < 3; i++) {
          await errorOf(() => net.evaluate({ Input: [1, 2], Target: 2 }, { gradients: ['Input'], ograd: { Loss: [1, 2] } }));
          net.evaluate({ Input: [1, 2], Target: 2 }, { gradients: ['All'] });
        }
      } finally {
        net.dispose();
      }
    });
  });
});
