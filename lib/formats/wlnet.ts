/**
 * `.wlnet` files (`Export["net.wlnet", net]`): HDF5 holding "/Version", "/Unstable",
 * "/Network" (the internal form with every array replaced by `ExportedArray[k]`, as a
 * `Compress` string; 11.0 wrote InputForm text, and the paclet's reader also takes WXF
 * bytes), "/Arrays/k" (float32, row-major, Wolfram's dimensions) and "/Metadata".
 *
 * HDF5 is read and written by h5wasm, the HDF5 C library compiled to WebAssembly: unlike
 * the pure-JS jsfive it can also write, and it reads whatever HDF5 layout Mathematica's
 * own library chose. Its browser build is a self-contained script (the wasm inlined),
 * evaluated here from its text, so it works from CommonJS and needs no file system: files
 * live in its in-memory file system only while they are read or written.
 */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { netError } from '../errors';
import { compress, isCompressed, uncompress } from './compress';
import { type ArrayExpr, fromAst, headOf, printWExpr, type WExpr, wassoc, wcall, wint, wstr, wsym } from './expr';
import { parse } from '../wolfram/parse';
import { isWxf, readWxf } from './wxf';

/** The HDF5 signature: \x89HDF\r\n\x1a\n. */
const SIGNATURE = [0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a];

export function isHdf5(bytes: Uint8Array): boolean {
  return SIGNATURE.every((b, i) => bytes[i] === b);
}

/** The Mathematica version netport writes, as the real file it imitates shows it. */
export const WRITTEN_VERSION = '13.0.3';

// ---------------------------------------------------------------------------------
// h5wasm, loaded once

interface H5Dataset {
  readonly shape: number[] | null;
  readonly metadata: { type: number; size: number; vlen: boolean };
  readonly value: unknown;
}
interface H5Group {
  keys(): string[];
  get(name: string): H5Dataset | H5Group | null;
  create_group(name: string): H5Group;
  create_dataset(args: { name: string; data: unknown; shape?: number[]; dtype?: string }): unknown;
}
interface H5File extends H5Group {
  close(): void;
}
interface H5Wasm {
  ready: Promise<{ FS: { writeFile(p: string, d: Uint8Array): void; readFile(p: string): Uint8Array; unlink(p: string): void } }>;
  File: new (name: string, mode: string) => H5File;
  Group: new (...a: never[]) => H5Group;
}

let loading: Promise<{ h5: H5Wasm; FS: Awaited<H5Wasm['ready']>['FS'] }> | undefined;

function findBuild(): string {
  for (const dir of require.resolve.paths('h5wasm') ?? []) {
    const file = path.join(dir, 'h5wasm', 'dist', 'iife', 'h5wasm.js');
    try {
      return readFileSync(file, 'utf8');
    } catch {
      // next
    }
  }
  throw netError('unsupported', 'reading and writing .wlnet files needs the package h5wasm: npm install h5wasm');
}

/**
 * The HDF5 library's diagnostics ("HDF5-DIAG: Error detected in ...") go to stderr for
 * every damaged file; netport reports the problem as a NetError instead, so the script
 * gets a console of its own that stays quiet (NETPORT_DEBUG_HDF5=1 lets it speak).
 */
const quietConsole = new Proxy(console, {
  get(target, key: keyof Console) {
    if (['log', 'error', 'warn', 'info', 'debug'].includes(key as string) && !process.env.NETPORT_DEBUG_HDF5) return () => {};
    return target[key];
  },
});

async function h5wasm() {
  loading ??= (async () => {
    const h5 = new Function('console', `${findBuild()}\nreturn h5wasm;`)(quietConsole) as H5Wasm;
    const { FS } = await h5.ready;
    return { h5, FS };
  })();
  return loading;
}

let counter = 0;

/** Opens bytes as an HDF5 file in h5wasm's memory, runs `use`, and removes it. */
async function withFile<T>(bytes: Uint8Array | undefined, use: (f: H5File) => T): Promise<T | Uint8Array> {
  const { h5, FS } = await h5wasm();
  const name = `/netport-${process.pid}-${counter++}.h5`;
  if (bytes) FS.writeFile(name, bytes);
  let f: H5File | undefined;
  try {
    f = new h5.File(name, bytes ? 'r' : 'w');
    const result = use(f);
    f.close();
    f = undefined;
    return bytes ? result : FS.readFile(name);
  } finally {
    try {
      f?.close();
    } catch {
      // already failed
    }
    try {
      FS.unlink(name);
    } catch {
      // never created
    }
  }
}

// ---------------------------------------------------------------------------------
// Reading

/** A .wlnet file's net as its expression tree, with `ExportedArray[k]` replaced by /Arrays/k. */
export async function readWlnet(bytes: Uint8Array): Promise<WExpr> {
  if (!isHdf5(bytes)) throw netError('invalid_net', 'Invalid net: .wlnet at byte 0: not an HDF5 file (no HDF5 signature)');
  let read: { network: WExpr; arrays: Map<string, ArrayExpr> };
  try {
    read = (await withFile(bytes, (f) => readParts(f))) as typeof read;
  } catch (e) {
    if ((e as { code?: string }).code && (e as Error).name === 'NetError') throw e;
    // The HDF5 library's own words ("error - name not defined!") say nothing to a user.
    throw netError('invalid_net', `Invalid net: .wlnet: not a readable HDF5 file (damaged or truncated: ${bytes.length} bytes)`);
  }
  return resolveArrays(read.network, read.arrays);
}

