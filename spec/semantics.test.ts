/**
 * NetPortGradient's conventions, checked on every backend: the sum of all outputs by
 * default, Total[output * ograd] with imposed output gradients (others zeroed),
 * linearity in ograd, batch sums, `All` order and keys, integer inputs, fusion.
 */
import { Net } from '../lib/runtime';
import type { Nested } from '../lib/tensors';
import { expectNoLeak, TEST_BACKENDS, useBackend } from './helpers/backends';

const W1 = [
  [1, -2],
  [0.5, 1],
  [-1, 0.25],
];
const B1 = [0.1, -0.2, 0.3];

/** Two outputs from one input: A = Tanh(x), B = LogisticSigmoid(x), x a vector. */
const TWO_OUTPUTS = {
  type: 'NetGraph',
  Input: 3,
  Layers: { d: { type: 'ElementwiseLayer', Function: 'Tanh' }, s: { type: 'ElementwiseLayer', Function: 'LogisticSigmoid' } },
  Edges: [
    [{ NetPort: 'Input' }, 'd', { NetPort: 'A' }],
    [{ NetPort: 'Input' }, 's', { NetPort: 'B' }],
  ],
};

/** A nested net: NetGraph of a named NetChain encoder and an Index loss. */
const NESTED = {
  type: 'NetGraph',
  Input: 2,
  Layers: {
    enc: { type: 'NetChain', Layers: [{ type: 'LinearLayer', OutputDimensions: 3, Weights: W1, Biases: B1 }, 'Tanh', { type: 'LinearLayer', OutputDimensions: 3 }] },
    sm: { type: 'SoftmaxLayer' },
    loss: { type: 'CrossEntropyLossLayer', TargetForm: 'Index' },
  },
  Edges: [['enc', 'sm', 'loss']],
};

const tanh1 = (x: number) => 1 - Math.tanh(x) ** 2;
const sig1 = (x: number) => {
  const s = 1 / (1 + Math.exp(-x));
  return s * (1 - s);
};

function close(actual: Nested, expected: Nested, tol = 1e-5): void {
  if (typeof expected === 'number') {
    expect(typeof actual).toBe('number');
    expect(Math.abs((actual as number) - expected)).toBeLessThanOrEqual(tol + tol * Math.abs(expected));
    return;
  }
  expect(Array.isArray(actual)).toBe(true);
  expect((actual as Nested[]).length).toBe(expected.length);
  expected.forEach((e, i) => close((actual as Nested[])[i]!, e, tol));
}

const grad = (net: Net, data: unknown, spec: unknown, ograd?: Record<string, unknown>) =>
  net.evaluate(data, { gradients: [spec as string], ograd }).gradients[0]!.value;

