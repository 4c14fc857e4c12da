/** `netport describe NET [--json]`: the net as Wolfram's summary panel shows it. */
import type { Command } from 'commander';
import { describeNet, formatSummary } from '../describe';

/** Registers the command; `readNet` reads the argument as the other commands do (file, JSON or Wolfram text). */
export function registerDescribe(cli: Command, readNet: (arg: string) => Promise<unknown>): void {
  cli
    .command('describe')
    .description('print a net as Wolfram\'s summary panel does: layers, shapes, arrays, parameters, ports and their coders')
    .argument('<net>', 'the net: a JSON, Wolfram, WXF or .wlnet file, or inline JSON or Wolfram text')
    .option('--json', 'print the summary as JSON')
    .action(async (netArg: string, opts: { json?: boolean }) => {
      const summary = describeNet(await readNet(netArg));
      process.stdout.write(opts.json ? `${JSON.stringify(summary)}\n` : `${formatSummary(summary)}\n`);
    });
}
