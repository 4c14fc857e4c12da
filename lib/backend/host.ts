/**
 * The host process stays the host's. TensorFlow.js's wasm module is built with
 * emscripten, whose Node.js glue installs process-wide `uncaughtException` and
 * `unhandledRejection` handlers that rethrow: once the wasm backend loads, an unrelated
 * rejected promise anywhere in the host crashes the process. netport removes exactly
 * the handlers that appeared while the backend initialized and look like emscripten's;
 * the host's own handlers, old or new, stay. And an evaluation switches TensorFlow.js's
 * global backend only for its own duration.
 */
import { tf } from './tf';

const EVENTS = ['uncaughtException', 'unhandledRejection'] as const;
type Listener = (...args: unknown[]) => void;
const listeners = (event: string): Listener[] => process.listeners(event as 'uncaughtException') as Listener[];

/** emscripten's handlers: `if (!(ex instanceof ExitStatus)) throw ex` and `throw reason`. */
const EMSCRIPTEN_HANDLER = /ExitStatus|^\s*(function)?\s*\(?\s*(\w+)\s*\)?\s*(=>)?\s*\{\s*throw\s+\2\s*;?\s*\}\s*$/;

function isEmscriptenHandler(listener: Listener): boolean {
  const source = Function.prototype.toString.call(listener);
  return EMSCRIPTEN_HANDLER.test(source);
}

/** Runs `body` (a backend's initialization) and removes the crash handlers it installed. */
export async function withoutInstalledHandlers<T>(body: () => Promise<T>): Promise<T> {
  const before = EVENTS.map((e) => new Set(listeners(e)));
  try {
    return await body();
  } finally {
    EVENTS.forEach((event, i) => {
      for (const listener of listeners(event)) {
        if (!before[i]!.has(listener) && isEmscriptenHandler(listener)) process.removeListener(event, listener);
      }
    });
  }
}

/** The host's global backend, without initializing one when none is chosen yet. */
export function currentBackend(): string | undefined {
  return (tf.engine() as unknown as { backendName: string | null }).backendName ?? undefined;
}

/** Switches the global backend back to `name` (an initialized one), if it changed. */
export function restoreBackend(name: string | undefined): void {
  if (name === undefined || currentBackend() === name) return;
  // setBackend is synchronous for a backend that is already initialized.
  void tf.setBackend(name);
}
