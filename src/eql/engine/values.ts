/**
 * Runtime values of the embedded engine. A field can hold several values
 * (an array in `_source`), so an expression evaluates to one scalar, an
 * array of scalars, or null when the field is missing.
 */

export type Scalar = string | number | boolean;

/** One value, several values of a multi-valued field, or null. */
export type Value = Scalar | Scalar[] | null;

/** Static kind of a number: Elasticsearch keeps `long` and `double` apart. */
export type NumberKind = "integer" | "float";

/** Calls `visit` for each scalar of a value; stops when it returns true. */
export function someScalar(
  value: Value,
  visit: (scalar: Scalar) => boolean,
): boolean {
  if (value === null) return false;
  if (!Array.isArray(value)) return visit(value);
  for (const scalar of value) {
    if (visit(scalar)) return true;
  }
  return false;
}

/** Returns the scalars of a value as an array (empty for null). */
export function scalarsOf(value: Value): Scalar[] {
  if (value === null) return [];
  return Array.isArray(value) ? value : [value];
}

/**
 * Applies `fn` to every combination of the scalars of `args`, as
 * Elasticsearch's multi-value aware scripts do. A null argument passes null
 * through; results that are null are dropped from an array.
 */
export function mapScalars(
  args: Value[],
  fn: (scalars: (Scalar | null)[]) => Value,
): Value {
  if (!args.some(Array.isArray)) return fn(args as (Scalar | null)[]);
  const results: Scalar[] = [];
  const combination: (Scalar | null)[] = new Array(args.length);
  const visit = (index: number): void => {
    if (index === args.length) {
      const result = fn(combination);
      if (result !== null) results.push(...scalarsOf(result));
      return;
    }
    const arg = args[index]!;
    const options = Array.isArray(arg) ? arg : [arg];
    for (const option of options) {
      combination[index] = option;
      visit(index + 1);
    }
  };
  visit(0);
  if (results.length === 0) return null;
  return results.length === 1 ? results[0]! : results;
}

/**
 * Case folding of the `~` functions, as Elasticsearch's scripts lowercase
 * with Java's `String.toLowerCase(Locale.ROOT)`: full Unicode mappings
 * (`İ` to `i̇`, a final `Σ` to `ς`), like JavaScript's `toLowerCase`. The
 * operators fold differently (see case-folding.ts).
 */
export function foldCase(text: string): string {
  return text.toLowerCase();
}

/**
 * Formats a number as Java's `Long.toString` or `Double.toString` does, which
 * is what Elasticsearch's `string` and `concat` return: `4` for a long, `4.0`
 * for a double, `1.0E7` from ten million on.
 */
export function formatNumber(value: number, kind: NumberKind): string {
  if (kind === "integer" && Number.isInteger(value)) return String(value);
  if (!Number.isFinite(value)) {
    if (Number.isNaN(value)) return "NaN";
    return value > 0 ? "Infinity" : "-Infinity";
  }
  const magnitude = Math.abs(value);
  if (value === 0 || (magnitude >= 1e-3 && magnitude < 1e7)) {
    const text = String(value);
    return text.includes(".") ? text : `${text}.0`;
  }
  const [mantissa, exponent] = value.toExponential().split("e");
  const digits = mantissa!.includes(".") ? mantissa! : `${mantissa}.0`;
  return `${digits}E${Number(exponent)}`;
}

/** Returns the number kind of a runtime number when no type is known. */
export function kindOfNumber(value: number): NumberKind {
  return Number.isInteger(value) ? "integer" : "float";
}

/** Converts a scalar to text as Elasticsearch's `string` function does. */
export function scalarToString(scalar: Scalar, kind?: NumberKind): string {
  if (typeof scalar === "number") {
    return formatNumber(scalar, kind ?? kindOfNumber(scalar));
  }
  return String(scalar);
}
