/**
 * `npm run profile [-- --backend wasm,tensorflow] [-- --only mlp,cnn] [-- --runs 20]`
 *
 * Where the time of one benchmark step goes (the workloads of scripts/peers.ts, every
 * gradient): every kernel of the backend is wrapped with a timer, so that a step splits
 * into kernel time (forward, backward, and the layout transposes after the tape), the
 * copy of the inputs in and of the gradients out, and the rest: TensorFlow.js's
 * dispatch and tape, netport's plan walk, tidy. Kernels that netport's wasm kernels run
 * inside their own bodies are counted apart (nested), inside their parent's time.
 * Also: what XNNPACK's weight packing costs a matMul whose right operand is new.
 */
import type { KernelConfig, Tensor } from '@tensorflow/tfjs-core';
import { nativePackage, selectBackend, type BackendName } from '../lib/backend';
import { tf } from '../lib/backend/tf';
import { Net } from '../lib/runtime';
import { readTensor, type NumArray } from '../lib/tensors';
import { median } from './bench';
import { workloads } from './peers';

type Phase = 'forward' | 'backward' | 'after';

interface Record_ {
  name: string;
  phase: Phase;
  ms: number;
  nested: boolean;
}

let records: Record_[] | undefined;
let depth = 0;

/** Wraps every kernel of `backend` with a timer (while `records` is set). Returns the undo. */
function instrument(backend: BackendName): () => void {
  const configs = tf.getKernelsForBackend(backend) as KernelConfig[];
  for (const config of configs) {
    const inner = config.kernelFunc;
    tf.unregisterKernel(config.kernelName, backend);
    tf.registerKernel({
      ...config,
      kernelFunc: (args) => {
        if (!records) return inner(args);
        const state = tf.engine().state as unknown as { gradientDepth: number; activeTape: unknown };
        const phase: Phase = state.gradientDepth > 0 ? 'forward' : state.activeTape ? 'backward' : 'after';
        depth++;
        const t0 = performance.now();
        try {
          return inner(args);
        } finally {
          const ms = performance.now() - t0;
          depth--;
          records.push({ name: config.kernelName, phase, ms, nested: depth > 0 });
        }
      },
    });
  }
  return () => {
    for (const config of configs) {
      tf.unregisterKernel(config.kernelName, backend);
      tf.registerKernel(config);
    }
  };
}

function timeMedian(f: () => unknown, runs: number): number {
  for (let i = 0; i < 3; i++) f();
  const ts: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    f();
    ts.push(performance.now() - t0);
  }
  return median(ts);
}

/** ms of a matMul [m, k] x [k, n] whose right operand is the same tensor every time, and a new one every time. */
function packing(m: number, k: number, n: number, runs: number): { same: number; fresh: number } {
  const a = tf.randomNormal([m, k]);
  const b = tf.randomNormal([k, n]);
  const same = timeMedian(() => {
    const c = tf.matMul(a, b);
    c.dataSync();
    c.dispose();
  }, runs);
  const fresh = timeMedian(
    () => {
      const c = tf.add(b, 0); // new data, so XNNPACK sees a new weight tensor
      const d = tf.matMul(a, c);
      d.dataSync();
      tf.dispose([c, d]);
    },
    runs,
  ) - timeMedian(() => {
    const c = tf.add(b, 0);
    c.dataSync();
    c.dispose();
  }, runs);
  tf.dispose([a, b]);
  return { same, fresh };
}

