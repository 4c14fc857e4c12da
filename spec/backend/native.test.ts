/**
 * The native `tensorflow` backend's promises, each tested both ways: with tfjs-node absent,
 * broken or a foreign copy (stand-ins, so these run whether or not it is installed here), and
 * installed (the real tfjs-node where `bash scripts/install-native.sh` put it, else a stand-in).
 */
import { backendInfo, defaultBackend, selectBackend } from '../../lib/backend';
import { Net } from '../../lib/runtime';
import { errorOf, expectNoLeak, TEST_BACKENDS, useBackend, withNative } from '../helpers/backends';

const LINEAR = { type: 'LinearLayer', OutputDimensions: 2, Input: 3, Weights: [[1, 2, 3], [4, 5, 6]], Biases: [0.5, -0.5] };
const DATA = { Input: [0.25, -1, 2] };

beforeAll(() => useBackend('cpu'));

describe('tfjs-node absent', () => {
  test('the default backend is wasm', async () => {
    await withNative('absent', () => expect(defaultBackend()).toBe('wasm'));
  });

  test('selecting tensorflow is an error naming the packages to install', async () => {
    await withNative('absent', async () => {
      expect(await errorOf(() => selectBackend('tensorflow'))).toMatchInlineSnapshot(`"unsupported: The tensorflow backend needs @tensorflow/tfjs-node (CPU) or @tensorflow/tfjs-node-gpu (CUDA): npm install @tensorflow/tfjs-node@4.22.0"`);
      expect(await errorOf(() => Net.load(LINEAR, { backend: 'tensorflow' }))).toMatchInlineSnapshot(`"unsupported: The tensorflow backend needs @tensorflow/tfjs-node (CPU) or @tensorflow/tfjs-node-gpu (CUDA): npm install @tensorflow/tfjs-node@4.22.0"`);
    });
  });
});

describe('tfjs-node installed but unusable', () => {
  test('broken: the load error, first line, with the package', async () => {
    await withNative('broken', async () => {
      expect(defaultBackend()).toBe('tensorflow');
      expect(await errorOf(() => Net.load(LINEAR))).toMatchInlineSnapshot(`"unsupported: The tensorflow backend needs @tensorflow/tfjs-node, which is installed but failed to load: libtensorflow.so.2: cannot open shared object file: No such file or directory"`);
    });
  });

  test('a foreign copy of TensorFlow.js is refused', async () => {
    await withNative('foreign', async () => {
      expect(await errorOf(() => selectBackend('tensorflow'))).toMatchInlineSnapshot(`"unsupported: @tensorflow/tfjs-node loaded its own copy of @tensorflow/tfjs, not netport's (4.22.0); install @tensorflow/tfjs-node@4.22.0 so npm shares one copy"`);
    });
  });

  test('unknown backends are refused', async () => {
    expect(await errorOf(() => Net.load(LINEAR, { backend: 'webgl' as never }))).toMatchInlineSnapshot(`"unsupported: Unknown backend "webgl": use cpu, wasm, tensorflow"`);
  });
});

describe('TF_CPP_MIN_LOG_LEVEL', () => {
  const original = process.env.TF_CPP_MIN_LOG_LEVEL;
  afterEach(() => {
    if (original === undefined) delete process.env.TF_CPP_MIN_LOG_LEVEL;
    else process.env.TF_CPP_MIN_LOG_LEVEL = original;
  });

  // 'foreign': the package is loaded (the variable must be set before that) and refused.
  test("is set to 1 (TensorFlow's INFO lines off) before tfjs-node loads", async () => {
    delete process.env.TF_CPP_MIN_LOG_LEVEL;
    await withNative('foreign', () => errorOf(() => selectBackend('tensorflow')));
    expect(process.env.TF_CPP_MIN_LOG_LEVEL).toBe('1');
  });

  test("keeps the user's level", async () => {
    process.env.TF_CPP_MIN_LOG_LEVEL = '0';
    await withNative('foreign', () => errorOf(() => selectBackend('tensorflow')));
    expect(process.env.TF_CPP_MIN_LOG_LEVEL).toBe('0');
  });

  test('is left alone for cpu and wasm', async () => {
    delete process.env.TF_CPP_MIN_LOG_LEVEL;
    await withNative('foreign', () => selectBackend('wasm'));
    expect(process.env.TF_CPP_MIN_LOG_LEVEL).toBeUndefined();
    await useBackend('cpu');
  });
});

describe('tfjs-node installed', () => {
  test('tensorflow is the default and computes what cpu computes', async () => {
    const cpu = await Net.load(LINEAR, { backend: 'cpu' });
    const expected = cpu.evaluate(DATA, { gradients: ['Weights'] });
    cpu.dispose();
    await withNative('installed', async () => {
      expect(defaultBackend()).toBe('tensorflow');
      const net = await Net.load(LINEAR);
      try {
        expect(net.backend).toBe('tensorflow');
        net.evaluate(DATA); // uploads the arrays
        const got = await expectNoLeak(() => net.evaluate(DATA, { gradients: ['Weights'] }));
        expect(got.outputs.Output).toEqual(expected.outputs.Output); // [6.25, 11.5]: exact in float32
        expect(got.gradients[0]!.value).toEqual([[0.25, -1, 2], [0.25, -1, 2]]);
      } finally {
        net.dispose();
      }
    });
  });

  test('backendInfo names the backend, the device and the package', async () => {
    await withNative('installed', async () => {
      await selectBackend('tensorflow');
      const info = backendInfo('tensorflow');
      expect(info.name).toBe('tensorflow');
      expect(info.device).toMatch(/^(CPU|GPU \(CUDA\)) \(libtensorflow (2\.9\.1|stand-in)\)$/);
      expect(info.package).toMatch(/^@tensorflow\/tfjs-node(-gpu)?@(4\.22\.0|unknown)$/);
      await selectBackend('cpu');
    });
  });
});

describe.each(TEST_BACKENDS)('backendInfo on %s', (backend) => {
  test('names the backend and its package', async () => {
    await useBackend(backend);
    const info = backendInfo(backend);
    expect(info.name).toBe(backend);
    expect(info.package).toMatch({ cpu: /^@tensorflow\/tfjs-backend-cpu@4\.22\.0$/, wasm: /^@tensorflow\/tfjs-backend-wasm@4\.22\.0$/, tensorflow: /^@tensorflow\/tfjs-node(-gpu)?@4\.22\.0$/ }[backend]);
    expect(info.device).toMatch({ cpu: /^CPU \(JavaScript\)$/, wasm: /^CPU \(WebAssembly\)$/, tensorflow: /^(CPU|GPU \(CUDA\)) \(libtensorflow 2\.9\.1\)$/ }[backend]);
    await useBackend('cpu');
  });
});
