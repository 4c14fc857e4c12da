/**
 * Correctness survey of the wasm backend against the cpu backend (and, where
 * the cpu backend is itself wrong, against a plain JS reference), with and
 * without netport's kernels. docs/WASM-KERNELS.md summarises the results.
 */
import { tf } from '../../lib/backend/tf';
import { registerCpuKernels, registerWasmKernels, unregisterCpuKernels, unregisterWasmKernels } from '../../lib/backend/kernels';
import { random } from '../helpers/backends';
import { releaseTape } from '../../lib/gradient';
import { expectStockLeak } from '../helpers/leaks';

type Arrays = number[][];
/** Builds tensors inside tf.tidy on the current backend; everything returned is compared. */
type Build = () => tf.Tensor[];

/** Seeded uniform data; with 2^-24 resolution ties are practically absent. */
function rand(n: number, seed: number, lo = -1, hi = 1): Float32Array {
  const next = random(seed);
  return Float32Array.from({ length: n }, () => lo + (hi - lo) * next());
}
const size = (shape: number[]): number => shape.reduce((p, d) => p * d, 1);
const T = (shape: number[], seed: number, lo = -1, hi = 1): tf.Tensor => tf.tensor(rand(size(shape), seed, lo, hi), shape);

/**
 * Runs `build` on a backend; also checks that it leaves no tensor behind, even when it
 * throws (TensorFlow.js then leaves its gradient tape behind: releaseTape frees it, as
 * netport does after a failed evaluation).
 */
async function on(backend: string, build: Build): Promise<Arrays> {
  await tf.setBackend(backend);
  const before = tf.memory().numTensors;
  let arrays: Arrays;
  try {
    const outs = tf.tidy(build);
    arrays = outs.map((t) => Array.from(t.dataSync() as ArrayLike<number>));
    tf.dispose(outs);
  } catch (e) {
    releaseTape();
    expect(tf.memory().numTensors).toBe(before);
    throw e;
  }
  expect(tf.memory().numTensors).toBe(before);
  return arrays;
}

/** Largest |a - b| / (|b| + mean |b|) over all outputs; NaN matching NaN counts as equal. */
function relErr(a: Arrays, b: Arrays): number {
  expect(a.map((x) => x.length)).toEqual(b.map((x) => x.length));
  let worst = 0;
  a.forEach((x, k) => {
    const y = b[k]!;
    const mean = y.reduce((s, v) => s + Math.abs(v), 0) / Math.max(1, y.length);
    x.forEach((v, i) => {
      const w = y[i]!;
      if (Number.isNaN(v) && Number.isNaN(w)) return;
      worst = Math.max(worst, Math.abs(v - w) / (Math.abs(w) + mean || 1));
    });
  });
  return worst;
}

const TOL = 1e-4;
const matchesCpu = async (build: Build): Promise<void> => {
  expect(relErr(await on('wasm', build), await on('cpu', build))).toBeLessThan(TOL);
};

/** y = f(...xs) and all input gradients for a random dy (not all ones: sums hide routing errors). */
function withGrads(f: (...xs: tf.Tensor[]) => tf.Tensor, xs: () => tf.Tensor[], seed = 99): Build {
  return () => {
    const inputs = xs();
    const y = f(...inputs);
    const dy = T(y.shape, seed);
    return [y, ...tf.grads(f)(inputs, dy)];
  };
}

async function withStock<R>(run: () => Promise<R>): Promise<R> {
  unregisterWasmKernels();
  try {
    return await run();
  } finally {
    registerWasmKernels();
  }
}

/** wasm before and after netport's kernels: stock must be wrong (or missing), fixed must match. */
async function regression(build: Build, reference: Arrays | 'cpu' = 'cpu'): Promise<void> {
  const ref = reference === 'cpu' ? await on('cpu', build) : reference;
  const stock = await withStock(async () => {
    try {
      return relErr(await on('wasm', build), ref);
    } catch (e) {
      return `throws: ${(e as Error).message}`;
    }
  });
  expect(typeof stock === 'string' || !(stock < 1e-2)).toBe(true); // NaN counts as wrong
  expect(relErr(await on('wasm', build), ref)).toBeLessThan(TOL);
}

// Max-pool reference in plain JS (NDHWC), TensorFlow's definition: padding
// skipped, the first maximum in window order wins.
function maxPoolReference(x: Float32Array, shape: number[], filter: number[], strides: number[], pad: 'same' | 'valid', dy: Float32Array): Arrays {
  const [n, d, h, w, c] = shape as [number, number, number, number, number];
  const info = tf.backend_util.computePool3DInfo([n, d, h, w, c], filter as [number, number, number], strides as [number, number, number], 1, pad);
  const { outDepth: od, outHeight: oh, outWidth: ow, padInfo: p } = info;
  const at = (b: number, z: number, r: number, q: number, ch: number): number => (((b * d + z) * h + r) * w + q) * c + ch;
  const y = new Float32Array(n * od * oh * ow * c);
  const dx = new Float32Array(x.length);
  let o = 0;
  for (let b = 0; b < n; b++)
    for (let z = 0; z < od; z++)
      for (let r = 0; r < oh; r++)
        for (let q = 0; q < ow; q++)
          for (let ch = 0; ch < c; ch++, o++) {
            let best = -Infinity;
            let arg = -1;
            for (let i = 0; i < info.filterDepth; i++)
              for (let j = 0; j < info.filterHeight; j++)
                for (let k = 0; k < info.filterWidth; k++) {
                  const zz = z * info.strideDepth - p.front + i;
                  const rr = r * info.strideHeight - p.top + j;
                  const qq = q * info.strideWidth - p.left + k;
                  if (zz < 0 || zz >= d || rr < 0 || rr >= h || qq < 0 || qq >= w) continue;
                  const v = x[at(b, zz, rr, qq, ch)]!;
                  if (v > best) [best, arg] = [v, at(b, zz, rr, qq, ch)];
                }
            y[o] = best;
            dx[arg] = dx[arg]! + dy[o]!;
          }
  return [Array.from(y), Array.from(dx)];
}

