/**
 * EmbeddingLayer with exact values: rows picked by 1-based indices, repeated indices
 * accumulating in the Weights gradient, the integer input refused as a gradient and
 * skipped by All, out-of-range data refused, and a shape-only "Input" declaration.
 */
import { Net } from '../../lib/runtime';
import { errorOf, expectNoLeak, TEST_BACKENDS, useBackend } from '../helpers/backends';

const WEIGHTS = [
  [0.5, -1],
  [2, 0.25],
  [-0.75, 1.5],
  [3, -2],
];

describe.each(TEST_BACKENDS)('EmbeddingLayer on %s', (backend) => {
  beforeAll(() => useBackend(backend));

  test('rows by 1-based index; repeated indices accumulate in the Weights gradient', async () => {
    await expectNoLeak(async () => {
      const net = await Net.load({ type: 'EmbeddingLayer', OutputDimension: 2, ClassCount: 4, Weights: WEIGHTS, Input: 5 }, { backend });
      try {
        expect(net.inputs).toEqual([{ name: 'Input', dims: [5], classes: 4 }]);
        const ograd = [[1, 2], [10, 20], [100, 200], [1000, 2000], [0.5, 0.25]];
        const r = net.evaluate({ Input: [2, 4, 2, 2, 1] }, { outputs: ['Output'], gradients: ['All'], ograd: { Output: ograd } });
        expect(r.outputs.Output).toEqual([WEIGHTS[1], WEIGHTS[3], WEIGHTS[1], WEIGHTS[1], WEIGHTS[0]]);
        // All skips the integer input.
        expect(r.gradients.map((g) => g.key)).toEqual(['NetPortGradient[{"Weights"}]']);
        expect(r.gradients[0]!.value).toEqual([
          [0.5, 0.25],
          [1 + 100 + 1000, 2 + 200 + 2000],
          [0, 0],
          [10, 20],
        ]);
      } finally {
        net.dispose();
      }
    });
  });

  test('a batch of {2, 2} index arrays: gradients summed over the batch, default output gradient', async () => {
    await expectNoLeak(async () => {
      const net = await Net.load({ type: 'EmbeddingLayer', Weights: WEIGHTS, Input: { Index: 4, Dimensions: [2, 2] } }, { backend });
      try {
        const r = net.evaluate({ Input: [[[1, 1], [3, 1]], [[4, 1], [3, 3]]] }, { outputs: ['Output'], gradients: [['Weights']] });
        expect(r.outputs.Output).toEqual([
          [[WEIGHTS[0], WEIGHTS[0]], [WEIGHTS[2], WEIGHTS[0]]],
          [[WEIGHTS[3], WEIGHTS[0]], [WEIGHTS[2], WEIGHTS[2]]],
        ]);
        expect(r.gradients[0]!.value).toEqual([[4, 4], [0, 0], [3, 3], [1, 1]]);
      } finally {
        net.dispose();
      }
    });
  });

  test('300 classes (gather where its gradient is fast): the same exact values', async () => {
    await expectNoLeak(async () => {
      const rows = Array.from({ length: 300 }, (_, i) => [i / 8, 1 - i / 4]);
      const net = await Net.load({ type: 'EmbeddingLayer', Weights: rows, Input: 4 }, { backend });
      try {
        const r = net.evaluate({ Input: [300, 7, 300, 1] }, { outputs: ['Output'], gradients: [['Weights']], ograd: { Output: [[1, 2], [3, 4], [5, 6], [7, 8]] } });
        expect(r.outputs.Output).toEqual([rows[299], rows[6], rows[299], rows[0]]);
        const g = r.gradients[0]!.value as number[][];
        expect([g[0], g[6], g[299], g[1]]).toEqual([[7, 8], [3, 4], [6, 8], [0, 0]]);
        expect(g.flat().reduce((a, b) => a + b, 0)).toBe(36);
      } finally {
        net.dispose();
      }
    });
  });

  test('a scalar ("Real") input is one integer; the output is one row', async () => {
    await expectNoLeak(async () => {
      const net = await Net.load({ type: 'EmbeddingLayer', Weights: WEIGHTS, Input: 'Real' }, { backend });
      try {
        expect(net.outputs).toEqual([{ name: 'Output', dims: [2] }]);
        expect(net.evaluate({ Input: 3 }).outputs.Output).toEqual(WEIGHTS[2]);
      } finally {
        net.dispose();
      }
    });
  });

  test('in a NetChain declared "Input": 3 (a shape alone), the input takes the integer type', async () => {
    await expectNoLeak(async () => {
      const net = await Net.load(
        { type: 'NetChain', Input: 3, Layers: [{ type: 'EmbeddingLayer', OutputDimension: 2, ClassCount: 4, Weights: WEIGHTS }, { type: 'LinearLayer', OutputDimensions: 1, Weights: [[1, 1, 1, 1, 1, 1]], Biases: [0] }] },
        { backend },
      );
      try {
        expect(net.inputs).toEqual([{ name: 'Input', dims: [3], classes: 4 }]);
        const r = net.evaluate({ Input: [4, 4, 1] }, { outputs: ['Output'], gradients: [[1, 'Weights']] });
        expect(r.outputs.Output).toEqual([3 - 2 + (3 - 2) + (0.5 - 1)]);
        expect(r.gradients[0]!.value).toEqual([[1, 1], [0, 0], [0, 0], [2, 2]]);
        expect(await errorOf(() => net.evaluate({ Input: [4, 0, 1] }))).toMatchInlineSnapshot(`"invalid_data: Invalid data: "Input" takes integers from 1 to 4, but has 0 at position {2}"`);
        expect(await errorOf(() => net.evaluate({ Input: [4, 5, 1] }))).toMatchInlineSnapshot(`"invalid_data: Invalid data: "Input" takes integers from 1 to 4, but has 5 at position {2}"`);
        expect(await errorOf(() => net.evaluate({ Input: [4, 2.5, 1] }))).toMatchInlineSnapshot(`"invalid_data: Invalid data: "Input" takes integers from 1 to 4, but has 2.5 at position {2}"`);
        expect(await errorOf(() => net.evaluate({ Input: [4, 2, 1] }, { gradients: ['Input'] }))).toMatchInlineSnapshot(`"integer_gradient: Gradient is not available for integer-valued input "Input""`);
      } finally {
        net.dispose();
      }
    });
  });
});
