/**
 * Key ordering shared by the version lock and the deploy plan, so that
 * content hashes and comparisons do not depend on the order fields were set.
 */

/** Orders strings by UTF-16 code units, the same on every machine and locale. */
export function compareCodeUnits(left: string, right: string): number {
  if (left < right) return -1;
  if (left > right) return 1;
  return 0;
}

/**
 * Returns a copy of a JSON value with object keys sorted at every depth,
 * array order kept and undefined fields dropped.
 */
export function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value === null || typeof value !== "object") return value;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, field]) => field !== undefined)
    .sort(([a], [b]) => compareCodeUnits(a, b));
  return Object.fromEntries(
    entries.map(([key, field]) => [key, sortKeys(field)]),
  );
}
