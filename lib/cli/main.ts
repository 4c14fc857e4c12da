#!/usr/bin/env node
/**
 * The command line (CONTRACT section 4): `netport eval` and `netport check`. Thin: it
 * reads files and arguments, calls the library and prints.
 */
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import type { DecodedClass } from '../coders/class';
import { encodeData } from '../coders/ports';
import { registerDescribe } from './describe';
import { BACKENDS, backendInfo, selectBackend, type BackendName } from '../backend';
import { checkCases } from '../cases';
import { isNetError } from '../errors';
import { parseSize } from '../memory';
import { FileError, fileError, namesFile, readFileBytes, readTextFile } from './files';
import { valueData, valueJson } from '../format';
import { NetSchema, parseNet } from '../net';
import { Net } from '../runtime';
import { formatSpec, type SpecTarget } from '../paths';
import { readNetBytes } from '../formats';
import { answer, dataAndOgrad, netDescription, parseRequest } from '../requests';
import type { Nested } from '../tensors';
import type { Json, SpecJson } from '../wolfram/json';
import { printData, printResult } from '../wolfram/print';
import { printNet } from '../wolfram/print-net';
import { z } from 'zod';
import { registerGradcheck } from './gradcheck';
import { registerSaliency } from './saliency';
import { registerConvert } from './convert';

/** A usage problem: printed as one line and a pointer to --help, exit status 2. */
export class UsageError extends Error {}

/**
 * A file's contents, or the argument itself: JSON, or Wolfram text (returned as a string
 * for the Wolfram translation). A path-like argument that names no file is an error.
 */
