/**
 * The native `tensorflow` backend: libtensorflow through @tensorflow/tfjs-node (CPU) or
 * @tensorflow/tfjs-node-gpu (CUDA), optional peers that users install themselves. Both
 * register the same backend on the @tensorflow/tfjs they find, so only one is loaded, and it
 * must find netport's copy.
 */
import { netError } from '../errors';
import { tf } from './tf';

/** GPU first: where both are installed, the GPU build is the one a user installed it for. */
export const NATIVE_PACKAGES = ['@tensorflow/tfjs-node-gpu', '@tensorflow/tfjs-node'] as const;
export type NativePackage = (typeof NATIVE_PACKAGES)[number];

/**
 * How the native packages are found and loaded: Node's own resolution from netport's
 * directory. The tests swap in stand-ins (absent, broken, a foreign copy) to check both
 * sides of every promise whether or not tfjs-node is installed.
 */
export const nativeModules = {
  resolve: (pkg: NativePackage): string => require.resolve(pkg),
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  load: (pkg: NativePackage): unknown => require(pkg),
  /** The package loaded, once one is. */
  loaded: undefined as NativePackage | undefined,
};

/** The installed native package, if any (without loading it). */
export function nativePackage(): NativePackage | undefined {
  if (nativeModules.loaded) return nativeModules.loaded;
  return NATIVE_PACKAGES.find((pkg) => {
    try {
      nativeModules.resolve(pkg);
      return true;
    } catch {
      return false;
    }
  });
}

/**
 * Loads the native package so that it registers the `tensorflow` backend on netport's
 * TensorFlow.js; returns its name. NetError `unsupported` when none is installed, when it
 * fails to load (libtensorflow missing, a build for another Node), or when it brought its own
 * copy of @tensorflow/tfjs.
 */
export function loadNative(): NativePackage {
  if (nativeModules.loaded) return nativeModules.loaded;
  const pkg = nativePackage();
  if (!pkg) {
    throw netError(
      'unsupported',
      'The tensorflow backend needs @tensorflow/tfjs-node (CPU) or @tensorflow/tfjs-node-gpu (CUDA): npm install @tensorflow/tfjs-node@4.22.0',
    );
  }
  // libtensorflow logs INFO lines on stderr as it loads (oneDNN, CPU features); a user who
  // set the level keeps theirs. TensorFlow reads the variable once, when it loads.
  process.env.TF_CPP_MIN_LOG_LEVEL ??= '1';
  try {
    nativeModules.load(pkg);
  } catch (e) {
    const first = ((e as Error).message ?? String(e)).split('\n')[0];
    throw netError('unsupported', `The tensorflow backend needs ${pkg}, which is installed but failed to load: ${first}`);
  }
  if (!tf.findBackendFactory('tensorflow')) {
    throw netError(
      'unsupported',
      `${pkg} loaded its own copy of @tensorflow/tfjs, not netport's (4.22.0); install ${pkg}@4.22.0 so npm shares one copy`,
    );
  }
  nativeModules.loaded = pkg;
  return pkg;
}

/** What the native backend reports about itself (tfjs-node's NodeJSKernelBackend). */
interface NodeBackend {
  isUsingGpuDevice?: boolean;
  binding?: { TF_Version?: string };
}

/** The device the initialized `tensorflow` backend computes on, e.g. `CPU (libtensorflow 2.9.1)`. */
export function nativeDevice(): string {
  const b = tf.findBackend('tensorflow') as NodeBackend | null;
  const version = b?.binding?.TF_Version;
  return `${b?.isUsingGpuDevice ? 'GPU (CUDA)' : 'CPU'}${version ? ` (libtensorflow ${version})` : ''}`;
}
