/**
 * The host process stays the host's: selecting the wasm backend leaves no process-wide
 * handler that turns an unrelated rejection into a crash, and evaluating a net leaves
 * TensorFlow.js's global backend as the host had it.
 */
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { withoutInstalledHandlers } from '../../lib/backend/host';
import { tf } from '../../lib/backend/tf';
import { Net } from '../../lib/runtime';
import { useBackend } from '../helpers/backends';

const ROOT = path.join(__dirname, '..', '..');

test('after the wasm backend loads, an unrelated rejection reaches the host, not a crash', () => {
  const script = `
    require('./spec/hostile/ts-register.js');
    const { loadNet } = require('./lib/index.ts');
    const seen = [];
    process.on('unhandledRejection', (reason) => seen.push(String(reason)));
    (async () => {
      const net = await loadNet({ type: 'ElementwiseLayer', Function: 'Ramp', Input: 2 }, { backend: 'wasm' });
      const out = net.evaluate([-1, 2]).outputs.Output;
      net.dispose();
      Promise.reject(new Error('unrelated'));
      setTimeout(() => {
        const handlers = ['uncaughtException', 'unhandledRejection'].map((e) => process.listeners(e).length);
        process.stdout.write(JSON.stringify({ out, seen, handlers }));
      }, 50);
    })();`;
  const r = spawnSync(process.execPath, ['-e', script], { cwd: ROOT, encoding: 'utf8', timeout: 60_000 });
  expect(r.stderr).toBe('');
  expect(r.status).toBe(0);
  expect(JSON.parse(r.stdout)).toEqual({ out: [0, 2], seen: ['Error: unrelated'], handlers: [0, 1] });
});

test("only emscripten's handlers installed meanwhile go; the host's stay", async () => {
  const hostBefore = (): void => undefined;
  const hostDuring = (reason: unknown): void => void reason;
  // A Jest worker may hold emscripten's handlers from an earlier test file: count, do not assume none.
  const throwing = () => process.listeners('unhandledRejection').filter((l) => /throw reason/.test(String(l))).length;
  const throwingBefore = throwing();
  process.on('unhandledRejection', hostBefore);
  try {
    await withoutInstalledHandlers(async () => {
      // emscripten's: if (!(ex instanceof ExitStatus)) throw ex
      process.on('uncaughtException', function (ex) {
        if (!((ex as unknown) instanceof Array)) throw ex;
      });
      process.on('unhandledRejection', function (reason) {
        throw reason;
      });
      process.on('unhandledRejection', hostDuring);
    });
    expect(process.listeners('unhandledRejection').filter((l) => l === hostBefore || l === hostDuring)).toEqual([hostBefore, hostDuring]);
    expect(throwing()).toBe(throwingBefore);
  } finally {
    process.removeListener('unhandledRejection', hostBefore);
    process.removeListener('unhandledRejection', hostDuring);
    for (const l of process.listeners('uncaughtException')) if (/instanceof Array/.test(String(l))) process.removeListener('uncaughtException', l);
  }
});

test("loading and evaluating a net on another backend restores the host's", async () => {
  await useBackend('wasm');
  await useBackend('cpu');
  const net = await Net.load({ type: 'LinearLayer', OutputDimensions: 1, Input: 2, Weights: [[1, 2]], Biases: [0] }, { backend: 'wasm' });
  try {
    expect(tf.getBackend()).toBe('cpu');
    expect(net.evaluate([1, 1], { gradients: ['Input'] }).gradients[0]!.value).toEqual([1, 2]);
    expect(tf.getBackend()).toBe('cpu');
    net.setArray(['Weights'], [[3, 4]]);
    net.initialize(1, true);
    expect(tf.getBackend()).toBe('cpu');
  } finally {
    net.dispose();
  }
});