export function readInput(arg: string, what: string): unknown {
  let text = arg;
  if (namesFile(arg)) text = readTextFile(arg, what);
  else if (/^[\w./-]+\.(json|wl|wls|m|txt|wxf|wlnet)$/.test(arg)) throw new FileError(`${what} ${JSON.stringify(arg)}`, 'no such file or directory', 'ENOENT');
  try {
    return JSON.parse(text);
  } catch (e) {
    if (/^\s*[[{"]/.test(text) && !/^\s*(\{|<\|)[^:]*(->|\||\})/.test(text)) {
      throw new UsageError(`${what} ${JSON.stringify(arg.length > 40 ? `${arg.slice(0, 37)}...` : arg)} is not valid JSON: ${(e as Error).message}`);
    }
    return text;
  }
}

/** The net argument: a file of any kind (JSON, Wolfram text, WXF, .wlnet, told by content), or inline JSON or Wolfram text. */
export async function readNetArgument(arg: string): Promise<unknown> {
  if (namesFile(arg)) return readNetBytes(readFileBytes(arg, 'the net'));
  // readInput refuses a name that looks like a file but names none (ENOENT).
  return netDescription(readInput(arg, 'the net'));
}

/** `Input`, `1,Weights`, `enc,-1,Biases` or `All`. */
export function parseGradSpec(text: string, previous: SpecTarget[] = []): SpecTarget[] {
  const parts = text.split(',').map((s) => s.trim());
  if (parts.some((p) => p === '')) throw new InvalidArgumentError(`"${text}" is not a spec (Input, 1,Weights or All)`);
  const spec: SpecTarget = parts.length === 1 ? parts[0]! : parts.map((p) => (/^-?\d+$/.test(p) ? Number(p) : p));
  return [...previous, spec];
}

export function parseOgrad(text: string, previous: Array<[string, string]> = []): Array<[string, string]> {
  const eq = text.indexOf('=');
  if (eq <= 0) throw new InvalidArgumentError(`"${text}" is not PORT=FILE.json (or PORT=number, PORT=null)`);
  return [...previous, [text.slice(0, eq), text.slice(eq + 1)]];
}

/** `--image PORT=FILE` (or `--image FILE` for the net's one input); repeatable, a port given several is a batch. */
export function parseImage(text: string, previous: Array<[string | undefined, string]> = []): Array<[string | undefined, string]> {
  const eq = text.indexOf('=');
  return [...previous, eq > 0 && !existsSync(text) ? [text.slice(0, eq), text.slice(eq + 1)] : [undefined, text]];
}

/** An output gradient given on the command line: `class:LABEL` imposes the unit vector of a class. */
export function ogradValue(text: string, port: string): unknown {
  if (text.startsWith('class:')) return { Class: text.slice('class:'.length) };
  return readInput(text, `the output gradient for ${port}`);
}

function parseMemoryLimit(text: string): number {
  const bytes = parseSize(text);
  if (bytes === undefined) throw new InvalidArgumentError(`"${text}" is not a size (e.g. 512M, 8G, or a number of bytes)`);
  return bytes;
}

export function parseSeed(text: string): number {
  if (!/^\d+$/.test(text)) throw new InvalidArgumentError(`"${text}" is not a non-negative integer seed`);
  return Number(text);
}

export const backendOption = () => new Option('--backend <name>', 'cpu, wasm or tensorflow (default: tensorflow if tfjs-node is installed, else wasm)').choices(BACKENDS);
const VERBOSE = ['--verbose', 'say on stderr which backend and device compute'] as const;

/** `--verbose`: the backend, its device and its package, on stderr (stdout stays the results). */
function sayBackend(name: BackendName): void {
  const info = backendInfo(name);
  process.stderr.write(`netport: backend ${info.name} on ${info.device} (${info.package})\n`);
}

interface EvalOptions {
  data?: string;
  image?: Array<[string | undefined, string]>;
  decode?: boolean;
  grad?: SpecTarget[];
  request?: string;
  ograd?: Array<[string, string]>;
  init?: number;
  memoryLimit?: number;
  backend?: BackendName;
  batchnorm?: 'moving' | 'batch';
  format: 'text' | 'json' | 'wl';
  json?: boolean;
  verbose?: boolean;
}

/** A request's key in text and JSON output: the port name, or `NetPortGradient[...]`. */
function specKey(spec: SpecJson): string {
  return typeof spec === 'string' ? spec : formatSpec(spec.NetPortGradient);
}

/** Data with the `--image` files added: one image per port, or a batch where a port is given several. */
function withImages(data: unknown, images: ReadonlyArray<[string | undefined, string]>, inputs: readonly string[]): unknown {
  if (images.length === 0) return data;
  const byPort = new Map<string, string[]>();
  for (const [port, file] of images) {
    if (port === undefined && inputs.length !== 1) throw new UsageError(`--image ${file}: the net has ${inputs.length} inputs; name the port, --image PORT=${file}`);
    if (!existsSync(file)) throw new FileError(`the image ${JSON.stringify(file)}`, 'no such file or directory', 'ENOENT');
    const name = port ?? inputs[0]!;
    byPort.set(name, [...(byPort.get(name) ?? []), path.resolve(file)]);
  }
  const record = typeof data === 'object' && data !== null && !Array.isArray(data) ? (data as Record<string, unknown>) : {};
  return { ...record, ...Object.fromEntries([...byPort].map(([port, files]) => [port, files.length === 1 ? { Image: files[0] } : files.map((f) => ({ Image: f }))])) };
}

/** A decoded output for the terminal: `"cat" (cat 0.71, dog 0.29)`, or a list of them for a batch. */
function formatDecoded(v: unknown): string {
  if (Array.isArray(v)) return `{${v.map(formatDecoded).join(', ')}}`;
  if (typeof v === 'number') return String(v);
  const c = v as DecodedClass;
  const top = Object.entries(c.Probabilities).sort((a, b) => b[1] - a[1]).slice(0, 5);
  return `${JSON.stringify(c.Class)} (${top.map(([l, p]) => `${l} ${p.toPrecision(4)}`).join(', ')}${Object.keys(c.Probabilities).length > 5 ? ', ...' : ''})`;
}

export function program(): Command {
  const cli = new Command('netport')
    .description("Wolfram Language neural-net gradients (NetPortGradient) on TensorFlow.js")
    // Errors are reported by main(), one line each; commander throws instead of exiting.
    .exitOverride()
    .configureOutput({ outputError: () => undefined });

  cli
    .command('eval')
    .description('evaluate a net on data: its outputs and the requested gradients')
    .argument('<net>', 'the net description: a JSON or Wolfram file, or inline JSON or Wolfram text')
    .option('--data <file>', 'the input data: a file or inline JSON/Wolfram, keyed by input port; {"Image": "file.png"} is an image (relative to the data file)')
    .option('--image <port=file>', 'an image for a port with an image encoder: PORT=FILE (or FILE for the one input); repeatable, several for one port make a batch', parseImage)
    .option('--decode', 'print outputs with a decoder decoded (NetDecoder["Class"]: the class and the probabilities by label)')
    .option('--grad <spec>', 'a gradient: Input, 1,Weights (a path) or All; repeatable', parseGradSpec)
    .option('--request <wolfram>', 'what follows the data in net[data, request], in Wolfram syntax, e.g. \'{NetPortGradient["Input"], "Output"}\'')
    .option('--ograd <port=file>', 'impose an output gradient: PORT=FILE.json, PORT=number, PORT=null, or PORT=class:LABEL (the unit vector of a class); repeatable', parseOgrad)
    .option('--init <seed>', 'initialize missing arrays, reproducibly, with this seed', parseSeed)
    .option('--memory-limit <size>', 'refuse nets and batches that need more memory than this (default 4G; e.g. 512M, 16G)', parseMemoryLimit)
    .addOption(
      new Option('--batchnorm <statistics>', "BatchNormalizationLayer's statistics under gradients: moving (default) or batch (Wolfram's: the batch's own)").choices(['moving', 'batch']),
    )
    .addOption(backendOption())
    .addOption(new Option('--format <format>', 'text, json (one object keyed like the results) or wl (what Mathematica prints for net[data, request])').choices(['text', 'json', 'wl']).default('text'))
    .option('--json', 'the same as --format json')
    .option(...VERBOSE)
    .action(async (netArg: string, opts: EvalOptions) => {
      if (opts.request && opts.grad) throw new UsageError('give either --request or --grad, not both');
      const description = await readNetArgument(netArg);
      const net = await Net.load(description, { backend: opts.backend, initialize: opts.init, batchNorm: opts.batchnorm, memoryLimit: opts.memoryLimit });
      // Not in --json: its keys are the net's ports, and a port may be named "backend".
      if (opts.verbose) sayBackend(net.backend);
      try {
        if (opts.data === undefined && !opts.image) throw new UsageError('give the input data: --data FILE, or --image PORT=FILE for a port with an image encoder');
        const read = opts.data === undefined ? { data: {} } : dataAndOgrad(readInput(opts.data, 'the data'), net);
        const imposed = read.ograd;
        const baseDir = opts.data !== undefined && existsSync(opts.data) ? path.dirname(opts.data) : process.cwd();
        const inputs = net.inputs.map((p) => p.name);
        const data = await encodeData(withImages(read.data, opts.image ?? [], inputs), inputs, net.coders, { baseDir });
        const ograd = opts.ograd || imposed
          ? { ...imposed, ...Object.fromEntries((opts.ograd ?? []).map(([port, v]) => [port, ogradValue(v, port)])) }
          : undefined;
        const format = opts.json ? 'json' : opts.format;
        let entries: Array<[string, Nested]>;
        let decoded: Record<string, unknown> = {};
        if (format === 'wl' || opts.request) {
          if (opts.decode) throw new UsageError('--decode goes with the text and json formats, not with --request or --format wl');
          const { specs, list } = opts.request
            ? parseRequest(opts.request)
            : opts.grad
              ? { specs: opts.grad.map((g) => ({ NetPortGradient: g })), list: opts.grad.length > 1 }
              : { specs: net.outputs.map((p) => p.name), list: net.outputs.length > 1 };
          const a = answer(net, data, specs, list, ograd);
          if (format === 'wl') {
            process.stdout.write(`${printResult(a.kind === 'value' ? (a.value as Json) : (a.entries as Array<[SpecJson, Json]>))}\n`);
            return;
          }
          entries = a.kind === 'value' ? [[specKey(specs[0]!), a.value]] : a.entries.map(([k, v]) => [specKey(k), v]);
        } else {
          const r = net.evaluate(data, { outputs: 'All', gradients: opts.grad ?? [], ograd, decode: opts.decode });
          entries = [...Object.entries(r.outputs), ...r.gradients.map((g): [string, Nested] => [g.key, g.value])];
          decoded = r.decoded ?? {};
        }
        if (format === 'json') {
          process.stdout.write(`${JSON.stringify(Object.fromEntries(entries.map(([k, v]) => [k, k in decoded ? decoded[k] : valueData(v)])))}\n`);
        } else {
          for (const [key, value] of entries) process.stdout.write(key in decoded ? `${key} = ${formatDecoded(decoded[key]!)}\n` : `${key} = ${valueJson(value)}\n`);
        }
      } finally {
        net.dispose();
      }
    });

  cli
    .command('check')
    .description('run case files (directories recursively) and compare with their reference values')
    .argument('<paths...>', 'case files or directories')
    .addOption(backendOption())
    .option('--json', 'print a JSON report (with "backend": its name, device and package)')
    .option(...VERBOSE)
    .action(async (paths: string[], opts: { backend?: BackendName; json?: boolean; verbose?: boolean }) => {
      const backend = await selectBackend(opts.backend);
      if (opts.verbose) sayBackend(backend);
      const reports = await checkCases(paths, { backend });
      const passed = reports.filter((r) => r.status === 'passed').length;
      const failed = reports.length - passed;
      if (opts.json) {
        process.stdout.write(`${JSON.stringify({ passed, failed, backend: backendInfo(backend), cases: reports })}\n`);
      } else {
        for (const r of reports) {
          process.stdout.write(r.status === 'passed' ? `ok   ${r.name}\n` : `FAIL ${r.name} (${r.file}): ${r.failures.join('; ')}\n`);
        }
        process.stdout.write(`${passed} passed, ${failed} failed\n`);
      }
      if (failed > 0) process.exitCode = 1;
    });

  cli
    .command('wl')
    .description('print a net (and data) in Wolfram syntax, to paste into Mathematica')
    .argument('<net>', 'the net description: a JSON or Wolfram file, or inline JSON or Wolfram text')
    .option('--data <file>', 'data to print too, keyed by input port')
    .action(async (netArg: string, opts: { data?: string }) => {
      const description = await readNetArgument(netArg);
      parseNet(description);
      process.stdout.write(`${printNet(description as Json)}\n`);
      if (opts.data !== undefined) {
        const data = readInput(opts.data, 'the data');
        process.stdout.write(`${typeof data === 'string' ? data : printData(data as Record<string, Json>)}\n`);
      }
    });

  registerDescribe(cli, readNetArgument);
  registerConvert(cli, readNetArgument);

  cli
    .command('schema')
    .description('print the JSON Schema of net descriptions')
    .action(() => {
      process.stdout.write(`${JSON.stringify(netJsonSchema(), null, 2)}\n`);
    });

  registerGradcheck(cli);
  registerSaliency(cli);
  return cli;
}

/** The published JSON Schema of net descriptions (also in schema/net.schema.json). */
export function netJsonSchema(): unknown {
  return z.toJSONSchema(NetSchema, { io: 'input', unrepresentable: 'any' });
}

export async function main(argv: readonly string[]): Promise<number> {
  try {
    await program().parseAsync(argv, { from: 'user' });
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (e) {
    return reportError(e, wantsJson(argv));
  }
}

/** `--json` or `--format json` anywhere on the command line: errors are JSON too. */
function wantsJson(argv: readonly string[]): boolean {
  return argv.some((a, i) => a === '--json' || a === '--format=json' || (a === '--format' && argv[i + 1] === 'json'));
}

/**
 * Every failure as one line on stderr (`{"error": {"code", "message"}}` with --json):
 * NetErrors with their code (exit 1), files that cannot be read or written (io, exit 1),
 * usage errors with a pointer to --help (usage, exit 2), anything else as internal
 * (exit 1). NETPORT_DEBUG=1 adds the stack.
 */
export function reportError(e: unknown, json: boolean): number {
  let code: string;
  let message: string;
  let status = 1;
  if (e instanceof CommanderError) {
    if (e.code === 'commander.helpDisplayed' || e.code === 'commander.version' || e.code === 'commander.help') return 0;
    code = 'usage';
    message = `${e.message.replace(/^error: /, '').split('\n')[0]} (see netport --help)`;
    status = 2;
  } else if (isNetError(e)) {
    code = e.code;
    message = e.message;
  } else if (e instanceof UsageError) {
    code = 'usage';
    message = `${e.message} (see netport --help)`;
    status = 2;
  } else if (e instanceof FileError) {
    code = 'io';
    message = e.message;
  } else {
    const io = fileError(e, 'a file');
    code = io ? 'io' : 'internal';
    message = io ? io.message : `unexpected ${(e as Error)?.name ?? 'error'}: ${firstLine(e)}${process.env.NETPORT_DEBUG ? '' : ' (NETPORT_DEBUG=1 shows the stack)'}`;
  }
  if (json) process.stderr.write(`${JSON.stringify({ error: { code, message } })}\n`);
  else process.stderr.write(`netport: ${code === 'usage' || code === 'io' || code === 'internal' ? '' : `${code}: `}${message}\n`);
  if (process.env.NETPORT_DEBUG && e instanceof Error && e.stack) process.stderr.write(`${e.stack}\n`);
  return status;
}

function firstLine(e: unknown): string {
  const text = e instanceof Error ? e.message : String(e);
  const line = text.split('\n')[0] ?? '';
  return line.length > 200 ? `${line.slice(0, 197)}...` : line;
}

/** A failed write to stdout: a reader that stops early is fine, a full disk is an error. */
export function outputError(e: NodeJS.ErrnoException): number {
  if (e.code === 'EPIPE') return 0;
  return reportError(fileError(e, 'the output', 'write') ?? e, false);
}

if (require.main === module) {
  // `netport eval ... | head`: a reader that stops early is not an error.
  process.stdout.on('error', (e: NodeJS.ErrnoException) => process.exit(outputError(e)));
  main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
