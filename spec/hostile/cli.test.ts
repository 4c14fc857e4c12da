/**
 * The command line fails like a good Unix tool: one line naming the file and the
 * problem, a non-zero exit and no stack; JSON errors with --json; usage errors with a
 * pointer to --help; bounded reads; `netport check` one line per case.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileError, readFileBytes } from '../../lib/cli/files';
import { main, outputError, reportError } from '../../lib/cli/main';
import { useBackend } from '../helpers/backends';
import { runCli } from '../helpers/cli';

const ROOT = path.join(__dirname, '..', '..');
const NET = JSON.stringify({ type: 'LinearLayer', OutputDimensions: 1, Input: 2, Weights: [[1, 2]], Biases: [0] });
let dir: string;

const cli = (args: string[], env: Record<string, string> = {}) => runCli(args, { env });

beforeAll(async () => {
  await useBackend('cpu');
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'netport-hostile-'));
  fs.mkdirSync(path.join(dir, 'adir'));
  fs.symlinkSync(path.join(dir, 'loop-b'), path.join(dir, 'loop-a'));
  fs.symlinkSync(path.join(dir, 'loop-a'), path.join(dir, 'loop-b'));
  fs.mkdirSync(path.join(dir, 'cases', 'sub'), { recursive: true });
  fs.symlinkSync(path.join(dir, 'cases'), path.join(dir, 'cases', 'sub', 'back'));
  fs.writeFileSync(path.join(dir, 'cases', 'one.json'), JSON.stringify({ name: 'one', net: JSON.parse(NET), data: { Input: [1, 1] }, expect: [{ output: 'Output', value: [3] }] }));
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('files', () => {
  test.each<[string, () => string, string]>([
    ['a directory', () => path.join(dir, 'adir'), 'is a directory (EISDIR)'],
    ['a symbolic link loop', () => path.join(dir, 'loop-a'), 'too many symbolic links (a symbolic link loop) (ELOOP)'],
    ['a missing file that looks like one', () => 'missing.json', 'no such file or directory (ENOENT)'],
  ])('the net is %s: one line, exit 1', async (_, file, problem) => {
    const f = file();
    const r = await cli(['eval', f, '--data', '[1, 1]', '--backend', 'cpu']);
    expect([r.code, r.out, r.err]).toEqual([1, '', `netport: cannot read the net ${JSON.stringify(f)}: ${problem}\n`]);
    const j = await cli(['eval', NET, '--data', f, '--backend', 'cpu', '--json']);
    expect(j.code).toBe(1);
    expect(JSON.parse(j.err)).toEqual({ error: { code: 'io', message: `cannot read the data ${JSON.stringify(f)}: ${problem}` } });
  });

  test('input that never ends (--data /dev/zero) is refused after 256 MiB', async () => {
    const r = await cli(['eval', NET, '--data', '/dev/zero', '--backend', 'cpu']);
    expect([r.code, r.err]).toEqual([1, 'netport: cannot read the data "/dev/zero": is larger than 256 MiB (or never ends), the most netport reads\n']);
    expect(() => readFileBytes('/dev/urandom', 'the data', 1 << 16)).toThrow('cannot read the data "/dev/urandom": is larger than 0.0625 MiB (or never ends), the most netport reads');
  });

  test('errno problems in words', () => {
    const problem = (code: string) => fileError(Object.assign(new Error(`${code}: something, open 'x'`), { code }), 'the net "x"')!.message;
    expect(['EACCES', 'ENOSPC', 'EISDIR', 'EXDEV'].map(problem)).toEqual([
      'cannot read the net "x": permission denied (EACCES)',
      'cannot read the net "x": no space left on the device (ENOSPC)',
      'cannot read the net "x": is a directory (EISDIR)',
      'cannot read the net "x": something (EXDEV)',
    ]);
  });

  test('a full disk on output: one line, exit 1; a closed pipe: exit 0', () => {
    const e = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      expect(outputError(Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' }))).toBe(1);
      expect(e.mock.calls.map((c) => String(c[0]))).toEqual(['netport: cannot write the output: no space left on the device (ENOSPC)\n']);
      expect(outputError(Object.assign(new Error('EPIPE'), { code: 'EPIPE' }))).toBe(0);
    } finally {
      e.mockRestore();
    }
  });

  test('writing to /dev/full from a real process', () => {
    const out = fs.openSync('/dev/full', 'w');
    try {
      const r = spawnSync(process.execPath, ['-r', './spec/hostile/ts-register.js', 'lib/cli/main.ts', 'schema'], { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', out, 'pipe'], timeout: 60_000 });
      expect([r.status, r.stderr]).toEqual([1, 'netport: cannot write the output: no space left on the device (ENOSPC)\n']);
    } finally {
      fs.closeSync(out);
    }
  });
});

describe('usage and other errors', () => {
  test('usage errors: the one relevant line and a pointer to --help, exit 2', async () => {
    const r = await cli(['eval', NET, '--data', '[1, 1]', '--nope']);
    expect([r.code, r.out, r.err]).toEqual([2, '', "netport: unknown option '--nope' (see netport --help)\n"]);
    const seed = await cli(['eval', NET, '--data', '[1, 1]', '--init', '1.5']);
    expect([seed.code, seed.err]).toEqual([2, 'netport: option \'--init <seed>\' argument \'1.5\' is invalid. "1.5" is not a non-negative integer seed (see netport --help)\n']);
    const missing = await cli(['eval', NET]);
    expect([missing.code, missing.err]).toEqual([2, 'netport: give the input data: --data FILE, or --image PORT=FILE for a port with an image encoder (see netport --help)\n']);
    const json = await cli(['frobnicate', '--json']);
    expect(json.code).toBe(2);
    expect(JSON.parse(json.err)).toEqual({ error: { code: 'usage', message: "unknown command 'frobnicate' (see netport --help)" } });
    const help = await cli(['--help']);
    expect(help.code).toBe(0);
    expect(help.out).toMatch(/^Usage: netport/);
  });

  test('NetErrors as JSON with --json', async () => {
    const r = await cli(['eval', NET, '--data', '[1, 2, 3]', '--json', '--backend', 'cpu']);
    expect(r.code).toBe(1);
    expect(JSON.parse(r.err)).toEqual({ error: { code: 'invalid_data', message: expect.stringMatching(/^Invalid data: "Input" has dimensions \{3\}/) } });
  });

  test('--memory-limit', async () => {
    const r = await cli(['eval', JSON.stringify({ type: 'LinearLayer', OutputDimensions: 100, Input: 100 }), '--data', '[1]', '--memory-limit', '1K', '--backend', 'cpu']);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/^netport: limit_exceeded: Limit exceeded: the net needs at least 40.2 KiB, over the memory limit of 1 KiB; LinearLayer alone needs 39.5 KiB for its arrays/);
    const bad = await cli(['eval', NET, '--data', '[1, 1]', '--memory-limit', 'lots']);
    expect([bad.code, bad.err]).toEqual([2, 'netport: option \'--memory-limit <size>\' argument \'lots\' is invalid. "lots" is not a size (e.g. 512M, 8G, or a number of bytes) (see netport --help)\n']);
  });

  test('unexpected errors: one line, the stack only with NETPORT_DEBUG=1', () => {
    const e = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
    const saved = process.env.NETPORT_DEBUG;
    try {
      delete process.env.NETPORT_DEBUG;
      expect(reportError(new TypeError('x is not a function\n    at somewhere'), false)).toBe(1);
      expect(reportError(new TypeError('boom'), true)).toBe(1);
      process.env.NETPORT_DEBUG = '1';
      reportError(new RangeError('deep'), false);
      const lines = e.mock.calls.map((c) => String(c[0]));
      expect(lines.slice(0, 2)).toEqual([
        'netport: unexpected TypeError: x is not a function (NETPORT_DEBUG=1 shows the stack)\n',
        '{"error":{"code":"internal","message":"unexpected TypeError: boom (NETPORT_DEBUG=1 shows the stack)"}}\n',
      ]);
      expect(lines[2]).toBe('netport: unexpected RangeError: deep\n');
      expect(lines[3]).toMatch(/^RangeError: deep\n\s+at /);
    } finally {
      if (saved === undefined) delete process.env.NETPORT_DEBUG;
      else process.env.NETPORT_DEBUG = saved;
      e.mockRestore();
    }
  });
});

describe('netport check', () => {
  test('a directory with a symbolic link back to itself is read once', async () => {
    const r = await cli(['check', path.join(dir, 'cases'), '--backend', 'cpu']);
    expect([r.code, r.out, r.err]).toEqual([0, 'ok   one\n1 passed, 0 failed\n', '']);
  });

  test('paths that cannot be read: one line, exit 1', async () => {
    const loop = path.join(dir, 'loop-a');
    const r = await cli(['check', loop]);
    expect([r.code, r.err]).toEqual([1, `netport: cannot read ${JSON.stringify(loop)}: too many symbolic links (a symbolic link loop) (ELOOP)\n`]);
    const none = await cli(['check', path.join(dir, 'none')]);
    expect([none.code, none.err]).toEqual([1, `netport: cannot read ${JSON.stringify(path.join(dir, 'none'))}: no such file or directory (ENOENT)\n`]);
  });

  test('a case that would have overflowed the stack is one line of its report', async () => {
    const file = path.join(dir, 'weird.json');
    const deep = `${'['.repeat(5000)}1${']'.repeat(5000)}`;
    fs.writeFileSync(file, `[{"name": "deep", "net": {"type": "LinearLayer", "OutputDimensions": 1, "Input": 1, "Weights": ${deep}}, "data": {"Input": [1]}, "expect": [{"output": "Output", "value": [1]}]}]`);
    const r = await cli(['check', file, '--backend', 'cpu']);
    expect(r.code).toBe(1);
    expect(r.out.split('\n')).toEqual([
      `FAIL weird (${file}): not a valid case: it nests deeper than 400 levels (at "net" > "Weights" > 1 > 1 > 1 > 1 > ...)`,
      '0 passed, 1 failed',
      '',
    ]);
  });
});