beforeAll(async () => {
  // Registered before the wasm backend exists: the carried setupFuncs must run on setBackend.
  registerWasmKernels();
  registerWasmKernels();
  await tf.setBackend('wasm');
});

describe('registration', () => {
  it('is idempotent and reversible', async () => {
    expect(tf.getKernel('Conv2DBackpropFilter', 'wasm')).toBeDefined();
    unregisterWasmKernels();
    expect(tf.getKernel('Conv2DBackpropFilter', 'wasm')).toBeUndefined();
    registerWasmKernels();
    registerWasmKernels();
    await matchesCpu(withGrads((a, b) => tf.matMul(a!, b!, true, true), () => [T([5, 3], 1), T([4, 5], 2)]));
  });
});

describe('regressions: stock wasm is wrong or missing, netport kernels fix it', () => {
  const negative = (shape: number[], seed: number): tf.Tensor => T(shape, seed, -3, -0.5);

  it('MaxPoolGrad, windows with max <= 0', () =>
    regression(withGrads((x) => tf.maxPool(x as tf.Tensor4D, 2, 2, 'valid'), () => [negative([2, 6, 6, 3], 1)])));
  it('MaxPoolGrad, overlapping same-padded windows', () =>
    regression(withGrads((x) => tf.maxPool(x as tf.Tensor4D, 3, 2, 'same'), () => [T([2, 7, 7, 3], 2, -2, 0.3)])));
  it('MaxPoolGrad and MaxPool3DGrad with a window of one element (netport\'s own kernel once refused it: tf.oneHot depth 1)', async () => {
    await regression(withGrads((x) => tf.maxPool(x as tf.Tensor4D, 1, 1, 'valid'), () => [T([2, 3, 3, 2], 31)]));
    await regression(withGrads((x) => tf.maxPool3d(x as tf.Tensor5D, 1, 1, 'valid'), () => [T([1, 2, 3, 3, 2], 32)]));
  });
  it('MaxPoolWithArgmax, windows with max <= 0', () =>
    regression(() => {
      const r = tf.maxPoolWithArgmax(negative([2, 6, 6, 3], 3) as tf.Tensor4D, 2, 2, 'valid', true);
      return [r.result!, r.indexes!];
    }));
  it('MaxPool3D and MaxPool3DGrad, windows with max <= 0', () =>
    regression(withGrads((x) => tf.maxPool3d(x as tf.Tensor5D, 2, 2, 'valid'), () => [negative([2, 4, 4, 4, 2], 4)])));
  it('MaxPool3D and MaxPool3DGrad, non-cubic windows (cpu is wrong here too: JS reference)', async () => {
    const shape = [2, 4, 5, 6, 2];
    const x = rand(size(shape), 5, -1, 1);
    const filter = [2, 3, 2];
    const build = withGrads((t) => tf.maxPool3d(t as tf.Tensor5D, filter as [number, number, number], 1, 'same'), () => [tf.tensor(x, shape)]);
    const out = tf.backend_util.computePool3DInfo(shape as [number, number, number, number, number], filter as [number, number, number], 1, 1, 'same').outShape;
    const reference = maxPoolReference(x, shape, filter, [1, 1, 1], 'same', rand(size(out), 99));
    // tfjs-backend-cpu's maxPool3dPositions uses wRow * filterHeight (not filterWidth).
    expect(relErr((await on('cpu', build)).slice(1), reference.slice(1))).toBeGreaterThan(1e-2);
    await regression(build, reference);
    // netport replaces that kernel on cpu too (selectBackend('cpu') registers it).
    registerCpuKernels();
    try {
      expect(relErr(await on('cpu', build), reference)).toBeLessThan(TOL);
    } finally {
      unregisterCpuKernels();
    }
    expect(relErr((await on('cpu', build)).slice(1), reference.slice(1))).toBeGreaterThan(1e-2);
  });
  it('Conv3DBackpropInputV2, depth > 1', () =>
    regression(() => {
      const x = T([2, 4, 5, 4, 3], 6);
      const f = T([3, 2, 3, 3, 4], 7);
      return [tf.grad((t) => tf.conv3d(t as tf.Tensor5D, f as tf.Tensor5D, 1, 'same'))(x, T([2, 4, 5, 4, 4], 8))];
    }));
  it('Conv2DBackpropFilter (missing)', () =>
    regression(withGrads((x, f) => tf.conv2d(x as tf.Tensor4D, f as tf.Tensor4D, 2, 'same'), () => [T([2, 7, 7, 3], 9), T([3, 3, 3, 4], 10)])));
  it('DepthwiseConv2dNativeBackpropInput and Filter (missing)', () =>
    regression(withGrads((x, f) => tf.depthwiseConv2d(x as tf.Tensor4D, f as tf.Tensor4D, 1, 'same'), () => [T([2, 6, 6, 3], 11), T([3, 3, 3, 2], 12)])));
  it('UnsortedSegmentSum (missing: the gradient of gather)', () =>
    regression(withGrads((x) => tf.gather(x!, tf.tensor1d([4, 0, 4, 2, 1, 4], 'int32')), () => [T([5, 3, 2], 13)])));
  it('OneHot with a float dtype (stock writes int32 bits)', () =>
    regression(() => [tf.oneHot(tf.tensor1d([0, 2, 1, 3], 'int32'), 4, 0.9, 0.025, 'float32')]));
  it('numeric pads with non-square windows: tfjs-core mis-sizes them, netport makes them explicit', async () => {
    // conv_util.computeOutputShape2D uses the filter height and stride height for the width too.
    expect(tf.backend_util.computeConv2DInfo([1, 7, 8, 1], [3, 2, 1, 1], [1, 2], 1, 1).outWidth).not.toBe(5);
    const build = (pad: 1 | [[0, 0], [1, 1], [1, 1], [0, 0]]): Build => withGrads((x, f, g) => tf.addN([
      tf.sum(tf.square(tf.conv2d(x as tf.Tensor4D, f as tf.Tensor4D, [1, 2], pad))),
      tf.sum(tf.square(tf.depthwiseConv2d(x as tf.Tensor4D, g as tf.Tensor4D, [2, 1], pad))),
      tf.sum(tf.square(tf.maxPool(x as tf.Tensor4D, [3, 2], [2, 1], pad))),
      tf.sum(tf.square(tf.avgPool(x as tf.Tensor4D, [2, 3], [1, 2], pad))),
    ]), () => [T([2, 7, 8, 3], 17), T([3, 2, 3, 4], 18), T([2, 3, 3, 2], 19)]);
    // Not run on stock wasm: it writes past the mis-sized output and corrupts the heap.
    expect(relErr(await on('wasm', build(1)), await on('cpu', build([[0, 0], [1, 1], [1, 1], [0, 0]])))).toBeLessThan(TOL);
  });
  it('GatherV2 with batchDims 1', () =>
    regression(withGrads((x) => tf.gather(x!, tf.tensor2d([[1, 0], [2, 2], [0, 1], [1, 1]], [4, 2], 'int32'), 1, 1), () => [T([4, 3, 5], 20)])));
  it('MaxPool, AvgPool, Conv2D with dimRoundingMode ceil (XNNPACK floors the output size)', () =>
    regression(() => {
      const x = T([2, 7, 8, 3], 21, -2, 0.5);
      return [tf.maxPool(x as tf.Tensor4D, 3, 2, 0, 'ceil'), tf.avgPool(x as tf.Tensor4D, 3, 2, 0, 'ceil'), tf.conv2d(x as tf.Tensor4D, T([3, 3, 3, 2], 22) as tf.Tensor4D, 2, 0, 'NHWC', 1, 'ceil')];
    }));
  it('Identity copies, so gradients of customGrad ops (logSoftmax) throw a leak error in IS_TEST mode', () => {
    // The stock failure strands one tensor inside the engine, out of anyone's reach.
    expectStockLeak(1);
    return regression(withGrads((x) => tf.logSoftmax(x!), () => [T([4, 7], 23)]));
  });
  it('rank 7 Add/Sub/Multiply/RealDiv/SquaredDifference and PadV2 (XNNPACK stops at 6 dims)', () =>
    regression(() => {
      const s = [2, 3, 2, 3, 2, 3, 2];
      const a = T(s, 14);
      const b = T([2, 1, 2, 1, 1, 3, 1], 15, 0.5, 2);
      const c = T([1, 3, 1, 3, 1, 3, 1], 16);
      return [tf.add(a, b), tf.sub(a, c), tf.mul(a, b), tf.div(a, b), tf.squaredDifference(a, c), tf.mul(a, 2), tf.pad(a, [[1, 0], [0, 1], [0, 0], [1, 1], [0, 0], [0, 2], [1, 0]], 0.5)];
    }));
});

