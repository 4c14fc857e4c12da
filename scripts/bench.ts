/**
 * `npm run bench [-- --json] [-- --backend wasm,tensorflow] [-- --only mlp] [-- --time 2000] [-- --threads 1]`
 *
 * `--backend tensorflow` needs tfjs-node (`bash scripts/install-native.sh`); the baseline is
 * then the same computation hand-written against tfjs-node. `--threads N` limits
 * libtensorflow's thread pools (TF_NUM_INTRAOP_THREADS, TF_NUM_INTEROP_THREADS): on a shared
 * machine one thread makes its numbers comparable between runs.
 *
 * Times netport against the same computation written by hand with TensorFlow.js on the
 * same backend (same net, same batch, same gradients, same data in and results out), with
 * tinybench: warm-up, then the median over repeated runs. Before timing, each pair is
 * checked to compute the same gradients. Besides the wall-clock medians, the process's
 * CPU time per call (user + system, all threads) gives a second ratio that a busy machine
 * disturbs less.
 */
import * as os from 'node:os';
import type { Tensor } from '@tensorflow/tfjs-core';
import { selectBackend, type BackendName } from '../lib/backend';
import { tf } from '../lib/backend/tf';
import { Net } from '../lib/runtime';
import type { NumArray } from '../lib/tensors';

interface Pair {
  readonly name: string;
  readonly note: string;
  /** FLOPs of one step, for GFLOP/s (0 when not meaningful). */
  readonly flops: number;
  netport(): NumArray[];
  baseline(): NumArray[];
  dispose(): void;
}

/** Deterministic pseudo-random data. */
export function randomArray(n: number, seed: number, scale = 1): Float32Array {
  const out = new Float32Array(n);
  let a = seed >>> 0;
  for (let i = 0; i < n; i++) {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    out[i] = ((((t ^ (t >>> 14)) >>> 0) / 4294967296) * 2 - 1) * scale;
  }
  return out;
}

/** Reads tensors out and frees them. */
function readAll(ts: Tensor[]): NumArray[] {
  const out = ts.map((t) => ({ dims: t.shape, data: t.dataSync() as Float32Array }));
  for (const t of ts) t.dispose();
  return out;
}

/** Wolfram's {out, in, ...} weights as a tensor in TensorFlow.js's layout for the baseline. */
function tensorOf(a: NumArray): Tensor {
  return tf.tensor(a.data, [...a.dims]);
}

/** The benchmark's nets, shared with the peer benchmark (scripts/peers.ts). */
export const NETS = {
  small: { type: 'NetChain', Input: 8, Layers: [16, 'Tanh', 4] },
  mlp: {
    type: 'NetChain',
    Input: 784,
    Layers: [256, 'Ramp', 256, 'Ramp', 10, { type: 'SoftmaxLayer' }, { type: 'CrossEntropyLossLayer', TargetForm: 'Index' }],
  },
  cnn: {
    type: 'NetChain',
    Input: [3, 32, 32],
    Layers: [
      { type: 'ConvolutionLayer', OutputChannels: 16, KernelSize: 3 },
      'Ramp',
      { type: 'PoolingLayer', KernelSize: 2, Stride: 2 },
      { type: 'ConvolutionLayer', OutputChannels: 32, KernelSize: 3 },
      'Ramp',
      { type: 'PoolingLayer', KernelSize: 2, Stride: 2 },
      10,
    ],
  },
} as const;

