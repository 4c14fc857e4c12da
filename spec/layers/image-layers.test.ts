/**
 * The five image-model layers on small inputs whose results can be written by hand (the
 * conventions in their own terms), and their errors, pinned as a user sees them.
 */
import { Net } from '../../lib/runtime';
import { translateNet } from '../../lib/wolfram/translate';
import { errorOf, expectNoLeak, TEST_BACKENDS, useBackend } from '../helpers/backends';

async function run(layer: Record<string, unknown>, input: unknown, backend: string): Promise<unknown> {
  const net = await Net.load(layer as never, { backend: backend as never });
  try {
    return net.evaluate({ Input: input }).outputs.Output;
  } finally {
    net.dispose();
  }
}

const HAND: Array<[string, Record<string, unknown>, unknown, unknown]> = [
  ['PaddingLayer "Reflected" mirrors without repeating the edge', { type: 'PaddingLayer', Specification: [[2, 2]], Padding: 'Reflected', Input: 3 }, [1, 2, 3], [3, 2, 1, 2, 3, 2, 1]],
  ['PaddingLayer "Fixed" repeats the edge', { type: 'PaddingLayer', Specification: [[1, 2]], Padding: 'Fixed', Input: 3 }, [1, 2, 3], [1, 1, 2, 3, 3, 3]],
  ['PaddingLayer "Periodic" wraps around', { type: 'PaddingLayer', Specification: [[2, 1]], Padding: 'Periodic', Input: 3 }, [1, 2, 3], [2, 3, 1, 2, 3, 1]],
  ['PaddingLayer pads with a constant', { type: 'PaddingLayer', Specification: [[0, 0], [1, 0]], Padding: 7, Input: [2, 1] }, [[1], [2]], [[7, 1], [7, 2]]],
  ['ResizeLayer "Linear" aligns the corners', { type: 'ResizeLayer', Specification: [1, 3], Input: [1, 1, 2] }, [[[0, 1]]], [[[0, 0.5, 1]]]],
  ['ResizeLayer "Linear" downsampling keeps the corners', { type: 'ResizeLayer', Specification: [2], Input: [1, 4] }, [[0, 1, 2, 6]], [[0, 6]]],
  ['ResizeLayer "Nearest" repeats each cell', { type: 'ResizeLayer', Specification: [{ Scaled: 2 }], Resampling: 'Nearest', Input: [1, 2] }, [[1, 2]], [[1, 1, 2, 2]]],
  ['ImageAugmentationLayer crops the centre from Floor[(H - h)/2]', { type: 'ImageAugmentationLayer', CropSize: [1, 2], Input: [1, 4, 5] }, [[[0, 1, 2, 3, 4], [5, 6, 7, 8, 9], [10, 11, 12, 13, 14], [15, 16, 17, 18, 19]]], [[[6, 7]]]],
  ['DeconvolutionLayer kernel = stride tiles the output', { type: 'DeconvolutionLayer', KernelSize: 2, Stride: 2, Weights: [[[1, 10]]], Biases: null, Input: [1, 2] }, [[1, 2]], [[1, 10, 2, 20]]],
  ['DeconvolutionLayer stride 1 overlaps the windows', { type: 'DeconvolutionLayer', KernelSize: 2, Weights: [[[1, 10]]], Biases: [0.5], Input: [1, 2] }, [[1, 2]], [[1.5, 12.5, 20.5]]],
  ['DeconvolutionLayer Dilation spreads the kernel', { type: 'DeconvolutionLayer', KernelSize: 2, Dilation: 2, Weights: [[[1, 10]]], Biases: null, Input: [1, 2] }, [[1, 2]], [[1, 2, 10, 20]]],
  ['DeconvolutionLayer PaddingSize crops the output', { type: 'DeconvolutionLayer', KernelSize: 2, PaddingSize: [[1, 0]], Weights: [[[1, 10]]], Biases: null, Input: [1, 2] }, [[1, 2]], [[12, 20]]],
  ['DeconvolutionLayer Weights are {in, out/groups, k}', { type: 'DeconvolutionLayer', KernelSize: 1, Weights: [[[1], [2]]], Biases: null, Input: [1, 1] }, [[3]], [[3], [6]]],
  ['ParametricRampLayer scales the negative part by the slope of its channel', { type: 'ParametricRampLayer', Slope: [0.5, 0.25], Input: [2, 2] }, [[-2, 3], [-4, 1]], [[-1, 3], [-1, 1]]],
];