describe('survey: gradients on wasm match cpu', () => {
  const x4 = (): tf.Tensor4D => T([2, 7, 8, 3], 21) as tf.Tensor4D;
  type Pad = 'same' | 'valid' | number | [[number, number], [number, number], [number, number], [number, number]];

  describe('Conv2D', () => {
    const settings: Array<[number | [number, number], Pad]> = [
      [1, 'same'], [2, 'same'], [1, 'valid'], [2, 'valid'], [[1, 2], [[0, 0], [1, 1], [1, 1], [0, 0]]], [3, 'same'], [2, [[0, 0], [1, 2], [2, 0], [0, 0]]],
    ];
    it.each(settings)('strides %j pad %j', (s, p) =>
      matchesCpu(withGrads((x, f) => tf.conv2d(x as tf.Tensor4D, f as tf.Tensor4D, s, p), () => [x4(), T([3, 2, 3, 5], 22)])));
    it('1x1 filters and a filter as large as the input', () =>
      matchesCpu(withGrads((x, f, g) => tf.add(tf.sum(tf.conv2d(x as tf.Tensor4D, f as tf.Tensor4D, 1, 'valid')), tf.sum(tf.conv2d(x as tf.Tensor4D, g as tf.Tensor4D, 1, 'valid'))),
        () => [x4(), T([1, 1, 3, 4], 23), T([7, 8, 3, 2], 24)])));
    it.each(['floor', 'round', 'ceil'] as const)('dimRoundingMode %s (kernels called directly)', (mode) =>
      matchesCpu(() => {
        const x = T([2, 8, 9, 3], 25);
        const filter = T([3, 3, 3, 4], 27);
        const attrs = { strides: 2, pad: 1, dataFormat: 'NHWC', dimRoundingMode: mode };
        const info = tf.backend_util.computeConv2DInfo([2, 8, 9, 3], [3, 3, 3, 4], 2, 1, 1, mode);
        const dy = T(info.outShape, 26);
        return [
          tf.engine().runKernel('Conv2DBackpropFilter', { x, dy }, { ...attrs, filterShape: [3, 3, 3, 4] }) as tf.Tensor,
          tf.engine().runKernel('Conv2DBackpropInput', { dy, filter }, { ...attrs, inputShape: [2, 8, 9, 3] }) as tf.Tensor,
        ];
      }));
    it('dilations: forward, and the gradient through an explicitly dilated filter (tfjs refuses dilated gradients)', () =>
      matchesCpu(() => {
        const dilate = (f: tf.Tensor): tf.Tensor4D => {
          // [kh, kw, ci, co] -> [2kh-1, 2kw-1, ci, co] with zeros between the taps
          const [kh, kw, ci, co] = f.shape as number[] as [number, number, number, number];
          const rows = tf.reshape(tf.pad(tf.reshape(f, [kh, 1, kw * ci * co]), [[0, 0], [0, 1], [0, 0]]), [2 * kh, kw, ci * co]).slice(0, 2 * kh - 1);
          return tf.reshape(tf.pad(tf.reshape(rows, [2 * kh - 1, kw, 1, ci * co]), [[0, 0], [0, 0], [0, 1], [0, 0]]), [2 * kh - 1, 2 * kw, ci, co]).slice(0, [2 * kh - 1, 2 * kw - 1]) as tf.Tensor4D;
        };
        const x = T([2, 9, 9, 3], 28);
        const f = T([3, 3, 3, 4], 29);
        const direct = tf.conv2d(x as tf.Tensor4D, f as tf.Tensor4D, 1, 'same', 'NHWC', 2);
        const grads = withGrads((a, b) => tf.conv2d(a as tf.Tensor4D, dilate(b!), 1, 'same'), () => [x, f])();
        return [direct, ...grads];
      }));
    it('groups via split and concat', () =>
      matchesCpu(withGrads((x, f) => {
        const xs = tf.split(x!, 2, 3);
        const fs = tf.split(f!, 2, 3);
        return tf.concat(xs.map((xi, i) => tf.conv2d(xi as tf.Tensor4D, tf.slice(fs[i]!, [0, 0, 0, 0], [3, 3, 2, 3]) as tf.Tensor4D, 1, 'same')), 3);
      }, () => [T([2, 6, 6, 4], 30), T([3, 3, 4, 6], 31)])));
    it('conv2dTranspose (deconvolution) forward and gradients', () =>
      matchesCpu(withGrads((y, f) => tf.conv2dTranspose(y as tf.Tensor4D, f as tf.Tensor4D, [2, 9, 9, 3], 2, 'same'), () => [T([2, 5, 5, 4], 32), T([3, 3, 3, 4], 33)])));
  });

  describe('DepthwiseConv2dNative (groups = channels)', () => {
    const settings: Array<[number, number | [number, number], Pad]> = [
      [1, 1, 'same'], [2, 2, 'same'], [3, 1, 'valid'], [2, 2, [[0, 0], [1, 1], [1, 1], [0, 0]]], [1, [2, 1], 'valid'], [2, 1, [[0, 0], [2, 0], [1, 1], [0, 0]]],
    ];
    it.each(settings)('multiplier %d strides %j pad %j', (m, s, p) =>
      matchesCpu(withGrads((x, f) => tf.depthwiseConv2d(x as tf.Tensor4D, f as tf.Tensor4D, s, p), () => [x4(), T([3, 2, 3, m], 34)])));
    it('dilations: backprop kernels called directly, against the gradient through an explicitly dilated filter', async () => {
      // tfjs's depthwise gradient refuses dilations > 1 and the cpu backprop kernels ignore them, so
      // the cpu reference differentiates a depthwise conv whose filter has the zeros written out.
      const x = (): tf.Tensor => T([2, 9, 8, 3], 35);
      const f = (): tf.Tensor => T([3, 2, 3, 2], 36);
      const dy = (): tf.Tensor => T([2, 9, 8, 6], 37);
      const attrs = { strides: 1, pad: 'same', dilations: 2 };
      const kernels = await on('wasm', () => [
        tf.depthwiseConv2d(x() as tf.Tensor4D, f() as tf.Tensor4D, 1, 'same', 'NHWC', 2),
        tf.engine().runKernel('DepthwiseConv2dNativeBackpropInput', { dy: dy(), filter: f() }, { ...attrs, inputShape: [2, 9, 8, 3] }) as tf.Tensor,
        tf.engine().runKernel('DepthwiseConv2dNativeBackpropFilter', { x: x(), dy: dy() }, { ...attrs, filterShape: [3, 2, 3, 2] }) as tf.Tensor,
      ]);
      const reference = await on('cpu', () => {
        const fd = tf.reshape(tf.pad(tf.reshape(f(), [3, 1, 2, 1, 6]), [[0, 0], [0, 1], [0, 0], [0, 1], [0, 0]]), [6, 4, 3, 2]).slice([0, 0], [5, 3]);
        const conv = (a: tf.Tensor, b: tf.Tensor): tf.Tensor => tf.depthwiseConv2d(a as tf.Tensor4D, b as tf.Tensor4D, 1, 'same');
        const [gx, gf] = tf.grads(conv)([x(), fd], dy());
        return [conv(x(), fd), gx!, tf.stridedSlice(gf!, [0, 0, 0, 0], [5, 3, 3, 2], [2, 2, 1, 1])];
      });
      expect(relErr(kernels, reference)).toBeLessThan(TOL);
    });
  });

  describe('Conv3D', () => {
    const settings: Array<[number | [number, number, number], 'same' | 'valid']> = [[1, 'same'], [2, 'same'], [1, 'valid'], [[2, 1, 2], 'valid'], [[1, 2, 3], 'same']];
    it.each(settings)('strides %j pad %s', (s, p) =>
      matchesCpu(withGrads((x, f) => tf.conv3d(x as tf.Tensor5D, f as tf.Tensor5D, s, p), () => [T([2, 5, 6, 5, 3], 38), T([3, 2, 3, 3, 4], 39)])));
    it('dilations (forward)', () =>
      matchesCpu(() => [tf.conv3d(T([2, 7, 6, 7, 2], 40) as tf.Tensor5D, T([2, 3, 2, 2, 3], 41) as tf.Tensor5D, 1, 'same', 'NDHWC', [2, 1, 3])]));
  });

  describe('pooling', () => {
    const settings: Array<[number | [number, number], number | [number, number], Pad]> = [
      [2, 2, 'valid'], [2, 2, 'same'], [3, 2, 'same'], [3, 1, 'same'], [3, 2, 1], [[2, 3], [1, 2], 'valid'], [3, 3, [[0, 0], [1, 1], [2, 0], [0, 0]]],
    ];
    const data = (seed: number): tf.Tensor4D => T([2, 7, 8, 3], seed, -2, 0.5) as tf.Tensor4D;
    it.each(settings)('maxPool filter %j strides %j pad %j', (k, s, p) =>
      matchesCpu(withGrads((x) => tf.maxPool(x as tf.Tensor4D, k, s, p), () => [data(42)])));
    it.each(settings)('avgPool filter %j strides %j pad %j', (k, s, p) =>
      matchesCpu(withGrads((x) => tf.avgPool(x as tf.Tensor4D, k, s, p), () => [data(43)])));
    it('ties go to the first maximum, as in TensorFlow and MXNet (2-D: cpu; 3-D: JS reference)', async () => {
      const ints = (shape: number[], seed: number): Float32Array => rand(size(shape), seed, -3, 3).map(Math.round);
      await matchesCpu(withGrads((x) => tf.maxPool(x as tf.Tensor4D, 3, 2, 'same'), () => [tf.tensor(ints([2, 7, 8, 3], 40), [2, 7, 8, 3])]));
      const shape = [2, 4, 5, 5, 2];
      const x = ints(shape, 41);
      const out = tf.backend_util.computePool3DInfo(shape as [number, number, number, number, number], 2, 1, 1, 'valid').outShape;
      const build = withGrads((t) => tf.maxPool3d(t as tf.Tensor5D, 2, 1, 'valid'), () => [tf.tensor(x, shape)]);
      expect(relErr(await on('wasm', build), maxPoolReference(x, shape, [2, 2, 2], [1, 1, 1], 'valid', rand(size(out), 99)))).toBeLessThan(TOL);
    });
    it('MaxPoolGrad with ceil rounding (kernel called directly)', () =>
      matchesCpu(() => {
        const input = data(44);
        const attrs = { filterSize: 3, strides: 2, pad: 0, dimRoundingMode: 'ceil' };
        const output = tf.engine().runKernel('MaxPool', { x: input }, attrs) as tf.Tensor;
        return [output, tf.engine().runKernel('MaxPoolGrad', { dy: T(output.shape, 45), input, output }, attrs) as tf.Tensor];
      }));
    it('MaxPoolWithArgmax with and without the batch in the index', () =>
      matchesCpu(() => {
        const a = tf.maxPoolWithArgmax(data(46), 3, 2, 'same', true);
        const b = tf.maxPoolWithArgmax(data(46), 2, 2, 'valid', false);
        return [a.result!, a.indexes!, b.result!, b.indexes!];
      }));

    const cubic: Array<[number, number, 'same' | 'valid']> = [[2, 2, 'valid'], [2, 1, 'same'], [3, 2, 'same'], [3, 3, 'valid']];
    const x5 = (seed: number): tf.Tensor5D => T([2, 5, 6, 6, 2], seed, -2, 0.5) as tf.Tensor5D;
    it.each(cubic)('maxPool3d filter %d strides %d pad %s', (k, s, p) =>
      matchesCpu(withGrads((x) => tf.maxPool3d(x as tf.Tensor5D, k, s, p), () => [x5(47)])));
    it.each([...cubic, [[2, 3, 1], [1, 2, 1], 'same']] as Array<[number | [number, number, number], number | [number, number, number], 'same' | 'valid']>)(
      'avgPool3d filter %j strides %j pad %s', (k, s, p) =>
        matchesCpu(withGrads((x) => tf.avgPool3d(x as tf.Tensor5D, k, s, p), () => [x5(48)])));
    it('maxPool3d, non-cubic windows and strides, against the JS reference', async () => {
      const shape = [2, 5, 6, 7, 2];
      const x = rand(size(shape), 49, -2, 0.5);
      const [filter, strides] = [[3, 1, 2], [2, 1, 2]] as Array<[number, number, number]>;
      const out = tf.backend_util.computePool3DInfo(shape as [number, number, number, number, number], filter!, strides!, 1, 'same').outShape;
      const dy = rand(size(out), 99);
      const build = withGrads((t) => tf.maxPool3d(t as tf.Tensor5D, filter!, strides!, 'same'), () => [tf.tensor(x, shape)]);
      const got = await on('wasm', () => {
        const [y, g] = build();
        return [y!, g!];
      });
      expect(relErr(got, maxPoolReference(x, shape, filter!, strides!, 'same', dy))).toBeLessThan(TOL);
    });
  });

  describe('BatchMatMul and _FusedMatMul', () => {
    const flags: Array<[boolean, boolean]> = [[false, false], [false, true], [true, false], [true, true]];
    it.each(flags)('rank 2, transposeA %s transposeB %s', (ta, tb) =>
      matchesCpu(withGrads((a, b) => tf.matMul(a!, b!, ta, tb), () => [T(ta ? [6, 4] : [4, 6], 51), T(tb ? [5, 6] : [6, 5], 52)])));
    it.each(flags)('batched, transposeA %s transposeB %s', (ta, tb) =>
      matchesCpu(withGrads((a, b) => tf.matMul(a!, b!, ta, tb), () => [T(ta ? [2, 3, 6, 4] : [2, 3, 4, 6], 53), T(tb ? [2, 3, 5, 6] : [2, 3, 6, 5], 54)])));
    it('a * b^T with a large b, computed as (b * a^T)^T so that XNNPACK packs the small operand, and its gradients', async () => {
      // [8, 256] x [200, 256]^T: b has 51200 values, a^T 2048: the swapped path.
      const build = withGrads((a, b) => tf.matMul(a!, b!, false, true), () => [T([8, 256], 58), T([200, 256], 59)]);
      await matchesCpu(build);
      // Both ways round give the same float32 bits: each output is one dot product over k.
      const [y] = await on('wasm', () => [tf.matMul(T([8, 256], 58), T([200, 256], 59), false, true)]);
      const [z] = await on('wasm', () => [tf.matMul(T([8, 256], 58), tf.transpose(T([200, 256], 59)))]);
      expect(y).toEqual(z);
    });
    it('broadcast batch, forward', () =>
      matchesCpu(() => [tf.matMul(T([2, 3, 4, 6], 53), T([1, 3, 5, 6], 54), false, true)]));
    it.each(flags)('fused with bias and relu, transposeA %s transposeB %s', (ta, tb) =>
      matchesCpu(withGrads((a, b, c) => tf.fused.matMul({ a: a!, b: b!, bias: c!, transposeA: ta, transposeB: tb, activation: 'relu' }),
        () => [T(ta ? [6, 4] : [4, 6], 55), T(tb ? [5, 6] : [6, 5], 56), T([5], 57)])));
  });

  describe('elementwise and activations', () => {
    const unary: Array<[string, (x: tf.Tensor) => tf.Tensor]> = [
      ['relu', tf.relu], ['relu6', tf.relu6], ['elu', tf.elu], ['selu', tf.selu], ['sigmoid', tf.sigmoid], ['tanh', tf.tanh],
      ['erf', tf.erf], ['softplus', tf.softplus], ['leakyRelu', (x) => tf.leakyRelu(x, 0.1)], ['step', (x) => tf.step(x, 0.3)],
      ['clipByValue', (x) => tf.clipByValue(x, -0.5, 0.7)], ['abs', tf.abs], ['exp', tf.exp], ['log1p', (x) => tf.log1p(tf.abs(x))],
      ['sqrt', (x) => tf.sqrt(tf.add(tf.abs(x), 0.1))], ['square', tf.square], ['neg', tf.neg], ['sin', tf.sin], ['cos', tf.cos],
      ['logSigmoid', tf.logSigmoid],
    ];
    it.each(unary)('%s', (_, f) => matchesCpu(withGrads(f, () => [T([3, 4, 5], 60, -3, 3)])));
    it('prelu with a per-channel alpha', () => matchesCpu(withGrads((x, a) => tf.prelu(x!, a!), () => [T([2, 3, 4], 61, -2, 2), T([4], 62)])));
    it('select (where)', () =>
      matchesCpu(withGrads((a, b) => tf.where(tf.greater(T([3, 4], 62), 0), a!, b!), () => [T([3, 4], 63), T([3, 4], 64)])));
    it('pow: positive base, and negative base with integer exponents', () =>
      matchesCpu(withGrads((a, b, c, d) => tf.add(tf.sum(tf.pow(a!, b!)), tf.sum(tf.pow(c!, d!))),
        () => [T([3, 4], 65, 0.2, 2), T([3, 4], 66, -2, 2), T([3, 4], 67, -2, -0.2), tf.tensor2d([[1, 2, 3, 2], [0, 1, 2, 3], [3, 3, 1, 2]])])));
    it('binary ops with broadcasting', () =>
      matchesCpu(withGrads((a, b) => tf.addN([tf.add(a!, b!), tf.sub(a!, b!), tf.mul(a!, b!), tf.div(a!, tf.add(tf.abs(b!), 0.5)), tf.maximum(a!, tf.mul(a!, b!)), tf.minimum(a!, tf.mul(a!, b!)), tf.squaredDifference(a!, tf.mul(a!, b!))]),
        () => [T([2, 3, 4], 68), T([3, 1], 69)])));
  });

  describe('softmax, reductions, cumsum', () => {
    it('softmax and logSoftmax', () =>
      matchesCpu(withGrads((x) => tf.add(tf.mul(tf.softmax(x!), 3), tf.logSoftmax(x!)), () => [T([4, 7], 70, -4, 4)])));
    it.each([[[1], false], [[0, 2], true], [[2], false]] as Array<[number[], boolean]>)('max, min, sum, mean over %j keepDims %s', (axes, keep) =>
      matchesCpu(withGrads((x) => tf.addN([tf.max(x!, axes, keep), tf.min(x!, axes, keep), tf.sum(x!, axes, keep), tf.mean(x!, axes, keep)]), () => [T([3, 4, 5], 71)])));
    it.each([[false, false], [true, false], [false, true], [true, true]])('cumsum exclusive %s reverse %s', (exclusive, reverse) =>
      matchesCpu(withGrads((x) => tf.cumsum(x!, 2, exclusive, reverse), () => [T([3, 2, 6], 72)])));
  });

  describe('shape ops', () => {
    it('gather on axis 0 with repeats, on axis 1, and with batchDims 1', () =>
      matchesCpu(withGrads((x) => tf.addN([
        tf.sum(tf.gather(x!, tf.tensor1d([3, 0, 3, 1, 3], 'int32'), 0)),
        tf.sum(tf.mul(tf.gather(x!, tf.tensor1d([2, 2, 0], 'int32'), 1), 2)),
        tf.sum(tf.square(tf.gather(x!, tf.tensor2d([[1, 0], [2, 2], [0, 1], [1, 1]], [4, 2], 'int32'), 1, 1))),
      ]), () => [T([4, 3, 5], 73)])));
    it('slice, pad, concat, transpose, tile (rank 4 and 5)', () =>
      matchesCpu(withGrads((x, y) => tf.addN([
        tf.sum(tf.square(tf.slice(x!, [0, 1, 0, 2], [2, 2, 3, 2]))),
        tf.sum(tf.square(tf.pad(x!, [[0, 0], [1, 2], [0, 1], [2, 0]], 0.5))),
        tf.sum(tf.mul(tf.concat([x!, tf.square(x!)], 3), 1.5)),
        tf.sum(tf.mul(tf.transpose(y!, [4, 0, 3, 1, 2]), T([3, 2, 2, 4, 3], 74))),
        tf.sum(tf.mul(tf.slice(y!, [0, 1, 0, 1, 0], [2, 2, 2, 1, 3]), 3)),
        tf.sum(tf.square(tf.tile(x!, [1, 2, 1, 3]))),
      ]), () => [T([2, 4, 3, 5], 75), T([2, 4, 3, 2, 3], 76)])));
    it('transposes of rank 5 to 7 and slices of every rank and dtype (netport runs both differently)', () =>
      matchesCpu(() => {
        const x = T([2, 3, 4, 2, 3, 2, 3], 77);
        return [
          tf.transpose(x, [6, 4, 2, 0, 5, 3, 1]), tf.transpose(x, [0, 2, 1, 4, 3, 6, 5]),
          tf.slice(x, [1, 0, 1, 0, 1, 1, 0], [1, 3, 2, 2, 1, 1, 2]), tf.slice(T([3, 4, 5, 2, 2], 78), [0, 1, 2, 0, 1], [3, 2, 2, 2, 1]),
          tf.slice(T([200, 3], 79), [0, 1], [200, 1]), tf.slice(T([40, 30, 3], 80), [1, 2, 0], [30, 20, 2]),
          tf.slice(T([6, 50, 40], 81), [2, 7, 0], [3, -1, 40]), tf.slice(T([6, 50, 40], 82), [0, 9, 3], [6, 1, 30]),
          tf.cast(tf.slice(tf.greater(T([4, 5, 30], 83), 0), [1, 1, 2], [2, 3, 20]), 'float32'),
          tf.cast(tf.slice(tf.cast(tf.mul(T([4, 5, 6, 7, 2], 84), 100), 'int32'), [1, 0, 2, 3, 0], [2, 5, 3, 4, 1]), 'float32'),
        ];
      }));
    it('unsortedSegmentSum drops out-of-range ids', () =>
      matchesCpu(() => [tf.unsortedSegmentSum(T([5, 3], 81), tf.tensor1d([1, -1, 4, 1, 0], 'int32'), 3)]));
  });
});

