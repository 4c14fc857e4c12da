/**
 * Case files (CONTRACT section 3): a net, data, optional imposed output gradients and
 * expectations with float64 reference values. `netport check` runs them; so do the tests.
 */
import { fileError, readTextFile } from './cli/files';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { z } from 'zod';
import type { BackendName } from './backend';
import { ERROR_CODES, isNetError, netError, type ErrorCode } from './errors';
import { formatTrail, MAX_NESTING, tooDeep } from './limits';
import { snippet } from './net';
import { encodeData } from './coders/ports';
import { optionsObject } from './options';
import { resolveNet } from './formats/resolve';
import { answer, dataAndOgrad, parseRequest, type Answer } from './requests';
import { Net } from './runtime';
import { translateResult, type WolframResult } from './wolfram/translate';
import type { Nested } from './tensors';

const Tolerance = z.object({ rtol: z.number().nonnegative().default(1e-4), atol: z.number().nonnegative().default(1e-6) }).strict();
const Code = z.enum(ERROR_CODES);
const GradientTarget = z.union([z.string(), z.array(z.union([z.string(), z.number()]))]);

const Expectation = z.union([
  z.object({ output: z.string(), value: z.unknown() }).strict(),
  z.object({ gradient: GradientTarget, value: z.unknown() }).strict(),
  z.object({ gradient: GradientTarget, error: Code }).strict(),
  // Wolfram syntax (CONTRACT section 5): what follows the data in net[data, request],
  // and what Mathematica printed for it.
  z.object({ request: z.string(), wolfram: z.string() }).strict(),
  z.object({ request: z.string(), error: Code }).strict(),
]);

export const CaseSchema = z
  .object({
    name: z.string().optional(),
    net: z.unknown(),
    data: z.unknown().optional(),
    ograd: z.record(z.string(), z.unknown()).optional(),
    expect: z.array(Expectation).default([]),
    tolerance: Tolerance.optional(),
    /** BatchNormalizationLayer's statistics under gradients (runtime.ts EvaluateOptions batchNorm). */
    batchNorm: z.enum(['moving', 'batch']).optional(),
    error: Code.optional(),
    description: z.string().optional(),
  })
  .strict();
export type Case = z.infer<typeof CaseSchema>;

export interface CaseReport {
  readonly name: string;
  readonly file: string;
  readonly status: 'passed' | 'failed';
  readonly failures: string[];
}

export interface LoadedCase {
  readonly file: string;
  readonly raw: unknown;
  readonly index: number;
}

/** Every case in the given files and directories (recursively, `*.json`), in a stable order. */
export async function loadCases(paths: readonly string[]): Promise<LoadedCase[]> {
  const files: string[] = [];
  // Directories by their real path: a symbolic link back to an ancestor is visited once.
  const seen = new Set<string>();
  const fail = (e: unknown, p: string): never => {
    throw fileError(e, JSON.stringify(p)) ?? e;
  };
  const visit = async (p: string, top: boolean): Promise<void> => {
    const stat = await fs.stat(p).catch((e: unknown) => fail(e, p));
    if (stat.isDirectory()) {
      const real = await fs.realpath(p).catch((e: unknown) => fail(e, p));
      if (seen.has(real)) return;
      seen.add(real);
      for (const entry of (await fs.readdir(p).catch((e: unknown) => fail(e, p))).sort()) {
        const child = path.join(p, entry);
        // Inside a directory, entries that cannot be examined (broken links) are skipped.
        const childStat = await fs.stat(child).catch(() => undefined);
        if (childStat && (childStat.isDirectory() || entry.endsWith('.json'))) await visit(child, false);
      }
    } else if (top || stat.isFile()) {
      files.push(p);
    }
  };
  for (const p of paths) await visit(p, true);
  const cases: LoadedCase[] = [];
  for (const file of files) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(readTextFile(file, 'the case file'));
    } catch (e) {
      parsed = { __unreadable: (e as Error).message };
    }
    (Array.isArray(parsed) ? parsed : [parsed]).forEach((raw, index) => cases.push({ file, raw, index }));
  }
  return cases;
}