async function mlp(backend: BackendName): Promise<Pair> {
  const batch = 128;
  const net = await Net.load(NETS.mlp, { backend, initialize: 1 });
  const x = { dims: [batch, 784], data: randomArray(batch * 784, 2) };
  const target = { dims: [batch], data: Float32Array.from({ length: batch }, (_, i) => 1 + (i % 10)) };
  // The hand-written version keeps dense weights as TensorFlow.js does ([in, out]).
  const w = [1, 3, 5].map((i) => tf.keep(tf.transpose(tensorOf(net.array([i, 'Weights'])))));
  const b = [1, 3, 5].map((i) => tf.keep(tensorOf(net.array([i, 'Biases']))));
  const flops = 2 * 3 * batch * (784 * 256 + 256 * 256 + 256 * 10);
  return {
    name: 'mlp',
    note: 'Linear 784-256-Ramp-256-Ramp-10, softmax + Index cross-entropy, batch 128, gradients of all arrays and the input',
    flops,
    netport: () => {
      const r = net.evaluate({ Input: x, Target: target }, { gradients: ['All'], format: 'typed' });
      return r.gradients.map((g) => g.value);
    },
    baseline: () =>
      readAll(
        tf.tidy(() => {
          const xt = tf.tensor(x.data, [batch, 784]);
          const labels = tf.oneHot(tf.tensor1d(Int32Array.from(target.data, (t) => t - 1), 'int32'), 10);
          const f = (input: Tensor, w1: Tensor, b1: Tensor, w2: Tensor, b2: Tensor, w3: Tensor, b3: Tensor) => {
            const h1 = tf.relu(tf.add(tf.matMul(input, w1), b1));
            const h2 = tf.relu(tf.add(tf.matMul(h1, w2), b2));
            const logits = tf.add(tf.matMul(h2, w3), b3);
            return tf.neg(tf.sum(tf.mul(labels, tf.logSoftmax(logits)), -1));
          };
          const { grads } = tf.valueAndGrads(f as (...a: Tensor[]) => Tensor)([xt, w[0]!, b[0]!, w[1]!, b[1]!, w[2]!, b[2]!]);
          // Results in Wolfram's layout and order, as netport gives them: weights {out, in},
          // NetPortGradient[All] sorted by path (Input, {1, "Biases"}, {1, "Weights"}, ...).
          const [gx, gw1, gb1, gw2, gb2, gw3, gb3] = grads as Tensor[];
          return [gx!, gb1!, tf.transpose(gw1!), gb2!, tf.transpose(gw2!), gb3!, tf.transpose(gw3!)];
        }),
      ),
    dispose: () => {
      net.dispose();
      tf.dispose([...w, ...b]);
    },
  };
}

