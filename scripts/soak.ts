/**
 * `npm run soak [-- --backend wasm] [-- --n 10000] [-- --net mlp]`
 *
 * Evaluates one compiled net many times in one process and reports the TensorFlow.js
 * tensor count and the resident memory after warm-up and at the end: a leak shows as a
 * growing count or a resident set that keeps growing.
 */
import { selectBackend, type BackendName } from '../lib/backend';
import { tf } from '../lib/backend/tf';
import { Net } from '../lib/runtime';

const NETS = {
  small: { description: { type: 'NetChain', Input: 8, Layers: [16, 'Tanh', 4] }, batch: 1, input: [8] },
  mlp: {
    description: {
      type: 'NetChain',
      Input: 784,
      Layers: [256, 'Ramp', 256, 'Ramp', 10, { type: 'SoftmaxLayer' }, { type: 'CrossEntropyLossLayer', TargetForm: 'Index' }],
    },
    batch: 128,
    input: [784],
  },
} as const;

async function main(argv: string[]): Promise<void> {
  const arg = (flag: string, fallback: string) => {
    const i = argv.indexOf(flag);
    return i >= 0 ? argv[i + 1]! : fallback;
  };
  const backend = arg('--backend', 'wasm') as BackendName;
  const n = Number(arg('--n', '10000'));
  const which = arg('--net', 'small') as keyof typeof NETS;
  const spec = NETS[which];
  await selectBackend(backend);
  const net = await Net.load(spec.description, { backend, initialize: 1 });
  const size = spec.batch * spec.input.reduce((a, b) => a * b, 1);
  const data: Record<string, unknown> = {
    Input: { dims: spec.batch > 1 ? [spec.batch, ...spec.input] : [...spec.input], data: Float32Array.from({ length: size }, (_, i) => Math.sin(i)) },
  };
  if (which === 'mlp') data.Target = { dims: [spec.batch], data: Float32Array.from({ length: spec.batch }, (_, i) => 1 + (i % 10)) };
  const warmup = Math.min(1000, Math.floor(n / 10));
  const step = () => net.evaluate(data, { gradients: ['All'], format: 'typed' });
  for (let i = 0; i < warmup; i++) step();
  global.gc?.();
  const tensors0 = tf.memory().numTensors;
  const rss0 = process.memoryUsage().rss;
  const t0 = performance.now();
  for (let i = 0; i < n; i++) step();
  const seconds = (performance.now() - t0) / 1000;
  global.gc?.();
  const tensors1 = tf.memory().numTensors;
  const rss1 = process.memoryUsage().rss;
  net.dispose();
  const mib = (b: number) => (b / 2 ** 20).toFixed(1);
  process.stdout.write(
    `${which} on ${backend}: ${n} evaluations after ${warmup} warm-up in ${seconds.toFixed(1)} s; ` +
      `tensors ${tensors0} -> ${tensors1}; resident ${mib(rss0)} MiB -> ${mib(rss1)} MiB (${(((rss1 - rss0) / rss0) * 100).toFixed(2)}%); ` +
      `after dispose: ${tf.memory().numTensors} tensors\n`,
  );
  if (tensors1 !== tensors0) process.exitCode = 1;
}

main(process.argv.slice(2)).catch((e) => {
  process.stderr.write(`${(e as Error).stack ?? e}\n`);
  process.exitCode = 1;
});
