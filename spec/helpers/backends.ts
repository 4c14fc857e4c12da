import { BACKENDS, selectBackend, type BackendName } from '../../lib/backend';
import { loadNative, nativeModules, type NativePackage } from '../../lib/backend/native';
import { tf } from '../../lib/backend/tf';
import { isNetError } from '../../lib/errors';
import { hash, stream } from '../../scripts/reference/random';

/** Whether tfjs-node (or tfjs-node-gpu) is installed and loads (`bash scripts/install-native.sh`). */
function nativeLoads(): boolean {
  try {
    loadNative();
    return true;
  } catch {
    return false;
  }
}

/**
 * The backends every per-backend test runs on: cpu, wasm, and tensorflow when tfjs-node
 * loads. NETPORT_TEST_BACKENDS=tensorflow (a comma list) narrows it; a backend named there
 * must run, so a tfjs-node that fails to load fails the tests instead of dropping out.
 */
export const TEST_BACKENDS: readonly BackendName[] = testBackends(process.env.NETPORT_TEST_BACKENDS);

function testBackends(list: string | undefined): BackendName[] {
  if (list === undefined || list.trim() === '') return nativeLoads() ? ['cpu', 'wasm', 'tensorflow'] : ['cpu', 'wasm'];
  const names = list.split(',').map((s) => s.trim());
  for (const n of names) {
    if (!(BACKENDS as readonly string[]).includes(n)) throw new Error(`NETPORT_TEST_BACKENDS: unknown backend ${JSON.stringify(n)} (use ${BACKENDS.join(', ')})`);
  }
  if (names.includes('tensorflow')) loadNative();
  return names as BackendName[];
}

/** Whether float32 results may differ from cpu's in the last bits (oneDNN reorders sums). */
export const NATIVE_IN_TESTS = TEST_BACKENDS.includes('tensorflow');

/** How withNative makes the native package look. */
export type NativeState =
  /** not installed: nothing resolves */
  | 'absent'
  /** installed, but loading it throws (libtensorflow missing, a build for another Node) */
  | 'broken'
  /** installed with its own @tensorflow/tfjs: it loads but registers nothing on netport's */
  | 'foreign'
  /** installed and working: the real tfjs-node where it loads, else a stand-in that registers
   *  TensorFlow.js's cpu kernels as a `tensorflow` backend */
  | 'installed';

type Registry = Record<string, { factory: () => unknown; priority: number } | undefined>;

/**
 * Runs `body` with the native package made `state`, then puts everything back (the real
 * tfjs-node's registration included, where it is loaded), so that the promises about the
 * tensorflow backend are tested both ways whether or not tfjs-node is installed here.
 */
export async function withNative<T>(state: NativeState, body: () => Promise<T> | T): Promise<T> {
  const real = nativeLoads();
  if (state === 'installed' && real) return body();
  const saved = { ...nativeModules };
  const factories = (tf.engine() as unknown as { registryFactory: Registry }).registryFactory;
  const registered = factories.tensorflow;
  const active = tf.getBackend();
  if (active === 'tensorflow') await selectBackend('cpu');
  // Unregistered, not removed: tfjs-node's backend instance (and any tensor on it) lives on.
  delete factories.tensorflow;
  const pkg: NativePackage = '@tensorflow/tfjs-node';
  const copied: string[] = [];
  nativeModules.loaded = undefined;
  nativeModules.resolve = (p) => {
    if (state === 'absent' || p !== pkg) throw Object.assign(new Error(`Cannot find module '${p}'`), { code: 'MODULE_NOT_FOUND' });
    return `/stand-in/node_modules/${p}/dist/index.js`;
  };
  nativeModules.load = (p) => {
    if (state === 'broken') throw new Error('libtensorflow.so.2: cannot open shared object file: No such file or directory\nRequire stack: ...');
    if (state === 'installed') {
      for (const k of tf.getKernelsForBackend('cpu')) {
        tf.registerKernel({ ...k, backendName: 'tensorflow' });
        copied.push(k.kernelName);
      }
      const cpu = tf.findBackendFactory('cpu')!;
      tf.registerBackend('tensorflow', () => Object.assign(cpu() as object, { isUsingGpuDevice: false, binding: { TF_Version: 'stand-in' } }) as never, 1);
    }
    return { name: p };
  };
  try {
    return await body();
  } finally {
    Object.assign(nativeModules, saved);
    if (tf.getBackend() === 'tensorflow') await selectBackend('cpu');
    if (!registered && tf.findBackendFactory('tensorflow')) tf.removeBackend('tensorflow');
    for (const k of copied) tf.unregisterKernel(k, 'tensorflow');
    if (registered) factories.tensorflow = registered;
    if (active === 'tensorflow') await selectBackend('tensorflow');
  }
}

export async function useBackend(name: BackendName): Promise<void> {
  await selectBackend(name);
}

/**
 * Runs `body` and checks that the TensorFlow.js tensor count is back where it started,
 * whether `body` returns or throws.
 */
export async function expectNoLeak<T>(body: () => Promise<T> | T): Promise<T> {
  const before = tf.memory().numTensors;
  try {
    return await body();
  } finally {
    expect(tf.memory().numTensors).toBe(before);
  }
}

/** A small seeded generator (mulberry32, shared with the float64 reference) so that test data is the same on every run. */
export const random = stream;

/** A seed from a name (FNV-1a). */
export { hash };

/** Nested lists of the given dimensions, filled by `f`. */
export function fill(dims: readonly number[], f: () => number): unknown {
  if (dims.length === 0) return f();
  return Array.from({ length: dims[0]! }, () => fill(dims.slice(1), f));
}

/**
 * The NetError a call throws, as `code: message` (for pinning with inline snapshots);
 * fails the test if it throws anything else or nothing.
 */
export async function errorOf(body: () => unknown): Promise<string> {
  try {
    await body();
  } catch (e) {
    if (isNetError(e)) return `${e.code}: ${e.message}`;
    throw e;
  }
  throw new Error('expected a NetError, but nothing was thrown');
}

const NUMBER = /-?\d+(?:\.\d+)?(?:e[-+]?\d+)?/gi;

/**
 * Expects `received` to read like `shown` (printed results: the README's example output)
 * with each number within a relative `tolerance`: oneDNN (the tensorflow backend) sums in
 * another order than cpu and wasm and changes float32 results in the last bit.
 */
export function expectDigits(received: string, shown: string, tolerance = 1e-6): void {
  expect(received.replace(NUMBER, '#')).toBe(shown.replace(NUMBER, '#'));
  const got = received.match(NUMBER) ?? [];
  const want = shown.match(NUMBER) ?? [];
  got.forEach((g, i) => {
    const a = Number(g);
    const b = Number(want[i]);
    if (Math.abs(a - b) > tolerance * Math.max(Math.abs(a), Math.abs(b))) {
      throw new Error(`number ${i + 1}: got ${g}, shown ${want[i]} (relative difference over ${tolerance})\n${received}`);
    }
  });
}
