import type { Expr } from '../../lib/wolfram/ast';
import { type ParseOptions, WolframSyntaxError, locate, parse } from '../../lib/wolfram/parse';
import { printExpr } from '../../lib/wolfram/print';

/** A compact FullForm-like rendering, to pin the tree's structure independently of the printer. */
function full(e: Expr): string {
  switch (e.kind) {
    case 'number':
      return e.real ? `${e.value}r` : String(e.value);
    case 'string':
      return JSON.stringify(e.value);
    case 'symbol':
      return `${e.context}${e.name}`;
    case 'slot':
      return `${e.sequence ? '##' : '#'}${e.index}`;
    case 'call':
      return `${full(e.head)}[${e.args.map(full).join(', ')}]`;
    case 'list':
      return `List[${e.items.map(full).join(', ')}]`;
    case 'assoc':
      return `Association[${e.entries.map(full).join(', ')}]`;
    case 'rule':
      return `${e.delayed ? 'RuleDelayed' : 'Rule'}[${full(e.lhs)}, ${full(e.rhs)}]`;
    case 'span':
      return `Span[${[e.start, e.end, ...(e.step ? [e.step] : [])].map(full).join(', ')}]`;
    case 'function':
      return `Function[${e.params ? `{${e.params.join(', ')}}, ` : ''}${full(e.body)}]`;
  }
}

const ff = (text: string) => full(parse(text));

function syntaxError(text: string, options: ParseOptions = {}): WolframSyntaxError {
  try {
    parse(text, options);
  } catch (e) {
    if (e instanceof WolframSyntaxError) return e;
    throw e;
  }
  throw new Error(`parsed: ${text}`);
}

describe('Wolfram parser: numbers', () => {
  test.each([
    ['3', 3, false, '3'],
    ['2.', 2, true, '2.'],
    ['0.5', 0.5, true, '0.5'],
    ['.5', 0.5, true, '.5'],
    ['1.5*^-7', 1.5e-7, true, '1.5*^-7'],
    ['2.5*^10', 2.5e10, true, '2.5*^10'],
    ['1*^3', 1000, false, '1*^3'],
    ['1.2345678`10.', 1.2345678, true, '1.2345678`10.'],
    ['1.5`', 1.5, true, '1.5`'],
    ['0.001`', 0.001, true, '0.001`'],
    ['1.5``20', 1.5, true, '1.5``20'],
    ['3.12987`*^-270', 3.12987e-270, true, '3.12987`*^-270'],
    ['12345678901234567890', 12345678901234567890, false, '12345678901234567890'],
    ['1*^-999999', 0, true, '1*^-999999'],
  ])('%s', (text, value, real, source) => {
    const e = parse(text);
    expect(e).toMatchObject({ kind: 'number', value, real, text: source, pos: 0 });
  });

  test('a minus sign before a number gives a negative number, as in Wolfram', () => {
    expect(parse('-3')).toMatchObject({ kind: 'number', value: -3, text: '-3', real: false });
    expect(parse('-1.5*^-7')).toMatchObject({ kind: 'number', value: -1.5e-7, text: '-1.5*^-7', real: true });
    expect(ff('-2^2')).toBe('Times[-1, Power[2, 2]]');
  });

  test('big integers keep their digits for printing', () => {
    expect(printExpr(parse('123456789012345678901234'))).toBe('123456789012345678901234');
  });
});

describe('Wolfram parser: atoms', () => {
  test('strings with escapes', () => {
    expect(parse(String.raw`"a\"b\\c\nd\te\:03b1\.41\|01F600\[Alpha]\101"`)).toMatchObject({
      kind: 'string',
      value: 'a"b\\c\nd\teαA😀αA',
    });
  });

  test('symbols with contexts', () => {
    expect(parse('System`Ramp')).toMatchObject({ kind: 'symbol', name: 'Ramp', context: 'System`' });
    expect(parse('a`b`c1')).toMatchObject({ kind: 'symbol', name: 'c1', context: 'a`b`' });
    expect(parse('$x')).toMatchObject({ kind: 'symbol', name: '$x', context: '' });
    expect(parse('αβ')).toMatchObject({ kind: 'symbol', name: 'αβ' });
  });

  test('slots', () => {
    expect(ff('#')).toBe('#1');
    expect(ff('#3')).toBe('#3');
    expect(ff('#name')).toBe('#name');
    expect(ff('##')).toBe('##1');
    expect(ff('##2')).toBe('##2');
  });

  test('nested comments are whitespace', () => {
    expect(ff('a (* one (* two *) still *) + b')).toBe('Plus[a, b]');
    expect(ff('(**)1')).toBe('1');
  });
});