const firstLine = (e: unknown) => String((e as Error)?.message ?? e).split('\n')[0]!.slice(0, 120);

function readParts(f: H5File): { network: WExpr; arrays: Map<string, ArrayExpr> } {
  const keys = f.keys();
  if (!keys.includes('Network')) throw netError('invalid_net', 'Invalid net: .wlnet "/Network": missing (is this a net file?)');
  const net = f.get('Network') as H5Dataset;
  const value = net.value;
  let network: WExpr;
  if (typeof value === 'string') {
    if (isCompressed(value)) network = uncompress(value, '.wlnet "/Network"');
    else network = textNetwork(value);
  } else if (value instanceof Uint8Array || ArrayBuffer.isView(value)) {
    const b = new Uint8Array((value as Uint8Array).buffer, (value as Uint8Array).byteOffset, (value as Uint8Array).byteLength);
    if (!isWxf(b)) throw netError('invalid_net', 'Invalid net: .wlnet "/Network": bytes that are not WXF');
    network = readWxf(b);
  } else {
    throw netError('invalid_net', 'Invalid net: .wlnet "/Network": expected a string');
  }
  const arrays = new Map<string, ArrayExpr>();
  const group = keys.includes('Arrays') ? (f.get('Arrays') as H5Group) : undefined;
  for (const k of group?.keys() ?? []) {
    const ds = group!.get(k) as H5Dataset;
    const where = `.wlnet "/Arrays/${k}"`;
    if (!ds || !('shape' in ds) || !Array.isArray(ds.shape)) throw netError('invalid_net', `Invalid net: ${where}: not a dataset`);
    const v = ds.value;
    if (!(v instanceof Float32Array || v instanceof Float64Array)) {
      throw netError('invalid_net', `Invalid net: ${where}: expected real numbers, got ${Object.prototype.toString.call(v).slice(8, -1)}`);
    }
    arrays.set(k, { kind: 'array', type: v instanceof Float32Array ? 'Real32' : 'Real64', packed: false, dims: [...ds.shape], data: v });
  }
  return { network, arrays };
}

function textNetwork(text: string): WExpr {
  try {
    return fromAst(parse(text));
  } catch (e) {
    throw netError('invalid_net', `Invalid net: .wlnet "/Network" is neither a Compress string nor Wolfram text (${firstLine(e)})`);
  }
}

function resolveArrays(e: WExpr, arrays: ReadonlyMap<string, ArrayExpr>): WExpr {
  if (headOf(e) === 'ExportedArray' && e.kind === 'call') {
    const k = e.args[0];
    const a = k?.kind === 'integer' ? arrays.get(String(k.value)) : undefined;
    if (!a) throw netError('invalid_net', `Invalid net: .wlnet "/Network" refers to ${printWExpr(e)}, but "/Arrays" has no such array`);
    return a.dims.length === 0 ? { kind: 'real', value: a.data[0]! } : a;
  }
  if (e.kind === 'call') return { kind: 'call', head: resolveArrays(e.head, arrays), args: e.args.map((x) => resolveArrays(x, arrays)) };
  if (e.kind === 'assoc') return { kind: 'assoc', entries: e.entries.map((x) => ({ ...x, value: resolveArrays(x.value, arrays) })) };
  return e;
}

// ---------------------------------------------------------------------------------
// Writing

/**
 * A net's internal form (arrays inline) as a .wlnet file, laid out as the 13.0.3 file
 * shows it: arrays become `ExportedArray[k]` in traversal order and float32 datasets.
 */
export async function writeWlnet(net: WExpr): Promise<Uint8Array> {
  const arrays: ArrayExpr[] = [];
  const replace = (e: WExpr): WExpr => {
    if (e.kind === 'array') {
      arrays.push(e);
      return wcall('ExportedArray', wint(arrays.length));
    }
    if (e.kind === 'call') return { kind: 'call', head: e.head, args: e.args.map(replace) };
    if (e.kind === 'assoc') return { kind: 'assoc', entries: e.entries.map((x) => ({ ...x, value: replace(x.value) })) };
    return e;
  };
  // "/Network" holds the bare association, without the NetChain[...] head and version.
  const body = net.kind === 'call' && net.args[0]?.kind === 'assoc' ? net.args[0] : net;
  const network = compress(replace(body));
  const metadata = compress(wassoc([['Version', wstr(WRITTEN_VERSION)], ['Unstable', wsym('False')]]));
  return (await withFile(undefined, (f) => {
    f.create_dataset({ name: 'Version', data: WRITTEN_VERSION });
    f.create_dataset({ name: 'Unstable', data: BigInt64Array.of(0n), shape: [], dtype: '<q' });
    f.create_dataset({ name: 'Network', data: network });
    const group = f.create_group('Arrays');
    arrays.forEach((a, i) => group.create_dataset({ name: String(i + 1), data: Float32Array.from(a.data), shape: [...a.dims], dtype: '<f' }));
    f.create_dataset({ name: 'Metadata', data: metadata });
  })) as Uint8Array;
}