describe('survey: further ops that netport layers may use', () => {
  const cases: Array<[string, Build]> = [
    // Square images, no half-pixel centers: beyond that the cpu ResizeBilinearGrad is wrong (adjoint test below).
    ['resizeBilinear (plain, alignCorners)', withGrads((x) => tf.add(
      tf.sum(tf.square(tf.image.resizeBilinear(x as tf.Tensor4D, [9, 7]))), tf.sum(tf.square(tf.image.resizeBilinear(x as tf.Tensor4D, [3, 8], true))),
    ), () => [T([2, 5, 5, 3], 90)])],
    ['batchNorm', withGrads((x, m, v, o, g) => tf.batchNorm(x!, m!, tf.abs(v!), o!, g!, 1e-3), () => [T([2, 3, 4], 91), T([4], 92), T([4], 93, 0.5, 2), T([4], 94), T([4], 95)])],
    ['reverse, mirrorPad', withGrads((x) => tf.add(tf.sum(tf.mul(tf.reverse(x!, [1, 2]), T([2, 5, 4, 3], 96))), tf.sum(tf.square(tf.mirrorPad(x!, [[0, 0], [1, 2], [2, 1], [0, 0]], 'reflect')))), () => [T([2, 5, 4, 3], 97)])],
    ['spaceToBatchND and batchToSpaceND', withGrads((x) => tf.batchToSpaceND(tf.square(tf.spaceToBatchND(x!, [2, 2], [[0, 1], [1, 1]])), [2, 2], [[0, 1], [1, 1]]), () => [T([2, 5, 4, 3], 98)])],
    ['prod, log, reciprocal, rsqrt, expm1, atan2, sign, floor, round, mod', withGrads((x, y) => tf.addN([
      tf.sum(tf.prod(x!, 1)), tf.sum(tf.log(tf.abs(x!))), tf.sum(tf.reciprocal(x!)), tf.sum(tf.rsqrt(tf.abs(x!))), tf.sum(tf.expm1(x!)),
      tf.sum(tf.atan2(x!, y!)), tf.sum(tf.mul(tf.sign(x!), x!)), tf.sum(tf.floor(x!)), tf.sum(tf.round(x!)), tf.sum(tf.mod(tf.abs(x!), 0.3)),
    ]), () => [T([3, 4], 99, 0.2, 2), T([3, 4], 100)])],
    ['localResponseNormalization', withGrads((x) => tf.localResponseNormalization(x as tf.Tensor4D, 2, 1, 0.5, 0.75), () => [T([2, 3, 3, 6], 101)])],
  ];
  it.each(cases)('%s', (_, build) => matchesCpu(build));
  it.each([[[9, 3], false, false], [[3, 8], false, false], [[3, 3], true, false], [[7, 9], false, true], [[2, 3], false, true]] as Array<[[number, number], boolean, boolean]>)(
    'resizeNearestNeighbor gradient, size %j alignCorners %s halfPixelCenters %s, against dy summed along the forward map (cpu is wrong)', async (out, align, half) => {
      const shape = [2, 5, 4, 3];
      const dy = rand(2 * out[0] * out[1] * 3, 86);
      const build: Build = () => [tf.grad((x) => tf.image.resizeNearestNeighbor(x as tf.Tensor4D, out, align, half))(T(shape, 85), tf.tensor(dy, [2, ...out, 3]))];
      // The forward is right on cpu: resize an image of pixel ids, then add dy up in JS.
      const [map] = await on('cpu', () => [tf.image.resizeNearestNeighbor(tf.reshape(tf.range(0, 20), [1, 5, 4, 1]) as tf.Tensor4D, out, align, half)]);
      const reference = new Array<number>(size(shape)).fill(0);
      map!.forEach((src, p) => {
        for (let b = 0; b < 2; b++) for (let ch = 0; ch < 3; ch++) reference[(b * 20 + src) * 3 + ch]! += dy[(b * map!.length + p) * 3 + ch]!;
      });
      if (half) await regression(build, [reference]);
      else expect(relErr(await on('wasm', build), [reference])).toBeLessThan(TOL);
    });
  it.each([[false, false], [true, false], [false, true]])(
    'resizeBilinear gradient on non-square images, alignCorners %s halfPixelCenters %s, is the adjoint of the resize: <f(x), dy> = <x, grad>', async (align, half) => {
      // A linear map's gradient is its transpose; cpu cannot serve as reference (it swaps height and width).
      const gap = async (): Promise<number> => {
        const [lhs, rhs] = await on('wasm', () => {
          const [x, dy] = [T([2, 5, 4, 3], 88), T([2, 9, 7, 3], 87)];
          const f = (u: tf.Tensor): tf.Tensor => tf.image.resizeBilinear(u as tf.Tensor4D, [9, 7], align, half);
          return [tf.sum(tf.mul(f(x), dy)), tf.sum(tf.mul(x, tf.grad(f)(x, dy)))];
        });
        return Math.abs(lhs![0]! - rhs![0]!) / Math.abs(lhs![0]!);
      };
      if (half) expect(await withStock(gap)).toBeGreaterThan(1e-2);
      expect(await gap()).toBeLessThan(TOL);
    });
});

