/**
 * Numbers and values for people: float32 results printed with the fewest digits that
 * read back to the same float32 (0.7 rather than 0.699999988079071).
 */
import type { Nested } from './tensors';

/** The shortest decimal that rounds to the same float32 as `x`. */
export function float32String(x: number): string {
  if (!Number.isFinite(x)) return String(x);
  const f = Math.fround(x);
  for (let digits = 1; digits < 10; digits++) {
    const s = Number(f.toPrecision(digits));
    if (Math.fround(s) === f) return String(s);
  }
  return String(f);
}

/** A value as compact JSON with float32-shortest numbers. */
export function valueJson(v: Nested): string {
  return typeof v === 'number' ? float32String(v) : `[${v.map(valueJson).join(', ')}]`;
}

/** A value made ready for JSON: numbers, or the strings "NaN", "Infinity", "-Infinity". */
export type JsonValue = number | string | JsonValue[];

/**
 * The same value as a JSON-ready structure (numbers rounded to their float32-shortest
 * form). JSON has no NaN or Infinity and JSON.stringify would write them as null, which
 * reads as Wolfram's None: they become the strings "NaN", "Infinity" and "-Infinity".
 */
export function valueData(v: Nested): JsonValue {
  if (typeof v !== 'number') return v.map(valueData);
  return Number.isFinite(v) ? Number(float32String(v)) : String(v);
}
