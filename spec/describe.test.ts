/**
 * `netport describe`: every example net reads as a table (a row per layer, the ports and
 * their coders, the parameter count), and the numbers are those of the net.
 */
import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { main } from '../lib/cli/main';
import { describeNet, formatSummary, shapeWords } from '../lib/describe';
import { netDescription } from '../lib/requests';

const EXAMPLES = path.join(__dirname, '..', 'examples');

/** The example files that hold a net (JSON with a "type", or Wolfram text); data files are left out. */
function exampleNets(): Array<[string, unknown]> {
  return readdirSync(EXAMPLES)
    .filter((f) => f.endsWith('.json') || f.endsWith('.wl'))
    .flatMap((f): Array<[string, unknown]> => {
      const text = readFileSync(path.join(EXAMPLES, f), 'utf8');
      if (f.endsWith('.wl')) return [[f, netDescription(text)]];
      const json = JSON.parse(text) as { type?: unknown };
      return typeof json.type === 'string' ? [[f, json]] : [];
    });
}

test('every example net is described: a row per layer, its ports, the parameter count', () => {
  const nets = exampleNets();
  expect(nets.map(([f]) => f)).toEqual(expect.arrayContaining(['classifier.json', 'classifier.wl', 'image-classifier.json']));
  for (const [, net] of nets) {
    const s = describeNet(net);
    const text = formatSummary(s);
    const lines = text.split('\n');
    expect(lines[0]).toMatch(new RegExp(`^${s.type}: ${s.layers.length} layers?, `));
    for (const l of s.layers) expect(lines.some((x) => x.includes(l.type))).toBe(true);
    for (const p of [...s.inputs, ...s.outputs]) expect(lines.some((x) => x.startsWith(p.name))).toBe(true);
    expect(lines[lines.length - 1]).toMatch(/^Parameters: [\d,]+/);
    expect(s.parameters.total).toBe(s.layers.flatMap((l) => l.arrays).reduce((a, x) => a + x.size, 0));
  }
});

test('the image classifier: encoder and decoder on the ports, shapes as inferred, 2112 parameters', () => {
  const net = JSON.parse(readFileSync(path.join(EXAMPLES, 'image-classifier.json'), 'utf8'));
  const s = describeNet(net);
  expect(s.parameters).toEqual({ total: 81 + 3 + 3 * 675 + 3, learnable: 2112 });
  expect(s.inputs[0]!.coderSummary).toBe('Image 32x32 RGB, mean {0.5, 0.5, 0.5}, variance {0.0625, 0.0625, 0.0625}');
  expect(s.outputs[0]!.coder).toEqual({ NetDecoder: 'Class', Labels: ['red', 'green', 'blue'] });
  expect(s.layers.map((l) => [l.type, shapeWords(l.outputs[0]!)])).toEqual([
    ['ConvolutionLayer', '3-tensor (size: 3×30×30)'],
    ['ElementwiseLayer', '3-tensor (size: 3×30×30)'],
    ['PoolingLayer', '3-tensor (size: 3×15×15)'],
    ['FlattenLayer', 'vector (size: 675)'],
    ['LinearLayer', 'vector (size: 3)'],
    ['SoftmaxLayer', 'vector (size: 3)'],
  ]);
  expect(formatSummary(s)).toMatchInlineSnapshot(`
"NetChain: 6 layers, 4 arrays, 2,112 parameters

        layer             input                     output                    arrays / coder
Input   NetEncoder                                  3-tensor (size: 3×32×32)  Image 32x32 RGB, mean {0.5, 0.5, 0.5}, variance {0.0625, 0.0625, 0.0625}
1       ConvolutionLayer  3-tensor (size: 3×32×32)  3-tensor (size: 3×30×30)  Weights 3×3×3×3 (81), Biases 3 (3)
2       ElementwiseLayer  3-tensor (size: 3×30×30)  3-tensor (size: 3×30×30)
3       PoolingLayer      3-tensor (size: 3×30×30)  3-tensor (size: 3×15×15)
4       FlattenLayer      3-tensor (size: 3×15×15)  vector (size: 675)
5       LinearLayer       vector (size: 675)        vector (size: 3)          Weights 3×675 (2,025), Biases 3 (3)
6       SoftmaxLayer      vector (size: 3)          vector (size: 3)
Output  NetDecoder        vector (size: 3)                                    Class, 3 labels {"red", "green", "blue"}

Parameters: 2,112"
`);
});

test('auxiliary and missing arrays are marked; nested layers are named by their path', () => {
  const s = describeNet({ type: 'NetChain', Input: 3, Layers: { enc: { type: 'NetChain', Layers: [{ type: 'BatchNormalizationLayer' }, 2] } } });
  expect(s.layers.map((l) => l.path)).toEqual([
    ['enc', 1],
    ['enc', 2],
  ]);
  expect(s.parameters).toEqual({ total: 20, learnable: 14 });
  expect(formatSummary(s)).toContain('{"enc", 1}  BatchNormalizationLayer');
  expect(formatSummary(s)).toContain('MovingMean 3 (3, auxiliary, not initialized)');
});

test('netport describe --json prints the summary; a bad net is one line on stderr', async () => {
  const out: string[] = [];
  const err: string[] = [];
  const o = jest.spyOn(process.stdout, 'write').mockImplementation((c) => (out.push(String(c)), true));
  const e = jest.spyOn(process.stderr, 'write').mockImplementation((c) => (err.push(String(c)), true));
  try {
    expect(await main(['describe', path.join(EXAMPLES, 'classifier.json'), '--json'])).toBe(0);
    expect(await main(['describe', '{"type": "LinearLayer", "OutputDimensions": 2}'])).toBe(1);
  } finally {
    o.mockRestore();
    e.mockRestore();
    process.exitCode = undefined;
  }
  const s = JSON.parse(out.join(''));
  expect(s.type).toBe('NetChain');
  expect(s.parameters).toEqual({ total: 23, learnable: 23 });
  expect(err.join('')).toMatch(/^netport: invalid_net: .*\n$/);
});

test("the README's describe example prints what the README shows", () => {
  const readme = readFileSync(path.join(__dirname, '..', 'README.md'), 'utf8');
  const m = readme.match(/```sh\nnpx netport describe (\S+)\n```\n\n```text\n([\s\S]*?)```/);
  expect(m).not.toBeNull();
  const net = JSON.parse(readFileSync(path.join(__dirname, '..', m![1]!), 'utf8'));
  expect(`${formatSummary(describeNet(net))}\n`).toBe(m![2]);
});
