/**
 * netport saliency: a picture per image (a file, or a folder of them), a summary line per
 * picture when stderr is not a terminal (no progress bar then), class labels, errors.
 */
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { runCli } from '../helpers/cli';
import { decodeImage } from '../../lib/coders/pixels';
import { expectNoLeak, useBackend } from '../helpers/backends';

const ROOT = path.join(__dirname, '..', '..');
const SMALL = path.join(ROOT, 'fixtures', 'cases', 'images', 'rgb-6x4.png');
const COLOURS = path.join(ROOT, 'examples', 'colours.wl');

const cli = (args: string[]) => runCli(args);

let scratch: string;
beforeAll(async () => {
  await useBackend('wasm');
  scratch = mkdtempSync(path.join(tmpdir(), 'netport-saliency-'));
});
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

test('one image: a PNG of the map, and a line saying what it explains', async () => {
  const out = path.join(scratch, 'map.png');
  const r = await expectNoLeak(() => cli(['saliency', COLOURS, '--image', SMALL, '--class', 'red', '--method', 'ig', '--steps', '8', '--out', out, '--backend', 'wasm']));
  expect(r.err).toBe('');
  expect(r.code).toBe(0);
  expect(r.out).toMatch(new RegExp(`^${out.replace(/[.\\/]/g, '\\$&')}: ig of class "red" with respect to "Input" \\{3, 160, 240\\}; attributions sum to -?[\\d.e-]+, f\\(x\\) - f\\(baseline\\) = -?[\\d.e-]+\\n$`));
  const png = await decodeImage(out);
  expect([png.width, png.height, png.channels]).toEqual([240, 160, 3]);
});

test('a folder: one picture per image, named after it, no progress bar when stderr is not a terminal', async () => {
  const images = path.join(scratch, 'images');
  mkdirSync(images);
  copyFileSync(SMALL, path.join(images, 'a.png'));
  copyFileSync(SMALL, path.join(images, 'b.png'));
  const outs = path.join(scratch, 'maps');
  const r = await cli(['saliency', COLOURS, '--image', images, '--mode', 'signed', '--overlay', '--out', outs, '--backend', 'wasm']);
  expect(r.err).toBe('');
  expect(r.code).toBe(0);
  expect(readdirSync(outs).sort()).toEqual(['a.png', 'b.png']);
  // Without --class, a net with a class decoder explains its top class.
  expect(r.out.trim().split('\n')).toHaveLength(2);
  expect(r.out).toMatch(/a\.png: gradient of class "(red|green|blue)"/);
  const png = await decodeImage(path.join(outs, 'b.png'));
  expect([png.width, png.height]).toEqual([3 * 240 + 2 * 8, 160]);
});

test('errors: an unknown label, a picture that is not .png, a missing image', async () => {
  const bad = await cli(['saliency', COLOURS, '--image', SMALL, '--class', 'purple', '--out', path.join(scratch, 'x.png'), '--backend', 'wasm']);
  expect(bad.code).toBe(1);
  expect(bad.err).toMatchInlineSnapshot(`
"netport: invalid_ograd: Invalid output gradient: "Output" has no class "purple" (labels: "red", "green", "blue")
"
`);
  const jpg = await cli(['saliency', COLOURS, '--image', SMALL, '--out', path.join(scratch, 'x.jpg')]);
  expect(jpg.code).toBe(2);
  expect(jpg.err).toMatch(/must name a \.png file/);
  const missing = await cli(['saliency', COLOURS, '--image', 'nope.png', '--out', path.join(scratch, 'x.png')]);
  expect(missing.code).toBe(1);
  expect(missing.err).toMatchInlineSnapshot(`
"netport: cannot read the image "nope.png": no such file or directory (ENOENT)
"
`);
});