async function main(argv: string[]): Promise<void> {
  const arg = (flag: string) => {
    const i = argv.indexOf(flag);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const backends = (arg('--backend')?.split(',') ?? ['wasm', ...(nativePackage() ? ['tensorflow'] : [])]) as BackendName[];
  const only = arg('--only')?.split(',') ?? ['small', 'mlp', 'cnn'];
  const runs = Number(arg('--runs') ?? 30);
  process.env.TF_CPP_MIN_LOG_LEVEL ??= '1';
  const out: string[] = [];
  for (const backend of backends) {
    await selectBackend(backend);
    const undo = instrument(backend);
    try {
      for (const w of workloads().filter((x) => only.includes(x.name))) {
        const net = await Net.load(w.net, { backend, initialize: 1 });
        const requests = w.gradients.map((g) => g.request);
        const step = () => net.evaluate(w.data, { gradients: requests, format: 'typed' }).gradients.map((g) => g.value);
        const grads = step();
        // Instrumented steps, each timed whole; the median one (by wall time) is reported.
        for (let i = 0; i < 3; i++) step();
        const profiled: Array<{ wall: number; rs: Record_[] }> = [];
        for (let i = 0; i < runs; i++) {
          records = [];
          const t0 = performance.now();
          step();
          profiled.push({ wall: performance.now() - t0, rs: records });
          records = undefined;
        }
        const top = (rs: Record_[]) => rs.filter((r) => !r.nested);
        const total = (rs: Record_[]) => rs.reduce((s, r) => s + r.ms, 0);
        profiled.sort((a, b) => a.wall - b.wall);
        const { wall, rs } = profiled[profiled.length >> 1]!;
        const kernels = top(rs);
        const byPhase = (p: Phase) => kernels.filter((r) => r.phase === p);
        // Copies: the inputs into the backend, the gradients out of it.
        const copyIn = timeMedian(() => {
          for (const a of Object.values(w.data)) tf.tensor(a.data, [...a.dims], a.data instanceof Int32Array ? 'int32' : 'float32').dispose();
        }, runs);
        const outs = grads.map((g: NumArray) => tf.zeros([...g.dims]));
        const copyOut = timeMedian(() => outs.map((t: Tensor) => {
          const c = tf.add(t, 0);
          readTensor(c, backend);
          c.dispose();
        }), runs) - timeMedian(() => outs.map((t: Tensor) => tf.add(t, 0).dispose()), runs);
        tf.dispose(outs);
        const kernelMs = total(kernels);
        out.push(`### ${w.name} on ${backend}: ${wall.toFixed(2)} ms a step (the median of ${runs} instrumented steps)`, '');
        out.push('| part | ms | share |', '|---|---|---|');
        const row = (what: string, ms: number) => out.push(`| ${what} | ${ms.toFixed(2)} | ${((100 * ms) / wall).toFixed(0)}% |`);
        row(`kernels, forward (${byPhase('forward').length} ops)`, total(byPhase('forward')));
        row(`kernels, backward (${byPhase('backward').length} ops)`, total(byPhase('backward')));
        row(`kernels after the tape: layouts (${byPhase('after').length} ops)`, total(byPhase('after')));
        row('copy in (inputs)', copyIn);
        row('copy out (gradients)', Math.max(0, copyOut));
        row('the rest: dispatch, tape, plan walk, tidy', Math.max(0, wall - kernelMs - copyIn - Math.max(0, copyOut)));
        out.push('');
        const agg = new Map<string, { n: number; ms: number; nested: number }>();
        for (const r of rs) {
          const key = `${r.name}${r.phase === 'forward' ? '' : ` (${r.phase})`}`;
          const e = agg.get(key) ?? { n: 0, ms: 0, nested: 0 };
          if (r.nested) e.nested++;
          else {
            e.n++;
            e.ms += r.ms;
          }
          agg.set(key, e);
        }
        const sorted = [...agg].filter(([, e]) => e.n > 0).sort((a, b) => b[1].ms - a[1].ms);
        out.push(`| kernel | calls | ms |`, '|---|---|---|');
        for (const [name, e] of sorted.slice(0, 14)) out.push(`| ${name} | ${e.n} | ${e.ms.toFixed(2)} |`);
        const nested = rs.filter((r) => r.nested);
        if (nested.length > 0) {
          const kinds = new Map<string, number>();
          for (const r of nested) kinds.set(r.name, (kinds.get(r.name) ?? 0) + 1);
          out.push('', `nested ops (inside composite kernels): ${nested.length}: ${[...kinds].map(([k, n]) => `${k} ${n}`).join(', ')}`);
        }
        if (argv.includes('--list')) out.push('', `ops in order: ${kernels.map((r) => `${r.name}${r.phase === 'forward' ? '' : `/${r.phase[0]}`}`).join(' ')}`);
        out.push('');
        net.dispose();
      }
      if (only.includes('mlp') && backend === 'wasm') {
        const shapes: Array<[number, number, number]> = [
          [128, 784, 256],
          [128, 256, 256],
          [128, 256, 784],
        ];
        out.push(`XNNPACK packing on ${backend} (matMul ms, right operand the same tensor / a new one each call):`);
        for (const [m, k, n] of shapes) {
          const p = packing(m, k, n, runs);
          out.push(`  [${m}, ${k}] x [${k}, ${n}]: ${p.same.toFixed(3)} / ${p.fresh.toFixed(3)}`);
        }
        out.push('');
      }
    } finally {
      undo();
    }
  }
  process.stdout.write(`${out.join('\n')}\n`);
}

if (require.main === module) {
  main(process.argv.slice(2)).catch((e) => {
    process.stderr.write(`${(e as Error).stack ?? e}\n`);
    process.exitCode = 1;
  });
}