describe('Wolfram parser: precedence', () => {
  test.each([
    ['a + b + c', 'Plus[a, b, c]'],
    ['a - b', 'Plus[a, Times[-1, b]]'],
    ['a - 3', 'Plus[a, -3]'],
    ['a - b c', 'Plus[a, Times[-1, b, c]]'],
    ['a b c', 'Times[a, b, c]'],
    ['a/b', 'Times[a, Power[b, -1]]'],
    ['a/b/c', 'Times[a, Power[b, -1], Power[c, -1]]'],
    ['a*b/c', 'Times[a, b, Power[c, -1]]'],
    ['-x', 'Times[-1, x]'],
    ['-x^2', 'Times[-1, Power[x, 2]]'],
    ['-a/b', 'Times[-1, a, Power[b, -1]]'],
    ['-a b', 'Times[-1, a, b]'],
    ['a^b^c', 'Power[a, Power[b, c]]'],
    ['2^-1', 'Power[2, -1]'],
    ['2^-x', 'Power[2, Times[-1, x]]'],
    ['0.5 #', 'Times[0.5r, #1]'],
    ['2 x^2', 'Times[2, Power[x, 2]]'],
    ['2(x + 1)', 'Times[2, Plus[x, 1]]'],
    ['f[x] g[y]', 'Times[f[x], g[y]]'],
    ['a < b', 'Less[a, b]'],
    ['a < b < c', 'Less[a, b, c]'],
    ['a <= b > c', 'Inequality[a, LessEqual, b, Greater, c]'],
    ['a == b != c', 'Inequality[a, Equal, b, Unequal, c]'],
    ['a + 1 >= b', 'GreaterEqual[Plus[a, 1], b]'],
    ['!a', 'Not[a]'],
    ['!a && b', 'And[Not[a], b]'],
    ['!a < b', 'Not[Less[a, b]]'],
    ['a && b || c && d', 'Or[And[a, b], And[c, d]]'],
    ['a || b || c', 'Or[a, b, c]'],
    ['a -> b', 'Rule[a, b]'],
    ['a :> b', 'RuleDelayed[a, b]'],
    ['a -> b -> c', 'Rule[a, Rule[b, c]]'],
    ['a -> b + c', 'Rule[a, Plus[b, c]]'],
    ['1 <-> 2', 'TwoWayRule[1, 2]'],
    ['#^2 &', 'Function[Power[#1, 2]]'],
    ['#1 + #2 &', 'Function[Plus[#1, #2]]'],
    ['"F" -> #^2 &', 'Function[Rule["F", Power[#1, 2]]]'],
    ['f[#^2 &]', 'f[Function[Power[#1, 2]]]'],
    ['(#^2 &)[3]', 'Function[Power[#1, 2]][3]'],
    ['Function[x, x^2]', 'Function[{x}, Power[x, 2]]'],
    ['Function[{x, y}, x y]', 'Function[{x, y}, Times[x, y]]'],
    ['Function[x^2]', 'Function[Power[x, 2]]'],
    ['f@x', 'f[x]'],
    ['f@g@x', 'f[g[x]]'],
    ['f@x^2', 'Power[f[x], 2]'],
    ['x // f', 'f[x]'],
    ['x // f // g', 'g[f[x]]'],
    ['1;;3', 'Span[1, 3]'],
    ['1;;-1', 'Span[1, -1]'],
    [';;', 'Span[1, All]'],
    ['2;;', 'Span[2, All]'],
    [';;3', 'Span[1, 3]'],
    ['1;;10;;2', 'Span[1, 10, 2]'],
    [';;;;2', 'Span[1, All, 2]'],
    ['a + 1;;b', 'Span[Plus[a, 1], b]'],
    ['{1, 2 ;; 3}', 'List[1, Span[2, 3]]'],
    ['<|"a" -> 1, b :> 2|>', 'Association[Rule["a", 1], RuleDelayed[b, 2]]'],
    ['<||>', 'Association[]'],
    ['{}', 'List[]'],
    ['f[]', 'f[]'],
    ['f[a][b]', 'f[a][b]'],
    ['"ELU"[#]', '"ELU"[#1]'],
    ['x/.5', 'Times[x, Power[0.5r, -1]]'],
  ])('%s', (text, expected) => {
    expect(ff(text)).toBe(expected);
  });

  test('newlines are blanks inside brackets', () => {
    expect(ff('f[a\n, b\n+ c]')).toBe('f[a, Plus[b, c]]');
    expect(ff('NetChain[{1,\n 2}]')).toBe('NetChain[List[1, 2]]');
  });

  test('nodes record their source offsets', () => {
    const e = parse('f[a, b + c]');
    expect(e).toMatchObject({ kind: 'call', pos: 0, args: [{ pos: 2 }, { pos: 5, args: [{ pos: 5 }, { pos: 9 }] }] });
  });
});

