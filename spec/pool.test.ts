import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { resolveNet } from '../lib/formats/resolve';
import { isNetError } from '../lib/errors';
import { NetPool } from '../lib/pool';
import { Net, type EvaluateOptions, type Result } from '../lib/runtime';
import type { NumArray } from '../lib/tensors';
import { translateData } from '../lib/wolfram';
import { TEST_BACKENDS } from './helpers/backends';

const MLP = {
  type: 'NetChain',
  Input: 12,
  Layers: [9, 'Tanh', 5, { type: 'SoftmaxLayer' }, { type: 'CrossEntropyLossLayer', TargetForm: 'Index' }],
};
const PLAIN = { type: 'NetChain', Input: 6, Layers: [4, 'Ramp', 3] };
const BN = { type: 'NetChain', Input: [2, 3], Layers: [{ type: 'BatchNormalizationLayer' }] };

function values(n: number, seed: number): Float32Array {
  return Float32Array.from({ length: n }, (_, i) => Math.fround(Math.sin(seed * 7.1 + i * 1.37) * 0.9));
}

function mlpData(batch: number) {
  return { Input: { dims: [batch, 12], data: values(batch * 12, 3) }, Target: { dims: [batch], data: Float32Array.from({ length: batch }, (_, i) => 1 + (i % 5)) } };
}

/** a equals e to float32 rounding: |a - e| <= rtol * (|e| + max|e| * 1e-2) elementwise, same dims. */
function expectClose(a: NumArray, e: NumArray, rtol: number, what: string): void {
  expect([what, [...a.dims]]).toEqual([what, [...e.dims]]);
  expect(a.data.length).toBe(e.data.length);
  let scale = 0;
  for (const x of e.data) scale = Math.max(scale, Math.abs(x));
  for (let i = 0; i < e.data.length; i++) {
    const err = Math.abs(a.data[i]! - e.data[i]!);
    if (err > rtol * (Math.abs(e.data[i]!) + scale * 1e-2)) throw new Error(`${what}: at ${i} ${a.data[i]} vs ${e.data[i]}`);
  }
}

function expectSame(pool: Result<NumArray>, net: Result<NumArray>): void {
  expect(Object.keys(pool.outputs)).toEqual(Object.keys(net.outputs));
  for (const k of Object.keys(net.outputs)) expectClose(pool.outputs[k]!, net.outputs[k]!, 1e-6, `output ${k}`);
  expect(pool.gradients.map((g) => [g.key, g.request, g.spec])).toEqual(net.gradients.map((g) => [g.key, g.request, g.spec]));
  net.gradients.forEach((g, i) => expectClose(pool.gradients[i]!.value, g.value, 1e-5, g.key));
}

async function thrown(p: Promise<unknown> | (() => unknown)): Promise<{ code: string; message: string }> {
  try {
    if (typeof p === 'function') p();
    else await p;
  } catch (e) {
    if (!isNetError(e)) throw e;
    return { code: e.code, message: e.message };
  }
  throw new Error('no error');
}

