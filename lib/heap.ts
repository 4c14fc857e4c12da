/**
 * A binary min-heap of integers: Kahn's topological sort takes the smallest ready
 * position each time, which keeps graph orders deterministic (ties by position) while
 * the sort stays O(n log n).
 */
export class MinHeap {
  private readonly items: number[] = [];

  get size(): number {
    return this.items.length;
  }

  push(x: number): void {
    const a = this.items;
    a.push(x);
    let i = a.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (a[parent]! <= x) break;
      a[i] = a[parent]!;
      i = parent;
    }
    a[i] = x;
  }

  /** Removes and returns the smallest item; undefined when empty. */
  pop(): number | undefined {
    const a = this.items;
    if (a.length === 0) return undefined;
    const top = a[0]!;
    const last = a.pop()!;
    if (a.length > 0) {
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        if (l >= a.length) break;
        const r = l + 1;
        const c = r < a.length && a[r]! < a[l]! ? r : l;
        if (a[c]! >= last) break;
        a[i] = a[c]!;
        i = c;
      }
      a[i] = last;
    }
    return top;
  }
}

/**
 * Kahn's algorithm over `n` items whose dependencies are `deps(i)` (items that must come
 * first): the order that always takes the smallest ready item, or the items left over
 * when there is a cycle (`stuck`, the smallest of them first).
 */
export function kahnOrder(n: number, deps: (i: number) => Iterable<number>): { order: number[]; stuck?: number } {
  const waiting = new Int32Array(n);
  const dependents: number[][] = Array.from({ length: n }, () => []);
  for (let i = 0; i < n; i++) {
    for (const d of deps(i)) {
      waiting[i]!++;
      dependents[d]!.push(i);
    }
  }
  const ready = new MinHeap();
  for (let i = 0; i < n; i++) if (waiting[i] === 0) ready.push(i);
  const order: number[] = [];
  for (let i = ready.pop(); i !== undefined; i = ready.pop()) {
    order.push(i);
    for (const j of dependents[i]!) if (--waiting[j]! === 0) ready.push(j);
  }
  if (order.length === n) return { order };
  let stuck = 0;
  while (waiting[stuck] === 0) stuck++;
  return { order, stuck };
}
