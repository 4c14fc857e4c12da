/**
 * NetChain and NetGraph: shorthands, named layers, nesting, every edge form, and the
 * automatic ports (unfed inputs become inputs, equal names merge; dangling outputs become
 * outputs, equal names are numbered).
 */
import { Net } from '../lib/runtime';
import { errorOf, expectNoLeak, useBackend } from './helpers/backends';

const load = (d: unknown) => Net.load(d, { backend: 'cpu', initialize: 1 });

async function ports(d: unknown): Promise<{ inputs: string[]; outputs: string[] }> {
  const net = await load(d);
  try {
    return { inputs: net.inputs.map((p) => p.name), outputs: net.outputs.map((p) => p.name) };
  } finally {
    net.dispose();
  }
}

async function run(d: unknown, data: unknown): Promise<Record<string, unknown>> {
  const net = await load(d);
  try {
    return net.evaluate(data, { outputs: 'All' }).outputs as Record<string, unknown>;
  } finally {
    net.dispose();
  }
}

beforeAll(() => useBackend('cpu'));

describe('NetChain', () => {
  test('a bare string is an ElementwiseLayer and a bare integer a LinearLayer', async () => {
    const net = await load({ type: 'NetChain', Input: 2, Layers: [3, 'Ramp', 1] });
    try {
      expect(net.arrays.map((a) => [a.path, a.dims])).toEqual([
        [[1, 'Weights'], [3, 2]],
        [[1, 'Biases'], [3]],
        [[3, 'Weights'], [1, 3]],
        [[3, 'Biases'], [1]],
      ]);
      expect(net.outputs).toEqual([{ name: 'Output', dims: [1] }]);
    } finally {
      net.dispose();
    }
  });

  test('unfed inputs of later layers become chain inputs, after the first layer\'s', async () => {
    expect(await ports({ type: 'NetChain', Input: 3, Layers: ['Tanh', { type: 'MeanSquaredLossLayer' }] })).toEqual({ inputs: ['Input', 'Target'], outputs: ['Loss'] });
  });

  test('named layers are addressed by name and by position', async () => {
    const d = { type: 'NetChain', Input: 2, Layers: { first: { type: 'LinearLayer', OutputDimensions: 2, Weights: [[1, 0], [0, 1]], Biases: [1, 2] }, act: 'Tanh' } };
    const net = await load(d);
    try {
      expect(net.array(['first', 'Biases']).data).toEqual(Float32Array.from([1, 2]));
      expect(net.array([1, 'Biases']).data).toEqual(Float32Array.from([1, 2]));
      expect(net.arrays.map((a) => a.path)).toEqual([['first', 'Weights'], ['first', 'Biases']]);
    } finally {
      net.dispose();
    }
  });

  test('chains nest in chains, and nested declarations are checked', async () => {
    const inner = { type: 'NetChain', Layers: [{ type: 'LinearLayer', OutputDimensions: 2, Weights: [[1, 1], [1, -1]], Biases: [0, 0] }, 'Ramp'] };
    const out = await run({ type: 'NetChain', Input: 2, Layers: [inner, inner] }, { Input: [1, 2] });
    expect(out.Output).toEqual([3, 3]);
    expect(await errorOf(() => load({ type: 'NetChain', Input: 2, Layers: [{ ...inner, Output: 3 }] }))).toMatchInlineSnapshot(
      `"invalid_net: Invalid net: layer 1 (NetChain) "Output" is declared {3}, but the net gives it {2}"`,
    );
  });
});

