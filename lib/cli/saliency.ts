/**
 * `netport saliency NET --image FILE|FOLDER [--class LABEL] [--method M] [--mode M]
 * [--overlay] --out map.png|FOLDER`: pictures of input gradients (lib/saliency). A folder
 * of images gives one picture per image, named after it, with a progress bar on stderr
 * when stderr is a terminal.
 */
import { SingleBar } from 'cli-progress';
import { Option, InvalidArgumentError, type Command } from 'commander';
import { existsSync, mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import type { BackendName } from '../backend';
import { RENDER_MODES, type RenderMode } from '../render';
import { Net } from '../runtime';
import { SALIENCY_METHODS, saliencyAsync, saliencyPng, type SaliencyMethod, type SaliencyResult } from '../saliency';
import { FileError } from './files';
import { backendOption, parseSeed, readInput, readNetArgument, UsageError } from './main';

interface SaliencyCliOptions {
  image: string;
  out: string;
  class?: string;
  method: SaliencyMethod;
  mode: RenderMode;
  overlay?: boolean;
  port?: string;
  output?: string;
  data?: string;
  samples?: number;
  noise?: number;
  steps?: number;
  seed?: number;
  init?: number;
  backend?: BackendName;
}

/** The image files sharp reads, by extension. */
const IMAGE_FILES = /\.(png|jpe?g|webp|gif|tiff?|avif)$/i;

function count(text: string): number {
  if (!/^[1-9]\d*$/.test(text)) throw new InvalidArgumentError(`"${text}" is not a positive integer`);
  return Number(text);
}

function nonNegative(text: string): number {
  const x = Number(text);
  if (!(x >= 0) || !Number.isFinite(x)) throw new InvalidArgumentError(`"${text}" is not a non-negative number`);
  return x;
}

export function registerSaliency(cli: Command): void {
  cli
    .command('saliency')
    .description('draw saliency maps: the input gradient of a class, as a PNG picture per image')
    .argument('<net>', 'the net description: a JSON or Wolfram file, or inline JSON or Wolfram text')
    .requiredOption('--image <file|folder>', 'an image file, or a folder of them (PNG, JPEG, WebP, GIF, TIFF, AVIF)')
    .requiredOption('--out <file|folder>', 'the PNG to write, or for a folder of images the folder to write one PNG per image into')
    .option('--class <label>', "the class explained: a label of the output's class decoder, or the class's position (default: the top class with a decoder, else the sum of the outputs)")
    .addOption(new Option('--method <method>', 'gradient (Wolfram\'s NetPortGradient), smoothgrad or ig (Integrated Gradients)').choices(SALIENCY_METHODS).default('gradient'))
    .addOption(new Option('--mode <mode>', 'magnitude (viridis), signed (RdBu, a panel per channel) or rgb (|gradient| per colour channel)').choices(RENDER_MODES).default('magnitude'))
    .option('--overlay', 'blend the picture over the input image')
    .option('--port <name>', 'the input port explained (default: the only real-valued input)')
    .option('--output <name>', 'the output port whose class is explained (default: the only real-valued output)')
    .option('--data <file>', 'values for the net\'s other input ports, keyed by port')
    .option('--samples <n>', 'SmoothGrad: noisy samples (5)', count)
    .option('--noise <x>', "SmoothGrad: the noise's standard deviation relative to the input's range (0.15)", nonNegative)
    .option('--steps <n>', 'Integrated Gradients: Gauss-Legendre steps (50)', count)
    .option('--seed <n>', 'SmoothGrad: the noise seed (0)', parseSeed)
    .option('--init <seed>', 'initialize missing arrays, reproducibly, with this seed', parseSeed)
    .addOption(backendOption())
    .action(async (netArg: string, opts: SaliencyCliOptions) => {
      if (!existsSync(opts.image)) throw new FileError(`the image ${JSON.stringify(opts.image)}`, 'no such file or directory', 'ENOENT');
      const folder = statSync(opts.image).isDirectory();
      const images = folder ? readdirSync(opts.image).filter((f) => IMAGE_FILES.test(f)).sort().map((f) => path.join(opts.image, f)) : [opts.image];
      if (images.length === 0) throw new UsageError(`the folder ${JSON.stringify(opts.image)} holds no image files`);
      if (folder) {
        if (existsSync(opts.out) && !statSync(opts.out).isDirectory()) throw new UsageError(`--out ${JSON.stringify(opts.out)} must be a folder for a folder of images`);
        mkdirSync(opts.out, { recursive: true });
      } else if (!/\.png$/i.test(opts.out)) {
        throw new UsageError(`--out ${JSON.stringify(opts.out)} must name a .png file`);
      }
      const net = await Net.load(await readNetArgument(netArg), { backend: opts.backend, initialize: opts.init });
      const bar = folder && process.stderr.isTTY ? new SingleBar({ format: 'saliency [{bar}] {value}/{total} {file}', stream: process.stderr, hideCursor: true }) : undefined;
      try {
        const others = opts.data === undefined ? {} : (readInput(opts.data, 'the data') as Record<string, unknown>);
        if (typeof others !== 'object' || others === null || Array.isArray(others)) throw new UsageError('--data must be an object keyed by input port');
        const port = opts.port ?? net.inputs.find((p) => !(p.name in others) && p.classes === undefined)?.name;
        if (port === undefined) throw new UsageError('the net has no input port left for the image; name it with --port');
        bar?.start(images.length, 0, { file: '' });
        for (const file of images) {
          bar?.update({ file: path.basename(file) });
          const result = await saliencyAsync(net, { ...others, [port]: { Image: path.resolve(file) } }, {
            method: opts.method,
            port,
            output: opts.output,
            class: opts.class,
            samples: opts.samples,
            noise: opts.noise,
            steps: opts.steps,
            seed: opts.seed,
          });
          const out = folder ? path.join(opts.out, `${path.parse(file).name}.png`) : opts.out;
          writeFileSync(out, saliencyPng(net, result, { mode: opts.mode, overlay: opts.overlay }));
          bar?.increment();
          if (!bar) process.stdout.write(`${summary(out, result)}\n`);
        }
      } finally {
        bar?.stop();
        net.dispose();
      }
    });
}

/** `map.png: gradient of class "cat", {3, 224, 224}` and, for IG, its completeness. */
function summary(out: string, r: SaliencyResult): string {
  const what = r.class === undefined ? 'the sum of the outputs' : `class ${JSON.stringify(r.class)}`;
  const ig = r.completeness ? `; attributions sum to ${r.completeness.sum.toPrecision(6)}, f(x) - f(baseline) = ${r.completeness.difference.toPrecision(6)}` : '';
  return `${out}: ${r.method} of ${what} with respect to "${r.port}" {${r.map.dims.join(', ')}}${ig}`;
}
