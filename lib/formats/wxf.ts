/**
 * WXF, Wolfram's binary expression format (`BinarySerialize`, `Export[..., "WXF"]`),
 * after Wolfram's "WXF Format Description": a header `8:` (or `8C:` followed by one
 * zlib stream of the rest), then one expression, token by token. Integers and reals are
 * little-endian; lengths and dimensions are varints.
 */
import { inflateSync } from 'node:zlib';
import { ByteReader, ByteWriter } from './bytes';
import type { ArrayExpr, ArrayType, WExpr } from './expr';

/** Array element types by WXF type byte: [name, bytes per element]. */
const TYPES: ReadonlyMap<number, readonly [ArrayType, number]> = new Map([
  [0x00, ['Integer8', 1]],
  [0x01, ['Integer16', 2]],
  [0x02, ['Integer32', 4]],
  [0x03, ['Integer64', 8]],
  [0x10, ['UnsignedInteger8', 1]],
  [0x11, ['UnsignedInteger16', 2]],
  [0x12, ['UnsignedInteger32', 4]],
  [0x13, ['UnsignedInteger64', 8]],
  [0x22, ['Real32', 4]],
  [0x23, ['Real64', 8]],
  [0x33, ['ComplexReal32', 8]],
  [0x34, ['ComplexReal64', 16]],
]);
const TYPE_BYTE = new Map([...TYPES].map(([byte, [name]]) => [name, byte]));
/** Packed arrays hold signed integers, reals and complex numbers only. */
const PACKABLE = new Set([0x00, 0x01, 0x02, 0x03, 0x22, 0x23, 0x33, 0x34]);

/** Deepest nesting accepted, so a hostile file cannot exhaust the stack. */
const MAX_DEPTH = 2000;

/** True when the bytes start with a WXF header. */
export function isWxf(bytes: Uint8Array): boolean {
  return bytes[0] === 0x38 && (bytes[1] === 0x3a || (bytes[1] === 0x43 && bytes[2] === 0x3a));
}

/** Reads one WXF expression; NetError `invalid_net` naming the byte offset otherwise. */
export function readWxf(bytes: Uint8Array): WExpr {
  const head = new ByteReader(bytes, 'WXF');
  if (!isWxf(bytes)) head.fail('not WXF (expected the header 8: or 8C:)', 0);
  // Offsets in messages count from the start of the file, or of the decompressed stream for 8C:.
  let body = bytes;
  let format = 'WXF';
  let start = 2;
  if (bytes[1] === 0x43) {
    try {
      body = inflateSync(bytes.subarray(3));
    } catch (e) {
      head.fail(`the compressed body (8C:) is not a zlib stream: ${(e as Error).message}`, 3);
    }
    format = 'WXF (after decompressing 8C:)';
    start = 0;
  }
  const r = new ByteReader(body, format);
  r.offset = start;
  const e = token(r, 0);
  if (!r.done) r.fail(`${body.length - r.offset} bytes follow the expression`);
  return e;
}

