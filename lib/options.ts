/**
 * The options of the public API, checked at the door: null, a wrong type or a string
 * where a list is expected is a NetError `invalid_spec` naming the call and the
 * argument, never a TypeError from inside.
 */
import { netError } from './errors';
import { DEFAULT_MEMORY_LIMIT, parseSize } from './memory';
import { preview } from './limits';
import { isPlainObject } from './tensors';

function bad(call: string, what: string, expected: string, value: unknown): never {
  throw netError('invalid_spec', `${call}: ${what} must be ${expected}, not ${shown(value)}`);
}

function shown(value: unknown): string {
  if (value === undefined) return 'undefined';
  if (typeof value === 'function') return 'a function';
  if (typeof value === 'bigint') return `${value}n`;
  if (typeof value === 'symbol') return 'a symbol';
  return preview(value);
}

/** An options argument: absent (undefined) or an object. */
export function optionsObject(call: string, value: unknown): Record<string, unknown> {
  if (value === undefined) return {};
  if (!isPlainObject(value)) bad(call, 'the options', 'an object', value);
  return value;
}

/** A seed: a non-negative safe integer. */
export function checkSeed(call: string, what: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) bad(call, what, 'a non-negative integer', value);
  return value;
}

/** loadNet's `initialize`: a seed, or `{seed, all}`. */
export function initializeOption(value: unknown): { seed: number; all?: boolean } | undefined {
  if (value === undefined) return undefined;
  if (typeof value === 'number') return { seed: checkSeed('loadNet', 'the option initialize', value) };
  if (!isPlainObject(value)) bad('loadNet', 'the option initialize', 'a seed (a non-negative integer) or {seed, all}', value);
  const seed = checkSeed('loadNet', 'the option initialize.seed', value.seed);
  if (value.all !== undefined && typeof value.all !== 'boolean') bad('loadNet', 'the option initialize.all', 'true or false', value.all);
  return { seed, all: value.all as boolean | undefined };
}

/** `memoryLimit`: bytes, or a size such as "512M" or "8G". */
export function memoryLimitOption(call: string, value: unknown): number {
  if (value === undefined) return DEFAULT_MEMORY_LIMIT;
  const bytes = parseSize(value);
  if (bytes === undefined) bad(call, 'the option memoryLimit', 'a positive number of bytes or a size such as "512M" or "8G"', value);
  return bytes;
}

/** `backend`: a string (selectBackend says which ones exist). */
export function backendOption(value: unknown): string | undefined {
  if (value !== undefined && typeof value !== 'string') bad('loadNet', 'the option backend', '"cpu", "wasm" or "tensorflow"', value);
  return value;
}

/** evaluate's `outputs`: a list of port names, or "All". */
export function outputsOption(value: unknown): readonly string[] | 'All' | undefined {
  if (value === undefined || value === 'All') return value;
  if (!Array.isArray(value)) bad('evaluate', 'the option outputs', 'a list of output port names, or "All"', value);
  value.forEach((x, i) => typeof x === 'string' || bad('evaluate', `outputs[${i}]`, 'an output port name', x));
  return value as string[];
}

/** evaluate's `gradients`: a list of requests (each checked by the spec parser). */
export function gradientsOption(value: unknown): readonly unknown[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) bad('evaluate', 'the option gradients', 'a list of gradient requests, e.g. ["Input", [1, "Weights"]]', value);
  return value;
}

/** evaluate's `format`. */
export function formatOption(value: unknown): 'nested' | 'typed' {
  if (value === undefined || value === 'nested' || value === 'typed') return value ?? 'nested';
  return bad('evaluate', 'the option format', '"nested" or "typed"', value);
}

/** An array path: a non-empty list of positions and names ending in an array name. */
export function pathArgument(call: string, value: unknown): ReadonlyArray<string | number> {
  const ok = Array.isArray(value) && value.length > 0 && value.every((x) => typeof x === 'string' || (typeof x === 'number' && Number.isInteger(x)));
  if (!ok) bad(call, 'the path', 'a list such as [1, "Weights"] or ["enc", "Biases"]', value);
  return value as Array<string | number>;
}
