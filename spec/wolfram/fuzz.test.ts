/**
 * Random and malformed input must either parse or throw WolframSyntaxError, quickly.
 * A small seeded generator (spec/helpers' mulberry32) is enough here and keeps runs reproducible;
 * fast-check would add shrinking, but a failure already prints the offending input.
 */
import { isNetError } from '../../lib/errors';
import { WolframSyntaxError, parse } from '../../lib/wolfram/parse';
import { printExpr } from '../../lib/wolfram/print';
import { translateNet } from '../../lib/wolfram/translate';
import { random } from '../helpers/backends';

const TOKENS = [
  'a', 'x', 'Ramp', 'System`Ramp', 'LinearLayer', 'NetChain', '#', '#2', '#name', '##', '1', '2.', '.5', '-3', '1.5*^-7',
  '1.2`10.', '1.5``', '"s"', '"a\\"b"', '"\\:03b1"', '(', ')', '[', ']', '{', '}', '<|', '|>', ',', '->', ':>', '<->',
  ';;', '&&', '||', '!', '!=', '==', '<', '>', '<=', '>=', '+', '-', '*', '/', '^', '&', '@', '//', ' ', '\n',
  '(*', '*)', '"', '\\', '`', '*^', '^^', '===', '=', ';', '.', '..', '[[', ']]', '€', '\u0000', 'α',
];

const SAMPLES = [
  'NetChain[{LinearLayer[3, "Weights" -> {{1., 2.}, {3., 4.}, {5., 6.}}, "Biases" -> {0.1, 0.2, 0.3}], Ramp, LinearLayer[1]}, "Input" -> 2]',
  'NetGraph[<|"a" -> LinearLayer[2], "b" -> ElementwiseLayer[#^2 &]|>, {NetPort["x"] -> "a" -> "b", {1, 2} -> 3}, "x" -> 3]',
  '<|NetPortGradient["Input"] -> {0.25, -1.5}, NetPortGradient[{1, "Weights"}] -> {{1.*^-3, 0.5}}|>',
  'PoolingLayer[{2, 2}, 2, "Function" -> Mean, PaddingSize -> {{0, 1}, {1, 0}}]',
  'ThreadingLayer[If[#1 > #2, Max[#1, 0.1 #2], Clip[#1 - #2, {-1, 1}]] &]',
  'PartLayer[{1, 2 ;; -1 ;; 2, All}] (* comment (* nested *) *)',
  'TransposeLayer[{1 <-> 3, 2 <-> 4}]',
  'EmbeddingLayer[8, 10, "Input" -> {3, Restricted["Integer", 10]}]',
];

type Outcome = 'parsed' | 'error';

function check(input: string): Outcome {
  const start = performance.now();
  let outcome: Outcome;
  try {
    const e = parse(input);
    // Printing is canonical: printing what the printed text parses to changes nothing.
    const printed = printExpr(e);
    expect(printExpr(parse(printed))).toBe(printed);
    outcome = 'parsed';
  } catch (err) {
    if (!(err instanceof WolframSyntaxError)) throw new Error(`${String(err)} for input ${JSON.stringify(input)}`);
    expect(err.line).toBeGreaterThanOrEqual(1);
    expect(err.column).toBeGreaterThanOrEqual(1);
    outcome = 'error';
  }
  // Catches hangs and super-linear blow-ups, not speed: a typical input takes well under
  // a millisecond, and a loaded 2-core CI machine must not make this flaky.
  const ms = performance.now() - start;
  if (ms > 1000) throw new Error(`took ${ms.toFixed(1)} ms for input ${JSON.stringify(input)}`);
  return outcome;
}

function mutate(s: string, rnd: () => number): string {
  const chars = [...s];
  const edits = 1 + Math.floor(rnd() * 4);
  for (let k = 0; k < edits; k++) {
    const i = Math.floor(rnd() * (chars.length + 1));
    const op = Math.floor(rnd() * 5);
    const token = TOKENS[Math.floor(rnd() * TOKENS.length)] as string;
    if (op === 0) chars.splice(i, 1);
    else if (op === 1) chars.splice(i, 0, token);
    else if (op === 2) chars.splice(i, 1, token);
    else if (op === 3) chars.splice(i);
    else chars.splice(i, 0, ...chars.slice(i, i + Math.floor(rnd() * 20)));
  }
  return chars.join('');
}

describe('Wolfram parser fuzz', () => {
  test('token soup', () => {
    const rnd = random(1);
    const seen = { parsed: 0, error: 0 };
    for (let n = 0; n < 4000; n++) {
      const len = Math.floor(rnd() * 40);
      const input = Array.from({ length: len }, () => TOKENS[Math.floor(rnd() * TOKENS.length)]).join(rnd() < 0.5 ? '' : ' ');
      seen[check(input)]++;
    }
    expect(seen.parsed).toBeGreaterThan(20);
    expect(seen.error).toBeGreaterThan(1000);
  });

  test('mutated nets, data and results', () => {
    const rnd = random(2);
    const seen = { parsed: 0, error: 0 };
    for (let n = 0; n < 4000; n++) {
      const sample = SAMPLES[n % SAMPLES.length] as string;
      seen[check(mutate(sample, rnd))]++;
    }
    expect(seen.parsed).toBeGreaterThan(100);
    expect(seen.error).toBeGreaterThan(100);
  });

  test('random characters', () => {
    const rnd = random(3);
    for (let n = 0; n < 2000; n++) {
      const len = Math.floor(rnd() * 60);
      const input = Array.from({ length: len }, () =>
        String.fromCharCode(rnd() < 0.8 ? 32 + Math.floor(rnd() * 95) : Math.floor(rnd() * 0x3000)),
      ).join('');
      check(input);
    }
  });

  test('random deep nesting stays within the limit or fails cleanly', () => {
    const rnd = random(4);
    const opens = ['{', '(', 'f[', '<|"k" -> ', '-', '!', 'a^', '1;;', 'a -> '];
    const closes: Record<string, string> = { '{': '}', '(': ')', 'f[': ']', '<|"k" -> ': '|>' };
    for (let n = 0; n < 200; n++) {
      const depth = Math.floor(rnd() * 1200);
      const stack = Array.from({ length: depth }, () => opens[Math.floor(rnd() * opens.length)] as string);
      const input = stack.join('') + 'x' + stack.reverse().map((o) => closes[o] ?? '').join('');
      check(input);
    }
  });

  test('translateNet on mutated nets throws only NetErrors', () => {
    const rnd = random(5);
    let translated = 0;
    for (let n = 0; n < 1500; n++) {
      const input = mutate(SAMPLES[n % 2] as string, rnd);
      try {
        translateNet(input);
        translated++;
      } catch (err) {
        if (!isNetError(err)) throw new Error(`${String(err)} for input ${JSON.stringify(input)}`);
      }
    }
    expect(translated).toBeGreaterThan(10);
  });
});
