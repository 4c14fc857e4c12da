/**
 * Optional peer dependencies (heavy or native packages that only some users need, such as
 * `sharp` for image decoding) are loaded here, on first use, so that netport itself loads
 * without them and a missing one is a NetError that names the package to install.
 */
import { netError } from './errors';

const loaded = new Map<string, unknown>();

/**
 * `require(pkg)`, or NetError `unsupported` naming the package and what it is needed for
 * (`purpose`: "decoding images").
 */
export function requireOptional<T>(pkg: string, purpose: string): T {
  if (loaded.has(pkg)) return loaded.get(pkg) as T;
  let mod: unknown;
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    mod = require(pkg);
  } catch (e) {
    const missing = (e as NodeJS.ErrnoException).code === 'MODULE_NOT_FOUND';
    throw netError(
      'unsupported',
      missing
        ? `${purpose} needs the optional package ${pkg}: npm install ${pkg}`
        : `${purpose} needs ${pkg}, which is installed but failed to load: ${(e as Error).message.split('\n')[0]}`,
    );
  }
  loaded.set(pkg, mod);
  return mod as T;
}
