/**
 * Coders in Wolfram syntax: NetEncoder[{"Image", ...}] and NetDecoder[{"Class", ...}] read
 * into their JSON forms (positional parameters from the registry, Range and list
 * arithmetic evaluated), printed back, and loaded.
 */
import { Net } from '../../lib/runtime';
import { printNet } from '../../lib/wolfram/print-net';
import { translateNet } from '../../lib/wolfram/translate';
import { errorOf, TEST_BACKENDS, useBackend } from '../helpers/backends';

const CASES: Array<[string, Record<string, unknown>]> = [
  ['NetEncoder["Image"]', { NetEncoder: 'Image' }],
  ['NetEncoder[{"Image", 32}]', { NetEncoder: 'Image', ImageSize: 32 }],
  ['NetEncoder[{"Image", {6, 4}, "Grayscale"}]', { NetEncoder: 'Image', ImageSize: [6, 4], ColorSpace: 'Grayscale' }],
  [
    'NetEncoder[{"Image", 224, "MeanImage" -> {0.485, 0.456, 0.406}, "VarianceImage" -> {0.229, 0.224, 0.225}^2}]',
    { NetEncoder: 'Image', ImageSize: 224, MeanImage: [0.485, 0.456, 0.406], VarianceImage: [0.229 ** 2, 0.224 ** 2, 0.225 ** 2] },
  ],
  ['NetEncoder[{"Image", {8, 8}, "Method" -> "Fit", ColorSpace -> "RGB"}]', { NetEncoder: 'Image', ImageSize: [8, 8], Method: 'Fit', ColorSpace: 'RGB' }],
  ['NetDecoder[{"Class", {"cat", "dog"}}]', { NetDecoder: 'Class', Labels: ['cat', 'dog'] }],
  ['NetDecoder[{"Class", Range[0, 9]}]', { NetDecoder: 'Class', Labels: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9] }],
  ['NetDecoder["Scalar"]', { NetDecoder: 'Scalar' }],
];

test.each(CASES)('%s reads as its JSON form and prints back to the same', (text, json) => {
  const net = translateNet(`LinearLayer[2, "Input" -> 3, "Output" -> ${text}]`) as unknown as { Output: unknown };
  expect(net.Output).toEqual(json);
  expect(translateNet(printNet(net as never))).toEqual(net);
});

test('printed as Wolfram users write them', () => {
  expect(
    printNet({
      type: 'NetChain',
      Input: { NetEncoder: 'Image', ImageSize: [6, 4], ColorSpace: 'Grayscale', MeanImage: 0.5 },
      Layers: [{ type: 'FlattenLayer' }, { type: 'LinearLayer', OutputDimensions: 2 }],
      Output: { NetDecoder: 'Class', Labels: ['a', 'b'] },
    }),
  ).toBe('NetChain[{FlattenLayer[], LinearLayer[2]}, "Input" -> NetEncoder[{"Image", {6, 4}, "ColorSpace" -> "Grayscale", "MeanImage" -> 0.5}], "Output" -> NetDecoder[{"Class", {"a", "b"}}]]');
});

test('coders netport does not support are refused, naming the place', async () => {
  expect(await errorOf(() => translateNet('LinearLayer[3, "Input" -> NetEncoder[{"Audio"}]]'))).toMatchInlineSnapshot(`"unsupported: Unsupported: LinearLayer "Input": NetEncoder["Audio"] is not supported (netport supports "Image") at line 1, column 39"`);
  expect(await errorOf(() => translateNet('LinearLayer[3, "Input" -> NetEncoder[{"Image", 32, "Grayscale", 7}]]'))).toMatchInlineSnapshot(`"unsupported: Unsupported: LinearLayer "Input": NetEncoder["Image"] takes 2 positional parameters, got 7 at line 1, column 65"`);
  expect(await errorOf(() => translateNet('LinearLayer[3, "Input" -> NetEncoder[3]]'))).toMatchInlineSnapshot(`"invalid_net: Invalid net: LinearLayer "Input": expected NetEncoder["name"] or NetEncoder[{"name", ...}], got 3 at line 1, column 38"`);
});

describe.each(TEST_BACKENDS)('a net written in Wolfram syntax with coders, on %s', (backend) => {
  beforeAll(() => useBackend(backend));

  test(`loads with its coders, and a Scalar decoder reads one number, on ${backend}`, async () => {
    const net = await Net.load(
      translateNet('NetChain[{FlattenLayer[], LinearLayer[1, "Weights" -> {{1, 2, 3, 4, 5, 6}}, "Biases" -> {0.5}]}, "Input" -> NetEncoder[{"Image", {2, 1}}], "Output" -> NetDecoder["Scalar"]]'),
      { backend },
    );
    try {
      expect(net.inputs[0]!.dims).toEqual([3, 1, 2]);
      const x = [[[0.1, 0.2]], [[0.3, 0.4]], [[0.5, 0.6]]];
      const r = net.evaluate({ Input: x }, { decode: true });
      const want = 0.5 + [0.1, 0.2, 0.3, 0.4, 0.5, 0.6].reduce((a, v, i) => a + v * (i + 1), 0);
      expect(r.decoded!.Output as number).toBeCloseTo(want, 5);
      expect(r.outputs.Output).toEqual([r.decoded!.Output]);
      const batch = net.evaluate({ Input: [x, x] }, { decode: true });
      expect(batch.decoded!.Output).toEqual([r.decoded!.Output, r.decoded!.Output]);
    } finally {
      net.dispose();
    }
    expect(await errorOf(() => Net.load({ type: 'LinearLayer', OutputDimensions: 2, Input: 3, Output: { NetDecoder: 'Scalar' } }, { backend }))).toBe(
      'invalid_net: Invalid net: the output "Output" has dimensions {2}, but NetDecoder["Scalar"] needs exactly one element',
    );
  });
});
