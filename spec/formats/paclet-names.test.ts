/**
 * The internal form under the names the NeuralNetworks paclet gives (its Layers/*.m,
 * Encoders/Image.m and Decoders/Class.m; docs/WOLFRAM-NOTES.md section 9): text written
 * as the paclet writes a node, read into netport's description, and nets with coders
 * through every format with their coders kept.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { main } from '../../lib/cli/main';
import { isNetError } from '../../lib/errors';
import { netFromText, readNetBytes, readNetFile, toInternal, writeNet, type NetFormat } from '../../lib/formats';
import { printWExpr } from '../../lib/formats/expr';
import { Net } from '../../lib/runtime';
import { expectNoLeak, useBackend } from '../helpers/backends';

beforeAll(() => useBackend('cpu'));

const error = (f: () => unknown) => {
  try {
    f();
    return 'read';
  } catch (e) {
    return isNetError(e) ? `${e.code}: ${e.message}` : String(e);
  }
};

const node = (type: string, params: string, input: string, output: string, arrays = '') =>
  `<|"Type" -> "${type}", "Arrays" -> <|${arrays}|>, "Parameters" -> <|${params}|>, ` +
  `"Inputs" -> <|"Input" -> TensorT[${input}, RealT]|>, "Outputs" -> <|"Output" -> TensorT[${output}, RealT]|>|>`;

test('PaddingLayer as the paclet writes it: Specification, Padding, $Rank, $InputSize, $OutputSize', () => {
  // Padding.m (12.x): $Specification, $Padding ("Fixed", "Reflected" or a number), $$Rank,
  // $$InputSize, $$OutputSize = $$InputSize + Total[$Specification, {2}]. The values are the
  // paclet's own test {{{2, 0}, {1, 1}}, "Input" -> {3, 2}, "Padding" -> "Reflected"} (output 5*4).
  const text = `PaddingLayer[${node('Padding', '"Specification" -> {{2, 0}, {1, 1}}, "Padding" -> "Reflected", "$Rank" -> 2, "$InputSize" -> {3, 2}, "$OutputSize" -> {5, 4}', '{3, 2}', '{5, 4}')}, <|"Version" -> "12.1.0"|>]`;
  expect(netFromText(text)).toEqual({ type: 'PaddingLayer', Specification: [[2, 0], [1, 1]], Padding: 'Reflected', Input: [3, 2], Output: [5, 4] });
  // A derived parameter that contradicts the shapes is caught, naming it.
  expect(error(() => netFromText(text.replace('"$OutputSize" -> {5, 4}', '"$OutputSize" -> {5, 5}')))).toBe(
    'invalid_net: Invalid net: NetPath["Parameters", "$OutputSize"]: is {5, 5}, but the layer\'s shapes give {5,4}',
  );
});

test('ResizeLayer: Specification as a ValidatedParameter, Dimensionality and $Channels derived', () => {
  // Resize.m (12.x): $Specification ValidatedParameterT, $Resampling, $Dimensionality (a
  // parameter "Dimensionality"), $$Channels, $$InputSize, $$OutputSize; the paclet's test
  // {{10, 4}, "Resampling" -> "Linear", "Input" -> {1, 2, 3}} -> 1*10*4.
  const params = '"Specification" -> ValidatedParameter[{10, 4}], "Resampling" -> "Linear", "Dimensionality" -> 2, "$Channels" -> 1, "$InputSize" -> {2, 3}, "$OutputSize" -> {10, 4}';
  expect(netFromText(node('Resize', params, '{1, 2, 3}', '{1, 10, 4}'))).toEqual({ type: 'ResizeLayer', Specification: [10, 4], Resampling: 'Linear', Input: [1, 2, 3], Output: [1, 10, 4] });
  const written = printWExpr(toInternal({ type: 'ResizeLayer', Specification: [10, 4], Input: [1, 2, 3] }));
  expect(written).toContain('"Specification" -> ValidatedParameter[{10, 4}]');
  expect(written).toContain('"Dimensionality" -> 2');
  expect(written).toContain('"$Channels" -> 1');
});

test('ImageAugmentationLayer: the crop size is "OutputDimensions", always a list', () => {
  // ImageAugmentation.m (12.x): $OutputDimensions SizeListT[2], $ReflectionProbabilities, $$Channels, $$InputDimensions.
  const params = '"OutputDimensions" -> {2, 3}, "ReflectionProbabilities" -> {0.5, 0}, "$Channels" -> 2, "$InputDimensions" -> {4, 5}';
  expect(netFromText(node('ImageAugmentation', params, '{2, 4, 5}', '{2, 2, 3}'))).toEqual({
    type: 'ImageAugmentationLayer',
    CropSize: [2, 3],
    ReflectionProbabilities: [0.5, 0],
    Input: [2, 4, 5],
    Output: [2, 2, 3],
  });
  expect(printWExpr(toInternal({ type: 'ImageAugmentationLayer', CropSize: 3, Input: [1, 4, 4] }))).toContain('"OutputDimensions" -> {3, 3}');
});

test('DeconvolutionLayer: InputChannels derived, the group count as $GroupNumber', () => {
  // Deconvolution.m: $OutputChannels, $KernelSize, $Stride, $PaddingSize, $InputChannels, $$GroupNumber, $$InputSize, $$OutputSize.
  const params = '"OutputChannels" -> 2, "KernelSize" -> {2, 2}, "Stride" -> {2, 2}, "PaddingSize" -> {{0, 0}, {0, 0}}, "InputChannels" -> 2, "$GroupNumber" -> 1, "$InputSize" -> {2, 2}, "$OutputSize" -> {4, 4}';
  expect(netFromText(node('Deconvolution', params, '{2, 2, 2}', '{2, 4, 4}', '"Biases" -> None'))).toEqual({
    type: 'DeconvolutionLayer',
    OutputChannels: 2,
    KernelSize: [2, 2],
    Stride: [2, 2],
    PaddingSize: [[0, 0], [0, 0]],
    ChannelGroups: 1,
    Biases: null,
    Input: [2, 2, 2],
    Output: [2, 4, 4],
  });
});

test('DropoutLayer: Method "Dropout" read and written; "AlphaDropout" refused', () => {
  const text = (m: string) => node('Dropout', `"DropoutProbability" -> 0.25, "Method" -> "${m}"`, '{3}', '{3}');
  expect(netFromText(text('Dropout'))).toEqual({ type: 'DropoutLayer', DropoutProbability: 0.25, Input: [3], Output: [3] });
  expect(error(() => netFromText(text('AlphaDropout')))).toBe('unsupported: Unsupported: NetPath["Parameters", "Method"]: Method -> "AlphaDropout" is not supported (only "Dropout")');
  expect(printWExpr(toInternal({ type: 'DropoutLayer', Input: 3 }))).toContain('"Method" -> "Dropout"');
});

const classifier = JSON.parse(readFileSync(path.join(__dirname, '..', '..', 'examples', 'image-classifier.json'), 'utf8')) as Record<string, unknown>;

test('coders written under the paclet\'s names: NetEncoder["Image"] and NetDecoder["Class"]', () => {
  const text = printWExpr(toInternal(classifier));
  expect(text).toContain(
    '"Input" -> NetEncoder["Image", <|"ImageSize" -> {32, 32}, "ColorSpace" -> "RGB", "ColorChannels" -> 3, "Interleaving" -> False, "MeanImage" -> {0.5, 0.5, 0.5}, "VarianceImage" -> {0.0625, 0.0625, 0.0625}, "$Version" -> "13.0.3"|>, TensorT[{3, 32, 32}, RealT]]',
  );
  expect(text).toContain('"Output" -> NetDecoder["Class", <|"Labels" -> {"red", "green", "blue"}, "Dimensions" -> 3, "$Version" -> "13.0.3"|>, TensorT[{3}, RealT]]');
});

test('coders read: a channels-last encoder and a label count that disagrees are refused', () => {
  const text = printWExpr(toInternal(classifier));
  expect(error(() => netFromText(text.replace('"Interleaving" -> False, "MeanImage"', '"Interleaving" -> True, "MeanImage"')))).toMatch(/^unsupported: .*NetEncoder\["Image"\] with "Interleaving" -> True/);
  expect(error(() => netFromText(text.replace('"Dimensions" -> 3', '"Dimensions" -> 4')))).toMatch(/^invalid_net: .*"Dimensions"\]: is 4, but the decoder has 3 labels/);
});

const coderNets: Array<[string, Record<string, unknown>]> = [
  ['the image classifier', classifier],
  [
    'a grayscale encoder with Method "Fit" and a scalar decoder',
    {
      type: 'NetChain',
      Input: { NetEncoder: 'Image', ImageSize: [4, 3], ColorSpace: 'Grayscale', Method: 'Fit', MeanImage: 0.25 },
      Layers: [{ type: 'FlattenLayer' }, { type: 'LinearLayer', OutputDimensions: 1, Weights: { Dimensions: [1, 12], Data: Array.from({ length: 12 }, (_, i) => i / 8 - 0.5) }, Biases: [0.125] }],
      Output: { NetDecoder: 'Scalar' },
    },
  ],
];

describe.each(coderNets)('%s', (_, net) => {
  test.each(['wl', 'wxf', 'wlnet'] as NetFormat[])('keeps its coders through %s', async (format) => {
    await expectNoLeak(async () => {
      const back = (await readNetBytes(await writeNet(net, format))) as Record<string, unknown>;
      const [a, b] = [await Net.load(net, { backend: 'cpu' }), await Net.load(back, { backend: 'cpu' })];
      try {
        expect(b.inputs).toEqual(a.inputs);
        expect(b.outputs).toEqual(a.outputs);
        // The coders are part of the ports compared above: make sure there are some.
        expect(b.inputs[0]!.coder).toMatchObject({ NetEncoder: 'Image' });
        expect(b.outputs[0]!.coder).toBeDefined();
        expect(printWExpr(toInternal(back))).toBe(printWExpr(toInternal(net)));
      } finally {
        a.dispose();
        b.dispose();
      }
    });
  });
});

test('AggregationLayer: Levels as a ValidatedParameter (the paclet default 2;;)', () => {
  // Aggregation.m (12.x): $Function EnumT[{Mean, Min, Max, Total}], $Levels ValidatedParameterT[..., 2;;],
  // $$InputDimensions, $$OutputDimensions.
  const params = '"Function" -> Max, "Levels" -> ValidatedParameter[2 ;; All], "$InputDimensions" -> {3, 4}, "$OutputDimensions" -> {3}';
  expect(netFromText(node('Aggregation', params, '{3, 4}', '{3}'))).toEqual({ type: 'AggregationLayer', Function: 'Max', Levels: '2;;All', Input: [3, 4], Output: [3] });
  expect(printWExpr(toInternal({ type: 'AggregationLayer', Function: 'Mean', Levels: '2;;All', Input: [3, 4] }))).toContain('"Levels" -> ValidatedParameter[Span[2, All]]');
});

test('parameters the paclet lacks are not written at their defaults (Deconvolution Dilation, ParametricRamp Levels)', async () => {
  const deconv = (extra: Record<string, unknown>) => printWExpr(toInternal({ type: 'DeconvolutionLayer', OutputChannels: 2, KernelSize: 2, Input: [1, 3, 3], ...extra }));
  expect(deconv({})).not.toContain('"Dilation"');
  expect(deconv({ Dilation: 2 })).toContain('"Dilation" -> 2');
  const ramp = (extra: Record<string, unknown>) => printWExpr(toInternal({ type: 'ParametricRampLayer', Input: [2, 3], ...extra }));
  expect(ramp({})).not.toContain('"Levels"');
  expect(ramp({ Levels: 2 })).toContain('"Levels" -> 2');
  // Read back, an absent Levels is netport's default: one slope per channel, as in 12.x.
  const back = netFromText(ramp({}));
  expect(back).not.toHaveProperty('Levels');
  await expectNoLeak(async () => {
    const net = await Net.load(back, { backend: 'cpu', initialize: 1 });
    try {
      expect(net.arrays.map((a) => [a.path, [...net.array(a.path).dims]])).toEqual([[['Slope'], [2]]]);
    } finally {
      net.dispose();
    }
  });
});

test('netport convert examples/image-classifier.json --to wlnet and back keeps the coders', async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'netport-coders-'));
  const wlnet = path.join(dir, 'classifier.wlnet');
  const json = path.join(dir, 'classifier.json');
  expect(await main(['convert', path.join(__dirname, '..', '..', 'examples', 'image-classifier.json'), '--to', 'wlnet', '-o', wlnet])).toBe(0);
  expect(await main(['convert', wlnet, '--to', 'json', '-o', json])).toBe(0);
  const back = (await readNetFile(json)) as Record<string, unknown>;
  expect(back.Input).toEqual({ NetEncoder: 'Image', ImageSize: [32, 32], ColorSpace: 'RGB', MeanImage: [0.5, 0.5, 0.5], VarianceImage: [0.0625, 0.0625, 0.0625] });
  expect(back.Output).toEqual({ NetDecoder: 'Class', Labels: ['red', 'green', 'blue'] });
});
