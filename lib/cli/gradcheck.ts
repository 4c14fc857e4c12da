/**
 * `netport gradcheck NET --data D [--grad SPEC]...`: every requested gradient against
 * central finite differences (lib/gradcheck.ts); exit status 1 above the tolerance.
 */
import { Option, InvalidArgumentError, type Command } from 'commander';
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import type { BackendName } from '../backend';
import { encodeData } from '../coders/ports';
import { float32String } from '../format';
import { gradcheck } from '../gradcheck';
import type { SpecTarget } from '../paths';
import { dataAndOgrad } from '../requests';
import { Net } from '../runtime';
import { backendOption, ogradValue, parseGradSpec, parseOgrad, parseSeed, readInput, readNetArgument } from './main';

interface GradcheckCliOptions {
  data: string;
  grad?: SpecTarget[];
  ograd?: Array<[string, string]>;
  init?: number;
  backend?: BackendName;
  step?: number;
  tolerance?: number;
  maxElements?: number;
  json?: boolean;
}

function positive(text: string): number {
  const x = Number(text);
  if (!(x > 0) || !Number.isFinite(x)) throw new InvalidArgumentError(`"${text}" is not a positive number`);
  return x;
}

function count(text: string): number {
  if (!/^[1-9]\d*$/.test(text)) throw new InvalidArgumentError(`"${text}" is not a positive integer`);
  return Number(text);
}

export function registerGradcheck(cli: Command): void {
  cli
    .command('gradcheck')
    .description('compare gradients with central finite differences; exit status 1 above the tolerance')
    .argument('<net>', 'the net description: a JSON or Wolfram file, or inline JSON or Wolfram text')
    .requiredOption('--data <file>', 'the input data: a file or inline JSON/Wolfram, keyed by input port')
    .option('--grad <spec>', 'a gradient: Input, 1,Weights (a path) or All (default); repeatable', parseGradSpec)
    .option('--ograd <port=file>', 'impose an output gradient: PORT=FILE.json, PORT=number or PORT=null; repeatable', parseOgrad)
    .option('--init <seed>', 'initialize missing arrays, reproducibly, with this seed', parseSeed)
    .addOption(backendOption())
    .addOption(new Option('--step <h>', 'the relative step: h = step * max(1, |x|)').argParser(positive).default(1e-2))
    .addOption(new Option('--tolerance <e>', 'the largest acceptable relative error').argParser(positive).default(1e-2))
    .addOption(new Option('--max-elements <n>', 'compare at most n elements per gradient (a seeded sample beyond)').argParser(count).default(256))
    .option('--json', 'print a JSON report')
    .action(async (netArg: string, opts: GradcheckCliOptions) => {
      const net = await Net.load(await readNetArgument(netArg), { backend: opts.backend, initialize: opts.init });
      try {
        const read = dataAndOgrad(readInput(opts.data, 'the data'), net);
        const imposed = read.ograd;
        // Images in the data ({"Image": "file.png"}, relative to the data file) are encoded first.
        const baseDir = existsSync(opts.data) ? path.dirname(opts.data) : process.cwd();
        const data = await encodeData(read.data, net.inputs.map((p) => p.name), net.coders, { baseDir });
        const ograd = opts.ograd || imposed
          ? { ...imposed, ...Object.fromEntries((opts.ograd ?? []).map(([port, v]) => [port, ogradValue(v, port)])) }
          : undefined;
        const report = gradcheck(net, data, opts.grad ?? ['All'], { ograd, step: opts.step, tolerance: opts.tolerance, maxElements: opts.maxElements });
        if (opts.json) {
          process.stdout.write(`${JSON.stringify(report)}\n`);
        } else {
          for (const e of report.entries) {
            // Where the worst error sits only matters when it is too large (below the
            // tolerance it is rounding noise, and moves between backends).
            const where = e.error > report.tolerance ? ` (worst at ${e.at}: ${float32String(e.gradient)} against ${e.numeric.toPrecision(8)})` : '';
            process.stdout.write(`${e.key}: relative error ${e.error.toExponential(1)} over ${e.checked === e.total ? `all ${e.total}` : `${e.checked} of ${e.total}`} elements${where}\n`);
          }
          process.stdout.write(`worst ${report.error.toExponential(1)} ${report.passed ? '<=' : '>'} tolerance ${report.tolerance}: ${report.passed ? 'ok' : 'FAIL'}\n`);
        }
        if (!report.passed) process.exitCode = 1;
      } finally {
        net.dispose();
      }
    });
}
