/**
 * Backend selection. netport runs on TensorFlow.js's `cpu` (pure JavaScript, the
 * reference), `wasm` (embedded, SIMD) and `tensorflow` (libtensorflow through
 * @tensorflow/tfjs-node or @tensorflow/tfjs-node-gpu, which users install themselves).
 * The default is `tensorflow` when one of those packages is installed, `wasm` otherwise.
 */
import { netError } from '../errors';
import { tf } from './tf';
import { currentBackend, withoutInstalledHandlers } from './host';
import { registerCpuKernels, registerWasmKernels } from './kernels';

export { restoreBackend } from './host';

export const BACKENDS = ['cpu', 'wasm', 'tensorflow'] as const;
export type BackendName = (typeof BACKENDS)[number];

/** The native bindings, GPU first; both register the same backend, so only one is loaded. */
const NATIVE_PACKAGES = ['@tensorflow/tfjs-node-gpu', '@tensorflow/tfjs-node'] as const;

let nativeLoaded: string | undefined;

/** The installed native binding package, if any (without loading it). */
export function nativePackage(): string | undefined {
  if (nativeLoaded) return nativeLoaded;
  return NATIVE_PACKAGES.find((pkg) => {
    try {
      require.resolve(pkg);
      return true;
    } catch {
      return false;
    }
  });
}

export function defaultBackend(): BackendName {
  return nativePackage() ? 'tensorflow' : 'wasm';
}

const ready = new Set<BackendName>();

/**
 * Makes `name` (or the default) TensorFlow.js's active backend, initializing it on first
 * use. Throws NetError `unsupported` when it cannot run here.
 */
export async function selectBackend(name: BackendName = defaultBackend()): Promise<BackendName> {
  if (!BACKENDS.includes(name)) {
    throw netError('unsupported', `Unknown backend ${JSON.stringify(name)}: use ${BACKENDS.join(', ')}`);
  }
  if (name === 'tensorflow') loadNative();
  const ok = await withoutInstalledHandlers(async () => {
    const set = await tf.setBackend(name);
    if (set) await tf.ready();
    return set;
  });
  if (!ok) throw netError('unsupported', `The ${name} backend failed to initialize`);
  if (!ready.has(name)) {
    if (name === 'cpu') {
      quietCpuBanner();
      registerCpuKernels();
    }
    // Stock wasm lacks some gradient kernels and computes others wrongly: netport's
    // replacements go in when netport selects wasm, not when a module is imported.
    if (name === 'wasm') registerWasmKernels();
    ready.add(name);
  }
  return name;
}

/**
 * Switches to an already initialized backend synchronously: evaluations are synchronous,
 * and a compiled net stays on the backend it was compiled for. Returns the backend that
 * was active, for restoreBackend.
 */
export function activate(name: BackendName): string | undefined {
  const previous = currentBackend();
  if (previous === name) return previous;
  if (!ready.has(name)) throw netError('unsupported', `The ${name} backend is not initialized; compile the net again`);
  // setBackend is async only while a backend initializes; ours already is.
  void tf.setBackend(name);
  if (tf.getBackend() !== name) throw netError('unsupported', `Could not switch to the ${name} backend`);
  return previous;
}

function loadNative(): void {
  if (nativeLoaded) return;
  const pkg = nativePackage();
  if (!pkg) {
    throw netError(
      'unsupported',
      'The tensorflow backend needs @tensorflow/tfjs-node (CPU) or @tensorflow/tfjs-node-gpu (CUDA): npm install @tensorflow/tfjs-node@4.22.0',
    );
  }
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  require(pkg);
  if (!tf.findBackendFactory('tensorflow')) {
    throw netError(
      'unsupported',
      `${pkg} loaded its own copy of @tensorflow/tfjs, not netport's (4.22.0); install ${pkg}@4.22.0 so npm shares one copy`,
    );
  }
  nativeLoaded = pkg;
}

/**
 * The cpu backend prints a banner recommending tfjs-node on its first write. netport
 * chose the backend on purpose (and documents tfjs-node), so the banner is noise on the
 * command line; the flag is the backend's own.
 */
function quietCpuBanner(): void {
  const backend = tf.findBackend('cpu') as { firstUse?: boolean } | null;
  if (backend && 'firstUse' in backend) backend.firstUse = false;
}