// issue 12 (w12c): Part and Dot, which FunctionLayer's functions use.
describe('Wolfram parser: Part (x[[i]]) and Dot (a . b)', () => {
  test.each([
    ['x[[1, 2;;3]]', 'Part[x, 1, Span[2, 3]]', 'x[[1, 2 ;; 3]]'],
    ['#[[-1]] - #[[2, All]] &', 'Function[Plus[Part[#1, -1], Times[-1, Part[#1, 2, All]]]]', '#[[-1]] - #[[2, All]] &'],
    ['f[x][[1]][[2]]', 'Part[Part[f[x], 1], 2]', 'f[x][[1]][[2]]'],
    ['x[[y[[1]]]]', 'Part[x, Part[y, 1]]', 'x[[y[[1]]]]'],
    ['#x . #y &', 'Function[Dot[#x, #y]]', '#x . #y &'],
    ['2 a . b . c', 'Times[2, Dot[a, b, c]]', '2*a . b . c'],
    ['a . b^2', 'Dot[a, Power[b, 2]]', 'a . b^2'],
    ['-a . b', 'Times[-1, Dot[a, b]]', '-a . b'],
    ['(a + b) . c', 'Dot[Plus[a, b], c]', '(a + b) . c'],
    ['1.5 . x', 'Dot[1.5r, x]', '1.5 . x'],
    ['Transpose[#] . # &', 'Function[Dot[Transpose[#1], #1]]', 'Transpose[#] . # &'],
  ])('%s', (text, tree, printed) => {
    expect(ff(text)).toBe(tree);
    expect(printExpr(parse(text))).toBe(printed);
    expect(ff(printed)).toBe(tree);
  });
});