/** Runs the cases of the given paths on one backend. */
export async function checkCases(paths: readonly string[], options?: { backend?: BackendName }): Promise<CaseReport[]> {
  if (!Array.isArray(paths) || !paths.every((p) => typeof p === 'string')) {
    throw netError('invalid_spec', `checkCases: the paths must be a list of file or directory names, not ${snippet(paths)}`);
  }
  const opts = optionsObject('checkCases', options);
  const reports: CaseReport[] = [];
  for (const c of await loadCases(paths)) reports.push(await runCase(c, opts.backend as BackendName | undefined));
  return reports;
}

/** Runs one case; never throws for anything the case itself gets wrong. */
export async function runCase(loaded: LoadedCase, backend?: BackendName): Promise<CaseReport> {
  const fallbackName = path.basename(loaded.file, '.json') + (loaded.index > 0 ? `#${loaded.index + 1}` : '');
  const deep = tooDeep(loaded.raw);
  if (deep) return { name: fallbackName, file: loaded.file, status: 'failed', failures: [`not a valid case: it nests deeper than ${MAX_NESTING} levels (at ${formatTrail(deep)})`] };
  const parsed = CaseSchema.safeParse(loaded.raw);
  if (!parsed.success) {
    const why = (loaded.raw as { __unreadable?: string })?.__unreadable ?? z.prettifyError(parsed.error).replace(/\n/g, '; ');
    return { name: fallbackName, file: loaded.file, status: 'failed', failures: [`not a valid case: ${why}`] };
  }
  const c = parsed.data;
  const name = c.name ?? fallbackName;
  const failures = await runExpectations(c, backend, path.dirname(loaded.file));
  return { name, file: loaded.file, status: failures.length === 0 ? 'passed' : 'failed', failures };
}

async function runExpectations(c: Case, backend: BackendName | undefined, dir: string): Promise<string[]> {
  const tol = { rtol: c.tolerance?.rtol ?? 1e-4, atol: c.tolerance?.atol ?? 1e-6 };
  let net: Net;
  try {
    // A string is a net file's path relative to the case file, or Wolfram text.
    net = await Net.load(await resolveNet(c.net, dir), { backend, batchNorm: c.batchNorm });
  } catch (e) {
    return c.error ? expectCode(e, c.error, 'the net') : [describeError('loading the net', e)];
  }
  try {
    let data: unknown;
    let ograd = c.ograd;
    try {
      const read = dataAndOgrad(c.data ?? {}, net);
      // Images ({"Image": "file.png"}, relative to the case file) are decoded and encoded once.
      data = await encodeData(read.data, net.inputs.map((p) => p.name), net.coders, { baseDir: dir });
      if (read.ograd) ograd = { ...ograd, ...read.ograd };
      if (c.error) {
        net.evaluate(data, { outputs: 'All', ograd });
        return [`expected error ${c.error}, but the net and data were accepted`];
      }
    } catch (e) {
      return c.error ? expectCode(e, c.error, 'the data') : [describeError('reading the data', e)];
    }
    const failures: string[] = [];
    for (const item of c.expect) {
      if ('request' in item) {
        failures.push(...checkRequest(net, data, ograd, item, tol));
        continue;
      }
      if ('output' in item) {
        try {
          const r = net.evaluate(data, { outputs: [item.output] });
          failures.push(...compare(`output "${item.output}"`, r.outputs[item.output]!, item.value, tol));
        } catch (e) {
          failures.push(describeError(`output "${item.output}"`, e));
        }
        continue;
      }
      const label = `gradient ${JSON.stringify(item.gradient)}`;
      try {
        const r = net.evaluate(data, { gradients: [item.gradient], ograd });
        if ('error' in item) {
          failures.push(`${label}: expected error ${item.error}, got a value`);
        } else if (item.gradient === 'All') {
          failures.push(...compareAll(r.gradients, item.value, tol));
        } else {
          failures.push(...compare(label, r.gradients[0]!.value, item.value, tol));
        }
      } catch (e) {
        failures.push(...('error' in item ? expectCode(e, item.error, label) : [describeError(label, e)]));
      }
    }
    return failures;
  } finally {
    net.dispose();
  }
}

