/**
 * Pictures of saliency maps: the colormaps at their anchors, each mode's pixels on small
 * maps whose colours are known, overlay blending and enlargement.
 */
import { rdbu, renderSaliency, viridis } from '../lib/render';
import { errorOf } from './helpers/backends';

const px = (p: { width: number; data: Uint8Array }, x: number, y: number) => Array.from(p.data.subarray((y * p.width + x) * 3, (y * p.width + x) * 3 + 3));

test("viridis and RdBu at matplotlib's and ColorBrewer's values", () => {
  expect(viridis(0).map(Math.round)).toEqual([68, 1, 84]);
  expect(viridis(1).map(Math.round)).toEqual([253, 231, 37]);
  // matplotlib's entry 128 of 256 (0.127568, 0.566949, 0.550556), from the anchors 128 = 8 * 16.
  expect(viridis(128 / 255).map((v) => +(v / 255).toFixed(6))).toEqual([0.127568, 0.566949, 0.550556]);
  expect(rdbu(0)).toEqual([247, 247, 247]);
  expect(rdbu(-1)).toEqual([5, 48, 97]);
  expect(rdbu(1)).toEqual([103, 0, 31]);
  expect(rdbu(5)).toEqual(rdbu(1));
});

test('magnitude: the largest |value| over channels through viridis, scaled by the top percentile', () => {
  // Two channels; per pixel the larger magnitude is 0, 1, 2, 4.
  const map = { dims: [2, 2, 2], data: Float32Array.from([0, -1, 0.5, 4, 0, 0.2, -2, 1]) };
  const p = renderSaliency(map, { scale: 1 });
  expect([p.width, p.height]).toEqual([2, 2]);
  expect(px(p, 0, 0)).toEqual(viridis(0).map(Math.round));
  expect(px(p, 1, 0)).toEqual(viridis(0.25).map(Math.round));
  expect(px(p, 0, 1)).toEqual(viridis(0.5).map(Math.round));
  expect(px(p, 1, 1)).toEqual(viridis(1).map(Math.round));
});

test('signed: one RdBu panel per channel; rgb: |value| per colour channel, as Image[gradient] shows the red channel', () => {
  const map = { dims: [3, 1, 2], data: Float32Array.from([1, 0, 0, -1, 0, 0]) };
  const signed = renderSaliency(map, { mode: 'signed', scale: 1 });
  expect([signed.width, signed.height]).toEqual([3 * 2 + 2 * 1, 1]);
  expect(px(signed, 0, 0)).toEqual([103, 0, 31]);
  expect(px(signed, 1, 0)).toEqual([247, 247, 247]);
  expect(px(signed, 2, 0)).toEqual([255, 255, 255]); // the gap
  expect(px(signed, 4, 0)).toEqual([5, 48, 97]);
  const rgb = renderSaliency(map, { mode: 'rgb', scale: 3 });
  expect([rgb.width, rgb.height]).toEqual([6, 3]);
  expect(px(rgb, 0, 0)).toEqual([255, 0, 0]);
  expect(px(rgb, 2, 2)).toEqual([255, 0, 0]);
  expect(px(rgb, 3, 0)).toEqual([0, 255, 0]);
});

test('overlay blends over the input in grey; the default enlargement reaches 256 pixels', () => {
  const map = { dims: [1, 1, 2], data: Float32Array.from([0, 1]) };
  const input = { dims: [3, 1, 2], data: Float32Array.from([1, 0, 1, 0, 1, 0]) };
  const p = renderSaliency(map, { mode: 'rgb', overlay: input, alpha: 0.5 });
  expect([p.width, p.height]).toEqual([256, 128]);
  // grey of (1, 1, 1) is 1, of (0, 0, 0) is 0
  expect(px(p, 0, 0)).toEqual([128, 128, 128]);
  expect(px(p, 255, 127)).toEqual([128, 128, 128]);
});

test('bad maps and options are refused', async () => {
  expect(await errorOf(() => renderSaliency({ dims: [4], data: new Float32Array(4) }))).toMatchInlineSnapshot(`"unsupported: render: the saliency map has dimensions {4}; a picture needs {channels, height, width} or {height, width}"`);
  expect(await errorOf(() => renderSaliency({ dims: [2, 2, 2], data: new Float32Array(8) }, { mode: 'rgb' }))).toMatchInlineSnapshot(`"unsupported: render: mode rgb draws 1 or 3 channels, the map has 2"`);
});
