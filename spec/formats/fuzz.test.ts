/**
 * Malformed and truncated files of every kind: an `invalid_net` (or `unsupported`)
 * NetError naming the byte offset or the place in the net, never a crash or a hang.
 * fast-check truncates and damages the fixture files; every truncation of the WXF and
 * Compress byte streams is tried outright.
 */
import * as fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { inflateSync } from 'node:zlib';
import { isNetError } from '../../lib/errors';
import { readNetBytes } from '../../lib/formats';
import { compress, readSerialized } from '../../lib/formats/compress';
import { toInternal } from '../../lib/formats/internal-write';
import { readWxf } from '../../lib/formats/wxf';
import { Net } from '../../lib/runtime';
import { expectNoLeak, useBackend } from '../helpers/backends';
import { fixture, KINDS, NETS } from './helpers';

beforeAll(() => useBackend('cpu'));

/** Reads bytes as a net and loads it: either works, or fails with a NetError that says where. */
async function outcome(bytes: Uint8Array): Promise<string> {
  try {
    const description = await readNetBytes(bytes);
    (await Net.load(description, { backend: 'cpu' })).dispose();
    return 'loaded';
  } catch (e) {
    if (!isNetError(e)) throw e;
    expect(['invalid_net', 'unsupported']).toContain(e.code);
    expect(e.message).not.toMatch(/\n/);
    // Where: a byte offset, a NetPath, a .wlnet dataset, a line and column, or a layer.
    expect(e.message).toMatch(/at byte \d+|NetPath\[|\.wlnet|line \d+, column \d+|layer |Layer\b|NetChain|NetGraph|the net/);
    return e.code;
  }
}

describe.each(NETS.flatMap((n) => KINDS.map((k) => `${n}.${k}`)))('%s', (file) => {
  const bytes = readFileSync(fixture(file));
  test('truncated or damaged: a NetError, never a crash', async () => {
    await expectNoLeak(() =>
      fc.assert(
        fc.asyncProperty(
          fc.integer({ min: 0, max: bytes.length - 1 }),
          fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 3 }),
          async (cut, flips) => {
            const damaged = Uint8Array.from(bytes);
            for (const [at, v] of flips) damaged[at % damaged.length] = v;
            const truncated = flips.length === 0 ? damaged.subarray(0, cut) : damaged;
            await outcome(truncated);
          },
        ),
        { numRuns: file.endsWith('.wlnet') ? 40 : 120, seed: 20261203 },
      ),
    );
  });
});

test('every truncation of a WXF file names its byte offset', () => {
  const bytes = readFileSync(fixture('conv.wxf'));
  for (let n = 0; n < bytes.length; n++) {
    expect(() => readWxf(bytes.subarray(0, n))).toThrow(/^Invalid net: WXF at byte \d+: /);
  }
});

test('every truncation of a Compress expression names its byte offset', () => {
  // Compress strings hold no arrays (a .wlnet keeps them in /Arrays).
  const text = compress(toInternal({ type: 'NetChain', Layers: [{ type: 'LinearLayer', OutputDimensions: 2 }, 'Ramp', { type: 'SoftmaxLayer' }], Input: 3 }));
  const raw = inflateSync(Buffer.from(text.slice(2), 'base64'));
  for (let n = 0; n < raw.length; n++) {
    expect(() => readSerialized(raw.subarray(0, n), 'Compress')).toThrow(/^Invalid net: Compress at byte \d+: /);
  }
});

test('error messages', async () => {
  const message = async (bytes: Uint8Array | string) => {
    try {
      await readNetBytes(typeof bytes === 'string' ? Buffer.from(bytes) : bytes);
      return 'read';
    } catch (e) {
      return isNetError(e) ? `${e.code}: ${e.message}` : String(e);
    }
  };
  const wxf = readFileSync(fixture('chain.wxf'));
  expect(await message(wxf.subarray(0, 40))).toMatchInlineSnapshot(`"invalid_net: Invalid net: WXF at byte 38: an association claims 3 entries, more than the bytes left"`);
  expect(await message(Uint8Array.from([0x38, 0x3a, 0x99]))).toMatchInlineSnapshot(`"invalid_net: Invalid net: WXF at byte 2: unknown token 0x99"`);
  expect(await message(readFileSync(fixture('chain.wlnet')).subarray(0, 3000))).toMatchInlineSnapshot(`"invalid_net: Invalid net: .wlnet: not a readable HDF5 file (damaged or truncated: 3000 bytes)"`);
  expect(await message('NetChain[<|"Type" -> "Chain", "Nodes" -> <|"1" -> <|"Type" -> "SpatialTransformation"|>|>|>]')).toMatchInlineSnapshot(`"unsupported: Unsupported: NetPath["Nodes", "1"]: netport does not support the layer type "SpatialTransformation""`);
  const text = readFileSync(fixture('chain.wl'), 'utf8');
  expect(await message(text.replace('"$InputSize" -> 2', '"$InputSize" -> 5'))).toMatchInlineSnapshot(`"invalid_net: Invalid net: NetPath["Nodes", "1", "Parameters", "$InputSize"]: is 5, but the layer's shapes give 2"`);
  expect(await message(text.replace('"OutputDimensions" -> {3}', '"OutputDimensions" -> {3}, "Foo" -> 1'))).toMatchInlineSnapshot(`"unsupported: Unsupported: NetPath["Nodes", "1", "Parameters", "Foo"]: LinearLayer has no parameter "Foo" that netport supports"`);
  expect(await message(readFileSync(fixture('conv.wl'), 'utf8').replace('"Interleaving" -> False', '"Interleaving" -> True'))).toMatchInlineSnapshot(`"unsupported: Unsupported: NetPath["Nodes", "1", "Parameters", "Interleaving"]: Interleaving -> True is not supported (only False)"`);
  expect(await message(text.replace(/NetDecoder\["Scalar"/, 'NetDecoder["Class"'))).toMatchInlineSnapshot(`"unsupported: Unsupported: NetPath["Outputs", "Output"]: NetDecoder["Class"] is not supported yet"`);
  expect(await message(text.replace('NumericArray[{{', 'NumericArray[{{0.5, '))).toMatchInlineSnapshot(`"invalid_net: Invalid net: NetPath["Nodes", "1", "Arrays", "Weights"]: the array is not rectangular: found {-0.6273368000984192, -0.2763558328151703} where a list of 3 was expected"`);
  expect(await message(text.replace('"Type" -> "Linear"', '"Type" -> 3'))).toMatchInlineSnapshot(`"invalid_net: Invalid net: NetPath["Nodes", "1", "Type"]: expected the type as a string, got 3"`);
});