describe.each(TEST_BACKENDS)('image-model layers by hand on %s', (backend) => {
  beforeAll(() => useBackend(backend));
  test.each(HAND)(`%s on ${backend}`, async (_title, layer, input, expected) => {
    const out = await expectNoLeak(() => run(layer, input, backend));
    const flat = (v: unknown): number[] => (Array.isArray(v) ? v.flatMap(flat) : [v as number]);
    expect(flat(out).map((x) => Math.round(x * 1e5) / 1e5)).toEqual(flat(expected));
    expect(JSON.stringify(out).replace(/-?[\d.e-]+/g, '#')).toBe(JSON.stringify(expected).replace(/-?[\d.e-]+/g, '#'));
  });
});

describe('image-model layer errors', () => {
  beforeAll(() => useBackend('cpu'));
  const load = (layer: Record<string, unknown>) => expectNoLeak(async () => (await Net.load(layer as never, { backend: 'cpu' })).dispose());

  test('bad descriptions are invalid_net errors naming the layer and the field', async () => {
    const messages = [
      await errorOf(() => load({ type: 'PaddingLayer', Specification: [[1, 1]], Input: [2, 3] })),
      await errorOf(() => load({ type: 'ResizeLayer', Specification: [3], Resampling: 'Nearest', Input: [1, 2] })),
      await errorOf(() => load({ type: 'ResizeLayer', Specification: [3, 3], Input: [1, 2] })),
      await errorOf(() => load({ type: 'ImageAugmentationLayer', CropSize: [3, 3], Input: [1, 2, 4] })),
      await errorOf(() => load({ type: 'DeconvolutionLayer', OutputChannels: 1, KernelSize: 2, PaddingSize: 2, Input: [1, 2] })),
      await errorOf(() => load({ type: 'DeconvolutionLayer', OutputChannels: 3, KernelSize: 2, ChannelGroups: 2, Input: [2, 2] })),
      await errorOf(() => load({ type: 'ParametricRampLayer', Levels: 3, Input: [2, 2] })),
    ];
    expect(messages).toMatchInlineSnapshot(`
[
  "invalid_net: Invalid net: PaddingLayer "Specification" has 1 pair {lo, hi}, but the input is {2, 3}: give one per level",
  "invalid_net: Invalid net: ResizeLayer "Resampling" resizes 2 cells to 3: "Nearest" is supported for integer upscaling only",
  "invalid_net: Invalid net: ResizeLayer "Input" is {1, 2}, expected channels then 2 spatial dimensions (one per entry of "Specification")",
  "invalid_net: Invalid net: ImageAugmentationLayer "CropSize" is {3, 3}, larger than the image {2, 4}",
  "invalid_net: Invalid net: DeconvolutionLayer "PaddingSize" crops {4} cells from an output of {3}",
  "invalid_net: Invalid net: DeconvolutionLayer "ChannelGroups" is 2, which does not divide the 3 output channels",
  "invalid_net: Invalid net: ParametricRampLayer "Levels" refers to level 3, but the input has 2 levels",
]
`);
  });

  test('Wolfram forms netport does not support are unsupported errors', async () => {
    const messages = [
      await errorOf(() => translateNet('DeconvolutionLayer[2, 2, PaddingSize -> "Same"]')),
      await errorOf(() => translateNet('PaddingLayer[{{1, 1}}, Padding -> "Mirror"]')),
      await errorOf(() => translateNet('ResizeLayer[{Scaled[2], 3}, Resampling -> "Cubic"]')),
      await errorOf(() => translateNet('ImageAugmentationLayer[{2, 2}, "Brightness" -> 0.5]')),
    ];
    expect(messages).toMatchInlineSnapshot(`
[
  "unsupported: Unsupported: DeconvolutionLayer "PaddingSize": PaddingSize -> "Same" is not supported at line 1, column 41",
  "unsupported: Unsupported: PaddingLayer "Padding": "Padding" -> "Mirror" is not supported (netport supports a number, "Fixed", "Reflected" and "Periodic") at line 1, column 35",
  "unsupported: Unsupported: ResizeLayer "Resampling": "Resampling" -> "Cubic" is not supported (netport supports "Linear" and "Nearest") at line 1, column 43",
  "unsupported: Unsupported: ImageAugmentationLayer: ImageAugmentationLayer has no option "Brightness" that netport supports at line 1, column 32",
]
`);
  });
});
