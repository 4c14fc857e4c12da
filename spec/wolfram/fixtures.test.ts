/**
 * fixtures/wolfram/*.json are the shared JSON cases rewritten in Wolfram syntax
 * (scripts/wolfram-fixtures.ts). Translating each back must give exactly the original
 * case: net, data, imposed gradients, expectations and tolerances.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { JsonObject } from '../../lib/wolfram/json';
import { type WolframCase, translateCase } from '../../lib/wolfram/translate';
import { toWolframCase } from '../../scripts/wolfram-fixtures';

const root = path.resolve(__dirname, '../..');
const fixturesDir = path.join(root, 'fixtures/wolfram');
// The JSON originals: fixtures/cases, the in-repo copy of the shared cases.
const casesDir = path.join(root, 'fixtures/cases');
const fixtureFiles = fs.readdirSync(fixturesDir).filter((f) => f.endsWith('.json')).sort();

const readJson = (file: string) => JSON.parse(fs.readFileSync(file, 'utf8')) as unknown;

describe('Wolfram fixtures', () => {
  test('there is one per shared case', () => {
    expect(fixtureFiles.length).toBeGreaterThanOrEqual(16);
  });

  test.each(fixtureFiles)('%s is in Wolfram syntax', (file) => {
    const fixture = readJson(path.join(fixturesDir, file)) as WolframCase;
    expect(typeof fixture.net).toBe('string');
    expect(typeof fixture.data).toBe('string');
    expect(fixture).not.toHaveProperty('ograd');
    for (const item of fixture.expect) {
      expect(typeof item.request).toBe('string');
      expect(typeof ('wolfram' in item ? item.wolfram : item.error)).toBe('string');
    }
  });

  describe('against fixtures/cases', () => {
    test.each(fixtureFiles)('%s translates back to the JSON case', (file) => {
      const fixture = readJson(path.join(fixturesDir, file)) as WolframCase;
      const original = readJson(path.join(casesDir, file)) as JsonObject;
      expect(translateCase(fixture)).toEqual(original);
    });

    test.each(fixtureFiles)('%s is what the generator writes today', (file) => {
      const original = readJson(path.join(casesDir, file)) as JsonObject;
      expect(toWolframCase(original)).toEqual(readJson(path.join(fixturesDir, file)));
    });
  });
});
