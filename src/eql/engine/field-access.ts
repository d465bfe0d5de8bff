/**
 * Reads a field from an event's `_source` as Elasticsearch indexes it. The
 * path `a.b.c` matches nested objects, dotted keys (`{"a.b": {"c": 1}}`) and
 * arrays of objects, all at once; the values found are coerced to the
 * field's type, and values the index would not contain are dropped.
 */
import type { DynamicStrings, FieldInfo, ValueType } from "./schema.js";
import type { Scalar, Value } from "./values.js";

export type Accessor = (event: unknown) => Value;

/** `ignore_above` of the ECS dynamic template for unmapped strings. */
const ECS_DYNAMIC_IGNORE_ABOVE = 1024;
/** `ignore_above` of the `keyword` sub-field of default dynamic mapping. */
const DEFAULT_DYNAMIC_IGNORE_ABOVE = 256;

/** Compiles a reader for `path`, typed by `info` when the schema has it. */
export function fieldAccessor(
  path: string,
  info: FieldInfo | undefined,
  dynamicStrings: DynamicStrings,
): Accessor {
  const segments = (info?.sourcePath ?? path).split(".");
  const collect = leafCollector(segments);
  const coerce = coercer(info, dynamicStrings);
  const nullValue = info?.nullValue ?? null;
  return (event) => {
    const leaves: unknown[] = [];
    collect(event, 0, leaves);
    if (leaves.length === 0) return null;
    if (leaves.length === 1) {
      const leaf = leaves[0] ?? nullValue;
      return leaf === null ? null : coerce(leaf);
    }
    const values: Scalar[] = [];
    for (const leaf of leaves) {
      const value = coerce(leaf ?? nullValue);
      if (value !== null) values.push(value);
    }
    if (values.length === 0) return null;
    return values.length === 1 ? values[0]! : values;
  };
}

type Collect = (node: unknown, index: number, out: unknown[]) => void;

/**
 * Builds a walker that tries, at each level, every way of splitting the
 * remaining segments into one key, so `a.b.c` finds `a` → `b.c` too.
 */
function leafCollector(segments: string[]): Collect {
  const count = segments.length;
  const keys: string[][] = segments.map((_, start) =>
    segments
      .slice(start)
      .map((__, length) => segments.slice(start, start + length + 1).join(".")),
  );
  const collect: Collect = (node, index, out) => {
    if (Array.isArray(node)) {
      for (const item of node) collect(item, index, out);
      return;
    }
    if (typeof node !== "object" || node === null) return;
    const record = node as Record<string, unknown>;
    const candidates = keys[index]!;
    for (let length = 0; length < candidates.length; length++) {
      const child = record[candidates[length]!];
      if (child === undefined) continue;
      const next = index + length + 1;
      if (next === count) pushLeaves(child, out);
      else collect(child, next, out);
    }
  };
  return collect;
}

/** Adds the scalars of a leaf value; nulls stay so null_value can apply. */
function pushLeaves(value: unknown, out: unknown[]): void {
  if (Array.isArray(value)) {
    for (const item of value) pushLeaves(item, out);
  } else if (typeof value !== "object" || value === null) {
    out.push(value);
  }
}

type Coerce = (leaf: unknown) => Scalar | null;

function coercer(
  info: FieldInfo | undefined,
  dynamicStrings: DynamicStrings,
): Coerce {
  if (info === undefined) return dynamicCoercer(dynamicStrings);
  return typedCoercer(info.valueType, info.ignoreAbove);
}

function dynamicCoercer(dynamicStrings: DynamicStrings): Coerce {
  const limit =
    dynamicStrings === "keyword"
      ? ECS_DYNAMIC_IGNORE_ABOVE
      : DEFAULT_DYNAMIC_IGNORE_ABOVE;
  return (leaf) => {
    if (typeof leaf === "string") return leaf.length > limit ? null : leaf;
    if (typeof leaf === "number" || typeof leaf === "boolean") return leaf;
    return null;
  };
}

function typedCoercer(valueType: ValueType, ignoreAbove?: number): Coerce {
  switch (valueType) {
    case "string":
    case "ip":
      return (leaf) => {
        if (leaf === null || leaf === undefined) return null;
        const text = String(leaf);
        return ignoreAbove !== undefined && text.length > ignoreAbove
          ? null
          : text;
      };
    case "integer":
      return (leaf) => {
        const number = toNumber(leaf);
        return number === null ? null : Math.trunc(number);
      };
    case "float":
      return toNumber;
    case "date":
      return toEpochMillis;
    case "boolean":
      return toBoolean;
    case "object":
      return () => null;
    case "unknown":
      return (leaf) =>
        typeof leaf === "string" ||
        typeof leaf === "number" ||
        typeof leaf === "boolean"
          ? leaf
          : null;
  }
}

function toNumber(leaf: unknown): number | null {
  if (typeof leaf === "number") return Number.isFinite(leaf) ? leaf : null;
  if (typeof leaf !== "string" || leaf.trim() === "") return null;
  const number = Number(leaf);
  return Number.isFinite(number) ? number : null;
}

function toBoolean(leaf: unknown): boolean | null {
  if (typeof leaf === "boolean") return leaf;
  if (leaf === "true") return true;
  if (leaf === "false" || leaf === "") return false;
  return null;
}

/**
 * Parses a date as the default `strict_date_optional_time||epoch_millis`
 * format does: ISO 8601 text, or milliseconds since the epoch.
 */
export function toEpochMillis(leaf: unknown): number | null {
  if (typeof leaf === "number") return Number.isFinite(leaf) ? leaf : null;
  if (typeof leaf !== "string") return null;
  if (/^-?\d+(\.\d+)?$/.test(leaf)) return Number(leaf);
  const iso = /^\d{4}-\d{2}-\d{2}(T.*)?$/.test(leaf) ? leaf : undefined;
  if (iso === undefined) return null;
  const hasZone = /(Z|[+-]\d{2}:?\d{2})$/.test(iso) && iso.includes("T");
  const millis = Date.parse(hasZone || !iso.includes("T") ? iso : `${iso}Z`);
  return Number.isNaN(millis) ? null : millis;
}
