/**
 * ResizeLayer's gradient does not go through TensorFlow.js's ResizeBilinearGrad, which the
 * cpu backend computes wrongly for non-square images (height and width swapped,
 * docs/WASM-KERNELS.md): the first test pins that bug, the second checks netport's
 * formulation by the adjoint identity <f(x), u> = <x, J^T u> (the resize is linear).
 */
import { tf } from '../../lib/backend/tf';
import { releaseTape } from '../../lib/gradient';
import { Net } from '../../lib/runtime';
import type { Nested } from '../../lib/tensors';
import { expectNoLeak, fill, hash, random, TEST_BACKENDS, useBackend } from '../helpers/backends';

const flat = (v: Nested): number[] => (typeof v === 'number' ? [v] : v.flatMap(flat));
const dot = (a: number[], b: number[]) => a.reduce((s, x, i) => s + x * b[i]!, 0);

test('the stock cpu ResizeBilinearGrad fails on a non-square image (the bug ResizeLayer avoids)', async () => {
  await useBackend('cpu');
  await expectNoLeak(() => {
    const x = tf.tensor4d(Array.from({ length: 12 }, (_, i) => i / 10), [1, 3, 4, 1]);
    const dy = tf.ones([1, 5, 3, 1]);
    let wrong = false;
    try {
      // If it ever returns, the gradient of the sum must add up to the number of output cells.
      wrong = tf.tidy(() => {
        const g = tf.grad((t: tf.Tensor) => tf.sum(tf.mul(tf.image.resizeBilinear(t as tf.Tensor4D, [5, 3], true), dy)))(x);
        return Math.abs(g.sum().dataSync()[0]! - 15) > 1e-4 || g.shape.join() !== '1,3,4,1';
      });
    } catch {
      releaseTape();
      wrong = true;
    }
    x.dispose();
    dy.dispose();
    expect(wrong).toBe(true);
  });
});

describe.each(TEST_BACKENDS)('ResizeLayer on %s', (backend) => {
  beforeAll(() => useBackend(backend));

  test.each([
    ['Linear', [5, 3], [2, 3, 4]],
    ['Linear', [{ Scaled: 2 }, 7], [1, 4, 3]],
    ['Nearest', [6, 6], [2, 3, 2]],
  ] as const)(`Resampling=%s Specification=%j Input=%j: <f(x), u> = <x, gradient> on ${backend}`, async (method, spec, dims) => {
    await expectNoLeak(async () => {
      const net = await Net.load({ type: 'ResizeLayer', Specification: spec, Resampling: method, Input: dims }, { backend });
      try {
        const rand = random(hash(`${method} ${JSON.stringify(spec)}`));
        const x = fill(dims, () => rand() * 2 - 1) as Nested;
        const out = net.outputs[0]!.dims;
        const u = fill(out, () => rand() * 2 - 1) as Nested;
        const r = net.evaluate({ Input: x }, { gradients: ['Input'], ograd: { Output: u }, outputs: 'All' });
        const lhs = dot(flat(r.outputs.Output!), flat(u));
        const rhs = dot(flat(x), flat(r.gradients[0]!.value));
        expect(Math.abs(lhs - rhs)).toBeLessThan(1e-5 * (1 + Math.abs(lhs)));
        expect(lhs).not.toBe(0);
      } finally {
        net.dispose();
      }
    });
  });
});