/** A `request` expectation: evaluate net[data, request] and compare with Mathematica's printed result. */
function checkRequest(
  net: Net,
  data: unknown,
  ograd: Record<string, unknown> | undefined,
  item: { request: string; wolfram: string } | { request: string; error: ErrorCode },
  tol: Tolerance,
): string[] {
  const label = `request ${item.request}`;
  let got: Answer;
  try {
    const { specs, list } = parseRequest(item.request);
    got = answer(net, data, specs, list, ograd);
  } catch (e) {
    return 'error' in item ? expectCode(e, item.error, label) : [describeError(label, e)];
  }
  if ('error' in item) return [`${label}: expected error ${item.error}, got a value`];
  let want: WolframResult;
  try {
    want = translateResult(item.wolfram);
  } catch (e) {
    return [describeError(`${label}: the expected result`, e)];
  }
  if (want.kind !== got.kind) return [`${label}: got ${got.kind === 'value' ? 'a bare value' : 'an association'}, Wolfram printed ${want.kind === 'value' ? 'a bare value' : 'an association'}`];
  if (want.kind === 'value') return compare(label, (got as { value: Nested }).value, want.value, tol);
  const entries = (got as { entries: Array<[unknown, Nested]> }).entries;
  const keys = (list: ReadonlyArray<readonly [unknown, unknown]>) => list.map(([k]) => JSON.stringify(k)).join(', ');
  if (keys(entries) !== keys(want.entries)) return [`${label}: keys ${keys(entries)}, Wolfram printed ${keys(want.entries)}`];
  return entries.flatMap(([k, v], i) => compare(`${label} ${JSON.stringify(k)}`, v, want.entries[i]![1], tol));
}

function compareAll(actual: ReadonlyArray<{ spec: unknown; value: Nested }>, expected: unknown, tol: Tolerance): string[] {
  if (!Array.isArray(expected) || !expected.every((p) => Array.isArray(p) && p.length === 2)) {
    return ['gradient "All": the expected value must be a list of [spec, value] pairs'];
  }
  const got = actual.map((g) => JSON.stringify(g.spec));
  const want = expected.map((p) => JSON.stringify(p[0]));
  if (got.join() !== want.join()) return [`gradient "All": keys ${got.join(', ')}, expected ${want.join(', ')}`];
  return actual.flatMap((g, i) => compare(`gradient "All" ${JSON.stringify(g.spec)}`, g.value, expected[i][1], tol));
}

type Tolerance = { rtol: number; atol: number };

/** `|a - e| <= atol + rtol |e|` elementwise, with equal shapes; the first few mismatches. */
export function compare(label: string, actual: Nested, expected: unknown, tol: Tolerance): string[] {
  const problems: string[] = [];
  const walk = (a: Nested, e: unknown, at: number[]): void => {
    if (problems.length >= 3) return;
    const where = at.length ? ` at {${at.join(', ')}}` : '';
    if (typeof e === 'number') {
      if (typeof a !== 'number') return void problems.push(`${label}${where}: got a list, expected ${e}`);
      if (!(Math.abs(a - e) <= tol.atol + tol.rtol * Math.abs(e))) problems.push(`${label}${where}: got ${a}, expected ${e}`);
      return;
    }
    if (!Array.isArray(e)) return void problems.push(`${label}${where}: the expected value ${snippet(e)} is not a number or a list`);
    if (!Array.isArray(a) || a.length !== e.length) {
      return void problems.push(`${label}${where}: got ${Array.isArray(a) ? `a list of ${a.length}` : `the number ${a}`}, expected a list of ${e.length}`);
    }
    e.forEach((x, i) => walk(a[i]!, x, [...at, i + 1]));
  };
  walk(actual, expected, []);
  return problems;
}

function expectCode(e: unknown, code: ErrorCode, what: string): string[] {
  if (isNetError(e)) return e.code === code ? [] : [`${what}: expected error ${code}, got ${e.code}: ${e.message}`];
  return [describeError(what, e)];
}

/** One line per problem: a NetError with its code, anything else by its name and first line. */
function describeError(what: string, e: unknown): string {
  if (isNetError(e)) return `${what}: ${e.code}: ${e.message}`;
  const line = (e instanceof Error ? `${e.name}: ${e.message}` : String(e)).split('\n')[0]!;
  return `${what}: unexpected ${line.length > 200 ? `${line.slice(0, 197)}...` : line}`;
}
