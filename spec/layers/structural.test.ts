/**
 * Exact values of the structural layers (Flatten, Reshape, Replicate, Transpose,
 * Aggregation, Dot) against Wolfram's definitions, worked out by hand or from the
 * definition's formula, on every backend; integer ports through the structural layers;
 * and their error messages, pinned as users see them.
 */
import { Net } from '../../lib/runtime';
import type { Nested } from '../../lib/tensors';
import { errorOf, expectNoLeak, TEST_BACKENDS, useBackend } from '../helpers/backends';

/** 1, 2, 3, ... in an array of the given dimensions (row-major), as nested lists. */
function iota(dims: readonly number[], start = 1): Nested {
  let next = start;
  const build = (d: readonly number[]): Nested => (d.length === 0 ? next++ : Array.from({ length: d[0]! }, () => build(d.slice(1))));
  return build(dims);
}

function at(a: Nested, index: readonly number[]): number {
  return index.reduce<Nested>((x, i) => (x as Nested[])[i]!, a) as number;
}

function dimsOf(a: Nested): number[] {
  return typeof a === 'number' ? [] : [a.length, ...dimsOf(a[0]!)];
}

/** An array of the given dimensions whose element at `index` is f(index). */
function tabulate(dims: readonly number[], f: (index: number[]) => number, prefix: number[] = []): Nested {
  if (dims.length === 0) return f(prefix);
  return Array.from({ length: dims[0]! }, (_, i) => tabulate(dims.slice(1), f, [...prefix, i]));
}

/**
 * Wolfram's definition of Transpose[a, {n1, n2, ...}]: the element at position
 * {i1, i2, ...} of the result is the element at position {i_n1, i_n2, ...} of a, and
 * level k of a has become level n_k.
 */
function wolframTranspose(a: Nested, perm: readonly number[]): Nested {
  const dims = dimsOf(a);
  const out: number[] = [];
  perm.forEach((p, k) => (out[p - 1] = dims[k]!));
  return tabulate(out, (i) => at(a, perm.map((p) => i[p - 1]!)));
}

