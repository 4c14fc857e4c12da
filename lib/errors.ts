/**
 * Every failure netport reports is a NetError: a stable machine-readable `code`
 * (the list is part of the public contract), a `where` in the user's terms
 * (`layer 2 (LinearLayer) "Weights"`), and a one-line message for people.
 */

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
