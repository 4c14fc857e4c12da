/**
 * Every failure netport reports is a NetError: a stable machine-readable `code`
 * (the list is part of the public contract), a `where` in the user's terms
 * (`layer 2 (LinearLayer) "Weights"`), and a one-line message for people.
 */
import { quote } from './limits';

export const ERROR_CODES = [
  'invalid_net',
  'not_initialized',
  'invalid_data',
  'invalid_spec',
  'unknown_port',
  'unknown_array',
  'integer_gradient',
  'aux_array_gradient',
  'invalid_ograd',
  'unsupported',
  'limit_exceeded',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

export class NetError extends Error {
  override readonly name = 'NetError';

  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly where?: string,
  ) {
    super(message);
  }

  /** One line for a terminal: `netport: invalid_net: Invalid net: ...`. */
  toLine(): string {
    return `${this.code}: ${this.message}`;
  }
}

export function isNetError(e: unknown): e is NetError {
  return e instanceof NetError;
}

/** A layer's place in a net: positions (1-based) in layer lists, names in associations. */
export type LayerPath = ReadonlyArray<string | number>;

/** A path element as Wolfram prints it: `2` or `"enc"`. */
export function formatKey(key: string | number): string {
  return typeof key === 'number' ? String(key) : quote(key);
}

/**
 * Names a layer for messages: `layer 2 (LinearLayer)`, `layer {"enc", 2} (LinearLayer)`,
 * or just `LinearLayer` when the layer is the whole net.
 */
export function where(path: LayerPath, type?: string): string {
  if (path.length === 0) return type ?? 'the net';
  const at = path.length === 1 ? formatKey(path[0]!) : `{${path.map(formatKey).join(', ')}}`;
  return type ? `layer ${at} (${type})` : `layer ${at}`;
}

/** Shorthand for `new NetError(...)`. */
export function netError(code: ErrorCode, message: string, at?: string): NetError {
  return new NetError(code, message, at);
}
