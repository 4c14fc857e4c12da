/**
 * The sweep of the Wolfram layer over the layer registry (lib/layers/registry.ts): every
 * example of every layer, with its arrays written out (the values initialization gives),
 * goes JSON -> Wolfram text (printNet) -> JSON (translateNet) unchanged, up to the two
 * normalizations of the README ("Cross-checking against Mathematica"): pure functions
 * come back in canonical InputForm and spans with their open ends filled in. A layer added
 * to the registry without translator support fails here.
 */
import { LAYERS } from '../../lib/layers/registry';
import { Net } from '../../lib/runtime';
import { toNested } from '../../lib/tensors';
import { describePureFunction } from '../../lib/functions/pure';
import type { Json, NetJson } from '../../lib/wolfram/json';
import { printNet } from '../../lib/wolfram/print-net';
import { translateNet } from '../../lib/wolfram/translate';
import { expectNoLeak, useBackend } from '../helpers/backends';

const examples = LAYERS.flatMap((def) =>
  def.examples.map((ex) => ({ title: `${def.type} ${ex.title}`, layer: { type: def.type, ...ex.layer } as NetJson })),
);

/** The example with every array filled in, as `Net.load(..., {initialize: 1})` fills it. */
async function withArrays(desc: NetJson): Promise<NetJson> {
  const net = await Net.load(desc, { backend: 'cpu', initialize: 1 });
  try {
    const out: NetJson = { ...desc };
    for (const a of net.arrays) out[a.path[a.path.length - 1] as string] = toNested(net.array(a.path)) as Json;
    return out;
  } finally {
    net.dispose();
  }
}

/** `;;-2` is `1;;-2`, `2;;` is `2;;All`, as Wolfram reads them. */
function span(s: Json): Json {
  if (typeof s !== 'string' || !s.includes(';;')) return s;
  const [from, to, ...step] = s.split(';;').map((x) => x.trim());
  return [from || '1', to || 'All', ...step].join(';;');
}

/** The documented normalizations: canonical pure functions, filled-in spans. */
function normalize(json: NetJson): NetJson {
  const out: NetJson = { ...json };
  if (typeof out.Function === 'string' && (out.type === 'ElementwiseLayer' || out.type === 'ThreadingLayer')) {
    // A bare symbol (Plus) takes two arguments in a ThreadingLayer.
    const arity = out.type === 'ElementwiseLayer' ? 1 : /^[A-Za-z]+$/.test(out.Function) ? 2 : undefined;
    out.Function = describePureFunction(out.Function, arity).text;
  }
  for (const key of ['Specification', 'Levels']) {
    const v = out[key];
    if (v !== undefined) out[key] = Array.isArray(v) ? v.map(span) : span(v);
  }
  return out;
}

beforeAll(() => useBackend('cpu'));

test('the sweep covers every layer of the registry', () => {
  expect(new Set(examples.map((e) => e.layer.type)).size).toBe(LAYERS.length);
});

test.each(examples.map((e) => [e.title, e.layer] as const))('%s: JSON -> Wolfram -> JSON', async (_title, layer) => {
  const json = await expectNoLeak(() => withArrays(layer));
  const text = printNet(json);
  const back = translateNet(text);
  expect(back).toEqual(normalize(json));
  // The normalized form is a fixed point.
  expect(translateNet(printNet(back))).toEqual(back);
});