describe('NetGraph', () => {
  const tanh = { type: 'ElementwiseLayer', Function: 'Tanh' };
  const sin = { type: 'ElementwiseLayer', Function: 'Sin' };

  test('a -> b -> c chains, with positions or names', async () => {
    const out = await run({ type: 'NetGraph', Input: 'Real', Layers: [tanh, sin], Edges: [[{ NetPort: 'Input' }, 1, 2, { NetPort: 'Out' }]] }, { Input: 0.5 });
    expect(out.Out).toBeCloseTo(Math.sin(Math.tanh(0.5)), 6);
  });

  test('a list on the left feeds a multi-input layer in order', async () => {
    const d = {
      type: 'NetGraph',
      Layers: { a: { ...tanh, Input: 2 }, b: { ...sin, Input: 2 }, sub: { type: 'ThreadingLayer', Function: 'Subtract' } },
      Edges: [[['a', 'b'], 'sub']],
    };
    expect(await ports(d)).toEqual({ inputs: ['Input'], outputs: ['Output'] });
    const out = await run(d, { Input: [0.1, 0.2] });
    expect((out.Output as number[])[0]).toBeCloseTo(Math.tanh(0.1) - Math.sin(0.1), 6);
  });

  test('a list on the left fills a loss layer\'s Input and Target', async () => {
    const d = {
      type: 'NetGraph',
      Layers: [{ ...tanh, Input: 2 }, { ...sin, Input: 2 }, { type: 'MeanSquaredLossLayer' }],
      Edges: [
        [{ NetPort: 'X' }, 1],
        [{ NetPort: 'Y' }, 2],
        [[1, 2], 3],
      ],
    };
    expect(await ports(d)).toEqual({ inputs: ['X', 'Y'], outputs: ['Loss'] });
  });

  test('NetPort[{layer, port}] addresses a given port; unfed inputs become graph inputs by name', async () => {
    const d = {
      type: 'NetGraph',
      Input: 3,
      Layers: { lin: { type: 'LinearLayer', OutputDimensions: 3 }, loss: { type: 'MeanSquaredLossLayer' } },
      Edges: [['lin', { NetPort: ['loss', 'Target'] }]],
    };
    expect(await ports(d)).toEqual({ inputs: ['Input'], outputs: ['Loss'] });
  });

  test('unconnected inputs with equal names merge into one input', async () => {
    const d = { type: 'NetGraph', Input: 2, Layers: [tanh, sin, { type: 'TotalLayer' }], Edges: [[[1, 2], 3]] };
    expect(await ports(d)).toEqual({ inputs: ['Input'], outputs: ['Output'] });
    const out = await run(d, { Input: [0.3, 0.4] });
    expect((out.Output as number[])[1]).toBeCloseTo(Math.tanh(0.4) + Math.sin(0.4), 6);
  });

  test('dangling outputs with equal names become Output1, Output2, ...', async () => {
    const d = { type: 'NetGraph', Input: 2, Layers: [tanh, sin], Edges: [] };
    expect(await ports(d)).toEqual({ inputs: ['Input'], outputs: ['Output1', 'Output2'] });
    const out = await run(d, { Input: [0.3, 0.4] });
    expect((out.Output2 as number[])[0]).toBeCloseTo(Math.sin(0.3), 6);
  });

  test('several edges into a multi-input layer fill its inputs in the order written', async () => {
    const d = {
      type: 'NetGraph',
      Input: 2,
      Layers: { t: tanh, s: sin, cat: { type: 'CatenateLayer' } },
      Edges: [
        ['s', 'cat'],
        ['t', 'cat'],
      ],
    };
    const out = (await run(d, { Input: [0.3, 0.4] })).Output as number[];
    expect(out[0]).toBeCloseTo(Math.sin(0.3), 6);
    expect(out[2]).toBeCloseTo(Math.tanh(0.3), 6);
  });

  test('a graph input wired straight to an output, and one layer output to two outputs', async () => {
    const d = {
      type: 'NetGraph',
      Input: 2,
      Layers: [tanh],
      Edges: [
        [{ NetPort: 'Input' }, { NetPort: 'Copy' }],
        [1, { NetPort: 'A' }],
        [1, { NetPort: 'B' }],
      ],
    };
    await expectNoLeak(async () => {
      const net = await load(d);
      try {
        expect(net.outputs.map((p) => p.name)).toEqual(['Copy', 'A', 'B']);
        const r = net.evaluate({ Input: [0.5, -1] }, { outputs: 'All', gradients: ['Input'] });
        expect(r.outputs.Copy).toEqual([0.5, -1]);
        expect((r.gradients[0]!.value as number[])[0]).toBeCloseTo(1 + 2 * (1 - Math.tanh(0.5) ** 2), 5);
      } finally {
        net.dispose();
      }
    });
  });

  test('graphs nest in chains and chains in graphs; paths go down the containers', async () => {
    const enc = { type: 'NetChain', Layers: { l1: { type: 'LinearLayer', OutputDimensions: 2 }, a: 'Ramp', l2: { type: 'LinearLayer', OutputDimensions: 2 } } };
    const d = { type: 'NetChain', Input: 3, Layers: [{ type: 'NetGraph', Layers: { enc }, Edges: [] }, 'Tanh'] };
    const net = await load(d);
    try {
      expect(net.arrays.map((a) => a.path)).toEqual([
        [1, 'enc', 'l1', 'Weights'],
        [1, 'enc', 'l1', 'Biases'],
        [1, 'enc', 'l2', 'Weights'],
        [1, 'enc', 'l2', 'Biases'],
      ]);
      const keys = net.evaluate({ Input: [1, 2, 3] }, { gradients: [[1, 'enc', -1, 'Biases']] }).gradients.map((g) => g.key);
      expect(keys).toEqual(['NetPortGradient[{1, "enc", -1, "Biases"}]']);
    } finally {
      net.dispose();
    }
  });
});
