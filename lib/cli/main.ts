#!/usr/bin/env node
/**
 * The command line (CONTRACT section 4): `netport eval` and `netport check`. Thin: it
 * reads files and arguments, calls the library and prints.
 */
import { Command, InvalidArgumentError, Option } from 'commander';
import { existsSync, readFileSync } from 'node:fs';
import { BACKENDS, type BackendName } from '../backend';
import { checkCases } from '../cases';
import { isNetError } from '../errors';
import { valueData, valueJson } from '../format';
import { NetSchema } from '../net';
import { Net } from '../runtime';
import type { SpecTarget } from '../paths';
import { z } from 'zod';

/** A usage problem: printed as one line, exit status 2. */
class UsageError extends Error {}

/** A file's JSON, or the argument itself when it is inline JSON rather than a path. */
function readJson(arg: string, what: string): unknown {
  const text = existsSync(arg) ? readFileSync(arg, 'utf8') : /^\s*[[{"\-\d]|^(null|true|false)$/.test(arg) ? arg : undefined;
  if (text === undefined) throw new UsageError(`cannot read ${what} ${JSON.stringify(arg)}: no such file`);
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new UsageError(`${what} ${JSON.stringify(arg)} is not valid JSON: ${(e as Error).message}`);
  }
}

/** `Input`, `1,Weights`, `enc,-1,Biases` or `All`. */
function parseGradSpec(text: string, previous: SpecTarget[] = []): SpecTarget[] {
  const parts = text.split(',').map((s) => s.trim());
  if (parts.some((p) => p === '')) throw new InvalidArgumentError(`"${text}" is not a spec (Input, 1,Weights or All)`);
  const spec: SpecTarget = parts.length === 1 ? parts[0]! : parts.map((p) => (/^-?\d+$/.test(p) ? Number(p) : p));
  return [...previous, spec];
}

function parseOgrad(text: string, previous: Array<[string, string]> = []): Array<[string, string]> {
  const eq = text.indexOf('=');
  if (eq <= 0) throw new InvalidArgumentError(`"${text}" is not PORT=FILE.json (or PORT=number, PORT=null)`);
  return [...previous, [text.slice(0, eq), text.slice(eq + 1)]];
}

function parseSeed(text: string): number {
  if (!/^\d+$/.test(text)) throw new InvalidArgumentError(`"${text}" is not a non-negative integer seed`);
  return Number(text);
}

const backendOption = () => new Option('--backend <name>', 'cpu, wasm or tensorflow (default: tensorflow if tfjs-node is installed, else wasm)').choices(BACKENDS);

export function program(): Command {
  const cli = new Command('netport')
    .description("Wolfram Language neural-net gradients (NetPortGradient) on TensorFlow.js")
    .showHelpAfterError()
    .configureOutput({ outputError: (text, write) => write(text) });

  cli
    .command('eval')
    .description('evaluate a net on data: its outputs and the requested gradients')
    .argument('<net>', 'the net description (JSON file)')
    .requiredOption('--data <file>', 'the input data: a JSON file (or inline JSON) keyed by input port')
    .option('--grad <spec>', 'a gradient: Input, 1,Weights (a path) or All; repeatable', parseGradSpec)
    .option('--ograd <port=file>', 'impose an output gradient: PORT=FILE.json, PORT=number or PORT=null; repeatable', parseOgrad)
    .option('--init <seed>', 'initialize missing arrays, reproducibly, with this seed', parseSeed)
    .addOption(backendOption())
    .option('--json', 'print one JSON object keyed like the results')
    .action(async (netFile: string, opts: { data: string; grad?: SpecTarget[]; ograd?: Array<[string, string]>; init?: number; backend?: BackendName; json?: boolean }) => {
      const description = readJson(netFile, 'the net');
      const data = readJson(opts.data, 'the data');
      const ograd = opts.ograd ? Object.fromEntries(opts.ograd.map(([port, v]) => [port, readJson(v, `the output gradient for ${port}`)])) : undefined;
      const net = await Net.load(description, { backend: opts.backend, initialize: opts.init });
      try {
        const r = net.evaluate(data, { outputs: 'All', gradients: opts.grad ?? [], ograd });
        const entries: Array<[string, ReturnType<typeof valueData>]> = [
          ...Object.entries(r.outputs),
          ...r.gradients.map((g): [string, ReturnType<typeof valueData>] => [g.key, g.value]),
        ];
        if (opts.json) {
          process.stdout.write(`${JSON.stringify(Object.fromEntries(entries.map(([k, v]) => [k, valueData(v)])))}\n`);
        } else {
          for (const [key, value] of entries) process.stdout.write(`${key} = ${valueJson(value)}\n`);
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
    .option('--json', 'print a JSON report')
    .action(async (paths: string[], opts: { backend?: BackendName; json?: boolean }) => {
      for (const p of paths) if (!existsSync(p)) throw new UsageError(`cannot read ${JSON.stringify(p)}: no such file or directory`);
      const reports = await checkCases(paths, { backend: opts.backend });
      const passed = reports.filter((r) => r.status === 'passed').length;
      const failed = reports.length - passed;
      if (opts.json) {
        process.stdout.write(`${JSON.stringify({ passed, failed, cases: reports })}\n`);
      } else {
        for (const r of reports) {
          process.stdout.write(r.status === 'passed' ? `ok   ${r.name}\n` : `FAIL ${r.name} (${r.file}): ${r.failures.join('; ')}\n`);
        }
        process.stdout.write(`${passed} passed, ${failed} failed\n`);
      }
      if (failed > 0) process.exitCode = 1;
    });

  cli
    .command('schema')
    .description('print the JSON Schema of net descriptions')
    .action(() => {
      process.stdout.write(`${JSON.stringify(netJsonSchema(), null, 2)}\n`);
    });

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
    if (isNetError(e)) {
      process.stderr.write(`netport: ${e.code}: ${e.message}\n`);
      return 1;
    }
    if (e instanceof UsageError) {
      process.stderr.write(`netport: ${e.message}\n`);
      return 2;
    }
    throw e;
  }
}

if (require.main === module) {
  main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
