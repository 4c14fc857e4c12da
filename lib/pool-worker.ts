/**
 * One worker of a NetPool (lib/pool.ts): a Net of its own on its own backend, driven by
 * messages from the pool. Data arrives and results leave as transferred Float32Array buffers.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { tf } from './backend/tf';
import { isNetError } from './errors';
import { Net, type LoadOptions, type Result } from './runtime';
import type { NumArray } from './tensors';

/** What the pool sends. */
export type Request =
  | { readonly id: number; readonly op: 'evaluate'; readonly data: unknown; readonly options: Record<string, unknown> }
  | { readonly id: number; readonly op: 'setArray'; readonly path: Array<string | number>; readonly value: unknown }
  | { readonly id: number; readonly op: 'initialize'; readonly seed: number; readonly all: boolean }
  | { readonly id: number; readonly op: 'tensors' };

/** An error as it crosses the thread boundary. */
export interface WireError {
  readonly code?: string;
  readonly message: string;
  readonly where?: string;
}

/** What the worker answers: `ready` once loaded (id 0), then one reply per request. */
export type Reply = { readonly id: number; readonly ok: true; readonly value?: unknown } | { readonly id: number; readonly ok: false; readonly error: WireError };

export interface WorkerInit {
  readonly description: unknown;
  readonly options: LoadOptions;
}

function wire(e: unknown): WireError {
  if (isNetError(e)) return e.where === undefined ? { code: e.code, message: e.message } : { code: e.code, message: e.message, where: e.where };
  return { message: e instanceof Error ? e.message : String(e) };
}

/** The buffers of a result's arrays, each its own whole buffer (copied where it is a view). */
function transferable(result: Result<NumArray>): { result: Result<NumArray>; buffers: ArrayBuffer[] } {
  const buffers = new Set<ArrayBuffer>();
  const own = (a: NumArray): NumArray => {
    let data = a.data;
    const whole = data.buffer instanceof ArrayBuffer && data.byteOffset === 0 && data.byteLength === data.buffer.byteLength && !buffers.has(data.buffer);
    if (!whole) data = data.slice();
    buffers.add(data.buffer as ArrayBuffer);
    return { dims: a.dims, data };
  };
  const outputs = Object.fromEntries(Object.entries(result.outputs).map(([k, v]) => [k, own(v)]));
  const gradients = result.gradients.map((g) => ({ ...g, value: own(g.value) }));
  const out: Result<NumArray> = result.decoded ? { outputs, gradients, decoded: result.decoded } : { outputs, gradients };
  return { result: out, buffers: [...buffers] };
}

async function main(): Promise<void> {
  const port = parentPort!;
  const init = workerData as WorkerInit;
  let net: Net;
  try {
    net = await Net.load(init.description, init.options);
  } catch (e) {
    port.postMessage({ id: 0, ok: false, error: wire(e) } satisfies Reply);
    return;
  }
  port.on('message', (request: Request) => {
    try {
      switch (request.op) {
        case 'evaluate': {
          const { result, buffers } = transferable(net.evaluate(request.data, { ...request.options, format: 'typed' }) as Result<NumArray>);
          port.postMessage({ id: request.id, ok: true, value: result } satisfies Reply, buffers);
          return;
        }
        case 'setArray':
          net.setArray(request.path, request.value as NumArray);
          break;
        case 'initialize':
          net.initialize(request.seed, request.all);
          break;
        case 'tensors':
          port.postMessage({ id: request.id, ok: true, value: tf.memory().numTensors } satisfies Reply);
          return;
      }
      port.postMessage({ id: request.id, ok: true } satisfies Reply);
    } catch (e) {
      port.postMessage({ id: request.id, ok: false, error: wire(e) } satisfies Reply);
    }
  });
  port.postMessage({ id: 0, ok: true, value: net.backend } satisfies Reply);
}

if (parentPort) void main();
