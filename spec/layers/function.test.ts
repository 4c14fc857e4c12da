/**
 * FunctionLayer with exact values: Dot and Part of named ports, Wolfram's listability
 * (the shorter array's dimensions lead), ports wired by name in a NetGraph read from
 * Wolfram text, and the errors that name the construct or the shapes at fault.
 */
import { Net } from '../../lib/runtime';
import { translateNet } from '../../lib/wolfram/translate';
import { printNet } from '../../lib/wolfram/print-net';
import { errorOf, expectNoLeak, TEST_BACKENDS, useBackend } from '../helpers/backends';

describe.each(TEST_BACKENDS)('FunctionLayer on %s', (backend) => {
  beforeAll(() => useBackend(backend));

  test('#x . #y + #x[[1]] &: ports "x" and "y", exact values and gradients', async () => {
    await expectNoLeak(async () => {
      const net = await Net.load({ type: 'FunctionLayer', Function: '#x . #y + #x[[1]] &', x: [2, 2], y: 2 }, { backend });
      try {
        expect(net.inputs.map((p) => [p.name, p.dims])).toEqual([['x', [2, 2]], ['y', [2]]]);
        const r = net.evaluate({ x: [[1, 2], [3, 4]], y: [5, 6] }, { outputs: ['Output'], gradients: ['x', 'y'], ograd: { Output: [1, 10] } });
        expect(r.outputs.Output).toEqual([18, 41]);
        // d/dx: Outer[Times, ograd, y], plus ograd itself on the first row.
        expect(r.gradients[0]!.value).toEqual([[6, 16], [50, 60]]);
        expect(r.gradients[1]!.value).toEqual([31, 42]);
      } finally {
        net.dispose();
      }
    });
  });

  test('#v + #m &: a {2} vector meets a {2, 3} matrix row by row, as Wolfram threads lists', async () => {
    await expectNoLeak(async () => {
      const net = await Net.load({ type: 'FunctionLayer', Function: '#v + #m &', v: 2, m: [2, 3] }, { backend });
      try {
        const r = net.evaluate({ v: [1, 2], m: [[1, 2, 3], [4, 5, 6]] }, { outputs: ['Output'], gradients: ['v'] });
        expect(r.outputs.Output).toEqual([[2, 3, 4], [6, 7, 8]]);
        expect(r.gradients[0]!.value).toEqual([3, 3]);
      } finally {
        net.dispose();
      }
    });
  });

  test('a NetGraph from Wolfram text wires the ports by their slot names', async () => {
    const text =
      'NetGraph[<|"f" -> FunctionLayer[Total[#x*#y] &], "l" -> LinearLayer[2, "Weights" -> {{1., 0.}, {0., 2.}}, "Biases" -> None]|>, ' +
      '{NetPort["a"] -> NetPort[{"f", "x"}], NetPort["b"] -> "l" -> NetPort[{"f", "y"}]}, "a" -> 2, "b" -> 2]';
    const json = translateNet(text);
    expect(printNet(json)).toBe(text.replace(/1\., 0\./, '1., 0.'));
    await expectNoLeak(async () => {
      const net = await Net.load(json, { backend });
      try {
        const r = net.evaluate({ a: [3, 4], b: [5, 6] }, { outputs: ['Output'], gradients: ['a', 'b'] });
        expect(r.outputs.Output).toBe(3 * 5 + 4 * 12);
        expect(r.gradients.map((g) => g.value)).toEqual([[5, 12], [3, 8]]);
      } finally {
        net.dispose();
      }
    });
  });

  test.each([
    ['If[# > 0, #, 0] &', { Input: 3 }, 'unsupported: Unsupported: FunctionLayer "Function": uses If, which netport cannot lower to its layers at line 1, column 1'],
    ['Sort[#] + Reverse[#] &', { Input: 3 }, 'unsupported: Unsupported: FunctionLayer "Function": uses Sort, which netport cannot lower to its layers at line 1, column 1'],
    ['<|"a" -> #|> &', { Input: 3 }, 'unsupported: Unsupported: FunctionLayer "Function": uses <|"a" -> #|>, which netport cannot lower to its layers at line 1, column 1'],
    ['Total[#] + Sort[#] &', { Input: [2, 2] }, 'unsupported: Unsupported: FunctionLayer "Function": uses Sort, which netport cannot lower to its layers at line 1, column 12'],
    ['#1 + #2 &', { Input: 3 }, 'invalid_net: Invalid net: FunctionLayer "Function": uses #2, but FunctionLayer\'s function takes one argument (use Apply[f] for a function of several, or named slots #x) at line 1, column 1'],
    ['#v + #m &', { v: 3, m: [2, 3] }, 'invalid_net: Invalid net: FunctionLayer "Function": Plus combines arrays of dimensions {3} and {2, 3}, which do not thread (the dimensions of one must begin the other\'s) at line 1, column 1'],
    ['#[[5]] &', { Input: 3 }, 'invalid_net: Invalid net: FunctionLayer "Function": Part: asks for part 5 at level 1, but that level has 3 at line 1, column 1'],
    ['#a . #b &', { a: 2, b: 3 }, 'invalid_net: Invalid net: FunctionLayer "Function": Dot: cannot take the dot product of "Input1" {2} and "Input2" {3}: the last dimension of the one must equal the first of the other at line 1, column 1'],
    ['Total[#, {4}] &', { Input: [2, 2] }, 'invalid_net: Invalid net: FunctionLayer "Function": Total: refers to level 4, but the input has 2 levels at line 1, column 1'],
    ['#x &', { y: 3 }, 'invalid_net: Invalid net: FunctionLayer has unknown key "y"'],
    ['#x + #1 &', { x: 3 }, 'invalid_net: Invalid net: FunctionLayer "Function": mixes named slots (#x) with numbered ones (#1) at line 1, column 1'],
    ['Sin[#] &', { Input: 'Real', Output: 2 }, 'invalid_net: Invalid net: FunctionLayer "Output" is declared {2}, but the layer produces a scalar'],
  ])('%s is refused with its place', async (f, ports, message) => {
    expect(await errorOf(() => Net.load({ type: 'FunctionLayer', Function: f, ...ports }, { backend }))).toBe(message);
  });
});
