/**
 * What a caller hands in as a net: a description, a file's bytes, a file's path, or
 * Wolfram text. A string names a file when one exists there (relative to `base`).
 */
import { statSync } from 'node:fs';
import * as path from 'node:path';
import { netError } from '../errors';
import { translateNet } from '../wolfram/translate';
import { readNetBytes, readNetFile } from './index';

/** Looks like a file name rather than Wolfram text or JSON. */
const FILE_LIKE = /^[^\s[\]{}<>|"]+\.(json|wl|wls|m|txt|wxf|wlnet)$/i;

/** The net description for a description, bytes, a path (relative to `base`) or Wolfram text. */
export async function resolveNet(net: unknown, base = '.'): Promise<unknown> {
  if (net instanceof Uint8Array) return readNetBytes(net);
  if (typeof net !== 'string') return net;
  const file = path.resolve(base, net);
  let isFile = false;
  try {
    isFile = statSync(file).isFile();
  } catch {
    // not a file
  }
  if (isFile) return readNetFile(file);
  if (FILE_LIKE.test(net)) throw netError('invalid_net', `Invalid net: cannot read ${JSON.stringify(net)}: no such file`);
  return translateNet(net);
}
