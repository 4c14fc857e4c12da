/**
 * NetDecoder["Class"]: a probability vector read as a class. Post-processing only, as in
 * Wolfram: gradients see the raw output. What it adds to gradients is a way to impose an
 * output gradient by class, `{"Class": label}`: the unit vector of that class (Wolfram's
 * `NetPortGradient["Output"] -> UnitVector[n, k]`), since the default seed of ones on a
 * softmax output gives the gradient of the total probability, which is about 0.
 */
import { z } from 'zod';
import { netError } from '../errors';
import type { NumArray } from '../tensors';
import { defineCoder, type Coder } from './define';

export type Label = string | number;

const ClassSchema = z
  .object({
    NetDecoder: z.literal('Class'),
    Labels: z
      .array(z.union([z.string(), z.number()]))
      .min(1)
      .refine((l) => new Set(l.map((x) => JSON.stringify(x))).size === l.length, 'the labels must be distinct')
      .describe('the class labels, in the order of the output vector'),
  })
  .strict()
  // One definition in the published JSON Schema, referred to from every port.
  .meta({ id: 'NetDecoderClass', description: 'NetDecoder["Class"]: a probability vector read as the most probable label' });

export type ClassParams = z.output<typeof ClassSchema>;

export const ClassDecoder = defineCoder<ClassParams>({
  kind: 'NetDecoder',
  name: 'Class',
  schema: ClassSchema as unknown as z.ZodType<ClassParams>,
  positional: ['Labels'],
  type: (p) => ({ dims: [p.Labels.length] }),
  summary: (p) => {
    const shown = p.Labels.slice(0, 4).map((l) => JSON.stringify(l)).join(', ');
    return `Class, ${p.Labels.length} label${p.Labels.length === 1 ? '' : 's'} {${shown}${p.Labels.length > 4 ? ', ...' : ''}}`;
  },
});

/** A decoded class: the decision (first most probable label) and each label's probability. */
export interface DecodedClass {
  readonly Class: Label;
  readonly Probabilities: Readonly<Record<string, number>>;
}

/** Decodes outputs with the batch dimension in front: one DecodedClass per example. */
export function decodeClasses(coder: Coder<ClassParams>, output: NumArray): DecodedClass[] {
  const labels = coder.params.Labels;
  const n = labels.length;
  const batch = output.dims[0]!;
  const out: DecodedClass[] = [];
  for (let b = 0; b < batch; b++) {
    let best = 0;
    const probabilities: Record<string, number> = {};
    for (let k = 0; k < n; k++) {
      const p = output.data[b * n + k]!;
      probabilities[String(labels[k])] = p;
      if (p > output.data[b * n + best]!) best = k;
    }
    out.push({ Class: labels[best]!, Probabilities: probabilities });
  }
  return out;
}

/** The position (0-based) of a label; a string also matches a number label it spells ("3" for 3). */
export function labelIndex(coder: Coder<ClassParams>, label: unknown, port: string): number {
  const labels = coder.params.Labels;
  let k = labels.findIndex((l) => l === label);
  if (k < 0 && typeof label === 'string') k = labels.findIndex((l) => typeof l === 'number' && String(l) === label);
  if (k < 0) {
    const shown = labels.slice(0, 8).map((l) => JSON.stringify(l)).join(', ');
    throw netError('invalid_ograd', `Invalid output gradient: "${port}" has no class ${JSON.stringify(label)} (labels: ${shown}${labels.length > 8 ? ', ...' : ''})`);
  }
  return k;
}

/**
 * The output gradient `{"Class": label}` imposes: the unit vector of the class, for every
 * example of the batch; `{"Class": [l1, l2, ...]}` gives one class per example.
 */
export function classOgrad(coder: Coder<ClassParams>, value: { Class: unknown }, port: string, batch: number, batched: boolean): NumArray {
  const n = coder.params.Labels.length;
  const classes = Array.isArray(value.Class) ? value.Class : new Array(batch).fill(value.Class);
  if (classes.length !== batch || (Array.isArray(value.Class) && !batched)) {
    throw netError('invalid_ograd', `Invalid output gradient: "${port}" gives ${classes.length} classes for ${batched ? `a batch of ${batch}` : 'one example'}`);
  }
  const data = new Float32Array(batch * n);
  classes.forEach((label, b) => (data[b * n + labelIndex(coder, label, port)] = 1));
  return { dims: batched ? [batch, n] : [n], data };
}