describe.each(TEST_BACKENDS)('structural layers on %s', (backend) => {
  beforeAll(() => useBackend(backend));

  /** Output value, output dims and the requested gradients of a one-layer net. */
  async function run(description: Record<string, unknown>, data: unknown, gradients: string[] = [], ograd?: Record<string, unknown>) {
    return expectNoLeak(async () => {
      const net = await Net.load(description, { backend });
      try {
        const r = net.evaluate(data, { outputs: ['Output'], gradients, ograd });
        return { output: r.outputs.Output!, dims: net.outputs[0]!.dims, classes: net.outputs[0]!.classes, gradients: r.gradients.map((g) => g.value) };
      } finally {
        net.dispose();
      }
    });
  }

  describe('FlattenLayer', () => {
    const x = iota([2, 3, 2]);
    test(`merges everything by default, row-major, on ${backend}`, async () => {
      const r = await run({ type: 'FlattenLayer', Input: [2, 3, 2] }, x);
      expect(r.output).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
    });
    test(`Level=1 merges the first two levels, -1 the last two, on ${backend}`, async () => {
      const first = await run({ type: 'FlattenLayer', Level: 1, Input: [2, 3, 2] }, x);
      expect(first.output).toEqual([[1, 2], [3, 4], [5, 6], [7, 8], [9, 10], [11, 12]]);
      const last = await run({ type: 'FlattenLayer', Level: -1, Input: [2, 3, 2] }, x);
      expect(last.output).toEqual([[1, 2, 3, 4, 5, 6], [7, 8, 9, 10, 11, 12]]);
    });
    test(`the gradient is the output gradient in the input's shape on ${backend}`, async () => {
      const r = await run({ type: 'FlattenLayer', Level: -1, Input: [2, 3, 2] }, x, ['Input'], { Output: iota([2, 6], 10) });
      expect(r.gradients[0]).toEqual(iota([2, 3, 2], 10));
    });
  });

  describe('ReshapeLayer', () => {
    test(`reshapes row-major on ${backend}`, async () => {
      const r = await run({ type: 'ReshapeLayer', Dimensions: [3, 2], Input: [2, 3] }, iota([2, 3]));
      expect(r.output).toEqual([[1, 2], [3, 4], [5, 6]]);
    });
    test(`Inherited copies the input's dimension, Automatic takes what is left, on ${backend}`, async () => {
      const r = await run({ type: 'ReshapeLayer', Dimensions: ['Inherited', 'Automatic', 2], Input: [2, 2, 3] }, iota([2, 2, 3]));
      expect(r.dims).toEqual([2, 3, 2]);
      expect(r.output).toEqual([[[1, 2], [3, 4], [5, 6]], [[7, 8], [9, 10], [11, 12]]]);
    });
    test(`All copies the input's remaining dimensions; [] makes a scalar, on ${backend}`, async () => {
      const r = await run({ type: 'ReshapeLayer', Dimensions: ['All', 1], Input: [2, 2] }, iota([2, 2]));
      expect(r.dims).toEqual([2, 2, 1]);
      expect(r.output).toEqual([[[1], [2]], [[3], [4]]]);
      const s = await run({ type: 'ReshapeLayer', Dimensions: [], Input: [1, 1] }, [[5]], ['Input']);
      expect(s.dims).toEqual([]);
      expect(s.output).toBe(5);
      expect(s.gradients[0]).toEqual([[1]]);
    });
  });

  describe('ReplicateLayer', () => {
    test(`ReplicateLayer[n] puts n copies in front on ${backend}`, async () => {
      const r = await run({ type: 'ReplicateLayer', Specification: 2, Input: 3 }, [1, 2, 3]);
      expect(r.output).toEqual([[1, 2, 3], [1, 2, 3]]);
    });
    test(`Level=-1 appends the new dimension, Level=2 inserts it second, on ${backend}`, async () => {
      const last = await run({ type: 'ReplicateLayer', Specification: 2, Level: -1, Input: 3 }, [1, 2, 3]);
      expect(last.output).toEqual([[1, 1], [2, 2], [3, 3]]);
      const second = await run({ type: 'ReplicateLayer', Specification: [2, 1], Level: 2, Input: [2, 2] }, iota([2, 2]));
      expect(second.dims).toEqual([2, 2, 1, 2]);
      expect(second.output).toEqual([[[[1, 2]], [[1, 2]]], [[[3, 4]], [[3, 4]]]]);
    });
    test(`Level=-2 puts the new dimension second to last (Insert[dims, n, -2]) on ${backend}`, async () => {
      const r = await run({ type: 'ReplicateLayer', Specification: 3, Level: -2, Input: [2, 2] }, iota([2, 2]));
      expect(r.dims).toEqual([2, 3, 2]);
      expect(r.output).toEqual([[[1, 2], [1, 2], [1, 2]], [[3, 4], [3, 4], [3, 4]]]);
    });
    test(`the gradient sums over the copies; Automatic sizes come from "Output" on ${backend}`, async () => {
      const r = await run({ type: 'ReplicateLayer', Specification: 'Automatic', Level: -1, Input: 2, Output: [2, 3] }, [5, 7], ['Input'], {
        Output: [[1, 2, 3], [10, 20, 30]],
      });
      expect(r.output).toEqual([[5, 5, 5], [7, 7, 7]]);
      expect(r.gradients[0]).toEqual([6, 60]);
    });
  });

  describe('TransposeLayer', () => {
    const a = iota([2, 3, 4]);
    test(`a permutation list sends level k of the input to level n_k of the output on ${backend}`, async () => {
      for (const perm of [[3, 1, 2], [2, 3, 1], [1, 3, 2], [3, 2, 1]]) {
        const r = await run({ type: 'TransposeLayer', Specification: perm, Input: [2, 3, 4] }, a);
        expect(r.output).toEqual(wolframTranspose(a, perm));
      }
      // {3, 1, 2}: the 2 x 3 x 4 input becomes 3 x 4 x 2, out[[j, k, i]] = a[[i, j, k]].
      const r = await run({ type: 'TransposeLayer', Specification: [3, 1, 2], Input: [2, 3, 4] }, a);
      expect(r.dims).toEqual([3, 4, 2]);
      expect(at(r.output, [2, 1, 0])).toBe(at(a, [0, 2, 1]));
    });
    test(`a short permutation moves only the first levels on ${backend}`, async () => {
      const r = await run({ type: 'TransposeLayer', Specification: [2, 1], Input: [2, 3, 4] }, a);
      expect(r.output).toEqual(wolframTranspose(a, [2, 1, 3]));
    });
    test(`the default swaps levels 1 and 2; [[1, 3]] is 1 <-> 3, and 3 alone means the same, on ${backend}`, async () => {
      const m = await run({ type: 'TransposeLayer', Input: [2, 3] }, iota([2, 3]));
      expect(m.output).toEqual([[1, 4], [2, 5], [3, 6]]);
      const swap = await run({ type: 'TransposeLayer', Specification: [[1, 3]], Input: [2, 3, 4] }, a);
      expect(swap.output).toEqual(wolframTranspose(a, [3, 2, 1]));
      const bare = await run({ type: 'TransposeLayer', Specification: 3, Input: [2, 3, 4] }, a);
      expect(bare.output).toEqual(swap.output);
      const negative = await run({ type: 'TransposeLayer', Specification: [[1, -1]], Input: [2, 3, 4] }, a);
      expect(negative.output).toEqual(swap.output);
    });
    test(`swaps apply in order: {1 <-> 3, 1 <-> 4} makes 3 x 4 x 5 x 6 into 6 x 4 x 3 x 5 (Wolfram's example) on ${backend}`, async () => {
      const x = iota([3, 4, 5, 6]);
      const r = await run({ type: 'TransposeLayer', Specification: [[1, 3], [1, 4]], Input: [3, 4, 5, 6] }, x);
      expect(r.dims).toEqual([6, 4, 3, 5]);
      // Levels 1, 2, 3, 4 of the input end up at 3, 2, 4, 1.
      expect(r.output).toEqual(wolframTranspose(x, [3, 2, 4, 1]));
      const both = await run({ type: 'TransposeLayer', Specification: [[1, 3], [2, 4]], Input: [3, 4, 5, 6] }, x);
      expect(both.dims).toEqual([5, 6, 3, 4]);
    });
    test(`the gradient is the output gradient transposed back on ${backend}`, async () => {
      const u = iota([3, 4, 2], 100);
      const r = await run({ type: 'TransposeLayer', Specification: [3, 1, 2], Input: [2, 3, 4] }, a, ['Input'], { Output: u });
      // The inverse of {3, 1, 2} is {2, 3, 1}.
      expect(r.gradients[0]).toEqual(wolframTranspose(u, [2, 3, 1]));
    });
  });

  describe('AggregationLayer', () => {
    const x = [
      [[1, 8], [3, -2]],
      [[0.5, 4], [6, 2]],
      [[-1, -3], [-2, -0.5]],
    ];
    test(`the default levels 2;;All give one value per element of the first level on ${backend}`, async () => {
      const max = await run({ type: 'AggregationLayer', Function: 'Max', Input: [3, 2, 2] }, x);
      expect(max.output).toEqual([8, 6, -0.5]);
      const total = await run({ type: 'AggregationLayer', Function: 'Total', Input: [3, 2, 2] }, x);
      expect(total.output).toEqual([10, 12.5, -6.5]);
    });
    test(`Levels picks the aggregated levels and removes them on ${backend}`, async () => {
      const mean = await run({ type: 'AggregationLayer', Function: 'Mean', Levels: 1, Input: [3, 2, 2] }, x);
      expect(mean.output).toEqual([[0.5 / 3 + 0, 3], [7 / 3, -0.5 / 3]].map((r) => r.map((v) => expect.closeTo(v, 6))));
      const min = await run({ type: 'AggregationLayer', Function: 'Min', Levels: [1, 3], Input: [3, 2, 2] }, x);
      expect(min.output).toEqual([-3, -2]);
      const span = await run({ type: 'AggregationLayer', Function: 'Total', Levels: '-2;;', Input: [3, 2, 2] }, x);
      expect(span.output).toEqual(total(x));
      const all = await run({ type: 'AggregationLayer', Function: 'Times', Levels: 'All', Input: [2, 2] }, [[1, 2], [3, -4]]);
      expect(all.dims).toEqual([]);
      expect(all.output).toBe(-24);
      const none = await run({ type: 'AggregationLayer', Function: 'Max', Levels: [], Input: [2, 2] }, [[1, 2], [3, -4]]);
      expect(none.output).toEqual([[1, 2], [3, -4]]);
    });
    test(`Max gives the gradient to every tied maximum (as TensorFlow.js and MXNet do) on ${backend}`, async () => {
      const r = await run({ type: 'AggregationLayer', Function: 'Max', Input: [2, 3] }, [[1, 3, 3], [2, 0, 1]], ['Input'], { Output: [2, 5] });
      expect(r.gradients[0]).toEqual([[0, 2, 2], [5, 0, 0]]);
    });
    test(`Mean divides the gradient by the count; Times gives the product of the others on ${backend}`, async () => {
      const mean = await run({ type: 'AggregationLayer', Function: 'Mean', Levels: 2, Input: [2, 4] }, [[1, 2, 3, 4], [5, 6, 7, 8]], ['Input']);
      expect(mean.gradients[0]).toEqual([[0.25, 0.25, 0.25, 0.25], [0.25, 0.25, 0.25, 0.25]]);
      const times = await run({ type: 'AggregationLayer', Function: 'Times', Levels: 2, Input: [1, 3] }, [[2, 3, 0]], ['Input']);
      expect(times.gradients[0]).toEqual([[0, 0, 6]]);
    });

    function total(a: Nested): number[] {
      return (a as number[][][]).map((m) => m.flat().reduce((s, v) => s + v, 0));
    }
  });

  describe('DotLayer', () => {
    test(`vector . vector is a number on ${backend}`, async () => {
      const r = await run({ type: 'DotLayer', Input1: 3, Input2: 3 }, { Input1: [1, 2, 3], Input2: [4, -5, 6] }, ['Input1', 'Input2']);
      expect(r.dims).toEqual([]);
      expect(r.output).toBe(12);
      expect(r.gradients).toEqual([[4, -5, 6], [1, 2, 3]]);
    });
    test(`rank 3 . rank 2 contracts the last level of the one with the first of the other on ${backend}`, async () => {
      const a = iota([2, 2, 3]);
      const b = [
        [1, -1],
        [0, 2],
        [3, 0.5],
      ];
      const r = await run({ type: 'DotLayer', Input1: [2, 2, 3], Input2: [3, 2] }, { Input1: a, Input2: b }, ['Input1', 'Input2']);
      expect(r.dims).toEqual([2, 2, 2]);
      // By hand: {1, 2, 3} . b = {1 + 9, -1 + 4 + 1.5} = {10, 4.5}; {4, 5, 6} . b = {22, 9}; ...
      expect(r.output).toEqual([
        [[10, 4.5], [22, 9]],
        [[34, 13.5], [46, 18]],
      ]);
      // d/da[i, j, k] = Total[b[[k]]]; d/db[k, l] = Total of a[[All, All, k]].
      expect(r.gradients[0]).toEqual(tabulate([2, 2, 3], (i) => [0, 2, 3.5][i[2]!]!));
      expect(r.gradients[1]).toEqual([[22, 22], [26, 26], [30, 30]]);
    });
    test(`more inputs are multiplied left to right on ${backend}`, async () => {
      const r = await run({ type: 'DotLayer', Inputs: [2, [2, 3], 3] }, { Input1: [1, 2], Input2: [[1, 0, 2], [0, 1, -1]], Input3: [1, 2, 3] });
      // {1, 2} . {{1, 0, 2}, {0, 1, -1}} = {1, 2, 0}; . {1, 2, 3} = 5.
      expect(r.output).toBe(5);
    });
    test(`in a graph: M . Transpose[M], whose gradient is 2 Total[M] in every row, on ${backend}`, async () => {
      const graph = {
        type: 'NetGraph',
        M: [2, 3],
        Layers: { t: { type: 'TransposeLayer' }, d: { type: 'DotLayer' } },
        Edges: [
          [{ NetPort: 'M' }, 't'],
          [[{ NetPort: 'M' }, 't'], 'd'],
        ],
      };
      const m = [
        [1, 2, 3],
        [-1, 0.5, 2],
      ];
      const r = await run(graph, { M: m }, ['M']);
      expect(r.output).toEqual([[14, 6], [6, 5.25]]);
      expect(r.gradients[0]).toEqual([[0, 5, 10], [0, 5, 10]]);
    });
  });

  test(`integer ports keep their range through Flatten, Reshape, Replicate, Transpose and Max on ${backend}`, async () => {
    const input = { Index: 5, Dimensions: [2, 3] };
    const x = [
      [1, 2, 3],
      [4, 5, 1],
    ];
    const layers: Array<[Record<string, unknown>, Nested]> = [
      [{ type: 'FlattenLayer' }, [1, 2, 3, 4, 5, 1]],
      [{ type: 'ReshapeLayer', Dimensions: [3, 2] }, [[1, 2], [3, 4], [5, 1]]],
      [{ type: 'ReplicateLayer', Specification: 2, Level: -1 }, [[[1, 1], [2, 2], [3, 3]], [[4, 4], [5, 5], [1, 1]]]],
      [{ type: 'TransposeLayer' }, [[1, 4], [2, 5], [3, 1]]],
      [{ type: 'AggregationLayer', Function: 'Max' }, [3, 5]],
    ];
    for (const [layer, expected] of layers) {
      const r = await run({ ...layer, Input: input }, x);
      expect(r.classes).toBe(5);
      expect(r.output).toEqual(expected);
    }
  });
});

