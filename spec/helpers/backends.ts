import { selectBackend, type BackendName } from '../../lib/backend';
import { tf } from '../../lib/backend/tf';
import { isNetError } from '../../lib/errors';
import { hash, stream } from '../../scripts/reference/random';

/** Every backend these tests can run here; tfjs-node cannot install on this machine. */
export const TEST_BACKENDS: readonly BackendName[] = ['cpu', 'wasm'];

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
