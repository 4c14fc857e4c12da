import { NetError } from '../../lib/errors';

/** The code and message of the NetError that `f` throws (anything else fails the test). */
export function netErrorOf(f: () => unknown): { code: string; message: string } {
  try {
    f();
  } catch (e) {
    if (e instanceof NetError) return { code: e.code, message: e.message };
    throw e;
  }
  throw new Error('expected a NetError, but nothing was thrown');
}
