import { main } from '../../lib/cli/main';

export interface CliRun {
  code: number;
  out: string;
  err: string;
}

/**
 * `netport ARGS` run in this process, its stdout and stderr captured; in `cwd` and with
 * `env` added to the environment when given, both restored afterwards.
 */
export async function runCli(args: string[], options: { cwd?: string; env?: Record<string, string> } = {}): Promise<CliRun> {
  const out: string[] = [];
  const err: string[] = [];
  const o = jest.spyOn(process.stdout, 'write').mockImplementation((c) => (out.push(String(c)), true));
  const e = jest.spyOn(process.stderr, 'write').mockImplementation((c) => (err.push(String(c)), true));
  const cwd = process.cwd();
  const saved = { ...process.env };
  if (options.cwd) process.chdir(options.cwd);
  if (options.env) Object.assign(process.env, options.env);
  try {
    const code = await main(args);
    return { code, out: out.join(''), err: err.join('') };
  } finally {
    process.chdir(cwd);
    if (options.env) process.env = saved;
    process.exitCode = undefined;
    o.mockRestore();
    e.mockRestore();
  }
}
