/**
 * API misuse: null or wrong-typed options, a string where a list is expected, get
 * NetErrors naming the argument (invalid_spec), never TypeErrors from inside.
 */
import fc from 'fast-check';
import { isNetError } from '../../lib/errors';
import { Net } from '../../lib/runtime';
import { errorOf, expectNoLeak, useBackend } from '../helpers/backends';

const LINEAR = { type: 'LinearLayer', OutputDimensions: 1, Input: 2, Weights: [[1, 2]], Biases: [0.5] };

beforeAll(() => useBackend('cpu'));

describe('loadNet options', () => {
  test.each<[string, unknown, string]>([
    ['null options', null, 'invalid_spec: loadNet: the options must be an object, not null'],
    ['a string for options', 'cpu', 'invalid_spec: loadNet: the options must be an object, not "cpu"'],
    ['a fractional seed', { initialize: 1.5 }, 'invalid_spec: loadNet: the option initialize must be a non-negative integer, not 1.5'],
    ['a negative seed', { initialize: -3 }, 'invalid_spec: loadNet: the option initialize must be a non-negative integer, not -3'],
    ['a string seed', { initialize: '3' }, 'invalid_spec: loadNet: the option initialize must be a seed (a non-negative integer) or {seed, all}, not "3"'],
    ['a seed object without a seed', { initialize: { all: true } }, 'invalid_spec: loadNet: the option initialize.seed must be a non-negative integer, not undefined'],
    ['a seed object with all: "yes"', { initialize: { seed: 1, all: 'yes' } }, 'invalid_spec: loadNet: the option initialize.all must be true or false, not "yes"'],
    ['a memory limit that is not a size', { memoryLimit: 'lots' }, 'invalid_spec: loadNet: the option memoryLimit must be a positive number of bytes or a size such as "512M" or "8G", not "lots"'],
    ['a backend that is not a string', { backend: 3 }, 'invalid_spec: loadNet: the option backend must be "cpu", "wasm" or "tensorflow", not 3'],
  ])('%s', async (_, options, expected) => {
    expect(await errorOf(() => Net.load(LINEAR, options as never))).toBe(expected);
  });
});

describe('evaluate options and array paths', () => {
  let net: Net;
  beforeAll(async () => {
    net = await Net.load(LINEAR, { backend: 'cpu' });
    net.evaluate([1, 1]);
  });
  afterAll(() => net.dispose());

  test.each<[string, unknown, string]>([
    ['null options', null, 'invalid_spec: evaluate: the options must be an object, not null'],
    ['outputs as a string', { outputs: 'Output' }, 'invalid_spec: evaluate: the option outputs must be a list of output port names, or "All", not "Output"'],
    ['outputs with a number', { outputs: [1] }, 'invalid_spec: evaluate: outputs[0] must be an output port name, not 1'],
    ['gradients as a string', { gradients: 'Input' }, 'invalid_spec: evaluate: the option gradients must be a list of gradient requests, e.g. ["Input", [1, "Weights"]], not "Input"'],
    ['gradients as null', { gradients: null }, 'invalid_spec: evaluate: the option gradients must be a list of gradient requests, e.g. ["Input", [1, "Weights"]], not null'],
    ['a null gradient request', { gradients: [null] }, 'invalid_spec: Invalid gradient spec: {"NetPortGradient":null} is not {"NetPortGradient": X} with X a port name, an array path such as [1, "Weights"], or "All"'],
    ['an unknown format', { format: 'json' }, 'invalid_spec: evaluate: the option format must be "nested" or "typed", not "json"'],
  ])('%s', async (_, options, expected) => {
    expect(await expectNoLeak(() => errorOf(() => net.evaluate([1, 1], options as never)))).toBe(expected);
  });

  test('a circular or BigInt gradient request', async () => {
    const circular: Record<string, unknown> = {};
    circular.NetPortGradient = circular;
    expect(await errorOf(() => net.evaluate([1, 1], { gradients: [circular as never] }))).toMatch(/^invalid_spec: Invalid gradient spec: \{"NetPortGradient":\{"NetPortGradient"/);
    expect(await errorOf(() => net.evaluate([1, 1], { gradients: [10n as never] }))).toMatch(/^invalid_spec: Invalid gradient spec:/);
  });

  test('array paths that are not lists', async () => {
    expect(await errorOf(() => net.array('Weights' as never))).toBe('invalid_spec: array: the path must be a list such as [1, "Weights"] or ["enc", "Biases"], not "Weights"');
    expect(await errorOf(() => net.setArray(null as never, [[1, 2]]))).toBe('invalid_spec: setArray: the path must be a list such as [1, "Weights"] or ["enc", "Biases"], not null');
    expect(await errorOf(() => net.initialize(0.5))).toBe('invalid_spec: initialize: the seed must be a non-negative integer, not 0.5');
    expect(await errorOf(() => net.initialize(Number.NaN))).toBe('invalid_spec: initialize: the seed must be a non-negative integer, not null');
  });

  test('any option value gives a result or a NetError (generated)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom('outputs', 'gradients', 'ograd', 'format', 'batchNorm'), fc.anything({ withBigInt: true, withTypedArray: true, withSparseArray: true }), async (key, value) => {
        try {
          net.evaluate([1, 1], { [key]: value } as never);
        } catch (e) {
          if (!isNetError(e)) throw e;
        }
      }),
      { numRuns: 300 },
    );
    await fc.assert(
      fc.asyncProperty(fc.constantFrom('initialize', 'memoryLimit', 'backend', 'batchNorm'), fc.anything({ withBigInt: true }), async (key, value) => {
        try {
          (await Net.load(LINEAR, { backend: 'cpu', [key]: value } as never)).dispose();
        } catch (e) {
          if (!isNetError(e)) throw e;
        }
      }),
      { numRuns: 150 },
    );
  });
});
