/**
 * Float64 arrays for the reference evaluator: row-major data and dimensions, nothing
 * more. No TensorFlow.js, nothing from lib/: the reference must not share code with
 * what it checks.
 */

export type Nested = number | Nested[];

export interface Arr {
  readonly dims: number[];
  readonly data: Float64Array;
}

export function volume(dims: readonly number[]): number {
  return dims.reduce((a, b) => a * b, 1);
}

export function zeros(dims: readonly number[]): Arr {
  return { dims: [...dims], data: new Float64Array(volume(dims)) };
}

export function scalar(x: number): Arr {
  return { dims: [], data: Float64Array.of(x) };
}

export function copy(a: Arr): Arr {
  return { dims: [...a.dims], data: Float64Array.from(a.data) };
}

/** The same elements, row-major, in other dimensions. */
export function reshape(a: Arr, dims: readonly number[]): Arr {
  if (volume(dims) !== a.data.length) throw new Error(`reshape: {${a.dims}} has ${a.data.length} elements, not ${volume(dims)}`);
  return { dims: [...dims], data: a.data };
}

/** Row-major strides. */
export function strides(dims: readonly number[]): number[] {
  const s = new Array<number>(dims.length);
  let k = 1;
  for (let i = dims.length - 1; i >= 0; i--) {
    s[i] = k;
    k *= dims[i]!;
  }
  return s;
}

/** The flat offset of a (0-based) multi-index. */
export function offset(dims: readonly number[], index: readonly number[]): number {
  let k = 0;
  for (let i = 0; i < dims.length; i++) k = k * dims[i]! + index[i]!;
  return k;
}

/** The (0-based) multi-index of a flat offset. */
export function unravel(dims: readonly number[], flat: number): number[] {
  const index = new Array<number>(dims.length);
  for (let i = dims.length - 1; i >= 0; i--) {
    index[i] = flat % dims[i]!;
    flat = Math.floor(flat / dims[i]!);
  }
  return index;
}

/** Nested lists (rectangular) to an array. */
export function fromNested(v: Nested): Arr {
  const dims: number[] = [];
  for (let x: Nested = v; Array.isArray(x); x = x[0]!) dims.push(x.length);
  const data: number[] = [];
  const walk = (x: Nested, depth: number): void => {
    if (depth === dims.length) {
      if (typeof x !== 'number') throw new Error('fromNested: ragged array');
      data.push(x);
      return;
    }
    if (!Array.isArray(x) || x.length !== dims[depth]) throw new Error('fromNested: ragged array');
    x.forEach((y) => walk(y, depth + 1));
  };
  walk(v, 0);
  return { dims, data: Float64Array.from(data) };
}

export function toNested(a: Arr): Nested {
  if (a.dims.length === 0) return a.data[0]!;
  let k = 0;
  const build = (depth: number): Nested[] =>
    Array.from({ length: a.dims[depth]! }, () => (depth === a.dims.length - 1 ? a.data[k++]! : build(depth + 1)));
  return build(0);
}
