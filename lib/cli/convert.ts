/**
 * `netport convert NET --to json|wl|wxf|wlnet [-o FILE]`: a net (with its arrays) in
 * another form. Wolfram text, WXF and .wlnet hold Mathematica's internal form, written
 * as the 13.0.3 files show it, so `Import["net.wlnet"]` (or `Get`, `BinaryDeserialize`)
 * can bring it into Mathematica; JSON is netport's own description.
 */
import type { Command } from 'commander';
import { Option } from 'commander';
import { writeFileSync } from 'node:fs';
import { writeNet, type NetFormat } from '../formats';
import { parseNet } from '../net';

/** Registers the command; `readNet` reads the net argument as the other commands do. */
export function registerConvert(cli: Command, readNet: (arg: string) => Promise<unknown>): void {
  cli
    .command('convert')
    .description('write a net in another form: json (netport), wl (InputForm), wxf or wlnet (both Mathematica binary)')
    .argument('<net>', 'the net: a JSON, Wolfram, WXF or .wlnet file (told by content), or inline JSON or Wolfram text')
    .addOption(new Option('--to <format>', 'json, wl, wxf or wlnet').choices(['json', 'wl', 'wxf', 'wlnet']).makeOptionMandatory())
    .option('-o, --output <file>', 'write here instead of to standard output')
    .action(async (netArg: string, opts: { to: NetFormat; output?: string }) => {
      const description = await readNet(netArg);
      parseNet(description);
      const bytes = await writeNet(description, opts.to);
      if (opts.output) writeFileSync(opts.output, bytes);
      else process.stdout.write(bytes);
    });
}
