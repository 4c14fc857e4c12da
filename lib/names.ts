/**
 * Names are data. Layer, port, array and function names come from users, and a name
 * such as `__proto__`, `constructor` or `toString` must behave like any other: never a
 * key that reaches Object.prototype. Dictionaries keyed by user names are
 * null-prototype objects made here (or Maps); lookups check own properties only.
 */

/** A dictionary with no prototype, optionally filled from entries. */
export function dict<V>(entries?: Iterable<readonly [string, V]>): Record<string, V> {
  const d = Object.create(null) as Record<string, V>;
  if (entries) for (const [k, v] of entries) setOwn(d, k, v);
  return d;
}

/** Whether `key` is an own property of `obj` (never an inherited one). */
export function hasOwn(obj: object, key: string): boolean {
  return Object.prototype.hasOwnProperty.call(obj, key);
}

/** The own property `key` of `obj`, or undefined (never an inherited one). */
export function own<V>(obj: Readonly<Record<string, V>>, key: string): V | undefined {
  return hasOwn(obj, key) ? obj[key] : undefined;
}

/** Sets an own data property, even for `__proto__` on an object with a prototype. */
export function setOwn<V>(obj: Record<string, V>, key: string, value: V): void {
  Object.defineProperty(obj, key, { value, writable: true, enumerable: true, configurable: true });
}

/** A lookup table written as an object literal, without a prototype (`constructor` is not in it). */
export function table<T extends object>(entries: T): T {
  return Object.assign(Object.create(null) as T, entries);
}
