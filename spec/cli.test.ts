/**
 * The command line: the README's main-job command prints exactly what the README says,
 * and errors are one line on stderr with a non-zero exit status.
 */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { runCli } from './helpers/cli';
import { defaultBackend } from '../lib/backend';
import { expectDigits, expectNoLeak, TEST_BACKENDS, useBackend } from './helpers/backends';

const ROOT = path.join(__dirname, '..');

const cli = (args: string[]) => runCli(args, { cwd: ROOT });

beforeAll(() => useBackend(defaultBackend()));

const readmeExamples = (): Array<[string, string]> => {
  const readme = readFileSync(path.join(ROOT, 'README.md'), 'utf8');
  return [...readme.matchAll(/```sh\n(npx netport eval [^\n]+)\n```\n(?:(?!```)[\s\S])*```text\n([\s\S]*?)```/g)].map((m) => [m[1]!, m[2]!]);
};

describe.each(TEST_BACKENDS)('on %s', (backend) => {
  test("the README's commands print what the README shows (to a relative 1e-6)", async () => {
    const examples = readmeExamples();
    expect(examples.length).toBeGreaterThanOrEqual(2);
    for (const [command, shown] of examples) {
      // Split like a shell: words, and '...' quoted arguments.
      const words = [...command.matchAll(/'([^']*)'|(\S+)/g)].map((m) => m[1] ?? m[2]!);
      const r = await expectNoLeak(() => cli([...words.slice(2), '--backend', backend]));
      expect(r.err).toBe('');
      expect(r.code).toBe(0);
      expectDigits(r.out, shown);
    }
  });

  const DEVICE = { cpu: 'CPU \\(JavaScript\\)', wasm: 'CPU \\(WebAssembly\\)', tensorflow: '(CPU|GPU \\(CUDA\\)) \\(libtensorflow 2\\.9\\.1\\)' }[backend];
  const PACKAGE = { cpu: '@tensorflow/tfjs-backend-cpu', wasm: '@tensorflow/tfjs-backend-wasm', tensorflow: '@tensorflow/tfjs-node(-gpu)?' }[backend];

  test('eval --verbose says the backend, device and package on stderr; stdout is unchanged', async () => {
    const args = ['eval', 'examples/classifier.json', '--data', 'examples/classifier-data.json', '--grad', 'Input', '--backend', backend];
    const quiet = await cli(args);
    const r = await expectNoLeak(() => cli([...args, '--verbose']));
    expect(r.code).toBe(0);
    expect(r.out).toBe(quiet.out);
    expect(quiet.err).toBe('');
    expect(r.err).toMatch(new RegExp(`^netport: backend ${backend} on ${DEVICE} \\(${PACKAGE}@4\\.22\\.0\\)\\n$`));
  });

  test('check --json reports the backend; check --verbose says it on stderr', async () => {
    const file = path.join(ROOT, 'fixtures', 'cases', 'elementwise-ramp.json');
    const r = await cli(['check', file, '--json', '--backend', backend]);
    expect(r.code).toBe(0);
    const report = JSON.parse(r.out);
    expect(Object.keys(report)).toEqual(['passed', 'failed', 'backend', 'cases']);
    expect(report.backend.name).toBe(backend);
    expect(report.backend.device).toMatch(new RegExp(`^${DEVICE}$`));
    expect(report.backend.package).toMatch(new RegExp(`^${PACKAGE}@4\\.22\\.0$`));
    const v = await cli(['check', file, '--verbose', '--backend', backend]);
    expect(v.out).toBe('ok   elementwise-ramp\n1 passed, 0 failed\n');
    expect(v.err).toMatch(new RegExp(`^netport: backend ${backend} on ${DEVICE} `));
  });
});

test("the README's commands run on the default backend", async () => {
  const [command, shown] = readmeExamples()[0]!;
  const r = await cli([...command.matchAll(/'([^']*)'|(\S+)/g)].map((m) => m[1] ?? m[2]!).slice(2));
  expect(r.code).toBe(0);
  expectDigits(r.out, shown);
});

test('--json prints one object keyed like the results', async () => {
  const r = await cli(['eval', 'examples/classifier.json', '--data', 'examples/classifier-batch.json', '--grad', '3,Biases', '--grad', 'Input', '--json', '--backend', 'cpu']);
  expect(r.code).toBe(0);
  const json = JSON.parse(r.out);
  expect(Object.keys(json)).toEqual(['Loss', 'NetPortGradient[{3, "Biases"}]', 'NetPortGradient["Input"]']);
  expect(json.Loss).toHaveLength(2);
  expect(json['NetPortGradient["Input"]']).toHaveLength(2);
});

test('--ograd imposes an output gradient (inline number) and --init initializes', async () => {
  const net = JSON.stringify({ type: 'NetChain', Input: 2, Layers: [3, 'Tanh', 2] });
  const a = await cli(['eval', net, '--data', '[0.5, -0.5]', '--grad', 'Input', '--init', '7', '--json', '--backend', 'cpu']);
  const b = await cli(['eval', net, '--data', '[0.5, -0.5]', '--grad', 'Input', '--init', '7', '--ograd', 'Output=2', '--json', '--backend', 'cpu']);
  const ga = JSON.parse(a.out)['NetPortGradient["Input"]'] as number[];
  const gb = JSON.parse(b.out)['NetPortGradient["Input"]'] as number[];
  gb.forEach((g, i) => expect(g).toBeCloseTo(2 * ga[i]!, 5));
});

test('errors are one line on stderr with the code, and exit status 1', async () => {
  const invalid = JSON.stringify({ type: 'LinearLayer', OutputDimensions: 2, Input: 3, Weights: [[1, 2], [3, 4]] });
  const r = await cli(['eval', invalid, '--data', '{}']);
  expect(r.code).toBe(1);
  expect(r.err).toMatchInlineSnapshot(`
"netport: invalid_net: Invalid net: LinearLayer "Weights" has dimensions {2, 2}, expected {2, 3}
"
`);
  const missing = await cli(['eval', 'nope.json', '--data', '{}']);
  expect(missing.code).toBe(1);
  expect(missing.err).toMatchInlineSnapshot(`
"netport: cannot read the net "nope.json": no such file or directory (ENOENT)
"
`);
  const uninitialized = await cli(['eval', JSON.stringify({ type: 'LinearLayer', OutputDimensions: 2, Input: 2 }), '--data', '[1, 2]', '--backend', 'cpu']);
  expect(uninitialized.code).toBe(1);
  expect(uninitialized.err).toMatchInlineSnapshot(`
"netport: not_initialized: Net not initialized: LinearLayer "Weights" has no value; give it, or initialize the net with a seed (--init SEED, or the "initialize" option)
"
`);
});

test('check exits 1 when a case fails and reports it in --json', async () => {
  const bad = path.join(ROOT, 'spec', 'fixtures', 'failing-case.json');
  const r = await cli(['check', bad, '--json', '--backend', 'cpu']);
  expect(r.code).toBe(1);
  const report = JSON.parse(r.out);
  expect(report.passed).toBe(0);
  expect(report.failed).toBe(1);
  expect(report.cases[0].failures).toMatchInlineSnapshot(`
[
  "output "Output" at {2}: got 0.7615941762924194, expected 0.5",
  "gradient "Input": expected error integer_gradient, got a value",
]
`);
});
