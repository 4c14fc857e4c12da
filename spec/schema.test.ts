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