function token(r: ByteReader, depth: number): WExpr {
  if (depth > MAX_DEPTH) r.fail(`expressions nested deeper than ${MAX_DEPTH}`);
  const at = r.offset;
  const tag = r.u8('a token');
  switch (tag) {
    case 0x66: {
      // f: a function: length, head, parts
      const n = r.varint('the length of a function');
      if (n > r.bytes.length - r.offset) r.fail(`a function claims ${n} parts, more than the bytes left`, at);
      const h = token(r, depth + 1);
      const args: WExpr[] = [];
      for (let i = 0; i < n; i++) args.push(token(r, depth + 1));
      return { kind: 'call', head: h, args };
    }
    case 0x41: {
      // A: association of n rules
      const n = r.varint('the length of an association');
      if (n > r.bytes.length - r.offset) r.fail(`an association claims ${n} entries, more than the bytes left`, at);
      const entries = [];
      for (let i = 0; i < n; i++) {
        const ruleAt = r.offset;
        const kind = r.u8('a rule');
        if (kind !== 0x2d && kind !== 0x3a) r.fail(`expected a rule (- or :) in an association, got byte 0x${kind.toString(16)}`, ruleAt);
        const key = token(r, depth + 1);
        const value = token(r, depth + 1);
        entries.push({ key, value, delayed: kind === 0x3a });
      }
      return { kind: 'assoc', entries };
    }
    case 0x73: // s
      return { kind: 'symbol', name: r.utf8(r.varint('the length of a symbol'), 'a symbol') };
    case 0x53: // S
      return { kind: 'string', value: r.utf8(r.varint('the length of a string'), 'a string') };
    case 0x42: // B
      return { kind: 'bytes', data: r.take(r.varint('the length of a byte string'), 'a byte string').slice() };
    case 0x43:
      return { kind: 'integer', value: r.int8() };
    case 0x6a:
      return { kind: 'integer', value: r.int16() };
    case 0x69:
      return { kind: 'integer', value: r.int32() };
    case 0x4c: {
      const v = r.int64();
      return Number.isSafeInteger(Number(v)) ? { kind: 'integer', value: Number(v) } : { kind: 'bigint', digits: v.toString() };
    }
    case 0x72:
      return { kind: 'real', value: r.float64() };
    case 0x49: {
      const digits = r.utf8(r.varint('the length of a big integer'), 'a big integer');
      if (!/^-?\d+$/.test(digits)) r.fail(`a big integer has the digits ${JSON.stringify(digits.slice(0, 20))}`, at);
      const n = Number(digits);
      return Number.isSafeInteger(n) ? { kind: 'integer', value: n } : { kind: 'bigint', digits };
    }
    case 0x52: {
      const digits = r.utf8(r.varint('the length of a big real'), 'a big real');
      const value = Number(digits.replace(/`[\d.]*/, '').replace('*^', 'e'));
      if (!Number.isFinite(value)) r.fail(`a big real reads ${JSON.stringify(digits.slice(0, 20))}`, at);
      return { kind: 'bigreal', digits, value };
    }
    case 0xc1:
    case 0xc2:
      return arrayToken(r, tag === 0xc1, at);
    default:
      return r.fail(`unknown token 0x${tag.toString(16).padStart(2, '0')}`, at);
  }
}

function arrayToken(r: ByteReader, packed: boolean, at: number): ArrayExpr {
  const typeAt = r.offset;
  const code = r.u8('an array type');
  const info = TYPES.get(code);
  if (!info || (packed && !PACKABLE.has(code))) r.fail(`unknown ${packed ? 'packed' : 'numeric'} array type 0x${code.toString(16)}`, typeAt);
  const [type, size] = info!;
  const rank = r.varint('the rank of an array');
  if (rank === 0) r.fail('an array of rank 0', at);
  if (rank > r.bytes.length - r.offset) r.fail(`an array claims rank ${rank}, more than the bytes left`, at);
  const dims: number[] = [];
  let volume = 1;
  for (let i = 0; i < rank; i++) {
    const d = r.varint('an array dimension');
    dims.push(d);
    volume *= d;
  }
  if (volume * size > r.bytes.length - r.offset) r.fail(`an array of dimensions {${dims.join(', ')}} needs ${volume * size} bytes, ${r.bytes.length - r.offset} left`, at);
  const raw = r.take(volume * size, 'array data');
  const copy = new Uint8Array(raw).buffer;
  const complex = type.startsWith('Complex');
  const count = complex ? volume * 2 : volume;
  let data: ArrayLike<number>;
  switch (type) {
    case 'Integer8': data = new Int8Array(copy); break;
    case 'Integer16': data = new Int16Array(copy); break;
    case 'Integer32': data = new Int32Array(copy); break;
    case 'UnsignedInteger8': data = new Uint8Array(copy); break;
    case 'UnsignedInteger16': data = new Uint16Array(copy); break;
    case 'UnsignedInteger32': data = new Uint32Array(copy); break;
    case 'Real32': case 'ComplexReal32': data = new Float32Array(copy, 0, count); break;
    case 'Real64': case 'ComplexReal64': data = new Float64Array(copy, 0, count); break;
    default: {
      // 64-bit integers as doubles: exact up to 2^53, which is all a net's arrays use.
      const big = type === 'Integer64' ? new BigInt64Array(copy) : new BigUint64Array(copy);
      data = Float64Array.from(big, (v) => Number(v));
    }
  }
  return { kind: 'array', type, packed, dims, data };
}

// ---------------------------------------------------------------------------------
// Writing

/** One expression as WXF (`8:`, uncompressed), as `BinarySerialize` writes it. */
export function writeWxf(e: WExpr): Uint8Array {
  const w = new ByteWriter();
  w.u8(0x38);
  w.u8(0x3a);
  put(w, e);
  return w.result();
}

function putText(w: ByteWriter, tag: number, text: string): void {
  const b = w.utf8(text);
  w.u8(tag);
  w.varint(b.length);
  w.bytes(b);
}

function put(w: ByteWriter, e: WExpr): void {
  switch (e.kind) {
    case 'integer':
      if (e.value >= -128 && e.value <= 127) {
        w.u8(0x43);
        w.u8(e.value & 0xff);
      } else if (e.value >= -(2 ** 31) && e.value < 2 ** 31) {
        w.u8(0x69);
        w.int32(e.value);
      } else {
        w.u8(0x4c);
        w.int64(BigInt(e.value));
      }
      return;
    case 'bigint':
      return putText(w, 0x49, e.digits);
    case 'real':
      w.u8(0x72);
      w.float64(e.value);
      return;
    case 'bigreal':
      return putText(w, 0x52, e.digits);
    case 'string':
      return putText(w, 0x53, e.value);
    case 'symbol':
      return putText(w, 0x73, e.name);
    case 'bytes':
      w.u8(0x42);
      w.varint(e.data.length);
      w.bytes(e.data);
      return;
    case 'call':
      w.u8(0x66);
      w.varint(e.args.length);
      put(w, e.head);
      for (const a of e.args) put(w, a);
      return;
    case 'assoc':
      w.u8(0x41);
      w.varint(e.entries.length);
      for (const x of e.entries) {
        w.u8(x.delayed ? 0x3a : 0x2d);
        put(w, x.key);
        put(w, x.value);
      }
      return;
    case 'array':
      return putArray(w, e);
  }
}

function putArray(w: ByteWriter, e: ArrayExpr): void {
  const code = TYPE_BYTE.get(e.type)!;
  w.u8(e.packed ? 0xc1 : 0xc2);
  w.u8(code);
  w.varint(e.dims.length);
  for (const d of e.dims) w.varint(d);
  let bytes: Uint8Array;
  const of = (t: { buffer: ArrayBufferLike; byteOffset: number; byteLength: number }) => new Uint8Array(t.buffer, t.byteOffset, t.byteLength);
  switch (e.type) {
    case 'Integer8': bytes = of(Int8Array.from(e.data)); break;
    case 'Integer16': bytes = of(Int16Array.from(e.data)); break;
    case 'Integer32': bytes = of(Int32Array.from(e.data)); break;
    case 'Integer64': bytes = of(BigInt64Array.from(Array.from(e.data, (x) => BigInt(x)))); break;
    case 'UnsignedInteger8': bytes = of(Uint8Array.from(e.data)); break;
    case 'UnsignedInteger16': bytes = of(Uint16Array.from(e.data)); break;
    case 'UnsignedInteger32': bytes = of(Uint32Array.from(e.data)); break;
    case 'UnsignedInteger64': bytes = of(BigUint64Array.from(Array.from(e.data, (x) => BigInt(x)))); break;
    case 'Real32': case 'ComplexReal32': bytes = of(Float32Array.from(e.data)); break;
    default: bytes = of(Float64Array.from(e.data));
  }
  w.bytes(bytes);
}

