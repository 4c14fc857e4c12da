/**
 * `netport convert` round-trips every layer example of the registry through each format:
 * the net (its arrays initialized with a seed) written as JSON, InputForm, WXF and .wlnet
 * and read back is the same net: the same internal form written again, the same arrays
 * to the last float32 bit, the same ports.
 */
import { LAYERS } from '../../lib/layers/registry';
import { readNetBytes, writeNet, type NetFormat } from '../../lib/formats';
import { toInternal } from '../../lib/formats/internal-write';
import { printWExpr } from '../../lib/formats/expr';
import { Net } from '../../lib/runtime';
import { expectNoLeak, useBackend } from '../helpers/backends';

const FORMATS: NetFormat[] = ['json', 'wl', 'wxf', 'wlnet'];

/** The example with every array filled in (seeded), as a description. */
async function filled(layer: Record<string, unknown>): Promise<Record<string, unknown>> {
  const net = await Net.load(layer, { backend: 'cpu', initialize: 1 });
  try {
    const out: Record<string, unknown> = { ...layer };
    for (const a of net.arrays) {
      const v = net.array(a.path);
      out[a.path[a.path.length - 1] as string] = { Dimensions: [...v.dims], Data: Array.from(v.data) };
    }
    return out;
  } finally {
    net.dispose();
  }
}

beforeAll(() => useBackend('cpu'));

const cases = LAYERS.flatMap((def) => def.examples.map((ex) => ({ title: `${def.type} ${ex.title}`, layer: { type: def.type, ...ex.layer } })));

test('the registry has examples to round-trip', () => {
  expect(cases.length).toBeGreaterThan(100);
});

describe.each(cases)('$title', ({ layer }) => {
  test.each(FORMATS)('through %s', async (format) => {
    await expectNoLeak(async () => {
      const original = await filled(layer as Record<string, unknown>);
      const back = (await readNetBytes(await writeNet(original, format))) as Record<string, unknown>;
      expect(printWExpr(toInternal(back))).toBe(printWExpr(toInternal(original)));
      const [a, b] = [await Net.load(original, { backend: 'cpu' }), await Net.load(back, { backend: 'cpu' })];
      try {
        expect(b.inputs).toEqual(a.inputs);
        expect(b.outputs).toEqual(a.outputs);
        expect(b.arrays).toEqual(a.arrays);
        for (const x of a.arrays) expect(Array.from(b.array(x.path).data)).toEqual(Array.from(a.array(x.path).data));
      } finally {
        a.dispose();
        b.dispose();
      }
    });
  });
});