describe('Wolfram parser: errors', () => {
  test.each([
    ['NetChain[{LinearLayer[3]}', 'Wolfram syntax: expected "]" at line 1, column 26'],
    ['LinearLayer[3, "Input" -> 2,]', 'Wolfram syntax: expected an expression at line 1, column 29'],
    ['{1, 2', 'Wolfram syntax: expected "}" at line 1, column 6'],
    ['f[1 2 3)', 'Wolfram syntax: expected "]" at line 1, column 8'],
    ['"abc', 'Wolfram syntax: unterminated string at line 1, column 1'],
    ['{1,\n (* open (* nested *)\n 2}', 'Wolfram syntax: unterminated comment at line 2, column 2'],
    ['1*^999999', 'Wolfram syntax: number too large at line 1, column 1'],
    ['{1, 2*^}', 'Wolfram syntax: expected the digits of an exponent after "*^" at line 1, column 8'],
    ['16^^FF', 'Wolfram syntax: base notation (^^) is not supported at line 1, column 3'],
    ['a === b', 'Wolfram syntax: unsupported operator "===" at line 1, column 3'],
    ['x = 3', 'Wolfram syntax: unsupported operator "=" at line 1, column 3'],
    ['f[[]]', 'Wolfram syntax: Part ([[...]]) needs at least one index at line 1, column 1'],
    ['f[[1]', 'Wolfram syntax: expected "]" at line 1, column 6'],
    ['x!', 'Wolfram syntax: factorial (postfix "!") is not supported at line 1, column 2'],
    ['1 +', 'Wolfram syntax: unexpected end of input at line 1, column 4'],
    ['', 'Wolfram syntax: unexpected end of input at line 1, column 1'],
    [')', 'Wolfram syntax: unexpected ")" at line 1, column 1'],
    ['<|1|>', 'Wolfram syntax: expected a rule (key -> value) in an association at line 1, column 3'],
    ['a\nb', 'Wolfram syntax: unexpected "b" at line 2, column 1'],
    ['"\\q"', 'Wolfram syntax: unknown escape "\\q" at line 1, column 2'],
    ['"\\:12"', 'Wolfram syntax: expected 4 hexadecimal digits at line 1, column 2'],
    ['"\\[NoSuchName]"', 'Wolfram syntax: unknown named character \\[NoSuchName] at line 1, column 2'],
    ['a € b', 'Wolfram syntax: unexpected character "€" at line 1, column 3'],
    ['\\[Rule]', 'Wolfram syntax: named characters and escapes are only supported inside strings at line 1, column 1'],
    ['1;;2;;', 'Wolfram syntax: expected an expression at line 1, column 7'],
  ])('%j', (text, message) => {
    expect(syntaxError(text).message).toBe(message);
  });

  test('errors carry reason, offset, line and column', () => {
    const e = syntaxError('NetChain[{\n  LinearLayer[3,\n  Ramp}]');
    expect({ reason: e.reason, offset: e.offset, line: e.line, column: e.column }).toEqual({
      reason: 'expected "]"',
      offset: 34,
      line: 3,
      column: 7,
    });
  });

  test('nesting beyond the limit is a syntax error, not a stack overflow', () => {
    expect(syntaxError('{'.repeat(100_000)).message).toBe('Wolfram syntax: nesting deeper than 500 levels at line 1, column 501');
    expect(syntaxError('- '.repeat(100_000) + '1').reason).toBe('nesting deeper than 500 levels');
    expect(syntaxError('!'.repeat(100_000) + 'x').reason).toBe('nesting deeper than 500 levels');
    expect(syntaxError('a^'.repeat(100_000) + 'b').reason).toBe('nesting deeper than 500 levels');
    expect(syntaxError('f['.repeat(100_000)).reason).toBe('nesting deeper than 500 levels');
    expect(() => parse('{'.repeat(40) + '}'.repeat(40), { maxDepth: 40 })).not.toThrow();
    expect(syntaxError('{'.repeat(40) + '}'.repeat(40), { maxDepth: 39 }).reason).toBe('nesting deeper than 39 levels');
  });

  test('long flat input is fine', () => {
    const n = 200_000;
    expect(parse(`{${Array.from({ length: n }, (_, i) => `${i}.5`).join(', ')}}`)).toMatchObject({ kind: 'list' });
    const sum = parse(Array.from({ length: n }, (_, i) => `x${i}`).join(' + '));
    expect(sum.kind === 'call' && sum.args.length).toBe(n);
  });

  test('input length limit', () => {
    expect(() => parse('1234', { maxLength: 3 })).toThrow('Wolfram syntax: input is longer than 3 characters at line 1, column 4');
  });
});

describe('locate', () => {
  test('lines and columns are 1-based', () => {
    expect(locate('ab\ncd\n', 0)).toEqual({ line: 1, column: 1 });
    expect(locate('ab\ncd\n', 4)).toEqual({ line: 2, column: 2 });
    expect(locate('ab\ncd\n', 6)).toEqual({ line: 3, column: 1 });
  });
});
