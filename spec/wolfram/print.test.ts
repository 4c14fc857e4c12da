import { parse } from '../../lib/wolfram/parse';
import {
  formatReal,
  formatString,
  printData,
  printExpr,
  printRequest,
  printResult,
  printSpec,
  printValue,
} from '../../lib/wolfram/print';

describe('formatReal: InputForm of machine reals', () => {
  test.each([
    [0.25, '0.25'],
    [1, '1.'],
    [-1.5, '-1.5'],
    [0, '0.'],
    [-0, '0.'],
    [1e-7, '1.*^-7'],
    [2.5e10, '2.5*^10'],
    [123.456, '123.456'],
    // Plain notation exactly for decimal exponents -5..5 (ExponentFunction's default).
    [100000, '100000.'],
    [999999.5, '999999.5'],
    [1e6, '1.*^6'],
    [3998723.445, '3.998723445*^6'],
    [0.00001, '0.00001'],
    [0.000015, '0.000015'],
    [0.000001, '1.*^-6'],
    // Shortest digits that read back as the same double, as Mathematica prints them.
    [0.1 + 0.2, '0.30000000000000004'],
    [3.12987e-17, '3.12987*^-17'],
    [3.1298700000000004e-17, '3.1298700000000004*^-17'],
    [1 / 3, '0.3333333333333333'],
    [Number.MAX_VALUE, '1.7976931348623157*^308'],
    [5e-324, '5.*^-324'],
    [NaN, 'Indeterminate'],
    [Infinity, 'Infinity'],
    [-Infinity, '-Infinity'],
  ])('%p → %s', (x, text) => {
    expect(formatReal(x)).toBe(text);
  });

  test('float32 digits on request', () => {
    expect(formatReal(Math.fround(0.1))).toBe('0.10000000149011612');
    expect(formatReal(Math.fround(0.1), { float32: true })).toBe('0.1');
    expect(formatReal(Math.fround(1e-7), { float32: true })).toBe('1.*^-7');
    expect(formatReal(Math.fround(16777217), { float32: true })).toBe('1.6777216*^7');
  });

  test('every printed real parses back to the same double', () => {
    let seed = 7;
    const rnd = () => ((seed = (seed * 16807) % 2147483647) / 2147483647);
    for (let i = 0; i < 2000; i++) {
      const x = (rnd() - 0.5) * 10 ** Math.floor(rnd() * 40 - 20);
      const e = parse(formatReal(x));
      expect(e.kind === 'number' && e.value).toBe(x === 0 ? 0 : x);
    }
  });
});

describe('printExpr: canonical InputForm', () => {
  test.each([
    ['#^2 &', '#^2 &'],
    ['#1^2&', '#^2 &'],
    ['#1 + #2 &', '# + #2 &'],
    ['Max[#, 0.1 #] &', 'Max[#, 0.1*#] &'],
    ['a - b', 'a - b'],
    ['a + -3', 'a - 3'],
    ['a - 2 b', 'a - 2*b'],
    ['a - (b + c)', 'a - (b + c)'],
    ['-x^2', '-x^2'],
    ['(-x)^2', '(-x)^2'],
    ['(-2)^2', '(-2)^2'],
    ['x^-2', 'x^(-2)'],
    ['a/b', 'a/b'],
    ['1/x', '1/x'],
    ['a b/c', '(a*b)/c'],
    ['a/(b c)', 'a/(b*c)'],
    ['-(a b)', '-(a*b)'],
    ['-(a/b)', '-(a/b)'],
    ['(a + b) c', '(a + b)*c'],
    ['a^b^c', 'a^b^c'],
    ['(a^b)^c', '(a^b)^c'],
    ['!a && (b || c)', '!a && (b || c)'],
    ['a < b <= c', 'Inequality[a, Less, b, LessEqual, c]'],
    ['If[# > 0, #, 0.1 #] &', 'If[# > 0, #, 0.1*#] &'],
    ['"F" -> (#^2 &)', '"F" -> (#^2 &)'],
    ['f[#^2 &]', 'f[#^2 &]'],
    ['(#^2 &)[3]', '(#^2 &)[3]'],
    ['Function[{x, y}, x y]', 'Function[{x, y}, x*y]'],
    ['Function[x, x^2]', 'Function[x, x^2]'],
    ['{1, 2 ;; 3, ;;, 1;;-1;;2}', '{1, 2 ;; 3, 1 ;; All, 1 ;; -1 ;; 2}'],
    ['1 <-> 2', '1 <-> 2'],
    ['<|"a" -> 1, b :> {2.}|>', '<|"a" -> 1, b :> {2.}|>'],
    ['System`Ramp', 'Ramp'],
    ['Foo`Bar', 'Foo`Bar'],
    ['f@x', 'f[x]'],
    ['1.5*^-7', '1.5*^-7'],
    ['1.2345678`10.', '1.2345678'],
    ['1*^3', '1000'],
    ['"ELU"[#]', '"ELU"[#]'],
  ])('%s → %s', (text, printed) => {
    expect(printExpr(parse(text))).toBe(printed);
  });
});

