/**
 * NetPortGradient[All] lists the arrays in Wolfram's KeySort order of their internal
 * paths (SEMANTICS.md, Results): shallower arrays first, then the parts as strings, with
 * "10" before "2", "Biases" before "Weights" and lower case before upper case on a tie.
 * Pinned here over nets with ten or more layers, nested chains and named graphs, and each
 * value is checked against the same gradient asked for on its own.
 */
import { wolframStringOrder } from '../lib/paths';
import { Net } from '../lib/runtime';
import { TEST_BACKENDS, useBackend } from './helpers/backends';

const linear = (n: number) => ({ type: 'LinearLayer', OutputDimensions: n });

/** Twelve layers: the array keys sort 1, 10, 11, 12, 2, 3, ..., 9. */
const LONG_CHAIN = { type: 'NetChain', Input: 2, Layers: Array.from({ length: 12 }, (_, i) => (i % 2 === 1 ? 'Tanh' : linear(2))) };

/** Arrays at depths 1, 2 and 3: the shallow ones come first whatever their layer position. */
const NESTED_CHAIN = {
  type: 'NetChain',
  Input: 2,
  Layers: [
    { type: 'NetChain', Layers: [linear(3), { type: 'NetChain', Layers: [linear(2)] }] },
    linear(3),
    'Tanh',
    { type: 'NetChain', Layers: [linear(2), 'Ramp', linear(2)] },
    linear(2),
  ],
};

/** Ten named layers whose names exercise case, digits and length. */
const NAMES = ['dense', 'Dense', 'b', 'B', 'a10', 'a2', 'A', 'conv', 'x', 'X1'];
const NAMED_GRAPH = {
  type: 'NetGraph',
  Input: 2,
  Layers: Object.fromEntries(NAMES.map((n) => [n, linear(2)])),
  Edges: [NAMES.slice()],
};

const keysOf = (net: Net) => net.evaluate({ Input: [0.3, -0.7] }, { gradients: ['All'] }).gradients.map((g) => g.key);

describe('wolframStringOrder', () => {
  test.each([
    [['b', 'A', 'a', 'B'], ['a', 'A', 'b', 'B']],
    [['2', '10', '1'], ['1', '10', '2']],
    [['Weights', 'Biases', 'Scaling'], ['Biases', 'Scaling', 'Weights']],
    [['ab', 'Aa', 'aB', 'AB'], ['Aa', 'ab', 'aB', 'AB']],
    [['a1', 'a', 'A', '9'], ['9', 'a', 'A', 'a1']],
  ])('sorts %j as %j', (input, sorted) => {
    expect([...input].sort(wolframStringOrder)).toEqual(sorted);
  });
});

describe.each(TEST_BACKENDS)('NetPortGradient[All] order on %s', (backend) => {
  beforeAll(() => useBackend(backend));

  test('a chain of twelve layers: positions compare as strings', async () => {
    const net = await Net.load(LONG_CHAIN, { backend, initialize: 3 });
    try {
      const layers = ['1', '11', '3', '5', '7', '9'];
      expect(keysOf(net)).toEqual([
        'NetPortGradient["Input"]',
        ...layers.flatMap((l) => [`NetPortGradient[{${l}, "Biases"}]`, `NetPortGradient[{${l}, "Weights"}]`]),
      ]);
    } finally {
      net.dispose();
    }
  });

  test('nested chains: shallower arrays first', async () => {
    const net = await Net.load(NESTED_CHAIN, { backend, initialize: 4 });
    try {
      const arrays = (p: string) => [`NetPortGradient[{${p}, "Biases"}]`, `NetPortGradient[{${p}, "Weights"}]`];
      expect(keysOf(net)).toEqual([
        'NetPortGradient["Input"]',
        ...arrays('2'),
        ...arrays('5'),
        ...arrays('1, 1'),
        ...arrays('4, 1'),
        ...arrays('4, 3'),
        ...arrays('1, 2, 1'),
      ]);
    } finally {
      net.dispose();
    }
  });

  test('a named graph of ten layers: names in Wolfram string order, each value the gradient asked alone', async () => {
    const net = await Net.load(NAMED_GRAPH, { backend, initialize: 5 });
    try {
      const data = { Input: [0.3, -0.7] };
      const all = net.evaluate(data, { gradients: ['All'] }).gradients;
      const order = ['A', 'a10', 'a2', 'b', 'B', 'conv', 'dense', 'Dense', 'x', 'X1'];
      expect(all.map((g) => g.key)).toEqual([
        'NetPortGradient["Input"]',
        ...order.flatMap((n) => [`NetPortGradient[{"${n}", "Biases"}]`, `NetPortGradient[{"${n}", "Weights"}]`]),
      ]);
      for (const g of all.slice(1)) {
        const alone = net.evaluate(data, { gradients: [g.spec] }).gradients[0]!;
        expect(alone.key).toBe(g.key);
        expect(alone.value).toEqual(g.value);
      }
    } finally {
      net.dispose();
    }
  });
});
