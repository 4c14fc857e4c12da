import { z } from 'zod';
import { tf } from '../backend/tf';
import { formatDims } from '../shapes';
import { formatReal } from '../wolfram/print';
import { intOrList, levelAxis, perDimension } from './common';
import { defineLayer } from './define';
import type { ParamCodec } from './wolfram-form';

/** `"ReflectionProbabilities" -> {ph, pv}`: read and kept, without effect at evaluation. */
const PROBABILITIES: ParamCodec = {
  read(e, ctx) {
    const p = (x: typeof e) => (x.kind === 'number' && x.value >= 0 && x.value <= 1 ? x.value : ctx.fail(`expected a probability between 0 and 1, got ${ctx.show(x)}`, x));
    return e.kind === 'list' ? e.items.map(p) : [p(e)];
  },
  print: (v) => `{${(v as number[]).map((x) => formatReal(x)).join(', ')}}`,
};

/**
 * ImageAugmentationLayer[{h, w}] crops a channel-first image {c, H, W} to {c, h, w}. In
 * training Wolfram crops at a random place and reflects at random; outside training (and
 * netport only evaluates) it is deterministic: the central crop, starting at
 * Floor[(H - h)/2] and Floor[(W - w)/2] (0-based), with no reflection. The crop's
 * gradient is the output gradient written into those cells, zeros elsewhere.
 */
export const ImageAugmentationLayer = defineLayer({
  type: 'ImageAugmentationLayer',
  wolfram: {
    positional: ['CropSize'],
    params: { CropSize: 'dims', ReflectionProbabilities: PROBABILITIES },
    // The paclet's ImageAugmentation.m (12.x): the crop size is "OutputDimensions";
    // "$Channels" and "$InputDimensions" derived.
    internal: {
      rename: { OutputDimensions: 'CropSize' },
      write: (p): Record<string, number[]> => (p.CropSize === undefined ? {} : { CropSize: typeof p.CropSize === 'number' ? [p.CropSize, p.CropSize] : (p.CropSize as number[]) }),
      derive: ({ inputs }) => ({ $Channels: inputs.Input!.dims[0]!, $InputDimensions: inputs.Input!.dims.slice(1) }),
    },
  },
  params: {
    CropSize: intOrList('a positive integer or a list {h, w}: the size of the crop'),
    ReflectionProbabilities: z.array(z.number().min(0).max(1)).min(1).max(2).optional().describe('the probabilities of reflection in training, [horizontal, vertical]; no effect at evaluation'),
  },
  inputs: ['Input'],
  infer(ctx) {
    const input = ctx.need('Input');
    if (input.index !== undefined || input.dims.length < 2) {
      ctx.fail(`needs a channel-first image {c, h, w} (or {c, w}) of reals, but "Input" is ${input.dims.length === 0 ? 'a scalar' : formatDims(input.dims)}`, 'Input');
    }
    const [channels, ...spatial] = input.dims as [number, ...number[]];
    const crop = perDimension(ctx, 'CropSize', ctx.params.CropSize, spatial.length);
    if (crop.some((c, i) => c > spatial[i]!)) ctx.fail(`is ${formatDims(crop)}, larger than the image ${formatDims(spatial)}`, 'CropSize');
    const start = crop.map((c, i) => Math.floor((spatial[i]! - c) / 2));
    return { inputs: { Input: { dims: input.dims } }, outputs: { Output: { dims: [channels, ...crop] } }, arrays: {}, plan: { crop, start } };
  },
  layout: 'passthrough',
  forward({ inputs, shapes, plan, channelsLast }) {
    const x = inputs.Input!;
    const rank = shapes.inputs.Input!.dims.length;
    const begin = x.shape.map(() => 0);
    const size = [...x.shape];
    plan.crop.forEach((c, i) => {
      const axis = levelAxis(i + 2, rank, channelsLast.has('Input'));
      begin[axis] = plan.start[i]!;
      size[axis] = c;
    });
    return { Output: tf.slice(x, begin, size) };
  },
  examples: [
    { title: 'CropSize={2, 3} Input={2, 4, 5}', layer: { CropSize: [2, 3], Input: [2, 4, 5] } },
    { title: 'CropSize=3 Input={1, 4, 4} ReflectionProbabilities={0.5, 0}', layer: { CropSize: 3, ReflectionProbabilities: [0.5, 0], Input: [1, 4, 4] } },
    { title: 'CropSize={3, 3} Input={2, 3, 3} (the whole image)', layer: { CropSize: [3, 3], Input: [2, 3, 3] } },
  ],
});
