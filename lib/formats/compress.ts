/**
 * `Compress` strings, as `.wlnet` files hold their "/Network" and "/Metadata": `1:`
 * followed by Base64 of a zlib stream of an expression serialized in Wolfram's older
 * binary form. That form starts with `!boR`; each node is a one-byte tag: `f` + int32 n
 * (a call: the head, then n arguments), `s` / `S` + int32 length + bytes (a symbol, a
 * string), `i` + int32, `r` + float64, `I` / `R` + int32 length + digits (big integers
 * and reals). Integers are little-endian. Read from a real 13.0.3 file (WOLFRAM-FORMATS.md
 * section 2); tags it does not show are refused with their offset.
 */
import { deflateSync, inflateSync } from 'node:zlib';
import { netError } from '../errors';
import { ByteReader, ByteWriter } from './bytes';
import type { WExpr } from './expr';
import { symbolOf } from './expr';

const MAGIC = '!boR';
const MAX_DEPTH = 2000;

/** True for a `Compress` string (`1:eJ...`). */
export function isCompressed(text: string): boolean {
  return /^1:[A-Za-z0-9+/=\s]+$/.test(text.slice(0, 64)) && text.length > 2;
}

/** Decodes a `Compress` string into its expression; NetError `invalid_net` naming `what` and the offset. */
export function uncompress(text: string, what: string): WExpr {
  if (!text.startsWith('1:')) throw netError('invalid_net', `Invalid net: ${what} is not a Compress string (it should start with 1:)`);
  const b64 = text.slice(2).replace(/\s+/g, '');
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(b64)) throw netError('invalid_net', `Invalid net: ${what} is not Base64 after 1:`);
  let bytes: Uint8Array;
  try {
    bytes = inflateSync(Buffer.from(b64, 'base64'));
  } catch (e) {
    throw netError('invalid_net', `Invalid net: ${what} does not hold a zlib stream: ${(e as Error).message}`);
  }
  return readSerialized(bytes, `${what} (Compress)`);
}

/** The `!boR` expression format. */
export function readSerialized(bytes: Uint8Array, format: string): WExpr {
  const r = new ByteReader(bytes, format);
  if (Buffer.from(bytes.subarray(0, 4)).toString('latin1') !== MAGIC) r.fail(`expected ${MAGIC}`, 0);
  r.offset = 4;
  const e = node(r, 0);
  if (!r.done) r.fail(`${bytes.length - r.offset} bytes follow the expression`);
  return restore(e);
}

function node(r: ByteReader, depth: number): WExpr {
  if (depth > MAX_DEPTH) r.fail(`expressions nested deeper than ${MAX_DEPTH}`);
  const at = r.offset;
  const tag = r.u8('a tag');
  const length = (what: string) => {
    const n = r.int32(`the length of ${what}`);
    if (n < 0) r.fail(`${what} has the negative length ${n}`, at);
    return n;
  };
  switch (String.fromCharCode(tag)) {
    case 'f': {
      const n = length('a call');
      if (n > r.bytes.length - r.offset) r.fail(`a call claims ${n} arguments, more than the bytes left`, at);
      const head = node(r, depth + 1);
      const args: WExpr[] = [];
      for (let i = 0; i < n; i++) args.push(node(r, depth + 1));
      return { kind: 'call', head, args };
    }
    case 's':
      return { kind: 'symbol', name: r.utf8(length('a symbol'), 'a symbol') };
    case 'S':
      return { kind: 'string', value: r.utf8(length('a string'), 'a string') };
    case 'i':
      return { kind: 'integer', value: r.int32() };
    case 'r':
      return { kind: 'real', value: r.float64() };
    case 'I': {
      const digits = r.utf8(length('a big integer'), 'a big integer');
      if (!/^-?\d+$/.test(digits)) r.fail(`a big integer has the digits ${JSON.stringify(digits.slice(0, 20))}`, at);
      const n = Number(digits);
      return Number.isSafeInteger(n) ? { kind: 'integer', value: n } : { kind: 'bigint', digits };
    }
    case 'R': {
      const digits = r.utf8(length('a big real'), 'a big real');
      const value = Number(digits.replace(/`[\d.]*/, '').replace('*^', 'e'));
      if (!Number.isFinite(value)) r.fail(`a big real reads ${JSON.stringify(digits.slice(0, 20))}`, at);
      return { kind: 'bigreal', digits, value };
    }
    default:
      return r.fail(`unknown tag 0x${tag.toString(16).padStart(2, '0')}`, at);
  }
}

/** Associations arrive as `Association[Rule[k, v], ...]`: give them the tree's association node. */
function restore(e: WExpr): WExpr {
  if (e.kind !== 'call') return e;
  const args = e.args.map(restore);
  if (symbolOf(e.head) === 'Association' && args.every((a) => ['Rule', 'RuleDelayed'].includes(callHead(a)) && a.kind === 'call' && a.args.length === 2)) {
    return {
      kind: 'assoc',
      entries: args.map((a) => {
        const c = a as WExpr & { kind: 'call' };
        return { key: c.args[0]!, value: c.args[1]!, delayed: callHead(a) === 'RuleDelayed' };
      }),
    };
  }
  return { kind: 'call', head: restore(e.head), args };
}

const callHead = (e: WExpr) => (e.kind === 'call' ? (symbolOf(e.head) ?? '') : '');

/** An expression as a `Compress` string, as the 13.0.3 file shows it. Arrays must be replaced first. */
export function compress(e: WExpr): string {
  const w = new ByteWriter();
  w.bytes(Buffer.from(MAGIC, 'latin1'));
  write(w, e);
  return `1:${deflateSync(w.result()).toString('base64')}`;
}

function text(w: ByteWriter, tag: string, s: string): void {
  const b = w.utf8(s);
  w.u8(tag.charCodeAt(0));
  w.int32(b.length);
  w.bytes(b);
}

function write(w: ByteWriter, e: WExpr): void {
  switch (e.kind) {
    case 'integer':
      if (e.value >= -(2 ** 31) && e.value < 2 ** 31) {
        w.u8(0x69);
        w.int32(e.value);
      } else {
        text(w, 'I', String(e.value));
      }
      return;
    case 'bigint':
      return text(w, 'I', e.digits);
    case 'real':
      w.u8(0x72);
      w.float64(e.value);
      return;
    case 'bigreal':
      return text(w, 'R', e.digits);
    case 'string':
      return text(w, 'S', e.value);
    case 'symbol':
      return text(w, 's', e.name);
    case 'call':
      w.u8(0x66);
      w.int32(e.args.length);
      write(w, e.head);
      for (const a of e.args) write(w, a);
      return;
    case 'assoc':
      w.u8(0x66);
      w.int32(e.entries.length);
      text(w, 's', 'Association');
      for (const x of e.entries) {
        w.u8(0x66);
        w.int32(2);
        text(w, 's', x.delayed ? 'RuleDelayed' : 'Rule');
        write(w, x.key);
        write(w, x.value);
      }
      return;
    case 'bytes':
    case 'array':
      throw netError('unsupported', `Unsupported: a ${e.kind === 'array' ? 'numeric array' : 'byte string'} inside a Compress string`);
  }
}
