/**
 * Median times of netport's wasm kernels against the stock wasm kernel and
 * the cpu backend, printed as the markdown table of docs/WASM-KERNELS.md.
 *
 *   npx tsc -p tsconfig.build.json && node dist/scripts/wasm-kernels-timing.js [filter]
 */
import * as os from 'node:os';
import { tf } from '../lib/backend/tf';
import { registerWasmKernels, unregisterWasmKernels } from '../lib/backend/kernels';

type Run = () => tf.Tensor | tf.Tensor[];
interface Case {
  name: string;
  /** Creates the inputs on the current backend and returns the timed call. */
  setup: () => Run;
  flops?: number;
  /** The stock wasm kernel is missing, or corrupts the heap on this case. */
  noStock?: boolean;
  /** Iterations on the cpu backend (0: skip); conv filter gradients take seconds there. */
  cpuReps?: number;
}

let seed = 1;
const T = (shape: number[]): tf.Tensor => tf.randomUniform(shape, -1, 1, 'float32', seed++);
const kernel = (name: string, inputs: Record<string, tf.Tensor>, attrs: object): tf.Tensor =>
  tf.engine().runKernel(name, inputs, attrs as tf.NamedAttrMap) as tf.Tensor;

/** Warm-up, then the median of `reps` runs; each run includes reading the result back (wasm is synchronous anyway). */
function median(run: Run, reps: number, warmup = 2): number {
  const once = (): number => {
    const t0 = performance.now();
    const out = run();
    for (const t of Array.isArray(out) ? out : [out]) {
      t.dataSync();
      t.dispose();
    }
    return performance.now() - t0;
  };
  for (let i = 0; i < warmup; i++) once();
  const times = Array.from({ length: reps }, once).sort((a, b) => a - b);
  return times[Math.floor(reps / 2)]!;
}

