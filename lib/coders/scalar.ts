/**
 * NetDecoder["Scalar"]: an output of one element read as a number. Wolfram has a "Scalar"
 * encoder but lists no such decoder; netport takes it on any output with exactly one
 * element per example ("Real", {1}, {1, 1}...), so that a regression net's output can be
 * named as decoded, and Wolfram's text printing a Scalar decoder is refused nowhere.
 */
import { z } from 'zod';
import { netError } from '../errors';
import { formatDims, volume } from '../shapes';
import type { NumArray } from '../tensors';
import { defineCoder } from './define';

const ScalarSchema = z.object({ NetDecoder: z.literal('Scalar') }).strict().meta({ id: 'NetDecoderScalar', description: 'NetDecoder["Scalar"]: an output of one element read as a number' });

export type ScalarParams = z.output<typeof ScalarSchema>;

export const ScalarDecoder = defineCoder<ScalarParams>({
  kind: 'NetDecoder',
  name: 'Scalar',
  schema: ScalarSchema as unknown as z.ZodType<ScalarParams>,
  positional: [],
  type: () => undefined,
  summary: () => 'Scalar',
});

/** One number per example of the batch (outputs with the batch dimension in front). */
export function decodeScalars(output: NumArray, port: string): number[] {
  const per = volume(output.dims.slice(1));
  if (per !== 1) throw netError('invalid_net', `Invalid net: the output "${port}" has dimensions ${formatDims(output.dims.slice(1))}, but a Scalar decoder needs exactly one element`);
  return Array.from(output.data);
}
