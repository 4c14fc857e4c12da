/** The public API as the README shows it: import from the package entry point. */
import { loadNet, NetError, printResult, translateNet } from '../lib/index';

test("the README's library example runs and gives Wolfram-keyed results", async () => {
  const net = await loadNet({ type: 'NetChain', Input: 2, Layers: [{ type: 'LinearLayer', OutputDimensions: 3 }, 'Ramp', 1] }, { backend: 'wasm', initialize: 42 });
  try {
    const { outputs, gradients } = net.evaluate({ Input: [0.7, -0.4] }, { outputs: ['Output'], gradients: ['Input', [1, 'Weights']], ograd: { Output: [2] } });
    expect((outputs.Output as number[]).length).toBe(1);
    expect(gradients.map((g) => g.key)).toEqual(['NetPortGradient["Input"]', 'NetPortGradient[{1, "Weights"}]']);
    const twice = net.evaluate({ Input: [0.7, -0.4] }, { gradients: ['Input'], ograd: { Output: 1 } }).gradients[0]!.value as number[];
    (gradients[0]!.value as number[]).forEach((g, i) => expect(g).toBeCloseTo(2 * twice[i]!, 5));
  } finally {
    net.dispose();
  }
});

test('errors are NetErrors with a code', async () => {
  await expect(loadNet({ type: 'LinearLayer' })).rejects.toBeInstanceOf(NetError);
});

test('Wolfram syntax in and out through the entry point', async () => {
  const net = await loadNet(translateNet('LinearLayer[2, "Weights" -> {{1., 2.}, {3., 4.}}, "Biases" -> None, "Input" -> 2]'), { backend: 'cpu' });
  try {
    const r = net.evaluate({ Input: [1, -1] }, { gradients: ['All'] });
    expect(printResult(r.gradients.map((g) => [{ NetPortGradient: g.spec }, g.value] as const) as never)).toBe(
      '<|NetPortGradient["Input"] -> {4., 6.}, NetPortGradient[{"Weights"}] -> {{1., -1.}, {1., -1.}}|>',
    );
  } finally {
    net.dispose();
  }
});
