/**
 * Seeded data for the cases: each case draws from its own stream (seeded by its name),
 * so adding or changing one case leaves the others' values alone. Values are multiples
 * of 1/1024, exact in float32 and float64 alike (netport reads the same numbers the
 * reference uses), and distinct within one array (no ties for a Max to break).
 */
import type { Nested } from './array';

/** mulberry32: a small seeded generator (the tests use it too). */
export function stream(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** FNV-1a: a seed from a name. */
export function hash(text: string): number {
  let h = 2166136261;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 16777619);
  return h >>> 0;
}

export interface Random {
  /** Distinct multiples of 1/1024 in [lo, hi], as nested lists of the given dimensions. */
  reals(dims: readonly number[], lo?: number, hi?: number): Nested;
  /** Integers 1..n. */
  ints(dims: readonly number[], n: number): Nested;
}

export function random(name: string): Random {
  const next = stream(hash(name));
  const shape = (dims: readonly number[], values: number[]): Nested => {
    let k = 0;
    const build = (d: number): Nested => (d === dims.length ? values[k++]! : Array.from({ length: dims[d]! }, () => build(d + 1)));
    return build(0);
  };
  return {
    reals(dims, lo = -1, hi = 1) {
      const n = dims.reduce((a, b) => a * b, 1);
      const first = Math.ceil(lo * 1024);
      const cells = Math.floor(hi * 1024) - first + 1;
      if (cells < n) throw new Error(`random: [${lo}, ${hi}] has no ${n} distinct values`);
      const taken = new Set<number>();
      const values: number[] = [];
      while (values.length < n) {
        const c = first + Math.floor(next() * cells);
        if (taken.has(c)) continue;
        taken.add(c);
        values.push(c / 1024);
      }
      return shape(dims, values);
    },
    ints(dims, n) {
      const count = dims.reduce((a, b) => a * b, 1);
      return shape(dims, Array.from({ length: count }, () => 1 + Math.floor(next() * n)));
    },
  };
}
