/**
 * Images and classes on the command line: --image PORT=FILE (a batch when repeated),
 * images named in a data file relative to it, --decode, --ograd PORT=class:LABEL.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { runCli } from '../helpers/cli';
import { Net } from '../../lib/runtime';
import { expectNoLeak, TEST_BACKENDS, useBackend } from '../helpers/backends';

const ROOT = path.join(__dirname, '..', '..');
const NET = path.join(ROOT, 'examples', 'image-classifier.json');
const PHOTO = path.join(ROOT, 'examples', 'photo.jpg');
const RED = path.join(ROOT, 'fixtures', 'cases', 'images', 'rgb-6x4.png');

const cli = (args: string[]) => runCli(args);

describe.each(TEST_BACKENDS)('images on the command line, %s', (backend) => {
  beforeAll(() => useBackend(backend));

  test(`--image and --decode give the class the library gives, on ${backend}`, async () => {
    const r = await expectNoLeak(() => cli(['eval', NET, '--image', `Input=${PHOTO}`, '--decode', '--json', '--backend', backend]));
    expect(r.err).toBe('');
    const printed = JSON.parse(r.out);
    const net = await Net.load(JSON.parse(readFileSync(NET, 'utf8')), { backend });
    try {
      const lib = await net.evaluateAsync({ Image: PHOTO }, { decode: true });
      expect(printed.Output.Class).toBe('blue');
      expect(printed.Output).toEqual(JSON.parse(JSON.stringify(lib.decoded!.Output)));
      const text = await cli(['eval', NET, '--image', PHOTO, '--decode', '--backend', backend]);
      expect(text.out).toMatch(/^Output = "blue" \(blue 0\.9\d+, green /);
      // Two images: a batch, one class each.
      const batch = await cli(['eval', NET, '--image', PHOTO, '--image', RED, '--decode', '--json', '--backend', backend]);
      expect(JSON.parse(batch.out).Output).toHaveLength(2);
    } finally {
      net.dispose();
    }
  });

  test(`--ograd Output=class:LABEL imposes the unit vector of the class, on ${backend}`, async () => {
    const byClass = await cli(['eval', NET, '--image', PHOTO, '--grad', 'Input', '--ograd', 'Output=class:green', '--json', '--backend', backend]);
    const byVector = await cli(['eval', NET, '--image', PHOTO, '--grad', 'Input', '--ograd', 'Output=[0, 1, 0]', '--json', '--backend', backend]);
    expect(byClass.err).toBe('');
    const g = JSON.parse(byClass.out)['NetPortGradient["Input"]'];
    expect(g).toEqual(JSON.parse(byVector.out)['NetPortGradient["Input"]']);
    expect(g).toHaveLength(3);
    expect(g.flat(2).some((v: number) => v !== 0)).toBe(true);
    const bad = await cli(['eval', NET, '--image', PHOTO, '--grad', 'Input', '--ograd', 'Output=class:purple', '--backend', backend]);
    expect(bad.code).toBe(1);
    expect(bad.err).toBe('netport: invalid_ograd: Invalid output gradient: "Output" has no class "purple" (labels: "red", "green", "blue")\n');
  });

  test(`a data file names images relative to itself, on ${backend}`, async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'netport-cli-'));
    writeFileSync(path.join(dir, 'data.json'), JSON.stringify({ Input: { Image: path.relative(dir, RED) } }));
    writeFileSync(path.join(dir, 'net.json'), JSON.stringify(JSON.parse(readFileSync(path.join(ROOT, 'fixtures', 'cases', 'images', 'image-red-channel.json'), 'utf8')).net));
    const ok = await cli(['eval', path.join(dir, 'net.json'), '--data', path.join(dir, 'data.json'), '--backend', backend]);
    expect(ok.err).toBe('');
    expect(ok.out).toBe('Output = [[0.9647059, 1, 0.6392157], [0.84705883, 0.99607843, 0.9764706]]\n');
  });
});

test('usage problems with images are one line, exit status 2', async () => {
  expect(await cli(['eval', NET])).toEqual({ code: 2, out: '', err: 'netport: give the input data: --data FILE, or --image PORT=FILE for a port with an image encoder (see netport --help)\n' });
  expect((await cli(['eval', NET, '--image', 'Input=missing.png'])).err).toBe('netport: cannot read the image "missing.png": no such file or directory (ENOENT)\n');
});
