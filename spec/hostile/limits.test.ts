/**
 * Bounded work: memory worked out before anything is allocated (limit_exceeded naming
 * the layer), compile time linear in the number of layers, messages that quote user
 * strings up to a bound.
 */
import { formatBytes, parseSize } from '../../lib/memory';
import { Net } from '../../lib/runtime';
import { errorOf, useBackend } from '../helpers/backends';

beforeAll(() => useBackend('cpu'));

describe('memory', () => {
  test('a net whose arrays exceed the default limit is refused before it allocates them', async () => {
    const huge = { type: 'NetChain', Input: 100_000, Layers: [{ type: 'LinearLayer', OutputDimensions: 1_000_000 }, 'Ramp'] };
    expect(await errorOf(() => Net.load(huge, { backend: 'cpu', initialize: 1 }))).toBe(
      'limit_exceeded: Limit exceeded: the net needs at least 373 GiB, over the memory limit of 4 GiB; layer 1 (LinearLayer) alone needs 373 GiB for its arrays (raise the limit with the memoryLimit option or --memory-limit)',
    );
  });

  test('a port shape too large for one example is refused, naming the layer', async () => {
    const wide = { type: 'NetChain', Input: [100_000, 100_000], Layers: ['Ramp', { type: 'FlattenLayer' }] };
    expect(await errorOf(() => Net.load(wide, { backend: 'cpu' }))).toMatch(
      /^limit_exceeded: Limit exceeded: the net needs at least 112 GiB, over the memory limit of 4 GiB; layer 1 \(ElementwiseLayer\) alone needs 37.3 GiB for its outputs of one example/,
    );
  });

  test('memoryLimit lowers and raises the limit', async () => {
    const net = { type: 'LinearLayer', OutputDimensions: 1000, Input: 1000 };
    expect(await errorOf(() => Net.load(net, { backend: 'cpu', memoryLimit: '1M' }))).toMatch(/^limit_exceeded: .*over the memory limit of 1 MiB; LinearLayer alone needs 3.82 MiB for its arrays/);
    const ok = await Net.load(net, { backend: 'cpu', memoryLimit: 8 * 1024 * 1024, initialize: 1 });
    ok.dispose();
  });

  test('a batch over the limit is refused before any tensor exists', async () => {
    const net = await Net.load({ type: 'LinearLayer', OutputDimensions: 1000, Input: 1000 }, { backend: 'cpu', memoryLimit: '12M', initialize: 1 });
    try {
      const batch = { dims: [2000, 1000], data: new Float32Array(2000 * 1000) };
      expect(await errorOf(() => net.evaluate(batch, { gradients: ['Input'] }))).toBe(
        'limit_exceeded: Limit exceeded: evaluating 2000 examples with gradients needs at least 34.3 MiB, over the memory limit of 12 MiB; LinearLayer alone produces 7.63 MiB (give smaller batches, or raise the limit with the memoryLimit option or --memory-limit)',
      );
      expect(net.evaluate({ dims: [10, 1000], data: new Float32Array(10 * 1000) }, { format: 'typed' }).outputs.Output!.dims).toEqual([10, 1000]);
    } finally {
      net.dispose();
    }
  });

  test('sizes', () => {
    expect(['512M', '8G', '1.5GiB', '100000', '2k', ' 3 MB ', 4096].map(parseSize)).toEqual([512 * 1024 ** 2, 8 * 1024 ** 3, 1.5 * 1024 ** 3, 100000, 2048, 3 * 1024 ** 2, 4096]);
    expect(['', 'lots', '-1', '0', '1X', null, NaN, -5].map(parseSize)).toEqual(Array(8).fill(undefined));
    expect([12, 1536, 4 * 1024 ** 3, 400 * 1024 ** 3].map(formatBytes)).toEqual(['12 bytes', '1.5 KiB', '4 GiB', '400 GiB']);
  });
});

describe('compile time', () => {
  test('a 20000-layer NetGraph and NetChain load in linear time', async () => {
    const n = 20_000;
    const layers: Record<string, unknown> = {};
    for (let i = 0; i < n; i++) layers[`l${i}`] = i % 2 ? 'Ramp' : { type: 'LinearLayer', OutputDimensions: 2 };
    const edges: unknown[] = [[{ NetPort: 'Input' }, 'l0']];
    for (let i = 1; i < n; i++) edges.push([`l${i - 1}`, `l${i}`]);
    let t = Date.now();
    const graph = await Net.load({ type: 'NetGraph', Input: 2, Layers: layers, Edges: edges }, { backend: 'cpu' });
    const graphSeconds = (Date.now() - t) / 1000;
    expect(graph.arrays.length).toBe(n);
    expect(graph.arrays[n - 1]!.path).toEqual([`l${n - 2}`, 'Biases']);
    graph.dispose();
    t = Date.now();
    const chain = await Net.load({ type: 'NetChain', Input: 2, Layers: Object.values(layers) }, { backend: 'cpu' });
    const chainSeconds = (Date.now() - t) / 1000;
    chain.dispose();
    // Quadratic ordering took 20 s for 8000 graph nodes; linear work takes about 1.5 s here.
    expect([graphSeconds < 30, chainSeconds < 30]).toEqual([true, true]);
  });
});

describe('messages', () => {
  test('user strings are quoted up to 60 characters, whatever their length', async () => {
    const long = 'x'.repeat(5_000_000);
    const t = Date.now();
    const e = await errorOf(() => Net.load({ type: long }, { backend: 'cpu' }));
    expect(Date.now() - t).toBeLessThan(2000);
    expect(e).toBe(`invalid_net: Invalid net: the net has unknown type "${'x'.repeat(57)}..."`);
    const net = await Net.load({ type: 'LinearLayer', OutputDimensions: 1, Input: 1, Weights: [[1]], Biases: [0] }, { backend: 'cpu' });
    try {
      expect(await errorOf(() => net.evaluate({ [long]: [1] }))).toBe(`invalid_data: Invalid data: "${'x'.repeat(57)}..." is not an input port of the net (inputs: "Input")`);
      expect(await errorOf(() => net.evaluate({ Input: [1] }, { outputs: [long] }))).toBe(`unknown_port: "${'x'.repeat(57)}..." is not an output port of the net (outputs: "Output")`);
    } finally {
      net.dispose();
    }
    expect(await errorOf(() => Net.load({ type: 'NetGraph', Layers: { [long]: 'Ramp' }, Edges: [[{ NetPort: 'Input' }, 'nope']], Input: 1 }, { backend: 'cpu' }))).toBe(
      'invalid_net: Invalid net: edge 1 of NetGraph refers to layer "nope", which does not exist',
    );
  });
});
