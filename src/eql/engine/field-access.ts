/**
 * Reads a field from an event's `_source` as Elasticsearch indexes it. The
 * path `a.b.c` matches nested objects, dotted keys (`{"a.b": {"c": 1}}`) and
 * arrays of objects, all at once. The values found are coerced to the
 * field's type, and values the index would not contain are dropped.
 */
import { FoldCache } from "./fold-cache.js";
import type { DynamicStrings, FieldInfo, ValueType } from "./schema.js";
import type { Scalar, Value } from "./values.js";

export type Accessor = (event: unknown) => Value;

/** `ignore_above` of the ECS dynamic template for unmapped strings. */
const ECS_DYNAMIC_IGNORE_ABOVE = 1024;
/** `ignore_above` of the `keyword` sub-field of default dynamic mapping. */
const DEFAULT_DYNAMIC_IGNORE_ABOVE = 256;

/**
 * Field readers of one compilation, shared by every query compiled with
 * it. A memoizing cache (see compileRuleSet) remembers each reader's last
 * result until `nextEvent()` or another event object, so rules evaluated
 * on the same event read each field once.
 */
export class AccessorCache {
  private epoch = 0;
  private readonly accessors = new Map<string, Accessor>();
  private readonly foldCaches = new Map<string, FoldCache>();

  constructor(private readonly memoize: boolean) {}

  /** Forgets remembered results; call before evaluating another event. */
  nextEvent(): void {
    this.epoch++;
  }

  /** Returns the reader for `path`, typed by `info` when the schema has it. */
  get(
    path: string,
    info: FieldInfo | undefined,
    dynamicStrings: DynamicStrings,
  ): Accessor {
    const key = JSON.stringify([
      info?.sourcePath ?? path,
      info?.valueType ?? dynamicStrings,
      info?.ignoreAbove ?? null,
      info?.nullValue ?? null,
    ]);
    let accessor = this.accessors.get(key);
    if (accessor === undefined) {
      const read = fieldAccessor(path, info, dynamicStrings);
      accessor = this.memoize ? this.remembering(read) : read;
      this.accessors.set(key, accessor);
    }
    return accessor;
  }

  /** Returns the case-folding cache that the tests of `path` share. */
  foldCache(path: string): FoldCache {
    let cache = this.foldCaches.get(path);
    if (cache === undefined) {
      cache = new FoldCache();
      this.foldCaches.set(path, cache);
    }
    return cache;
  }

  /** Counts the events started with `nextEvent()`; see compileRuleSet. */
  get eventNumber(): number {
    return this.epoch;
  }

  private remembering(read: Accessor): Accessor {
    let epoch = -1;
    let subject: unknown = undefined;
    let value: Value = null;
    // Keyed on the event object too, so a query of the set that is called
    // directly, without nextEvent(), still reads each new event.
    return (event) => {
      if (epoch !== this.epoch || event !== subject) {
        value = read(event);
        epoch = this.epoch;
        subject = event;
      }
      return value;
    };
  }
}

/** Compiles a reader for `path`, typed by `info` when the schema has it. */
export function fieldAccessor(
  path: string,
  info: FieldInfo | undefined,
  dynamicStrings: DynamicStrings,
): Accessor {
  const collector = new LeafCollector((info?.sourcePath ?? path).split("."));
  const coerce = coercer(info, dynamicStrings);
  const nullValue = info?.nullValue ?? null;
  return (event) => {
    const leaves = collector.collect(event);
    if (leaves === undefined) return null;
    if (leaves !== MULTIPLE) {
      const leaf = leaves ?? nullValue;
      return leaf === null ? null : coerce(leaf);
    }
    const values: Scalar[] = [];
    for (const leaf of collector.all) {
      const value = coerce(leaf ?? nullValue);
      if (value !== null) values.push(value);
    }
    if (values.length === 0) return null;
    return values.length === 1 ? values[0]! : values;
  };
}

/** Marker: the field has several leaves, listed in `LeafCollector.all`. */
const MULTIPLE = Symbol("multiple leaves");

/**
 * Finds the leaves of one path. At each level it tries every way of
 * joining the remaining segments into one key, so `a.b.c` also finds
 * `{"a": {"b.c": 1}}`. It keeps its scratch state between calls to avoid
 * allocating for the usual single value, so a collector is not reentrant.
 */
class LeafCollector {
  private readonly visit: (node: unknown) => void;
  private first: unknown = undefined;
  private found = false;
  /** Every leaf, filled only when there is more than one. */
  readonly all: unknown[] = [];

  constructor(segments: string[]) {
    this.visit = compileWalker(segments, (value) => this.addLeaves(value));
  }

  /** Returns undefined (no leaf), the single leaf, or MULTIPLE. */
  collect(event: unknown): unknown {
    this.found = false;
    this.first = undefined;
    if (this.all.length !== 0) this.all.length = 0;
    this.visit(event);
    if (!this.found) return undefined;
    return this.all.length > 0 ? MULTIPLE : this.first;
  }

  /** Adds the scalars of a leaf value; nulls stay so null_value can apply. */
  private addLeaves(value: unknown): void {
    if (Array.isArray(value)) {
      for (const item of value) this.addLeaves(item);
    } else if (typeof value !== "object" || value === null) {
      if (!this.found) {
        this.found = true;
        this.first = value;
      } else {
        if (this.all.length === 0) this.all.push(this.first);
        this.all.push(value);
      }
    }
  }
}

/**
 * Generates the walker for one path as straight-line code with constant
 * property names. Compared with one generic loop over key strings, every
 * property read gets its own inline cache in V8, which makes reading a
 * field several times faster on the engine's hot path. Names enter the
 * code only through JSON.stringify, as string literals.
 */
function compileWalker(
  segments: string[],
  leaf: (value: unknown) => void,
): (node: unknown) => void {
  const count = segments.length;
  const functions: string[] = [];
  for (let start = 0; start < count; start++) {
    const lines = [
      `function visit${start}(node) {`,
      "  if (Array.isArray(node)) {",
      `    for (let i = 0; i < node.length; i++) visit${start}(node[i]);`,
      "    return;",
      "  }",
      '  if (typeof node !== "object" || node === null) return;',
      "  let child;",
    ];
    for (let end = start + 1; end <= count; end++) {
      const key = JSON.stringify(segments.slice(start, end).join("."));
      const next = end === count ? "leaf(child)" : `visit${end}(child)`;
      lines.push(
        `  child = node[${key}];`,
        `  if (child !== undefined) ${next};`,
      );
    }
    lines.push("}");
    functions.push(lines.join("\n"));
  }
  const body = `${functions.join("\n")}\nreturn visit0;`;
  return new Function("leaf", body)(leaf) as (node: unknown) => void;
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
