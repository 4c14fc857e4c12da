/**
 * `npm run bench:peers [-- --torch] [-- --json] [-- --backend wasm,tensorflow] [-- --only mlp] [-- --time 300] [-- --rounds 8] [-- --pool 2]`
 *
 * netport against what a user would pick instead, on the same CPU: JAX (jit) always,
 * PyTorch (eager) with --torch. The benchmark's `small`, `mlp` and `cnn` workloads
 * (scripts/bench.ts) are written idiomatically in each peer (scripts/peers/*.py): same
 * shapes, same data, same weights, every gradient, inputs taken from host memory and
 * gradients handed back to it on every call. Before anything is timed, each peer's
 * gradients are checked against netport's on every backend (max relative difference
 * <= 1e-5). Then rounds interleave netport on each backend with each peer, in a rotating
 * order, so that a slow spell of a shared machine does not land on one side only; the
 * table gives medians over every sample and netport / peer ratios.
 *
 * The Python environment is the benchmark's own, set up on first use in
 * ~/.cache/netport/peers-venv from PyPI (jax[cpu]; torch with --torch, from PyTorch's
 * CPU wheel index when reachable, else from PyPI, which brings about 5 GB of CUDA
 * libraries it does not use here). PYTHON picks the interpreter that makes it (python3).
 *
 * With wasm among the backends, a NetPool of `--pool N` wasm workers (default 2, 0 for none,
 * lib/pool.ts) is timed as one more netport row, "wasm xN": the batch split across N threads.
 */
import { spawn, spawnSync, type ChildProcessByStdio } from 'node:child_process';
import * as fs from 'node:fs';
import * as https from 'node:https';
import * as os from 'node:os';
import * as path from 'node:path';
import * as readline from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import { nativePackage, selectBackend, type BackendName } from '../lib/backend';
import { NetPool } from '../lib/pool';
import { Net } from '../lib/runtime';
import type { NumArray } from '../lib/tensors';
import { median, NETS, randomArray } from './bench';

/** What PyTorch's eager mode and JAX's jit are measured against. */
type PeerName = 'jax' | 'torch';

interface Workload {
  readonly name: 'small' | 'mlp' | 'cnn';
  readonly note: string;
  readonly net: unknown;
  /** Arrays given to the peers besides the net's own: the input, and the target if any. */
  readonly data: Record<string, NumArray>;
  /** The gradients, in order: a netport request and the peer's name for it. */
  readonly gradients: ReadonlyArray<{ readonly request: string | [number, string]; readonly name: string }>;
  /** The arrays of the net, by the peer's name (`1.Weights`). */
  readonly arrays: ReadonlyArray<[number, string]>;
}

const linearArrays = (layers: number[]): Array<[number, string]> => layers.flatMap((i) => [[i, 'Weights'], [i, 'Biases']] as Array<[number, string]>);

export function workloads(): Workload[] {
  const batchMlp = 128;
  const batchCnn = 32;
  const withArrays = (layers: number[]) => [
    { request: 'Input', name: 'Input' },
    ...linearArrays(layers).map(([i, a]) => ({ request: [i, a] as [number, string], name: `${i}.${a}` })),
  ];
  return [
    {
      name: 'small',
      note: 'Linear 8-16-Tanh-4, one example, the input gradient only (overhead-bound)',
      net: NETS.small,
      data: { Input: { dims: [8], data: randomArray(8, 4) } },
      gradients: [{ request: 'Input', name: 'Input' }],
      arrays: linearArrays([1, 3]),
    },
    {
      name: 'mlp',
      note: 'Linear 784-256-Ramp-256-Ramp-10, softmax + Index cross-entropy, batch 128, gradients of all arrays and the input',
      net: NETS.mlp,
      data: {
        Input: { dims: [batchMlp, 784], data: randomArray(batchMlp * 784, 2) },
        Target: { dims: [batchMlp], data: Int32Array.from({ length: batchMlp }, (_, i) => 1 + (i % 10)) },
      },
      gradients: withArrays([1, 3, 5]),
      arrays: linearArrays([1, 3, 5]),
    },
    {
      name: 'cnn',
      note: 'input {3, 32, 32}, Conv 16 3x3, Ramp, Pool 2/2, Conv 32 3x3, Ramp, Pool 2/2, Linear 10, batch 32, all gradients',
      net: NETS.cnn,
      data: { Input: { dims: [batchCnn, 3, 32, 32], data: randomArray(batchCnn * 3 * 32 * 32, 3) } },
      gradients: withArrays([1, 4, 7]),
      arrays: linearArrays([1, 4, 7]),
    },
  ];
}