async function cnn(backend: BackendName): Promise<Pair> {
  const batch = 32;
  const net = await Net.load(NETS.cnn, { backend, initialize: 1 });
  const x = { dims: [batch, 3, 32, 32], data: randomArray(batch * 3 * 32 * 32, 3) };
  // TensorFlow.js filters are [kh, kw, in, out]; Wolfram's are {out, in, kh, kw}.
  const k1 = tf.keep(tf.transpose(tensorOf(net.array([1, 'Weights'])), [2, 3, 1, 0]));
  const c1 = tf.keep(tensorOf(net.array([1, 'Biases'])));
  const k2 = tf.keep(tf.transpose(tensorOf(net.array([4, 'Weights'])), [2, 3, 1, 0]));
  const c2 = tf.keep(tensorOf(net.array([4, 'Biases'])));
  // Wolfram flattens {32, 6, 6} channel-first: reorder the dense weights' rows once for NHWC.
  const w3 = tf.keep(tf.tidy(() => tf.reshape(tf.transpose(tf.reshape(tensorOf(net.array([7, 'Weights'])), [10, 32, 6, 6]), [2, 3, 1, 0]), [6 * 6 * 32, 10])));
  const b3 = tf.keep(tensorOf(net.array([7, 'Biases'])));
  const flops = 2 * 3 * batch * (30 * 30 * 16 * 27 + 13 * 13 * 32 * 16 * 9 + 1152 * 10);
  return {
    name: 'cnn',
    note: 'input {3, 32, 32}, Conv 16 3x3, Ramp, Pool 2/2, Conv 32 3x3, Ramp, Pool 2/2, Linear 10, batch 32, all gradients',
    flops,
    netport: () => net.evaluate({ Input: x }, { gradients: ['All'], format: 'typed' }).gradients.map((g) => g.value),
    baseline: () =>
      readAll(
        tf.tidy(() => {
          const input = tf.tensor(x.data, [batch, 3, 32, 32]);
          const f = (xin: Tensor, a: Tensor, ab: Tensor, c: Tensor, cb: Tensor, w: Tensor, wb: Tensor) => {
            const nhwc = tf.transpose(xin, [0, 2, 3, 1]) as tf.Tensor4D;
            const h1 = tf.maxPool(tf.relu(tf.add(tf.conv2d(nhwc, a as tf.Tensor4D, 1, 'valid'), ab)) as tf.Tensor4D, 2, 2, 'valid');
            const h2 = tf.maxPool(tf.relu(tf.add(tf.conv2d(h1, c as tf.Tensor4D, 1, 'valid'), cb)) as tf.Tensor4D, 2, 2, 'valid');
            return tf.add(tf.matMul(tf.reshape(h2, [batch, 6 * 6 * 32]), w), wb);
          };
          const { grads } = tf.valueAndGrads(f as (...a: Tensor[]) => Tensor)([input, k1, c1, k2, c2, w3, b3]);
          const [gx, gk1, gc1, gk2, gc2, gw3, gb3] = grads as Tensor[];
          return [
            gx!,
            gc1!,
            tf.transpose(gk1!, [3, 2, 0, 1]),
            gc2!,
            tf.transpose(gk2!, [3, 2, 0, 1]),
            gb3!,
            tf.reshape(tf.transpose(tf.reshape(gw3!, [6, 6, 32, 10]), [3, 2, 0, 1]), [10, 1152]),
          ];
        }),
      ),
    dispose: () => {
      net.dispose();
      tf.dispose([k1, c1, k2, c2, w3, b3]);
    },
  };
}

async function small(backend: BackendName): Promise<Pair> {
  const net = await Net.load(NETS.small, { backend, initialize: 1 });
  const x = { dims: [8], data: randomArray(8, 4) };
  const w1 = tf.keep(tensorOf(net.array([1, 'Weights'])));
  const b1 = tf.keep(tensorOf(net.array([1, 'Biases'])));
  const w2 = tf.keep(tensorOf(net.array([3, 'Weights'])));
  const b2 = tf.keep(tensorOf(net.array([3, 'Biases'])));
  return {
    name: 'small',
    note: 'Linear 8-16-Tanh-4, one example, the input gradient only (overhead-bound)',
    flops: 0,
    netport: () => net.evaluate({ Input: x }, { gradients: ['Input'], format: 'typed' }).gradients.map((g) => g.value),
    baseline: () =>
      readAll(
        tf.tidy(() => {
          const input = tf.tensor(x.data, [1, 8]);
          const g = tf.grad((v: Tensor) => tf.add(tf.matMul(tf.tanh(tf.add(tf.matMul(v, w1, false, true), b1)), w2, false, true), b2))(input);
          return [tf.reshape(g, [8])];
        }),
      ),
    dispose: () => {
      net.dispose();
      tf.dispose([w1, b1, w2, b2]);
    },
  };
}

// The overhead-bound pair first: after the cnn (hundreds of MB of garbage on cpu) a
// sub-millisecond pair would mostly time the garbage collector.
export const PAIRS = { small, mlp, cnn } as const;

/** Alternating rounds per pair (see main). */
const ROUNDS = 8;

/** How many calls make a sample of at least 5 ms. */
function callsPerSample(pair: Pair): number {
  for (let i = 0; i < 10; i++) pair.netport();
  const t0 = performance.now();
  for (let i = 0; i < 10; i++) pair.netport();
  const each = (performance.now() - t0) / 10;
  return Math.max(1, Math.ceil(5 / each));
}

/**
 * The raw matMul throughput of the mlp's shapes (forward only), for comparison: per
 * wall-clock second and per CPU second (all threads), which a busy machine disturbs less.
 */
