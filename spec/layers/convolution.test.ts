/**
 * ConvolutionLayer against a direct nested-loop reference (Wolfram's definition written
 * out: channel-first, {out, in/groups, k...} weights, no kernel flip, padding lo/hi per
 * dimension, Floor[(n + lo + hi - (d (k - 1) + 1)) / s] + 1 outputs): the output, and the
 * gradients of Total[output * u] with respect to the input, the weights and the biases.
 */
import { Net } from '../../lib/runtime';
import type { Nested } from '../../lib/tensors';
import { expectNoLeak, random, TEST_BACKENDS, useBackend } from '../helpers/backends';

interface Geometry {
  out: number;
  kernel: number[];
  stride: number[];
  pads: Array<[number, number]>;
  dilation: number[];
  groups: number;
}

const volume = (dims: readonly number[]) => dims.reduce((a, b) => a * b, 1);

/** Every multi-index of `dims`, row-major. */
function* indices(dims: readonly number[]): Generator<number[]> {
  const n = volume(dims);
  for (let flat = 0; flat < n; flat++) {
    const at: number[] = [];
    let rest = flat;
    for (let i = dims.length - 1; i >= 0; i--) {
      at[i] = rest % dims[i]!;
      rest = Math.floor(rest / dims[i]!);
    }
    yield at;
  }
}

const offset = (dims: readonly number[], at: readonly number[]) => at.reduce((o, a, i) => o * dims[i]! + a, 0);

/** One example: y, and the gradients of Total[y u] for x, w and b. */
function reference(x: number[], xDims: number[], w: number[], b: number[], u: number[], g: Geometry) {
  const [channels, ...spatial] = xDims as [number, ...number[]];
  const perGroupIn = channels / g.groups;
  const perGroupOut = g.out / g.groups;
  const outSpatial = spatial.map((n, i) => Math.floor((n + g.pads[i]![0] + g.pads[i]![1] - (g.dilation[i]! * (g.kernel[i]! - 1) + 1)) / g.stride[i]!) + 1);
  const yDims = [g.out, ...outSpatial];
  const wDims = [g.out, perGroupIn, ...g.kernel];
  const y = new Array<number>(volume(yDims)).fill(0);
  const dx = new Array<number>(x.length).fill(0);
  const dw = new Array<number>(w.length).fill(0);
  const db = new Array<number>(g.out).fill(0);
  for (const [o, ...p] of indices(yDims)) {
    const yi = offset(yDims, [o!, ...p]);
    const group = Math.floor(o! / perGroupOut);
    let sum = b[o!]!;
    db[o!]! += u[yi]!;
    for (const [i, ...k] of indices([perGroupIn, ...g.kernel])) {
      const pos = p.map((pj, j) => pj * g.stride[j]! + k[j]! * g.dilation[j]! - g.pads[j]![0]);
      if (pos.some((q, j) => q < 0 || q >= spatial[j]!)) continue; // a padded zero
      const xi = offset(xDims, [group * perGroupIn + i!, ...pos]);
      const wi = offset(wDims, [o!, i!, ...k]);
      sum += w[wi]! * x[xi]!;
      dw[wi]! += u[yi]! * x[xi]!;
      dx[xi]! += u[yi]! * w[wi]!;
    }
    y[yi] = sum;
  }
  return { y, yDims, dx, dw, db, wDims };
}

function flat(v: Nested): number[] {
  return typeof v === 'number' ? [v] : v.flatMap(flat);
}

function expectClose(actual: Nested, expected: number[]): void {
  const a = flat(actual);
  expect(a.length).toBe(expected.length);
  const worst = Math.max(...a.map((v, i) => Math.abs(v - expected[i]!) / (1e-5 + Math.abs(expected[i]!))));
  expect(worst).toBeLessThan(1e-4);
}