describe('tfjs-core limitations, on every backend (the engine must work around them)', () => {
  const throwsOnCpu = async (build: Build): Promise<void> => {
    await expect(on('cpu', build)).rejects.toThrow();
  };
  it('conv2d, depthwiseConv2d and conv3d gradients refuse dilations > 1', () =>
    throwsOnCpu(withGrads((x, f) => tf.conv2d(x as tf.Tensor4D, f as tf.Tensor4D, 1, 'same', 'NHWC', 2), () => [T([1, 5, 5, 1], 1), T([2, 2, 1, 1], 2)])));
  it('BatchMatMul gradient does not sum over broadcast batch dimensions', () =>
    throwsOnCpu(withGrads((a, b) => tf.matMul(a!, b!), () => [T([2, 3, 4], 3), T([1, 4, 5], 4)])));
  it.each([['SquaredDifference', tf.squaredDifference], ['Maximum', tf.maximum], ['Minimum', tf.minimum]] as const)(
    '%s gradient does not sum over broadcast dimensions', (_, op) =>
      throwsOnCpu(withGrads((a, b) => op(a!, b!), () => [T([2, 3], 5), T([3], 6)])));
  it('Cumsum gradient on an axis other than the last has the wrong shape', () =>
    throwsOnCpu(withGrads((x) => tf.cumsum(x!, 0), () => [T([3, 2], 7)])));
  it('comparisons have no gradient, so a mask computed from a differentiated input throws', () =>
    throwsOnCpu(withGrads((x) => tf.where(tf.greater(x!, 0), x!, tf.zerosLike(x!)), () => [T([3, 2], 8)])));
  it('StridedSlice has no gradient', () =>
    throwsOnCpu(withGrads((x) => tf.stridedSlice(x!, [0], [4], [2]), () => [T([5], 9)])));
  it('MaxPool and AvgPool gradients drop dimRoundingMode, silently (pass explicit pads instead)', async () => {
    // Each dy lands on exactly one input, so the sums must agree; the overhanging window's dy is lost.
    const [g, dy] = await on('cpu', () => {
      const [, gx] = withGrads((x) => tf.maxPool(x as tf.Tensor4D, 3, 2, 0, 'ceil'), () => [T([1, 6, 6, 1], 10)])();
      return [tf.sum(gx!), tf.sum(T([1, 3, 3, 1], 99))];
    });
    expect(Math.abs(g![0]! - dy![0]!)).toBeGreaterThan(1e-3);
  });
});