const mm = 2 * 128 * 784 * 256;
const cases: Case[] = [
  { name: 'Conv2DBackpropFilter x[32,32,32,3] -> 16 3x3 same', noStock: true, cpuReps: 3, setup: () => {
    const [x, dy] = [T([32, 32, 32, 3]), T([32, 32, 32, 16])];
    return () => kernel('Conv2DBackpropFilter', { x, dy }, { strides: 1, pad: 'same', dataFormat: 'NHWC', filterShape: [3, 3, 3, 16] });
  } },
  { name: 'Conv2DBackpropFilter x[32,16,16,16] -> 32 3x3 same', noStock: true, cpuReps: 3, setup: () => {
    const [x, dy] = [T([32, 16, 16, 16]), T([32, 16, 16, 32])];
    return () => kernel('Conv2DBackpropFilter', { x, dy }, { strides: 1, pad: 'same', dataFormat: 'NHWC', filterShape: [3, 3, 16, 32] });
  } },
  { name: 'Conv2DBackpropInput x[32,16,16,16] <- 32 3x3 same', setup: () => {
    const [dy, filter] = [T([32, 16, 16, 32]), T([3, 3, 16, 32])];
    return () => kernel('Conv2DBackpropInput', { dy, filter }, { strides: 1, pad: 'same', dataFormat: 'NHWC', inputShape: [32, 16, 16, 16] });
  } },
  { name: 'Conv2DBackpropInput x[32,32,32,16] <- 32 3x3 stride 2', setup: () => {
    const [dy, filter] = [T([32, 16, 16, 32]), T([3, 3, 16, 32])];
    return () => kernel('Conv2DBackpropInput', { dy, filter }, { strides: 2, pad: 'same', dataFormat: 'NHWC', inputShape: [32, 32, 32, 16] });
  } },
  { name: 'DepthwiseConv2dNativeBackpropInput x[32,32,32,16] x2 3x3', noStock: true, setup: () => {
    const [dy, filter] = [T([32, 32, 32, 32]), T([3, 3, 16, 2])];
    return () => kernel('DepthwiseConv2dNativeBackpropInput', { dy, filter }, { strides: 1, pad: 'same', dilations: 1, inputShape: [32, 32, 32, 16] });
  } },
  { name: 'DepthwiseConv2dNativeBackpropFilter x[32,32,32,16] x2 3x3', noStock: true, cpuReps: 3, setup: () => {
    const [x, dy] = [T([32, 32, 32, 16]), T([32, 32, 32, 32])];
    return () => kernel('DepthwiseConv2dNativeBackpropFilter', { x, dy }, { strides: 1, pad: 'same', dilations: 1, filterShape: [3, 3, 16, 2] });
  } },
  { name: 'MaxPoolGrad 2x2 stride 2 on [32,32,32,16]', setup: () => {
    const input = T([32, 32, 32, 16]);
    const output = tf.maxPool(input as tf.Tensor4D, 2, 2, 'valid');
    const dy = T(output.shape);
    return () => kernel('MaxPoolGrad', { dy, input, output }, { filterSize: 2, strides: 2, pad: 'valid' });
  } },
  { name: 'MaxPoolGrad 3x3 stride 2 same on [32,32,32,16]', setup: () => {
    const input = T([32, 32, 32, 16]);
    const output = tf.maxPool(input as tf.Tensor4D, 3, 2, 'same');
    const dy = T(output.shape);
    return () => kernel('MaxPoolGrad', { dy, input, output }, { filterSize: 3, strides: 2, pad: 'same' });
  } },
  { name: 'MaxPool3D 2x2x2 stride 2 on [8,8,16,16,16]', setup: () => {
    const x = T([8, 8, 16, 16, 16]);
    return () => kernel('MaxPool3D', { x }, { filterSize: 2, strides: 2, pad: 'valid', dataFormat: 'NDHWC' });
  } },
  { name: 'MaxPool3DGrad 2x2x2 stride 2 on [8,8,16,16,16]', setup: () => {
    const input = T([8, 8, 16, 16, 16]);
    const output = tf.maxPool3d(input as tf.Tensor5D, 2, 2, 'valid');
    const dy = T(output.shape);
    return () => kernel('MaxPool3DGrad', { dy, input, output }, { filterSize: 2, strides: 2, pad: 'valid' });
  } },
  { name: 'Conv3D x[8,8,16,16,8] -> 16 3x3x3 same', flops: 2 * 8 * 8 * 16 * 16 * 27 * 8 * 16, cpuReps: 3, setup: () => {
    const [x, filter] = [T([8, 8, 16, 16, 8]), T([3, 3, 3, 8, 16])];
    return () => kernel('Conv3D', { x, filter }, { strides: 1, pad: 'same', dataFormat: 'NDHWC', dilations: 1 });
  } },
  { name: 'Conv3DBackpropInputV2 x[8,8,16,16,8] <- 16 3x3x3', cpuReps: 3, setup: () => {
    const [dy, filter] = [T([8, 8, 16, 16, 16]), T([3, 3, 3, 8, 16])];
    return () => kernel('Conv3DBackpropInputV2', { dy, filter }, { strides: 1, pad: 'same', inputShape: [8, 8, 16, 16, 8] });
  } },
  { name: 'Conv3DBackpropFilterV2 x[8,8,16,16,8] -> 16 3x3x3', cpuReps: 3, setup: () => {
    const [x, dy] = [T([8, 8, 16, 16, 8]), T([8, 8, 16, 16, 16])];
    return () => kernel('Conv3DBackpropFilterV2', { x, dy }, { strides: 1, pad: 'same', filterShape: [3, 3, 3, 8, 16] });
  } },
  // The cpu kernel makes one masked sum of all of x per segment: minutes at a 10000-word vocabulary.
  { name: 'UnsortedSegmentSum [4096,64] -> 10000 (gather gradient)', noStock: true, cpuReps: 0, setup: () => {
    const x = T([4096, 64]);
    const ids = tf.tensor1d(Int32Array.from({ length: 4096 }, (_, i) => (i * 7919) % 10000), 'int32');
    return () => tf.unsortedSegmentSum(x, ids, 10000);
  } },
  { name: 'UnsortedSegmentSum [4096,64] -> 500', noStock: true, cpuReps: 3, setup: () => {
    const x = T([4096, 64]);
    const ids = tf.tensor1d(Int32Array.from({ length: 4096 }, (_, i) => (i * 7919) % 500), 'int32');
    return () => tf.unsortedSegmentSum(x, ids, 500);
  } },
  { name: 'ResizeBilinearGrad halfPixelCenters [32,16,16,16] -> 32x32', setup: () => {
    const [images, dy] = [T([32, 16, 16, 16]), T([32, 32, 32, 16])];
    return () => kernel('ResizeBilinearGrad', { images, dy }, { alignCorners: false, halfPixelCenters: true });
  } },
  { name: 'ResizeNearestNeighborGrad [32,16,16,16] -> 32x32', setup: () => {
    const [images, dy] = [T([32, 16, 16, 16]), T([32, 32, 32, 16])];
    return () => kernel('ResizeNearestNeighborGrad', { images, dy }, { alignCorners: false, halfPixelCenters: false });
  } },
  { name: 'BatchMatMul 128x784 @ 784x256', flops: mm, setup: () => {
    const [a, b] = [T([128, 784]), T([784, 256])];
    return () => tf.matMul(a, b);
  } },
  { name: 'BatchMatMul 128x784 @ (256x784)^T', flops: mm, setup: () => {
    const [a, b] = [T([128, 784]), T([256, 784])];
    return () => tf.matMul(a, b, false, true);
  } },
  { name: 'BatchMatMul (784x128)^T @ 784x256', flops: mm, setup: () => {
    const [a, b] = [T([784, 128]), T([784, 256])];
    return () => tf.matMul(a, b, true, false);
  } },
  { name: 'Dense layer step: y = a @ b, grads of a and b (128x784, 784x256)', flops: 3 * mm, setup: () => {
    const [a, b, dy] = [T([128, 784]), T([784, 256]), T([128, 256])];
    return () => tf.grads((u: tf.Tensor, v: tf.Tensor) => tf.matMul(u, v))([a, b], dy);
  } },
  { name: 'Transpose [8,8,16,16,16] NDHWC -> NCDHW', setup: () => {
    const x = T([8, 8, 16, 16, 16]);
    return () => tf.transpose(x, [0, 4, 1, 2, 3]);
  } },
  { name: 'Transpose [4,8,16,16,16] perm [4,1,0,3,2]', setup: () => {
    const x = T([4, 8, 16, 16, 16]);
    return () => tf.transpose(x, [4, 1, 0, 3, 2]);
  } },
  { name: 'Slice 4 of 16 channels of [32,32,32,16]', setup: () => {
    const x = T([32, 32, 32, 16]);
    return () => tf.slice(x, [0, 0, 0, 4], [32, 32, 32, 4]);
  } },
  { name: 'Slice one time step of [64,100,256]', setup: () => {
    const x = T([64, 100, 256]);
    return () => tf.slice(x, [0, 37, 0], [64, 1, 256]);
  } },
  { name: 'Slice [8,10,18,18,8] depth 1..9', setup: () => {
    const x = T([8, 10, 18, 18, 8]);
    return () => tf.slice(x, [0, 1, 0, 0, 0], [8, 8, 18, 18, 8]);
  } },
];