function matMulGflops(): { wall: number; cpu: number } {
  const shapes: Array<[number, number, number]> = [
    [128, 784, 256],
    [128, 256, 256],
    [128, 256, 10],
  ];
  const ts = shapes.map(([m, k, n]) => [tf.randomNormal([m, k]), tf.randomNormal([k, n])] as const);
  // Read outside tf.tidy: tidy walks whatever its function returns, element by element.
  const step = () => {
    for (const [a, b] of ts) {
      const c = tf.matMul(a, b);
      c.dataSync();
      c.dispose();
    }
  };
  for (let i = 0; i < 5; i++) step();
  const times: number[] = [];
  const c0 = process.cpuUsage();
  for (let i = 0; i < 30; i++) {
    const t0 = performance.now();
    step();
    times.push(performance.now() - t0);
  }
  const c = process.cpuUsage(c0);
  tf.dispose(ts.flat());
  const flops = shapes.reduce((s, [m, k, n]) => s + 2 * m * k * n, 0);
  return { wall: flops / median(times) / 1e6, cpu: (30 * flops) / (c.user + c.system) / 1e3 };
}

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

function maxRelDiff(a: NumArray[], b: NumArray[]): number {
  let worst = 0;
  a.forEach((x, i) => {
    const y = b[i]!;
    if (x.data.length !== y.data.length) throw new Error(`result ${i}: ${x.data.length} values vs ${y.data.length}`);
    let scale = 0;
    for (const v of y.data) scale = Math.max(scale, Math.abs(v));
    x.data.forEach((v, j) => (worst = Math.max(worst, Math.abs(v - y.data[j]!) / (scale + 1e-12))));
  });
  return worst;
}

interface Row {
  name: string;
  backend: BackendName;
  netport_ms: number;
  baseline_ms: number;
  ratio: number;
  /** netport / baseline in CPU time per call (not in the --json output of CONTRACT section 6). */
  cpuRatio: number;
  note: string;
}

