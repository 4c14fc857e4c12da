/**
 * Every way a net arrives or leaves: JSON, Wolfram text (constructor code or the internal
 * form InputForm prints), WXF and .wlnet. A file's kind is told by its content, never by
 * its extension: the HDF5 signature, the WXF header `8:` / `8C:`, JSON, else Wolfram text.
 */
import { readFile } from 'node:fs/promises';
import { netError } from '../errors';
import type { NetJson } from '../wolfram/json';
import { parse, WolframSyntaxError } from '../wolfram/parse';
import { translateNet } from '../wolfram/translate';
import { fromAst, printWExpr, type WExpr } from './expr';
import { fromInternal, isInternalForm } from './internal';
import { toInternal } from './internal-write';
import { isHdf5, readWlnet, writeWlnet } from './wlnet';
import { isWxf, readWxf, writeWxf } from './wxf';

export type NetFileKind = 'json' | 'wolfram' | 'wxf' | 'wlnet';

/** The kind of a net file, from its first bytes. */
export function detectKind(bytes: Uint8Array): NetFileKind {
  if (isHdf5(bytes)) return 'wlnet';
  if (isWxf(bytes)) return 'wxf';
  const text = Buffer.from(bytes.subarray(0, 64)).toString('utf8').trimStart();
  return /^[[{"]/.test(text) && !/^\{[^:]*(->|\}|\|)/.test(text) ? 'json' : 'wolfram';
}

/** A net expression (WXF, .wlnet, parsed text): the internal form or constructor code -> description. */
export function netFromExpr(e: WExpr): NetJson {
  if (isInternalForm(e)) return fromInternal(e);
  // Constructor code (`NetChain[{LinearLayer[3], Ramp}]`) goes through the Wolfram-text reader.
  return translateNet(printWExpr(e));
}

/** Wolfram text: the internal form (`NetChain[<|"Type" -> "Chain", ...|>, ...]`) or constructor code. */
export function netFromText(text: string): NetJson {
  let e;
  try {
    e = parse(text);
  } catch (err) {
    if (err instanceof WolframSyntaxError) return translateNet(text); // reports the syntax error with its place
    throw err;
  }
  const w = fromAst(e);
  return isInternalForm(w) ? fromInternal(w) : translateNet(text);
}

/** The net description held by a file's bytes, of any kind. */
export async function readNetBytes(bytes: Uint8Array): Promise<unknown> {
  switch (detectKind(bytes)) {
    case 'wlnet':
      return netFromExpr(await readWlnet(bytes));
    case 'wxf':
      return netFromExpr(readWxf(bytes));
    case 'json': {
      const text = Buffer.from(bytes).toString('utf8');
      try {
        return JSON.parse(text);
      } catch (e) {
        throw netError('invalid_net', `Invalid net: not valid JSON: ${(e as Error).message}`);
      }
    }
    case 'wolfram': {
      const text = Buffer.from(bytes).toString('utf8');
      if (text.includes('\u0000')) throw netError('invalid_net', 'Invalid net: the file is neither JSON, Wolfram text, WXF nor .wlnet (HDF5)');
      return netFromText(text);
    }
  }
}

/** The net description in a file of any kind. */
export async function readNetFile(file: string): Promise<unknown> {
  let bytes: Uint8Array;
  try {
    bytes = await readFile(file);
  } catch (e) {
    throw netError('invalid_net', `Invalid net: cannot read ${JSON.stringify(file)}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  try {
    return await readNetBytes(bytes);
  } catch (e) {
    if (e instanceof Error && e.name === 'NetError') e.message = `${e.message} (in ${file})`;
    throw e;
  }
}

export type NetFormat = 'json' | 'wl' | 'wxf' | 'wlnet';

/**
 * A net description written in a format: JSON (as given), Wolfram text (the internal
 * form, as InputForm prints it), WXF or .wlnet (both the internal form).
 */
export async function writeNet(description: unknown, format: NetFormat): Promise<Uint8Array> {
  switch (format) {
    case 'json':
      return Buffer.from(`${JSON.stringify(description)}\n`);
    case 'wl':
      return Buffer.from(`${printWExpr(toInternal(description))}\n`);
    case 'wxf':
      return writeWxf(toInternal(description));
    case 'wlnet':
      return writeWlnet(toInternal(description));
  }
}

export { fromInternal, isInternalForm } from './internal';
export { toInternal } from './internal-write';
export { readWxf, writeWxf } from './wxf';
export { readWlnet, writeWlnet } from './wlnet';
export type { WExpr } from './expr';
