/**
 * The finite-difference sweep: for every layer of the registry, every example, every
 * input port and every array, on every backend, compare <J^T u, v> (netport's gradient
 * with an imposed output gradient u, dotted with a random direction v) with the central
 * difference of <f, u> along v (JAX's check_vjp). Data come as a batch of 2, so batch
 * sums are exercised too.
 */
import { LAYERS } from '../../lib/layers/registry';
import { CASES } from '../../scripts/reference/cases';
import { ARRAYS, FORWARD } from '../../scripts/reference/layers';
import { Net } from '../../lib/runtime';
import type { Nested, NumArray } from '../../lib/tensors';
import { expectNoLeak, fill, hash, random, TEST_BACKENDS, useBackend } from '../helpers/backends';

const BATCH = 2;
const EPS = 1e-3;

/**
 * n distinct values in [lo, hi], shuffled, at least (hi - lo) / (2n) apart: no ties for
 * Max to break and (with EPS this small) no kink crossed by the finite difference.
 */
function distinct(n: number, lo: number, hi: number, rand: () => number): number[] {
  const cells = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [cells[i], cells[j]] = [cells[j]!, cells[i]!];
  }
  return cells.map((c) => lo + ((hi - lo) * (c + 0.25 + 0.5 * rand())) / n);
}

function flat(v: Nested): number[] {
  return typeof v === 'number' ? [v] : v.flatMap(flat);
}

function dot(a: number[], b: number[]): number {
  return a.reduce((s, x, i) => s + x * b[i]!, 0);
}

interface Case {
  layer: string;
  title: string;
  description: Record<string, unknown>;
  ranges: Record<string, readonly [number, number]>;
  data?: Record<string, unknown>;
}

const cases: Case[] = LAYERS.flatMap((def) =>
  def.examples.map((ex) => ({
    layer: def.type,
    title: ex.title,
    description: { type: def.type, ...ex.layer },
    ranges: { ...(ex.ranges ?? {}) },
    data: ex.data as Record<string, unknown> | undefined,
  })),
);

test('every layer of the registry has examples', () => {
  expect(LAYERS.filter((l) => l.examples.length === 0).map((l) => l.type)).toEqual([]);
});

test('every layer of the registry has a float64 reference, with the same arrays, and reference cases', () => {
  expect(LAYERS.filter((l) => !FORWARD[l.type]).map((l) => l.type)).toEqual([]);
  for (const l of LAYERS) expect([l.type, (ARRAYS[l.type] ?? []).map((a) => a.name)]).toEqual([l.type, l.arrays.map((a) => a.name)]);
  const used = new Set<string>();
  const visit = (v: unknown): void => {
    if (Array.isArray(v)) v.forEach(visit);
    else if (v && typeof v === 'object') {
      const type = (v as { type?: unknown }).type;
      if (typeof type === 'string') used.add(type);
      Object.values(v).forEach(visit);
    }
  };
  CASES.forEach((c) => visit(c.net));
  expect(LAYERS.filter((l) => !used.has(l.type)).map((l) => l.type)).toEqual([]);
});

/** The objective <f(x), u> for data and the net's current arrays. */
function objective(net: Net, data: Record<string, unknown>, u: Record<string, Nested>): number {
  const r = net.evaluate(data, { outputs: 'All' });
  return Object.entries(u).reduce((s, [port, w]) => s + dot(flat(r.outputs[port]!), flat(w)), 0);
}

describe.each(TEST_BACKENDS)('finite differences on %s', (backend) => {
  beforeAll(() => useBackend(backend));

  for (const c of cases) {
    test.each(targetsOf(c))(`${c.layer} ${c.title} wrt %s on ${backend}`, async (target) => {
      await expectNoLeak(async () => {
        const rand = random(hash(`${c.layer} ${c.title} ${target}`));
        const net = await Net.load(c.description, { backend, initialize: 7 });
        try {
          // A net without inputs evaluates one example.
          const batch = net.inputs.length > 0 ? [BATCH] : [];
          const data: Record<string, unknown> = {};
          for (const p of net.inputs) {
            if (c.data?.[p.name] !== undefined) data[p.name] = Array.from({ length: BATCH }, () => c.data![p.name]);
            else if (p.classes !== undefined) data[p.name] = fill([BATCH, ...p.dims], () => 1 + Math.floor(rand() * p.classes!));
            else {
              const [lo, hi] = c.ranges[p.name] ?? [-1, 1];
              const values = distinct(BATCH * p.dims.reduce((a, b) => a * b, 1), lo, hi, rand);
              data[p.name] = { dims: [BATCH, ...p.dims], data: Float32Array.from(values) };
            }
          }
          const u = Object.fromEntries(net.outputs.filter((p) => p.classes === undefined).map((p) => [p.name, fill([...batch, ...p.dims], () => rand() * 2 - 1) as Nested]));
          const spec = target.startsWith('array ') ? JSON.parse(target.slice(6)) : target;
          const r = net.evaluate(data, { gradients: [spec], ograd: u });
          const g = flat(r.gradients[0]!.value);
          const v = g.map(() => rand() * 2 - 1);
          let fd: number;
          if (typeof spec === 'string') {
            const shifted = (sign: number) => {
              const x = Array.from((data[spec] as NumArray).data);
              const moved = x.map((xi, i) => xi + sign * EPS * v[i]!);
              const dims = [BATCH, ...net.inputs.find((p) => p.name === spec)!.dims];
              return { ...data, [spec]: { dims, data: Float32Array.from(moved) } };
            };
            fd = (objective(net, shifted(1), u) - objective(net, shifted(-1), u)) / (2 * EPS);
          } else {
            const original: NumArray = net.array(spec);
            const at = (sign: number) => {
              net.setArray(spec, { dims: original.dims, data: Float32Array.from(original.data, (w, i) => w + sign * EPS * v[i]!) });
              return objective(net, data, u);
            };
            fd = (at(1) - at(-1)) / (2 * EPS);
            net.setArray(spec, original);
          }
          const analytic = dot(g, v);
          expect(Math.abs(analytic - fd)).toBeLessThanOrEqual(2e-3 + 1e-2 * Math.abs(fd));
        } finally {
          net.dispose();
        }
      });
    });
  }
});

/** The input ports (real-valued) and arrays of an example, as test parameters. */
function targetsOf(c: Case): string[] {
  // Shapes are inferred without a backend; arrays are listed by the compiled plan.
  const { compile } = require('../../lib/compile') as typeof import('../../lib/compile');
  const { parseNet } = require('../../lib/net') as typeof import('../../lib/net');
  const plan = compile(parseNet(c.description));
  const inputs = plan.inputs.filter((p) => p.value.type!.index === undefined).map((p) => p.name);
  const arrays = plan.arrays.filter((s) => !s.decl.aux).map((s) => `array ${JSON.stringify(s.key)}`);
  return [...inputs, ...arrays];
}