async function main(argv: string[]): Promise<void> {
  const { Bench } = await import('tinybench');
  const arg = (flag: string) => {
    const i = argv.indexOf(flag);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const json = argv.includes('--json');
  const backends = (arg('--backend')?.split(',') ?? ['wasm', 'cpu']) as BackendName[];
  const only = arg('--only')?.split(',');
  const time = Number(arg('--time') ?? 3000);
  const threads = arg('--threads');
  if (threads !== undefined) {
    // Read by libtensorflow when tfjs-node loads (selectBackend below).
    process.env.TF_NUM_INTRAOP_THREADS = threads;
    process.env.TF_NUM_INTEROP_THREADS = threads;
  }
  const rows: Row[] = [];
  const extras: string[] = [];
  for (const backend of backends) {
    await selectBackend(backend);
    for (const [name, make] of Object.entries(PAIRS)) {
      if (only && !only.includes(name)) continue;
      // The cpu backend is ~100x slower on the cnn: fewer runs keep the bench short.
      const budget = backend === 'cpu' && name === 'cnn' ? Math.min(time, 1) : time;
      global.gc?.();
      const pair = await make(backend);
      try {
        const drift = maxRelDiff(pair.netport(), pair.baseline());
        if (drift > 1e-3) throw new Error(`${name} on ${backend}: netport and the baseline disagree (max relative difference ${drift})`);
        const before = tf.memory().numTensors;
        // Rounds in alternating order (netport first, then the baseline first, ...), so
        // that a slow spell of a shared machine does not land on one side only; the
        // median is over every sample of every round. A sample times `repeat` calls, so
        // that sub-millisecond calls are not at the mercy of timer and GC jitter.
        const repeat = callsPerSample(pair);
        const samples: Record<'netport' | 'baseline', number[]> = { netport: [], baseline: [] };
        const cpu = { netport: { us: 0, calls: 0 }, baseline: { us: 0, calls: 0 } };
        const slow = backend === 'cpu' && name === 'cnn';
        const rounds = slow ? 2 : ROUNDS;
        for (let round = 0; round < rounds; round++) {
          const bench = new Bench({ time: budget / rounds, warmupTime: round === 0 ? Math.min(500, budget) : 20, warmupIterations: round === 0 ? 3 : 1, iterations: slow ? 1 : 3, retainSamples: true });
          const order = round % 2 === 0 ? (['netport', 'baseline'] as const) : (['baseline', 'netport'] as const);
          for (const task of order) {
            bench.add(task, () => {
              const c0 = process.cpuUsage();
              for (let i = 0; i < repeat; i++) pair[task]();
              const c = process.cpuUsage(c0);
              cpu[task].us += c.user + c.system;
              cpu[task].calls += repeat;
            });
          }
          await bench.run();
          for (const task of bench.tasks) {
            const got = (task.result as { latency: { samples?: number[] } }).latency.samples ?? [];
            samples[task.name as 'netport' | 'baseline'].push(...got.map((ms) => ms / repeat));
          }
        }
        if (tf.memory().numTensors !== before) throw new Error(`${name} on ${backend}: the tensor count changed during the runs`);
        const np = median(samples.netport);
        const bl = median(samples.baseline);
        const cpuRatio = cpu.netport.us / cpu.netport.calls / (cpu.baseline.us / cpu.baseline.calls);
        rows.push({ name, backend, netport_ms: round(np), baseline_ms: round(bl), ratio: round(np / bl, 3), cpuRatio: round(cpuRatio, 3), note: pair.note });
        const cpuMs = { netport: cpu.netport.us / cpu.netport.calls / 1000, baseline: cpu.baseline.us / cpu.baseline.calls / 1000 };
        extras.push(`${name} on ${backend}: CPU time per call netport ${cpuMs.netport.toPrecision(3)} ms, baseline ${cpuMs.baseline.toPrecision(3)} ms`);
        if (pair.flops > 0) {
          extras.push(`${name} on ${backend}: netport ${(pair.flops / np / 1e6).toPrecision(3)} GFLOP/s, baseline ${(pair.flops / bl / 1e6).toPrecision(3)} GFLOP/s (per CPU second: ${(pair.flops / cpuMs.netport / 1e6).toPrecision(3)} and ${(pair.flops / cpuMs.baseline / 1e6).toPrecision(3)})`);
        }
      } finally {
        pair.dispose();
      }
    }
    if (!only || only.includes('mlp')) {
      const raw = matMulGflops();
      extras.push(`raw matMul (mlp shapes, forward) on ${backend}: ${raw.wall.toFixed(1)} GFLOP/s (per CPU second: ${raw.cpu.toFixed(1)})`);
    }
  }
  const tfThreads = backends.includes('tensorflow') ? `, libtensorflow threads ${threads ?? 'default'}` : '';
  const machine = `${os.cpus()[0]?.model ?? 'unknown CPU'} x${os.cpus().length}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}, ${os.platform()}${tfThreads}`;
  if (json) {
    process.stdout.write(`${JSON.stringify({ machine, results: rows.map(({ cpuRatio: _, ...r }) => r) })}\n`);
    return;
  }
  process.stdout.write(`machine: ${machine}\n\n`);
  process.stdout.write('| name | backend | netport ms | baseline ms | ratio | CPU-time ratio |\n|---|---|---|---|---|---|\n');
  for (const r of rows) process.stdout.write(`| ${r.name} | ${r.backend} | ${r.netport_ms} | ${r.baseline_ms} | ${r.ratio} | ${r.cpuRatio} |\n`);
  process.stdout.write(`\n${extras.join('\n')}\n`);
}

function round(x: number, digits = 2): number {
  return Number(x.toFixed(digits));
}

if (require.main === module) {
  main(process.argv.slice(2)).catch((e) => {
    process.stderr.write(`${(e as Error).stack ?? e}\n`);
    process.exitCode = 1;
  });
}
