/**
 * The limits that keep hostile input from crashing or stalling netport: nesting depth
 * (no recursion the user controls runs deeper), tensor rank, the length of user
 * strings quoted in messages, and the memory an evaluation may allocate
 * (lib/memory.ts). docs/RELIABILITY.md lists them for users.
 */

/** Deepest nesting of JSON arrays and objects accepted in a net description or in data. */
export const MAX_NESTING = 400;

/** Highest tensor rank accepted (TensorFlow.js kernels stop at 6 for most ops anyway). */
export const MAX_RANK = 32;

/** Longest user string quoted in a message; longer ones are cut with "...". */
export const MAX_QUOTE = 60;

/** Default for the memory an evaluation may need (the `memoryLimit` option, `--memory-limit`). */
export const DEFAULT_MEMORY_LIMIT = 4 * 1024 ** 3;

/** A user string for a message: JSON-quoted, at most MAX_QUOTE characters of it. */
export function quote(s: string): string {
  return JSON.stringify(s.length > MAX_QUOTE ? `${s.slice(0, MAX_QUOTE - 3)}...` : s);
}

/**
 * Where a JSON value nests deeper than `limit` arrays and objects: the keys and 1-based
 * positions down to there (at most the first 6), or undefined if it does not. Iterative,
 * so any depth is safe to check.
 */
export function tooDeep(value: unknown, limit = MAX_NESTING): Array<string | number> | undefined {
  const stack: Array<{ v: unknown; depth: number; key: string | number | undefined; parent: number }> = [];
  const trail: Array<{ key: string | number | undefined; parent: number }> = [];
  stack.push({ v: value, depth: 0, key: undefined, parent: -1 });
  while (stack.length > 0) {
    const { v, depth, key, parent } = stack.pop()!;
    if (typeof v !== 'object' || v === null || ArrayBuffer.isView(v)) continue;
    const me = trail.push({ key, parent }) - 1;
    if (depth + 1 > limit) {
      const path: Array<string | number> = [];
      for (let i = me; i >= 0 && trail[i]!.key !== undefined; i = trail[i]!.parent) path.unshift(trail[i]!.key!);
      return path.slice(0, 6);
    }
    if (Array.isArray(v)) {
      for (let i = v.length - 1; i >= 0; i--) stack.push({ v: v[i], depth: depth + 1, key: i + 1, parent: me });
    } else {
      const entries = Object.entries(v);
      for (let i = entries.length - 1; i >= 0; i--) stack.push({ v: entries[i]![1], depth: depth + 1, key: entries[i]![0], parent: me });
    }
  }
  return undefined;
}

/** A path of tooDeep() for a message: `"Layers" > 1 > "Layers" > ...`. */
export function formatTrail(path: ReadonlyArray<string | number>): string {
  return path.length === 0 ? 'the top' : `${path.map((k) => (typeof k === 'number' ? String(k) : quote(k))).join(' > ')} > ...`;
}

/**
 * A short rendering of a user's value for messages: JSON, cut after `max` characters.
 * It stops as soon as it has enough, so a value of any size or depth is cheap and safe.
 */
export function preview(value: unknown, max = 40): string {
  let out = '';
  const emit = (v: unknown): boolean => {
    if (out.length > max) return false;
    if (Array.isArray(v)) {
      out += '[';
      for (let i = 0; i < v.length; i++) {
        if (i > 0) out += ',';
        if (!emit(v[i])) return false;
      }
      out += ']';
    } else if (typeof v === 'object' && v !== null && !ArrayBuffer.isView(v)) {
      out += '{';
      let first = true;
      for (const key in v) {
        if (!Object.prototype.hasOwnProperty.call(v, key)) continue;
        out += `${first ? '' : ','}${JSON.stringify(key)}:`;
        first = false;
        if (!emit((v as Record<string, unknown>)[key])) return false;
      }
      out += '}';
    } else {
      out += leaf(v, max);
    }
    return true;
  };
  emit(value);
  return out.length > max ? `${out.slice(0, max - 3)}...` : out;
}

function leaf(v: unknown, max: number): string {
  switch (typeof v) {
    case 'string':
      return JSON.stringify(v.length > max ? v.slice(0, max) : v);
    case 'bigint':
      return `${v}n`;
    case 'symbol':
      return v.toString();
    case 'function':
      return 'a function';
    case 'undefined':
      return 'undefined';
    default:
      return JSON.stringify(v) ?? String(v);
  }
}
