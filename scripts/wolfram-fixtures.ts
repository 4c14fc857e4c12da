/**
 * Rewrites JSON case files (CONTRACT section 3) into Wolfram syntax (section 5):
 * net and data as Wolfram text, expectations as request / wolfram pairs.
 *
 *   node dist/scripts/wolfram-fixtures.js [CASES_DIR] [OUT_DIR]
 *
 * defaults: fixtures/cases → fixtures/wolfram. spec/wolfram/fixtures.test.ts checks
 * that translating each output gives back its source case exactly.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Json, JsonObject, SpecJson } from '../lib/wolfram/json';
import { isJsonObject } from '../lib/wolfram/json';
import { printData, printResult, printSpec } from '../lib/wolfram/print';
import { printNet } from '../lib/wolfram/print-net';
import type { WolframCase } from '../lib/wolfram/translate';

/** One JSON case → the same case in Wolfram syntax. */
export function toWolframCase(c: JsonObject): WolframCase {
  const data = c.data as JsonObject;
  const ograd = isJsonObject(c.ograd) ? c.ograd : undefined;
  const out: WolframCase = {
    ...(typeof c.name === 'string' ? { name: c.name } : {}),
    net: printNet(c.net as Json),
    data: printData(data, { bare: true, ...(ograd ? { ograd } : {}) }),
    expect: (c.expect as JsonObject[]).map(expectation),
  };
  if (isJsonObject(c.tolerance)) out.tolerance = c.tolerance;
  if (typeof c.error === 'string') out.error = c.error;
  return out;
}

function expectation(x: JsonObject): { request: string; wolfram: string } | { request: string; error: string } {
  const spec: SpecJson =
    typeof x.output === 'string' ? x.output : { NetPortGradient: x.gradient as string | (string | number)[] };
  const request = printSpec(spec);
  if (typeof x.error === 'string') return { request, error: x.error };
  const v = x.value as Json;
  if (x.gradient === 'All') {
    const entries = (v as [Json, Json][]).map(([k, val]): [SpecJson, Json] => [{ NetPortGradient: k as string | (string | number)[] }, val]);
    return { request, wolfram: printResult(entries) };
  }
  return { request, wolfram: printResult(v) };
}

function main(): void {
  const [casesDir = 'fixtures/cases', outDir = 'fixtures/wolfram'] = process.argv.slice(2);
  fs.mkdirSync(outDir, { recursive: true });
  for (const file of fs.readdirSync(casesDir).filter((f) => f.endsWith('.json')).sort()) {
    const parsed = JSON.parse(fs.readFileSync(path.join(casesDir, file), 'utf8')) as JsonObject | JsonObject[];
    const converted = Array.isArray(parsed) ? parsed.map(toWolframCase) : toWolframCase(parsed);
    fs.writeFileSync(path.join(outDir, file), `${JSON.stringify(converted, null, 2)}\n`);
    console.log(`${path.join(outDir, file)}`);
  }
}

if (require.main === module) main();