describe.each(TEST_BACKENDS)('NetPool on %s', (backend) => {
  let pool: NetPool;
  let net: Net;
  let plain: NetPool;
  let plainNet: Net;
  beforeAll(async () => {
    plain = await NetPool.load(PLAIN, { workers: 2, backend, initialize: 2 });
    plainNet = await Net.load(PLAIN, { backend, initialize: 2 });
    plainNet.evaluate({ dims: [1, 6], data: values(6, 1) });
    pool = await NetPool.load(MLP, { workers: 2, backend, initialize: 5 });
    net = await Net.load(MLP, { backend, initialize: 5 });
    net.evaluate(mlpData(2), { gradients: ['All'] }); // its tensors, made once, live until afterAll
  });
  afterAll(async () => {
    await pool.dispose();
    net.dispose();
    await plain.dispose();
    plainNet.dispose();
  });

  test('a batch split over two workers gives Net.evaluate results: outputs, input and summed array gradients', async () => {
    expect(pool.workers).toBe(2);
    expect(pool.backend).toBe(backend);
    for (const batch of [7, 2]) {
      const data = mlpData(batch);
      const opts = { gradients: ['All', 'Input'], outputs: 'All', format: 'typed' } as const;
      expectSame(await pool.evaluate(data, opts), net.evaluate(data, opts));
    }
  });

  test('nested data and results, one example, a batch smaller than the pool', async () => {
    const three = await NetPool.load(MLP, { workers: 3, backend, initialize: 5 });
    try {
      const one = { Input: Array.from(values(12, 9)), Target: 2 };
      const opts = { gradients: [[1, 'Weights'], 'Input'] };
      expect(await three.evaluate(one, opts)).toEqual(net.evaluate(one, opts));
      const two = { Input: [Array.from(values(12, 1)), Array.from(values(12, 2))], Target: [1, 4] };
      const r = await three.evaluate(two, { gradients: ['Input'], outputs: 'All' });
      expect(r).toEqual(net.evaluate(two, { gradients: ['Input'], outputs: 'All' }));
      expect((r.outputs.Loss as number[]).length).toBe(2);
    } finally {
      await three.dispose();
    }
  });

  test('imposed output gradients go with their examples', async () => {
    const [p, n] = [plain, plainNet];
    {
      const data = { dims: [5, 6], data: values(30, 4) };
      for (const ograd of [{ Output: { dims: [5, 3], data: values(15, 8) } }, { Output: 0.5 }, { Output: Array.from({ length: 5 }, (_, i) => [i, -1, 2]) }]) {
        const opts: EvaluateOptions<'typed'> = { gradients: ['Input', [1, 'Weights'], [3, 'Biases']], ograd, format: 'typed' };
        expectSame(await p.evaluate(data, opts), n.evaluate(data, opts));
      }
    }
  });

  test('setArray and initialize reach every worker', async () => {
    const [p, n] = [plain, plainNet];
    {
      const w = { dims: [4, 6], data: values(24, 11) };
      await p.setArray([1, 'Weights'], w);
      n.setArray([1, 'Weights'], w);
      const data = { dims: [4, 6], data: values(24, 5) };
      const opts = { gradients: ['All'], format: 'typed' } as const;
      expectSame(await p.evaluate(data, opts), n.evaluate(data, opts));
      await p.initialize(77, true);
      n.initialize(77, true);
      expectSame(await p.evaluate(data, opts), n.evaluate(data, opts));
      expect(await thrown(p.setArray([1, 'Weights'], { dims: [2, 2], data: new Float32Array(4) }))).toEqual(await thrown(() => n.setArray([1, 'Weights'], { dims: [2, 2], data: new Float32Array(4) })));
    }
  });

  test('errors come back as Net.evaluate reports them, and leave no tensors in the workers', async () => {
    await pool.evaluate(mlpData(4), { gradients: ['All'] });
    const before = await pool.tensors();
    expect(before.every((c) => c > 0)).toBe(true);
    const cases: Array<[unknown, Record<string, unknown>]> = [
      [mlpData(4), { gradients: [[9, 'Weights']] }],
      [mlpData(4), { outputs: ['Nope'] }],
      [{ Input: { dims: [4, 11], data: new Float32Array(44) }, Target: [1, 2, 3, 4] }, {}],
      [mlpData(4), { gradients: ['Target'] }],
      [{ Input: [[1]], Target: [1] }, { gradients: [[1, 'Nope']] }],
      [mlpData(3), { gradients: 'Input' }],
    ];
    for (const [data, opts] of cases) {
      const expected = await thrown(() => net.evaluate(data, opts));
      expect(await thrown(pool.evaluate(data, opts))).toEqual(expected);
    }
    for (const batch of [1, 4]) {
      const opts = { gradients: ['All'], ograd: { Loss: () => 1 } as unknown as Record<string, unknown> };
      expect(await thrown(pool.evaluate(mlpData(batch), opts))).toEqual(await thrown(() => net.evaluate(mlpData(batch), opts)));
    }
    const odd = await thrown(pool.evaluate(mlpData(4), { gradients: ['All'], extra: () => 1 } as unknown as Record<string, unknown>));
    expect(odd.code).toBe('invalid_data');
    expect(odd.message).toMatch(/^NetPool: the data or options cannot be sent to a worker: /);
    await pool.evaluate(mlpData(6), { gradients: ['All'] });
    expect(await pool.tensors()).toEqual(before);
    const bare = await NetPool.load(PLAIN, { workers: 1, backend });
    try {
      const err = await thrown(bare.evaluate({ dims: [2, 6], data: new Float32Array(12) }));
      expect(err.code).toBe('not_initialized');
      expect(err.message).toMatch(/^Net not initialized: layer 1 \(LinearLayer\) "Weights"/);
    } finally {
      await bare.dispose();
    }
  });

  test('batchNorm "batch" under gradients is refused when split, allowed when not', async () => {
    const p = await NetPool.load(BN, { workers: 2, backend, initialize: 1 });
    const n = await Net.load(BN, { backend, initialize: 1 });
    try {
      const data = { dims: [3, 2, 3], data: values(18, 2) };
      const err = await thrown(p.evaluate(data, { gradients: ['Input'], batchNorm: 'batch' }));
      expect(err.code).toBe('unsupported');
      expect(err.message).toMatch(/batchNorm "batch" statistics under gradients .* cannot be split/);
      // Outputs alone use the moving statistics; one example is not split.
      const opts = { outputs: 'All', batchNorm: 'batch', format: 'typed' } as const;
      expectSame(await p.evaluate(data, opts), n.evaluate(data, opts));
      const one = { dims: [2, 3], data: values(6, 3) };
      const g = { gradients: ['Input'], batchNorm: 'batch', format: 'typed' } as const;
      expectSame(await p.evaluate(one, g), n.evaluate(one, g));
      expectSame(await p.evaluate(data, { gradients: ['All'], format: 'typed' }), n.evaluate(data, { gradients: ['All'], format: 'typed' }));
    } finally {
      await p.dispose();
      n.dispose();
    }
  });

  test.each(['convolution.json:conv-2d-batch', 'nets.json:net-cnn-bn-mean-pool-batch', 'cross-entropy.json:ce-softmax-index-batch'])('the case %s', async (which) => {
    const [file, name] = which.split(':') as [string, string];
    const cases = JSON.parse(readFileSync(path.join(__dirname, '../fixtures/wolfram-layers', file), 'utf8')) as Array<{ name: string; net: string; data: string }>;
    const c = cases.find((x) => x.name === name)!;
    const description = await resolveNet(c.net);
    const n = await Net.load(description, { backend });
    const p = await NetPool.load(description, { backend, workers: 2 });
    try {
      const data = translateData(c.data, { inputName: n.inputs[0]!.name }).data;
      const opts = { gradients: ['All'], outputs: 'All', format: 'typed' } as const;
      const r = n.evaluate(data, opts);
      expect(r.gradients.length).toBeGreaterThan(1);
      expectSame(await p.evaluate(data, opts), r);
    } finally {
      await p.dispose();
      n.dispose();
    }
  });

  // Last: it breaks the shared pool.
  test('a worker that dies is reported, and the pool says it cannot go on; dispose still works', async () => {
    const p = plain;
    const data = { dims: [4, 6], data: values(24, 5) };
    await p.evaluate(data);
    await (p as unknown as { slots: Array<{ worker: { terminate(): Promise<number> } }> }).slots[1]!.worker.terminate();
    const err = await thrown(p.evaluate(data));
    expect(err).toEqual({ code: 'unsupported', message: 'NetPool: worker 2 exited (code 1); the pool cannot evaluate any more: dispose it and load a new one' });
    await p.dispose();
    expect(await thrown(p.evaluate(data))).toEqual({ code: 'invalid_net', message: 'This pool has been disposed' });
    await p.dispose();
  });
});

test('load refuses a bad pool size and reports a bad net from here', async () => {
  expect(await thrown(NetPool.load(PLAIN, { workers: 0 }))).toEqual({ code: 'unsupported', message: 'NetPool.load: the option workers must be an integer from 1 to 64, got 0' });
  const bad = { type: 'NetChain', Input: 6, Layers: [{ type: 'Nope' }] };
  expect(await thrown(NetPool.load(bad, { workers: 2 }))).toEqual(await thrown(Net.load(bad)));
});