describe('values, specs, results and data', () => {
  test('strings are escaped', () => {
    expect(formatString('a"b\\c\nd\té😀')).toBe('"a\\"b\\\\c\\nd\\t\\:00e9\\|01f600"');
  });

  test('printValue keeps integers unless reals are asked for', () => {
    expect(printValue([1, 0, -1])).toBe('{1, 0, -1}');
    expect(printValue([1, 0.5, -1], { reals: true })).toBe('{1., 0.5, -1.}');
    expect(printValue([[1e-7]], { reals: true })).toBe('{{1.*^-7}}');
    expect(printValue(null)).toBe('None');
    expect(printValue({ a: [true, 'x'] })).toBe('<|"a" -> {True, "x"}|>');
  });

  test('specs and requests', () => {
    expect(printSpec({ NetPortGradient: 'Input' })).toBe('NetPortGradient["Input"]');
    expect(printSpec({ NetPortGradient: [1, 'Weights'] })).toBe('NetPortGradient[{1, "Weights"}]');
    expect(printSpec({ NetPortGradient: ['enc', 2, 'Biases'] })).toBe('NetPortGradient[{"enc", 2, "Biases"}]');
    expect(printSpec({ NetPortGradient: 'All' })).toBe('NetPortGradient[All]');
    expect(printSpec('Output')).toBe('"Output"');
    expect(printRequest([{ NetPortGradient: 'Input' }, 'Loss'])).toBe('{NetPortGradient["Input"], "Loss"}');
  });

  test('results print reals, associations keyed by spec', () => {
    expect(printResult([0.25, -1.5])).toBe('{0.25, -1.5}');
    expect(printResult(998)).toBe('998.');
    expect(
      printResult([
        [{ NetPortGradient: 'Input' }, [0.25, -1.5]],
        [{ NetPortGradient: [1, 'Weights'] }, [[1e-3, 0.5]]],
      ]),
    ).toBe('<|NetPortGradient["Input"] -> {0.25, -1.5}, NetPortGradient[{1, "Weights"}] -> {{0.001, 0.5}}|>');
    expect(printResult([[0.1, 0.2]])).toBe('{{0.1, 0.2}}');
  });

  test('data', () => {
    expect(printData({ Input: [0.7, -0.4] }, { bare: true })).toBe('{0.7, -0.4}');
    expect(printData({ Input: [0.7, -0.4] })).toBe('<|"Input" -> {0.7, -0.4}|>');
    expect(printData({ Input: [1, 0, -1], Target: 3 }, { ograd: { Output: [2, -1], Other: null } })).toBe(
      '<|"Input" -> {1, 0, -1}, "Target" -> 3, NetPortGradient["Output"] -> {2, -1}, NetPortGradient["Other"] -> None|>',
    );
  });
});