describe.each(TEST_BACKENDS)('NetPortGradient semantics on %s', (backend) => {
  beforeAll(() => useBackend(backend));

  const withNet = (description: unknown, body: (net: Net) => void, init?: number) =>
    expectNoLeak(async () => {
      const net = await Net.load(description, { backend, initialize: init });
      try {
        body(net);
      } finally {
        net.dispose();
      }
    });

  test(`the default output gradient is 1 on every element of every output on ${backend}`, () =>
    withNet(TWO_OUTPUTS, (net) => {
      const x = [0.3, -0.7, 1.2];
      close(grad(net, { Input: x }, 'Input'), x.map((v) => tanh1(v) + sig1(v)));
      close(grad(net, { Input: x }, 'Input', { A: 1, B: 1 }), x.map((v) => tanh1(v) + sig1(v)));
    }));

  test(`an imposed output gradient zeroes the ports it does not mention on ${backend}`, () =>
    withNet(TWO_OUTPUTS, (net) => {
      const x = [0.3, -0.7, 1.2];
      close(grad(net, { Input: x }, 'Input', { A: [1, 2, 3] }), x.map((v, i) => (i + 1) * tanh1(v)));
      close(grad(net, { Input: x }, 'Input', { B: 2.5 }), x.map((v) => 2.5 * sig1(v)));
      close(grad(net, { Input: x }, 'Input', { A: null }), [0, 0, 0]);
      close(grad(net, { Input: x }, 'Input', { A: null, B: [0, 1, 0] }), [0, sig1(-0.7), 0]);
    }));

  test(`gradients are linear in the output gradient on ${backend}`, () =>
    withNet(
      {
        type: 'NetChain',
        Input: 2,
        Layers: [{ type: 'LinearLayer', OutputDimensions: 3, Weights: W1, Biases: B1 }, 'Tanh', { type: 'LinearLayer', OutputDimensions: 2, Weights: [[1, 2, 3], [-1, 0.5, 2]], Biases: [0, 1] }],
      },
      (net) => {
        const x = { Input: [0.7, -0.4] };
        const u1 = [1, -2];
        const u2 = [0.5, 3];
        const g1 = grad(net, x, [1, 'Weights'], { Output: u1 }) as number[][];
        const g2 = grad(net, x, [1, 'Weights'], { Output: u2 }) as number[][];
        const g12 = grad(net, x, [1, 'Weights'], { Output: u1.map((a, i) => 2 * a - 3 * u2[i]!) });
        close(g12, g1.map((row, i) => row.map((a, j) => 2 * a - 3 * g2[i]![j]!)), 1e-4);
      },
    ));

  test(`array gradients are summed over a batch, input gradients stay per example on ${backend}`, () =>
    withNet(
      NESTED,
      (net) => {
        const examples = [
          { Input: [0.7, -0.4], Target: 2 },
          { Input: [-0.2, 0.9], Target: 3 },
          { Input: [0.5, 0.5], Target: 1 },
        ];
        const batch = { Input: examples.map((e) => e.Input), Target: examples.map((e) => e.Target) };
        const one = examples.map((e) => net.evaluate(e, { gradients: ['Input', ['enc', 1, 'Weights']] }).gradients);
        const all = net.evaluate(batch, { gradients: ['Input', ['enc', 1, 'Weights']] }).gradients;
        close(all[0]!.value, one.map((g) => g[0]!.value) as Nested);
        const summed = (one[0]![1]!.value as number[][]).map((row, i) => row.map((_, j) => one.reduce((s, g) => s + (g[1]!.value as number[][])[i]![j]!, 0)));
        close(all[1]!.value, summed, 1e-4);
      },
      3,
    ));

  test(`All lists real inputs, then arrays in Wolfram's KeySort order of their paths, keyed as Wolfram does on ${backend}`, () =>
    withNet(
      NESTED,
      (net) => {
        const r = net.evaluate({ Input: [0.7, -0.4], Target: 2 }, { gradients: ['All'] });
        expect(r.gradients.map((g) => g.key)).toEqual([
          'NetPortGradient["Input"]',
          'NetPortGradient[{"enc", 1, "Biases"}]',
          'NetPortGradient[{"enc", 1, "Weights"}]',
          'NetPortGradient[{"enc", 3, "Biases"}]',
          'NetPortGradient[{"enc", 3, "Weights"}]',
        ]);
        expect(r.gradients[1]!.spec).toEqual(['enc', 1, 'Biases']);
      },
      5,
    ));

  test(`a spec is keyed as written; a bare layer's array name becomes the path {"name"} on ${backend}`, () =>
    withNet({ type: 'LinearLayer', OutputDimensions: 2, Input: 3, Weights: [[1, 2, 3], [4, 5, 6]], Biases: [0.5, -0.5] }, (net) => {
      const r = net.evaluate({ Input: [1, 0, -1] }, { gradients: ['Biases', ['Weights'], 'Input', 'All'] });
      expect(r.gradients.map((g) => g.key)).toEqual([
        'NetPortGradient[{"Biases"}]',
        'NetPortGradient[{"Weights"}]',
        'NetPortGradient["Input"]',
        'NetPortGradient["Input"]',
        'NetPortGradient[{"Biases"}]',
        'NetPortGradient[{"Weights"}]',
      ]);
      close(r.gradients[0]!.value, [1, 1]);
    }));

  test(`negative positions and named layers address the same array on ${backend}`, () =>
    withNet(
      NESTED,
      (net) => {
        const data = { Input: [0.7, -0.4], Target: 2 };
        const r = net.evaluate(data, { gradients: [['enc', -1, 'Biases'], [1, 3, 'Biases'], ['enc', '3', 'Biases']] });
        expect(r.gradients.map((g) => g.key)).toEqual([
          'NetPortGradient[{"enc", -1, "Biases"}]',
          'NetPortGradient[{1, 3, "Biases"}]',
          'NetPortGradient[{"enc", "3", "Biases"}]',
        ]);
        close(r.gradients[1]!.value, r.gradients[0]!.value as Nested);
        close(r.gradients[2]!.value, r.gradients[0]!.value as Nested);
      },
      5,
    ));

  test(`a scalar port gives a plain number, a batch a list on ${backend}`, () =>
    withNet({ type: 'ElementwiseLayer', Function: 'Tanh', Input: 'Real' }, (net) => {
      expect(typeof grad(net, { Input: 0.5 }, 'Input')).toBe('number');
      close(grad(net, { Input: [0.5, -1] }, 'Input'), [tanh1(0.5), tanh1(-1)]);
      close(net.evaluate(0.5).outputs.Output!, Math.tanh(0.5));
    }));

  test(`a softmax feeding an Index cross-entropy is fused, so saturated logits stay finite on ${backend}`, () =>
    withNet({ type: 'NetChain', Input: 3, Layers: [{ type: 'SoftmaxLayer' }, { type: 'CrossEntropyLossLayer', TargetForm: 'Index' }] }, (net) => {
      const r = net.evaluate({ Input: [1000, 1, 2], Target: 3 }, { outputs: ['Loss'], gradients: ['Input'] });
      close(r.outputs.Loss!, 998, 1e-4);
      close(r.gradients[0]!.value, [1, 0, -1]);
      close(grad(net, { Input: [1, 2, 3], Target: 1 }, 'Input'), [Math.exp(1), Math.exp(2), Math.exp(3)].map((e, i, a) => e / (a[0]! + a[1]! + a[2]!) - (i === 0 ? 1 : 0)));
    }));

  test(`without fusion the cross-entropy of probabilities uses clamped logs on ${backend}`, () =>
    withNet({ type: 'CrossEntropyLossLayer', TargetForm: 'Index', Input: 3 }, (net) => {
      const r = net.evaluate({ Input: [0.2, 0, 0.8], Target: 2 }, { outputs: ['Loss'], gradients: ['Input'] });
      close(r.outputs.Loss!, -Math.log(2.220446049250313e-16), 1e-4);
      close(r.gradients[0]!.value, [0, 0, 0]);
    }));

  test(`a gradient the objective does not depend on is zero on ${backend}`, () =>
    withNet(
      {
        type: 'NetGraph',
        Layers: { a: { type: 'ElementwiseLayer', Function: 'Tanh', Input: 2 }, b: { type: 'ElementwiseLayer', Function: 'Sin', Input: 2 } },
        Edges: [
          [{ NetPort: 'X' }, 'a', { NetPort: 'A' }],
          [{ NetPort: 'Y' }, 'b', { NetPort: 'B' }],
        ],
      },
      (net) => {
        close(grad(net, { X: [1, 2], Y: [3, 4] }, 'Y', { A: 1 }), [0, 0]);
        close(grad(net, { X: [1, 2], Y: [3, 4] }, 'Y'), [Math.cos(3), Math.cos(4)]);
      },
    ));

  test(`integer inputs are skipped by All on ${backend}`, () =>
    withNet(
      NESTED,
      (net) => {
        const keys = net.evaluate({ Input: [0.7, -0.4], Target: 2 }, { gradients: ['All'] }).gradients.map((g) => g.key);
        expect(keys).not.toContain('NetPortGradient["Target"]');
      },
      5,
    ));
});
