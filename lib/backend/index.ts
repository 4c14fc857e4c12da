/**
 * Backend selection. netport runs on TensorFlow.js's `cpu` (pure JavaScript, the
 * reference), `wasm` (embedded, SIMD) and `tensorflow` (libtensorflow through
 * @tensorflow/tfjs-node or @tensorflow/tfjs-node-gpu, which users install themselves).
 * The default is `tensorflow` when one of those packages is installed, `wasm` otherwise.
 */
import { netError } from '../errors';
import { tf } from './tf';
import { currentBackend, withoutInstalledHandlers } from './host';
import { registerCpuKernels, registerNativeKernels, registerWasmKernels } from './kernels';
import { loadNative, nativeDevice, nativePackage } from './native';

export { nativePackage } from './native';

export { restoreBackend } from './host';

export const BACKENDS = ['cpu', 'wasm', 'tensorflow'] as const;
export type BackendName = (typeof BACKENDS)[number];

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
    if (name === 'tensorflow') registerNativeKernels();
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

/** Which backend computes, on what, through which package (`netport --verbose`, `check --json`). */
export interface BackendInfo {
  name: BackendName;
  /** `CPU (JavaScript)`, `CPU (WebAssembly)`, `CPU (libtensorflow 2.9.1)`, `GPU (CUDA) (libtensorflow 2.9.1)`. */
  device: string;
  /** The npm package and version that provides the backend. */
  package: string;
}

/** What an initialized backend runs on (select it first). */
export function backendInfo(name: BackendName): BackendInfo {
  if (!ready.has(name)) throw netError('unsupported', `The ${name} backend is not initialized; select it first`);
  if (name === 'tensorflow') {
    return { name, device: nativeDevice(), package: `${nativePackage()}@${packageVersion(nativePackage()!)}` };
  }
  const pkg = name === 'cpu' ? '@tensorflow/tfjs-backend-cpu' : '@tensorflow/tfjs-backend-wasm';
  return { name, device: name === 'cpu' ? 'CPU (JavaScript)' : 'CPU (WebAssembly)', package: `${pkg}@${tf.version_core}` };
}

function packageVersion(pkg: string): string {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return (require(`${pkg}/package.json`) as { version: string }).version;
  } catch {
    return 'unknown';
  }
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
