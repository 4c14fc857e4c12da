/**
 * gradcheck: autodiff gradients against central differences of the objective, on every
 * backend; it must pass on smooth nets and fail where the two genuinely differ (Ramp's
 * kink, where Wolfram's derivative is 0 and the difference quotient 1/2).
 */
import { main } from '../lib/cli/main';
import { gradcheck } from '../lib/gradcheck';
import { loadNet } from '../lib';
import { expectNoLeak, TEST_BACKENDS, useBackend } from './helpers/backends';

const classifier = {
  type: 'NetChain',
  Input: 4,
  Layers: [
    { type: 'LinearLayer', OutputDimensions: 3, Weights: [[0.5, -0.2, 0.1, 0.4], [-0.3, 0.8, -0.5, 0.2], [0.7, 0.1, 0.3, -0.6]], Biases: [0.1, -0.2, 0.05] },
    'Tanh',
    { type: 'LinearLayer', OutputDimensions: 2, Weights: [[1.2, -0.7, 0.4], [-0.5, 0.9, 1.1]], Biases: [0.3, -0.1] },
    { type: 'SoftmaxLayer' },
  ],
};

describe.each(TEST_BACKENDS)('gradcheck on %s', (backend) => {
  beforeAll(() => useBackend(backend));

  test('a smooth chain passes for every gradient, with an imposed output gradient and a batch', async () => {
    const net = await loadNet(classifier, { backend });
    try {
      const weightsBefore = net.array([1, 'Weights']).data.slice();
      net.evaluate([1, -0.5, 0.25, 2]); // the net's own tensors exist from its first evaluation
      const report = await expectNoLeak(() =>
        gradcheck(net, [[1, -0.5, 0.25, 2], [0.3, 0.2, -0.9, 0.1]], ['All'], { ograd: { Output: [[1, 0], [0, 1]] } }),
      );
      expect(report.entries.map((e) => e.key)).toEqual([
        'NetPortGradient["Input"]',
        'NetPortGradient[{1, "Biases"}]',
        'NetPortGradient[{1, "Weights"}]',
        'NetPortGradient[{3, "Biases"}]',
        'NetPortGradient[{3, "Weights"}]',
      ]);
      for (const e of report.entries) {
        expect(e.checked).toBe(e.total);
        expect(e.error).toBeLessThan(5e-3);
      }
      expect(report.passed).toBe(true);
      // The arrays are restored after being moved.
      expect(net.array([1, 'Weights']).data).toEqual(weightsBefore);
    } finally {
      net.dispose();
    }
  });

  test("fails at Ramp's kink, where Wolfram's derivative is 0", async () => {
    const net = await loadNet({ type: 'ElementwiseLayer', Function: 'Ramp', Input: 3 }, { backend });
    try {
      net.evaluate([0, 0, 0]);
      const report = await expectNoLeak(() => gradcheck(net, [-1, 0, 2], ['Input']));
      expect(report.passed).toBe(false);
      expect(report.entries[0]).toMatchObject({ at: '{2}', gradient: 0, error: 1 });
      expect(report.entries[0]!.numeric).toBeCloseTo(0.5, 6);
    } finally {
      net.dispose();
    }
  });

  test('an output gradient by class ({"Class": label}) is the unit vector of the class', async () => {
    const net = await loadNet({ ...classifier, Output: { NetDecoder: 'Class', Labels: ['no', 'yes'] } }, { backend });
    try {
      const byLabel = gradcheck(net, [1, -0.5, 0.25, 2], ['Input'], { ograd: { Output: { Class: 'yes' } } });
      const byVector = gradcheck(net, [1, -0.5, 0.25, 2], ['Input'], { ograd: { Output: [0, 1] } });
      expect(byLabel.passed).toBe(true);
      expect(byLabel.entries[0]!.error).toBeCloseTo(byVector.entries[0]!.error, 12);
    } finally {
      net.dispose();
    }
  });

  test('imposed output gradients and the element limit', async () => {
    const net = await loadNet({ type: 'LinearLayer', OutputDimensions: 2, Input: 2, Weights: [[1, 2], [3, 4]], Biases: [0, 0] }, { backend });
    try {
      const good = gradcheck(net, [0.5, -1], ['Weights'], { ograd: { Output: 2 } });
      expect(good.error).toBeLessThan(1e-3);
      const report = gradcheck(net, [0.5, -1], ['Input', 'Weights'], { ograd: { Output: [1, -1] }, maxElements: 3 });
      expect(report.entries.map((e) => [e.checked, e.total])).toEqual([[2, 2], [3, 4]]);
      expect(report.passed).toBe(true);
    } finally {
      net.dispose();
    }
  });
});

test('netport gradcheck: exit status 1 above the tolerance, naming the worst element', async () => {
  const out: string[] = [];
  const o = jest.spyOn(process.stdout, 'write').mockImplementation((c) => (out.push(String(c)), true));
  try {
    const code = await main(['gradcheck', 'ElementwiseLayer[Ramp, "Input" -> 3]', '--data', '{-1., 0., 2.}', '--backend', 'cpu']);
    expect(code).toBe(1);
  } finally {
    process.exitCode = undefined;
    o.mockRestore();
  }
  expect(out.join('')).toMatchInlineSnapshot(`
"NetPortGradient["Input"]: relative error 1.0e+0 over all 3 elements (worst at {2}: 0 against 0.50000000)
worst 1.0e+0 > tolerance 0.01: FAIL
"
`);
});