describe('error messages', () => {
  beforeAll(() => useBackend('cpu'));
  const load = (description: unknown) => expectNoLeak(() => errorOf(() => Net.load(description, { backend: 'cpu' })));

  test('FlattenLayer', async () => {
    expect(await load({ type: 'FlattenLayer', Level: 2, Input: [2, 3] })).toBe(
      'invalid_net: Invalid net: FlattenLayer "Level" is 2, which merges 3 levels, but the input {2, 3} has 2',
    );
    expect(await load({ type: 'FlattenLayer', Level: 0, Input: [2, 3] })).toMatch(/^invalid_net: Invalid net: FlattenLayer "Level" is 0: level 0 is not allowed/);
  });

  test('ReshapeLayer', async () => {
    expect(await load({ type: 'ReshapeLayer', Dimensions: [4, 2], Input: [2, 3] })).toBe(
      'invalid_net: Invalid net: ReshapeLayer "Dimensions" asks for {4, 2} (8 elements), but the input {2, 3} has 6',
    );
    expect(await load({ type: 'ReshapeLayer', Dimensions: [4, 'Automatic'], Input: [2, 3] })).toBe(
      'invalid_net: Invalid net: ReshapeLayer "Dimensions" is {4, Automatic}: no size for "Automatic" turns the 6 elements of {2, 3} into it',
    );
    expect(await load({ type: 'ReshapeLayer', Dimensions: ['All', 'Automatic'], Input: [2, 3] })).toBe(
      'invalid_net: Invalid net: ReshapeLayer "Dimensions" is {All, Automatic}, but only one "Automatic" or "All" is allowed',
    );
    expect(await load({ type: 'ReshapeLayer', Dimensions: [6, 'Inherited'], Input: 6 })).toBe(
      'invalid_net: Invalid net: ReshapeLayer "Dimensions" has "Inherited" at position 2, but the input {6} has 1 level',
    );
  });

  test('ReplicateLayer', async () => {
    expect(await load({ type: 'ReplicateLayer', Specification: 2, Level: 4, Input: [2, 3] })).toBe(
      'invalid_net: Invalid net: ReplicateLayer "Level" is 4, but with an input of rank 2 it must be between -3 and 3 (and not 0)',
    );
    expect(await load({ type: 'ReplicateLayer', Specification: 'Automatic', Input: 3 })).toBe(
      'invalid_net: Invalid net: ReplicateLayer "Specification" has "Automatic", which takes its size from the "Output" shape: declare "Output"',
    );
  });

  test('TransposeLayer', async () => {
    expect(await load({ type: 'TransposeLayer', Specification: [3, 3, 1], Input: [2, 3, 4] })).toBe(
      'invalid_net: Invalid net: TransposeLayer "Specification" is [3,3,1], which is not a permutation of 1..3',
    );
    expect(await load({ type: 'TransposeLayer', Specification: [[1, 4]], Input: [2, 3, 4] })).toBe(
      'invalid_net: Invalid net: TransposeLayer "Specification" is [[1,4]], which swaps level 4, but the input {2, 3, 4} has 3 levels',
    );
    expect(await load({ type: 'TransposeLayer', Specification: [3, 1, 2], Input: [2, 3] })).toBe(
      'invalid_net: Invalid net: TransposeLayer "Specification" is [3,1,2], which permutes 3 levels, but the input {2, 3} has 2',
    );
    expect(await load({ type: 'TransposeLayer', Input: 3 })).toBe('invalid_net: Invalid net: TransposeLayer needs an array of rank at least 2, but "Input" is {3}');
  });

  test('AggregationLayer', async () => {
    expect(await load({ type: 'AggregationLayer', Input: [2, 3] })).toMatch(/^invalid_net: Invalid net: AggregationLayer needs "Function": "Total", "Mean", "Max", "Min" or "Times"/);
    expect(await load({ type: 'AggregationLayer', Function: 'Max', Levels: [1, 4], Input: [2, 3] })).toBe(
      'invalid_net: Invalid net: AggregationLayer "Levels" refers to level 4, but the input has 2 levels',
    );
    expect(await load({ type: 'AggregationLayer', Function: 'Max', Input: 3 })).toBe(
      'invalid_net: Invalid net: AggregationLayer "Levels" has the span "2;;All", but the input has 1 level',
    );
    expect(await load({ type: 'AggregationLayer', Function: 'Max', Levels: '3;;2', Input: [2, 3, 4] })).toBe(
      'invalid_net: Invalid net: AggregationLayer "Levels" has the span "3;;2", which is empty for an input of rank 3',
    );
    expect(await load({ type: 'AggregationLayer', Function: 'Mean', Input: { Index: 3, Dimensions: [2, 2] } })).toBe(
      'invalid_net: Invalid net: AggregationLayer "Function" is Mean, which needs real numbers, but "Input" is integer-valued (Max and Min take integers)',
    );
  });

  test('DotLayer', async () => {
    expect(await load({ type: 'DotLayer', Input1: [2, 3], Input2: [2, 3] })).toBe(
      'invalid_net: Invalid net: DotLayer cannot take the dot product of "Input1" {2, 3} and "Input2" {2, 3}: the last dimension of the one must equal the first of the other',
    );
    expect(await load({ type: 'DotLayer', Inputs: [[2, 3], [3, 4], [3]] })).toBe(
      'invalid_net: Invalid net: DotLayer cannot take the dot product of the product "Input1" . "Input2" {2, 4} and "Input3" {3}: the last dimension of the one must equal the first of the other',
    );
    expect(await load({ type: 'DotLayer', Input1: 'Real', Input2: 3 })).toBe(
      'invalid_net: Invalid net: DotLayer needs arrays of real numbers of rank at least 1, but "Input1" is a scalar',
    );
  });
});
