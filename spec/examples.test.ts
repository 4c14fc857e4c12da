/**
 * The seed's examples (examples/seed/README.md, the NetPortGradient reference page as
 * commands): every command prints what the gallery shows, on every backend. Numbers are
 * compared within 1e-4 absolute plus 1e-4 relative (the last float32 digits, and the
 * finite differences of gradcheck, may differ between backends); everything else exactly.
 * A command that writes a picture (`--out FILE.png`) writes it to a temporary folder
 * instead, and the picture must match the gallery's, pixel by pixel within 2 levels.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { runCli } from './helpers/cli';
import { decodeImage } from '../lib/coders/pixels';
import { expectNoLeak, TEST_BACKENDS, useBackend } from './helpers/backends';

const ROOT = path.join(__dirname, '..');
const GALLERY = path.join(ROOT, 'examples', 'seed', 'README.md');

/** The gallery's commands with the output shown after each. */
export function galleryCommands(text: string): Array<{ command: string; shown: string }> {
  return [...text.matchAll(/```sh\n(npx netport [^\n]+)\n```\n\n```text\n([\s\S]*?)```/g)].map((m) => ({ command: m[1]!, shown: m[2]! }));
}

/** Split like a shell: words, and '...' quoted arguments. */
export function words(command: string): string[] {
  return [...command.matchAll(/'([^']*)'|(\S+)/g)].map((m) => m[1] ?? m[2]!);
}

const NUMBER = /-?(?:\d+\.?\d*|\.\d+)(?:(?:e|\*\^)[-+]?\d+)?/gi;

/** Equal text with numbers within tolerance; the first difference, or undefined. */
export function difference(actual: string, expected: string): string | undefined {
  const skeleton = (s: string) => s.replace(NUMBER, '#');
  if (skeleton(actual) !== skeleton(expected)) return `the text differs:\n${actual}\nexpected:\n${expected}`;
  const a = actual.match(NUMBER) ?? [];
  const e = expected.match(NUMBER) ?? [];
  for (let i = 0; i < e.length; i++) {
    const x = Number(a[i]!.replace('*^', 'e'));
    const y = Number(e[i]!.replace('*^', 'e'));
    if (!(Math.abs(x - y) <= 1e-4 + 1e-4 * Math.abs(y))) return `number ${i + 1}: ${a[i]} where ${e[i]} is shown`;
  }
  return undefined;
}

const cli = (args: string[]) => runCli(args, { cwd: ROOT });

const examples = galleryCommands(readFileSync(GALLERY, 'utf8'));

test('the gallery has every example of the reference page', () => {
  expect(examples.length).toBeGreaterThanOrEqual(21);
});

test('numbers within tolerance, text exactly', () => {
  expect(difference('x = [1.0000001, 2]', 'x = [1, 2]')).toBeUndefined();
  expect(difference('x = [1.01, 2]', 'x = [1, 2]')).toBe('number 1: 1.01 where 1 is shown');
  expect(difference('y = [1, 2]', 'x = [1, 2]')).toMatch(/^the text differs/);
  expect(difference('1.5*^-7', '1.5e-7')).toBeUndefined();
});

describe.each(TEST_BACKENDS)('the seed examples on %s', (backend) => {
  let scratch: string;
  beforeAll(async () => {
    await useBackend(backend);
    scratch = mkdtempSync(path.join(tmpdir(), 'netport-seed-'));
  });
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));

  test.each(examples.map((x) => [x.command.slice('npx netport '.length), x] as const))('%s', async (_, { command, shown }) => {
    const given = words(command).slice(2);
    // describe evaluates nothing, so it takes no backend.
    const args = given[0] === 'describe' ? given : [...given, '--backend', backend];
    const at = args.indexOf('--out');
    const picture = at >= 0 ? args[at + 1]! : undefined;
    if (picture) args[at + 1] = path.join(scratch, path.basename(picture));
    const r = await expectNoLeak(() => cli(args));
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(difference(picture ? r.out.split(args[at + 1]!).join(picture) : r.out, shown)).toBeUndefined();
    if (picture) {
      const [written, expected] = await Promise.all([decodeImage(args[at + 1]!), decodeImage(path.join(ROOT, picture))]);
      expect([written.width, written.height, written.channels]).toEqual([expected.width, expected.height, expected.channels]);
      let worst = 0;
      written.data.forEach((v, i) => (worst = Math.max(worst, Math.abs(v - expected.data[i]!))));
      expect(worst).toBeLessThanOrEqual(2);
    }
  });
});
