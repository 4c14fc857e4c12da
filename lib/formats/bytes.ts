/**
 * A bounds-checked reader over a byte string. Every failure is a NetError `invalid_net`
 * naming the format and the byte offset, so a truncated or damaged file is reported,
 * never read past its end.
 */
import { netError } from '../errors';

export class ByteReader {
  offset = 0;
  private readonly view: DataView;

  constructor(
    readonly bytes: Uint8Array,
    /** The format, for messages: "WXF", "Compress". */
    readonly format: string,
  ) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  get done(): boolean {
    return this.offset >= this.bytes.length;
  }

  /** Throws invalid_net: `Invalid net: WXF at byte 12: ...`. */
  fail(detail: string, at = this.offset): never {
    throw netError('invalid_net', `Invalid net: ${this.format} at byte ${at}: ${detail}`);
  }

  private need(n: number, what: string): number {
    if (n < 0 || this.offset + n > this.bytes.length) {
      this.fail(`the data ends inside ${what} (needs ${n} byte${n === 1 ? '' : 's'}, ${this.bytes.length - this.offset} left)`);
    }
    const at = this.offset;
    this.offset += n;
    return at;
  }

  u8(what = 'a byte'): number {
    return this.bytes[this.need(1, what)]!;
  }

  take(n: number, what: string): Uint8Array {
    const at = this.need(n, what);
    return this.bytes.subarray(at, at + n);
  }

  int8(): number {
    return this.view.getInt8(this.need(1, 'an 8-bit integer'));
  }
  int16(): number {
    return this.view.getInt16(this.need(2, 'a 16-bit integer'), true);
  }
  int32(what = 'a 32-bit integer'): number {
    return this.view.getInt32(this.need(4, what), true);
  }
  int64(): bigint {
    return this.view.getBigInt64(this.need(8, 'a 64-bit integer'), true);
  }
  float64(): number {
    return this.view.getFloat64(this.need(8, 'a real number'), true);
  }

  /** WXF's varint: 7 bits a byte, least significant first, at most 8 bytes here (sizes < 2^56). */
  varint(what: string): number {
    const start = this.offset;
    let value = 0;
    let scale = 1;
    for (let i = 0; i < 8; i++) {
      const b = this.u8(what);
      value += (b & 0x7f) * scale;
      if ((b & 0x80) === 0) return value;
      scale *= 128;
    }
    return this.fail(`${what} is not a valid varint`, start);
  }

  utf8(n: number, what: string): string {
    const at = this.offset;
    const bytes = this.take(n, what);
    try {
      return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    } catch {
      return this.fail(`${what} is not valid UTF-8`, at);
    }
  }
}

/** Appends bytes; grows as needed. */
export class ByteWriter {
  private buf = new Uint8Array(1024);
  private view = new DataView(this.buf.buffer);
  length = 0;

  private room(n: number): number {
    if (this.length + n > this.buf.length) {
      const next = new Uint8Array(Math.max(this.buf.length * 2, this.length + n));
      next.set(this.buf.subarray(0, this.length));
      this.buf = next;
      this.view = new DataView(next.buffer);
    }
    const at = this.length;
    this.length += n;
    return at;
  }

  // room() may replace the buffer: take the offset before touching buf or view.
  u8(b: number): void {
    const at = this.room(1);
    this.buf[at] = b;
  }
  bytes(b: Uint8Array): void {
    const at = this.room(b.length);
    this.buf.set(b, at);
  }
  int32(v: number): void {
    const at = this.room(4);
    this.view.setInt32(at, v, true);
  }
  int64(v: bigint): void {
    const at = this.room(8);
    this.view.setBigInt64(at, v, true);
  }
  float64(v: number): void {
    const at = this.room(8);
    this.view.setFloat64(at, v, true);
  }
  varint(n: number): void {
    let v = n;
    do {
      const b = v % 128;
      v = Math.floor(v / 128);
      this.u8(v > 0 ? b | 0x80 : b);
    } while (v > 0);
  }
  utf8(s: string): Uint8Array {
    return new TextEncoder().encode(s);
  }
  result(): Uint8Array {
    return this.buf.slice(0, this.length);
  }
}
