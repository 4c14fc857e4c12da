/**
 * Wolfram's `net[data, request]`: a request is one spec (a NetPortGradient or an output
 * port name) or a list of them; one spec gives a bare value, a list or
 * `NetPortGradient[All]` an association keyed by the specs, in order.
 */
import { netError } from './errors';
import type { Net } from './runtime';
import type { Nested } from './tensors';
import type { SpecJson } from './wolfram/json';
import { translateData, translateNet, translateRequest } from './wolfram/translate';

export type Answer = { kind: 'value'; value: Nested } | { kind: 'association'; entries: Array<[SpecJson, Nested]> };

/** Evaluates a request in one pass and shapes the result as Wolfram does. */
export function answer(net: Net, data: unknown, specs: readonly SpecJson[], list: boolean, ograd?: Readonly<Record<string, unknown>>): Answer {
  const gradients = specs.flatMap((s) => (typeof s === 'string' ? [] : [s.NetPortGradient]));
  const outputs = specs.filter((s): s is string => typeof s === 'string');
  const r = net.evaluate(data, { outputs, gradients, ograd });
  const entries: Array<[SpecJson, Nested]> = [];
  let request = 0;
  for (const s of specs) {
    if (typeof s === 'string') {
      entries.push([s, r.outputs[s]!]);
      continue;
    }
    for (const g of r.gradients) if (g.request === request) entries.push([{ NetPortGradient: g.spec }, g.value]);
    request++;
  }
  const all = specs.some((s) => typeof s !== 'string' && s.NetPortGradient === 'All');
  return list || all ? { kind: 'association', entries } : { kind: 'value', value: entries[0]![1] };
}

/** A net description as JSON, or as Wolfram text (`NetChain[{...}, "Input" -> 2]`). */
export function netDescription(value: unknown): unknown {
  return typeof value === 'string' ? translateNet(value) : value;
}

/**
 * Data as JSON, or as Wolfram text (`{0.7, -0.4}`, `<|"Input" -> ..., NetPortGradient["Output"] -> ...|>`),
 * with the output gradients Wolfram writes inside the data.
 */
export function dataAndOgrad(value: unknown, net: Net): { data: unknown; ograd?: Record<string, unknown> } {
  if (typeof value !== 'string') return { data: value };
  return translateData(value, { inputName: net.inputs[0]?.name ?? 'Input' });
}

/** A request in Wolfram syntax: `NetPortGradient["Input"]`, `{..., "Output"}`, `NetPortGradient[All]`. */
export function parseRequest(text: string): { specs: SpecJson[]; list: boolean } {
  const r = translateRequest(text);
  if (r.specs.length === 0) throw netError('invalid_spec', 'Invalid gradient spec: the request {} asks for nothing');
  return r;
}