// ---------------------------------------------------------------------------
// The Python environment.

const VENV = path.join(os.homedir(), '.cache', 'netport', 'peers-venv');
const VENV_PYTHON = path.join(VENV, 'bin', 'python');
const TORCH_CPU_INDEX = 'https://download.pytorch.org/whl/cpu';

function log(message: string): void {
  process.stderr.write(`bench:peers: ${message}\n`);
}

function run(cmd: string, args: string[]): void {
  log(`${cmd} ${args.join(' ')}`);
  const r = spawnSync(cmd, args, { stdio: ['ignore', 'inherit', 'inherit'] });
  if (r.error) throw new Error(`bench:peers: could not run ${cmd}: ${r.error.message}`);
  if (r.status !== 0) throw new Error(`bench:peers: ${cmd} ${args.join(' ')} failed (exit ${r.status})`);
}

function imports(module: string): boolean {
  return fs.existsSync(VENV_PYTHON) && spawnSync(VENV_PYTHON, ['-c', `import ${module}`], { stdio: 'ignore' }).status === 0;
}

function reachable(url: string, ms = 5000): Promise<boolean> {
  return new Promise((resolve) => {
    const req = https.request(url, { method: 'HEAD', timeout: ms }, (res) => {
      res.resume();
      resolve((res.statusCode ?? 500) < 400);
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(false));
    req.end();
  });
}

async function ensureVenv(torch: boolean): Promise<void> {
  if (!fs.existsSync(VENV_PYTHON)) {
    fs.mkdirSync(path.dirname(VENV), { recursive: true });
    run(process.env.PYTHON ?? 'python3', ['-m', 'venv', VENV]);
  }
  const pip = (args: string[]) => run(VENV_PYTHON, ['-m', 'pip', 'install', '--disable-pip-version-check', '-q', ...args]);
  if (!imports('jax')) pip(['jax[cpu]', 'numpy']);
  if (torch && !imports('torch')) {
    if (await reachable(`${TORCH_CPU_INDEX}/torch/`)) {
      pip(['--index-url', TORCH_CPU_INDEX, 'torch']);
    } else {
      log(`PyTorch's CPU wheel index (${TORCH_CPU_INDEX}) is not reachable: installing torch from PyPI, about 5.3 GB with CUDA libraries that go unused here`);
      pip(['torch']);
    }
  }
}

// ---------------------------------------------------------------------------
// A peer process (scripts/peers/peer.py).

class Peer {
  private readonly lines: AsyncIterableIterator<string>;
  version = '';

  private constructor(
    readonly name: PeerName,
    private readonly child: ChildProcessByStdio<Writable, Readable, null>,
  ) {
    this.lines = readline.createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  }

  static async start(name: PeerName, dir: string): Promise<Peer> {
    const child = spawn(VENV_PYTHON, [path.join(peerScripts(), 'peer.py'), '--framework', name, '--dir', dir, '--threads', String(os.cpus().length)], {
      stdio: ['pipe', 'pipe', 'inherit'],
    });
    const peer = new Peer(name, child);
    const ready = (await peer.reply()) as { version: string };
    peer.version = ready.version;
    return peer;
  }

  private async reply(): Promise<unknown> {
    const next = await this.lines.next();
    if (next.done) throw new Error(`bench:peers: the ${this.name} peer exited (see its messages above)`);
    return JSON.parse(next.value) as unknown;
  }

  async time(workload: string, ms: number): Promise<number[]> {
    this.child.stdin.write(`${JSON.stringify({ cmd: 'time', workload, ms })}\n`);
    return ((await this.reply()) as { samples: number[] }).samples;
  }

  stop(): void {
    this.child.stdin.end(`${JSON.stringify({ cmd: 'quit' })}\n`);
  }
}

/** scripts/peers, from scripts/ (ts-node) or dist/scripts/ (npm run bench:peers). */
function peerScripts(): string {
  const near = path.join(__dirname, 'peers');
  return fs.existsSync(path.join(near, 'peer.py')) ? near : path.resolve(__dirname, '..', '..', 'scripts', 'peers');
}

/** The data and weights of every workload, for the peers (see peer.py). */
function writeInputs(dir: string, items: ReadonlyArray<{ w: Workload; net: Net }>): void {
  const chunks: Buffer[] = [];
  let offset = 0;
  const manifest: Record<string, unknown> = {};
  for (const { w, net } of items) {
    const arrays: Record<string, unknown> = {};
    const add = (name: string, a: NumArray) => {
      const bytes = Buffer.from(a.data.buffer, a.data.byteOffset, a.data.byteLength);
      arrays[name] = { dims: a.dims, dtype: a.data instanceof Int32Array ? 'int32' : 'float32', offset };
      chunks.push(bytes);
      offset += bytes.length;
    };
    for (const [name, a] of Object.entries(w.data)) add(name, a);
    for (const [i, a] of w.arrays) add(`${i}.${a}`, net.array([i, a]));
    manifest[w.name] = { arrays, gradients: w.gradients.map((g) => g.name) };
  }
  fs.writeFileSync(path.join(dir, 'data.bin'), Buffer.concat(chunks));
  fs.writeFileSync(path.join(dir, 'manifest.json'), JSON.stringify({ workloads: manifest }));
}

function readGradients(file: string, like: NumArray[]): NumArray[] {
  const buf = fs.readFileSync(file);
  const all = new Float32Array(buf.buffer, buf.byteOffset, buf.byteLength / 4);
  let at = 0;
  return like.map((g) => {
    const data = all.slice(at, at + g.data.length);
    at += g.data.length;
    return { dims: g.dims, data };
  });
}

/** The largest |a - b| of each gradient over the largest |b| of that gradient. */
function maxRelDiff(a: NumArray[], b: NumArray[]): number {
  let worst = 0;
  a.forEach((x, i) => {
    const y = b[i]!;
    let scale = 0;
    for (const v of y.data) scale = Math.max(scale, Math.abs(v));
    for (let j = 0; j < x.data.length; j++) worst = Math.max(worst, Math.abs(x.data[j]! - y.data[j]!) / (scale + 1e-30));
  });
  return worst;
}

/** The same budget as the peers: warm-up, then calls until `ms` have passed (at least 3). */
function timeCalls(call: () => unknown, ms: number): number[] {
  for (let i = 0; i < 2; i++) call();
  const samples: number[] = [];
  const start = performance.now();
  for (;;) {
    const t0 = performance.now();
    call();
    const t1 = performance.now();
    samples.push(t1 - t0);
    if (t1 - start >= ms && samples.length >= 3) return samples;
  }
}

/** timeCalls for an asynchronous call (a NetPool's). */
async function timeCallsAsync(call: () => Promise<unknown>, ms: number): Promise<number[]> {
  for (let i = 0; i < 2; i++) await call();
  const samples: number[] = [];
  const start = performance.now();
  for (;;) {
    const t0 = performance.now();
    await call();
    const t1 = performance.now();
    samples.push(t1 - t0);
    if (t1 - start >= ms && samples.length >= 3) return samples;
  }
}

export interface PeerRow {
  name: string;
  backend: BackendName;
  /** A NetPool's worker threads (the "wasm x2" row); absent for one Net in this process. */
  workers?: number;
  peer: PeerName;
  peer_version: string;
  netport_ms: number;
  peer_ms: number;
  ratio: number;
  note: string;
}

/** The issue-13 targets: netport / PyTorch eager at most this (small: on every backend). */
const TARGETS: Record<string, Partial<Record<BackendName, number>>> = {
  small: { wasm: 1, tensorflow: 1, cpu: 1 },
  mlp: { tensorflow: 2, wasm: 4 },
  cnn: { tensorflow: 1.5, wasm: 3 },
};

async function main(argv: string[]): Promise<void> {
  const arg = (flag: string) => {
    const i = argv.indexOf(flag);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const json = argv.includes('--json');
  const peers: PeerName[] = argv.includes('--torch') ? ['jax', 'torch'] : ['jax'];
  const backends = (arg('--backend')?.split(',') ?? ['wasm', ...(nativePackage() ? ['tensorflow'] : [])]) as BackendName[];
  const only = arg('--only')?.split(',');
  const budget = Number(arg('--time') ?? 300);
  const rounds = Number(arg('--rounds') ?? 8);
  const poolWorkers = backends.includes('wasm') ? Number(arg('--pool') ?? 2) : 0;
  process.env.TF_CPP_MIN_LOG_LEVEL ??= '1';
  if (!nativePackage() && !arg('--backend')) log('@tensorflow/tfjs-node is not installed: netport runs on wasm only');

  await ensureVenv(peers.includes('torch'));

  const chosen = workloads().filter((w) => !only || only.includes(w.name));
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'netport-peers-'));
  const nets = new Map<string, Map<BackendName, Net>>();
  const calls = new Map<string, Map<BackendName, () => NumArray[]>>();
  const pools = new Map<string, { pool: NetPool; call: () => Promise<NumArray[]> }>();
  const started: Peer[] = [];
  try {
    for (const w of chosen) {
      const byBackend = new Map<BackendName, Net>();
      for (const backend of backends) {
        const net = await Net.load(w.net, { backend, initialize: 1 });
        // The same weights on every backend (and for the peers): the first net's.
        const first = byBackend.values().next().value;
        if (first) for (const [i, a] of w.arrays) net.setArray([i, a], first.array([i, a]));
        byBackend.set(backend, net);
      }
      nets.set(w.name, byBackend);
      const requests = w.gradients.map((g) => g.request);
      const input = { ...w.data };
      calls.set(
        w.name,
        new Map(backends.map((b) => [b, () => byBackend.get(b)!.evaluate(input, { gradients: requests, format: 'typed' }).gradients.map((g) => g.value)])),
      );
      if (poolWorkers > 1) {
        const pool = await NetPool.load(w.net, { backend: 'wasm', workers: poolWorkers, initialize: 1 });
        const first = byBackend.values().next().value!;
        for (const [i, a] of w.arrays) await pool.setArray([i, a], first.array([i, a]));
        pools.set(w.name, { pool, call: async () => (await pool.evaluate(input, { gradients: requests, format: 'typed' })).gradients.map((g) => g.value) });
      }
    }
    writeInputs(dir, chosen.map((w) => ({ w, net: nets.get(w.name)!.get(backends[0]!)! })));
    for (const name of peers) started.push(await Peer.start(name, dir));

    // Same gradients everywhere before anything is timed.
    let worst = 0;
    for (const w of chosen) {
      for (const peer of started) {
        for (const backend of backends) {
          const ours = calls.get(w.name)!.get(backend)!();
          const theirs = readGradients(path.join(dir, `${peer.name}-${w.name}.bin`), ours);
          const drift = maxRelDiff(ours, theirs);
          if (!(drift <= 1e-5)) {
            throw new Error(`bench:peers: ${w.name}: netport on ${backend} and ${peer.version} disagree (max relative difference ${drift.toExponential(2)})`);
          }
          worst = Math.max(worst, drift);
        }
        const pooled = pools.get(w.name);
        if (pooled) {
          const ours = await pooled.call();
          const drift = maxRelDiff(ours, readGradients(path.join(dir, `${peer.name}-${w.name}.bin`), ours));
          if (!(drift <= 1e-5)) throw new Error(`bench:peers: ${w.name}: netport's wasm pool and ${peer.version} disagree (max relative difference ${drift.toExponential(2)})`);
          worst = Math.max(worst, drift);
        }
      }
    }

    type Tool = { kind: 'netport'; backend: BackendName } | { kind: 'pool' } | { kind: 'peer'; peer: Peer };
    const tools: Tool[] = [
      ...backends.map((backend) => ({ kind: 'netport' as const, backend })),
      ...(poolWorkers > 1 ? [{ kind: 'pool' as const }] : []),
      ...started.map((peer) => ({ kind: 'peer' as const, peer })),
    ];
    const poolLabel = `wasm x${poolWorkers}`;
    const label = (t: Tool) => (t.kind === 'netport' ? `netport ${t.backend}` : t.kind === 'pool' ? `netport ${poolLabel}` : t.peer.name);
    const samples = new Map<string, number[]>();
    for (let round = 0; round < rounds; round++) {
      for (const w of chosen) {
        for (let k = 0; k < tools.length; k++) {
          const tool = tools[(k + round) % tools.length]!;
          let got: number[];
          if (tool.kind === 'netport') {
            // A service on one backend has it selected: netport switches the global backend
            // only for a net on another one (and back after the call, issue 9), which costs
            // a kernel set-up per switch (about 0.7 ms on tensorflow) that one backend never pays.
            await selectBackend(tool.backend);
            global.gc?.();
            got = timeCalls(calls.get(w.name)!.get(tool.backend)!, budget);
          } else if (tool.kind === 'pool') {
            global.gc?.();
            got = await timeCallsAsync(pools.get(w.name)!.call, budget);
          } else {
            got = await tool.peer.time(w.name, budget);
          }
          const key = `${w.name} ${label(tool)}`;
          samples.set(key, [...(samples.get(key) ?? []), ...got]);
        }
      }
      if (!json) log(`round ${round + 1}/${rounds} done`);
    }

    const med = (w: string, t: Tool) => median(samples.get(`${w} ${label(t)}`)!);
    const rows: PeerRow[] = [];
    for (const w of chosen) {
      for (const backend of backends) {
        const ours = med(w.name, { kind: 'netport', backend });
        for (const peer of started) {
          const theirs = med(w.name, { kind: 'peer', peer });
          rows.push({ name: w.name, backend, peer: peer.name, peer_version: peer.version, netport_ms: round(ours, 3), peer_ms: round(theirs, 3), ratio: round(ours / theirs, 2), note: w.note });
        }
      }
      if (pools.has(w.name)) {
        const ours = med(w.name, { kind: 'pool' });
        for (const peer of started) {
          const theirs = med(w.name, { kind: 'peer', peer });
          rows.push({ name: w.name, backend: 'wasm', workers: poolWorkers, peer: peer.name, peer_version: peer.version, netport_ms: round(ours, 3), peer_ms: round(theirs, 3), ratio: round(ours / theirs, 2), note: w.note });
        }
      }
    }
    const machine = `${os.cpus()[0]?.model ?? 'unknown CPU'} x${os.cpus().length}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}, ${os.platform()}`;
    if (json) {
      process.stdout.write(`${JSON.stringify({ machine, peers: rows })}\n`);
      return;
    }
    const out: string[] = [
      `machine: ${machine}`,
      `peers: ${started.map((p) => p.version).join('; ')}`,
      `gradients: every peer's equal to netport's on every backend, max relative difference ${worst.toExponential(1)} (limit 1e-5)`,
      '',
    ];
    const lanes = [...backends.map((b) => ({ label: b, backend: b, workers: undefined as number | undefined })), ...(poolWorkers > 1 ? [{ label: poolLabel, backend: 'wasm' as BackendName, workers: poolWorkers }] : [])];
    const laneRow = (w: string, l: (typeof lanes)[number], peer: string) => rows.find((r) => r.name === w && r.backend === l.backend && r.workers === l.workers && r.peer === peer)!;
    const head = [...lanes.map((l) => `netport ${l.label} ms`), ...started.map((p) => `${p.name} ms`)];
    const ratios = started.flatMap((p) => lanes.map((l) => `${l.label} / ${p.name}`));
    out.push(`| workload | ${[...head, ...ratios].join(' | ')} |`, `|${'---|'.repeat(1 + head.length + ratios.length)}`);
    for (const w of chosen) {
      const cells = [
        ...lanes.map((l) => fmt(laneRow(w.name, l, started[0]!.name).netport_ms)),
        ...started.map((p) => fmt(med(w.name, { kind: 'peer', peer: p }))),
        ...started.flatMap((p) => lanes.map((l) => laneRow(w.name, l, p.name).ratio.toFixed(2))),
      ];
      out.push(`| ${w.name} | ${cells.join(' | ')} |`);
    }
    const torch = rows.filter((r) => r.peer === 'torch');
    if (torch.length > 0) {
      out.push('', 'targets (netport / PyTorch eager):');
      for (const r of torch) {
        const target = TARGETS[r.name]?.[r.backend];
        if (target !== undefined) out.push(`  ${r.name} on ${r.backend}${r.workers ? ` x${r.workers}` : ''}: ${r.ratio.toFixed(2)}x, target <= ${target}x: ${r.ratio <= target ? 'met' : 'not met'}`);
      }
    }
    process.stdout.write(`${out.join('\n')}\n`);
  } finally {
    for (const p of started) p.stop();
    for (const m of nets.values()) for (const net of m.values()) net.dispose();
    for (const { pool } of pools.values()) await pool.dispose();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

function fmt(ms: number): string {
  return ms < 1 ? ms.toFixed(3) : ms < 10 ? ms.toFixed(2) : ms.toFixed(1);
}

function round(x: number, digits: number): number {
  return Number(x.toFixed(digits));
}

if (require.main === module) {
  main(process.argv.slice(2)).catch((e) => {
    process.stderr.write(`${(e as Error).message ?? e}\n`);
    process.exitCode = 1;
  });
}