async function time(c: Case, mode: 'netport' | 'stock' | 'cpu'): Promise<number | undefined> {
  if (mode === 'stock' && c.noStock) return undefined;
  if (mode === 'cpu' && c.cpuReps === 0) return undefined;
  await tf.setBackend(mode === 'cpu' ? 'cpu' : 'wasm');
  if (mode === 'netport') registerWasmKernels();
  else unregisterWasmKernels();
  const reps = mode === 'cpu' ? (c.cpuReps ?? 5) : 9;
  // The inputs made by setup live in this tidy and go with it.
  return tf.tidy(() => median(c.setup(), reps, mode === 'cpu' ? 1 : 3));
}

async function main(): Promise<void> {
  const only = process.argv[2];
  const fmt = (ms: number | undefined): string => (ms === undefined ? '-' : ms < 10 ? ms.toFixed(2) : ms.toFixed(1));
  console.log(`${os.cpus()[0]?.model ?? 'cpu'} x${os.cpus().length}, node ${process.version}, tfjs ${tf.version.tfjs}; median ms\n`);
  console.log('| case | netport wasm | stock wasm | cpu backend | speed-up vs stock | vs cpu |');
  console.log('|---|---:|---:|---:|---:|---:|');
  for (const c of cases.filter((k) => !only || k.name.includes(only))) {
    // The wasm pair is interleaved over rounds, so that load from other processes hits both alike.
    const rounds: Array<[number | undefined, number | undefined]> = [];
    for (let r = 0; r < 3; r++) rounds.push([await time(c, 'netport'), await time(c, 'stock')]);
    const mid = (xs: Array<number | undefined>): number | undefined => xs.includes(undefined) ? undefined : (xs as number[]).sort((a, b) => a - b)[1];
    const ours = mid(rounds.map((r) => r[0]));
    const stock = mid(rounds.map((r) => r[1]));
    const cpu = await time(c, 'cpu');
    const ratio = (other: number | undefined): string => (other === undefined || ours === undefined ? '-' : `${(other / ours).toFixed(1)}x`);
    const gflops = (ms: number | undefined): string => (c.flops && ms ? ` (${(c.flops / ms / 1e6).toFixed(1)} GFLOP/s)` : '');
    console.log(`| ${c.name} | ${fmt(ours)}${gflops(ours)} | ${fmt(stock)}${gflops(stock)} | ${fmt(cpu)}${gflops(cpu)} | ${ratio(stock)} | ${ratio(cpu)} |`);
  }
  registerWasmKernels();
}

void main();