const CASES: Array<{ title: string; input: number[]; layer: Record<string, unknown>; g: Geometry }> = [
  {
    title: '2-D Stride=2 PaddingSize={{1, 0}, {0, 1}} Dilation=2 ChannelGroups=2',
    input: [4, 7, 6],
    layer: { OutputChannels: 4, KernelSize: [3, 2], Stride: 2, PaddingSize: [[1, 0], [0, 1]], Dilation: 2, ChannelGroups: 2 },
    g: { out: 4, kernel: [3, 2], stride: [2, 2], pads: [[1, 0], [0, 1]], dilation: [2, 2], groups: 2 },
  },
  {
    title: '2-D Dilation={2, 3} PaddingSize=1 (stride 1: sub-grids)',
    input: [3, 7, 8],
    layer: { OutputChannels: 2, KernelSize: 2, Dilation: [2, 3], PaddingSize: 1 },
    g: { out: 2, kernel: [2, 2], stride: [1, 1], pads: [[1, 1], [1, 1]], dilation: [2, 3], groups: 1 },
  },
  {
    title: '2-D depthwise ChannelGroups=3 OutputChannels=6 Stride={2, 1} Dilation=2',
    input: [3, 7, 6],
    layer: { OutputChannels: 6, KernelSize: 2, Stride: [2, 1], Dilation: 2, ChannelGroups: 3 },
    g: { out: 6, kernel: [2, 2], stride: [2, 1], pads: [[0, 0], [0, 0]], dilation: [2, 2], groups: 3 },
  },
  {
    title: '2-D Stride={3, 2} Dilation={2, 3} ChannelGroups=2 (dilated kernel)',
    input: [2, 9, 10],
    layer: { OutputChannels: 4, KernelSize: 2, Stride: [3, 2], Dilation: [2, 3], ChannelGroups: 2 },
    g: { out: 4, kernel: [2, 2], stride: [3, 2], pads: [[0, 0], [0, 0]], dilation: [2, 3], groups: 2 },
  },
  {
    title: '1-D Dilation=2 ChannelGroups=2 PaddingSize={{2, 1}}',
    input: [4, 9],
    layer: { OutputChannels: 2, KernelSize: 3, Dilation: 2, ChannelGroups: 2, PaddingSize: [[2, 1]] },
    g: { out: 2, kernel: [3], stride: [1], pads: [[2, 1]], dilation: [2], groups: 2 },
  },
  {
    title: '3-D Stride={1, 2, 1} Dilation={2, 1, 1} PaddingSize={{0, 1}, {1, 0}, {1, 1}}',
    input: [2, 5, 4, 3],
    layer: { OutputChannels: 3, KernelSize: [2, 2, 2], Stride: [1, 2, 1], Dilation: [2, 1, 1], PaddingSize: [[0, 1], [1, 0], [1, 1]] },
    g: { out: 3, kernel: [2, 2, 2], stride: [1, 2, 1], pads: [[0, 1], [1, 0], [1, 1]], dilation: [2, 1, 1], groups: 1 },
  },
];

describe.each(TEST_BACKENDS)('ConvolutionLayer against a nested-loop reference on %s', (backend) => {
  beforeAll(() => useBackend(backend));

  /** Loads the case with seeded values and runs `body` on it and the reference. */
  async function withCase(c: (typeof CASES)[number], body: (net: Net, x: number[], u: number[], expected: ReturnType<typeof reference>) => void) {
    const { input, layer, g } = c;
    const rand = random(volume(input) * 7919 + g.out);
    const values = (n: number) => Array.from({ length: n }, () => Math.round((rand() * 2 - 1) * 64) / 32);
    const wDims = [g.out, input[0]! / g.groups, ...g.kernel];
    const x = values(volume(input));
    const w = values(volume(wDims));
    const b = values(g.out);
    const probe = reference(x, input, w, b, [], g);
    const u = values(probe.y.length);
    const expected = reference(x, input, w, b, u, g);
    const net = await Net.load({ type: 'ConvolutionLayer', ...layer, Input: input, Weights: { Dimensions: wDims, Data: w }, Biases: b }, { backend });
    try {
      expect(net.outputs[0]!.dims).toEqual(expected.yDims);
      body(net, x, u, expected);
    } finally {
      net.dispose();
    }
  }

  test.each(CASES)('$title: output', async (c) => {
    await expectNoLeak(() =>
      withCase(c, (net, x, _u, expected) => {
        const r = net.evaluate({ Input: { dims: c.input, data: Float32Array.from(x) } });
        expectClose(r.outputs.Output!, expected.y);
      }),
    );
  });

  test.each(CASES)('$title: gradients wrt Input, Weights, Biases', async (c) => {
    await expectNoLeak(() =>
      withCase(c, (net, x, u, expected) => {
        const r = net.evaluate(
          { Input: { dims: c.input, data: Float32Array.from(x) } },
          { gradients: ['Input', ['Weights'], ['Biases']], ograd: { Output: { dims: expected.yDims, data: Float32Array.from(u) } } },
        );
        expectClose(r.gradients[0]!.value, expected.dx);
        expectClose(r.gradients[1]!.value, expected.dw);
        expectClose(r.gradients[2]!.value, expected.db);
      }),
    );
  });
});
