import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { netJsonSchema } from '../lib/cli/main';

test('schema/net.schema.json is the JSON Schema the registry gives (run `netport schema` to update it)', () => {
  const published = JSON.parse(readFileSync(path.join(__dirname, '..', 'schema', 'net.schema.json'), 'utf8'));
  expect(published).toEqual(netJsonSchema());
});

test('the JSON Schema describes containers recursively and every layer type', () => {
  const text = JSON.stringify(netJsonSchema());
  for (const type of ['NetChain', 'NetGraph', 'LinearLayer', 'PoolingLayer', 'CrossEntropyLossLayer']) expect(text).toContain(`"const":"${type}"`);
  expect(text).toContain('"$ref"');
});

test('the JSON Schema defines each coder once and refers to it from the ports', () => {
  const schema = netJsonSchema() as { $defs: Record<string, { properties: Record<string, unknown> }> };
  expect(Object.keys(schema.$defs.NetEncoderImage!.properties)).toEqual(['NetEncoder', 'ImageSize', 'ColorSpace', 'MeanImage', 'VarianceImage', 'Method']);
  expect(Object.keys(schema.$defs.NetDecoderClass!.properties)).toEqual(['NetDecoder', 'Labels']);
  expect(JSON.stringify(schema)).toContain('"$ref":"#/$defs/NetEncoderImage"');
});
