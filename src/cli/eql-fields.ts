/**
 * Finds the fields a query names that neither the schema nor any event
 * has. Elasticsearch rejects a query that names a field its index does not
 * map; with streamed events the command can tell only after reading them.
 */
import type { CompiledQuery, Schema } from "../eql/engine/index.js";

export interface FieldTracker {
  /** Records which of the unresolved fields this event has. */
  observe: (event: unknown) => void;
  /** Fields that no event had and the schema does not define. */
  unknownFields: () => string[];
}

export function fieldTracker(
  compiled: CompiledQuery,
  schema: Schema,
): FieldTracker {
  const unseen = new Set(
    [...compiled.referencedFields].filter(
      (path) => schema.lookup(path) === undefined,
    ),
  );
  const segmentsOf = new Map(
    [...unseen].map((path) => [path, path.split(".")]),
  );
  return {
    observe(event) {
      if (unseen.size === 0) return;
      for (const path of unseen) {
        if (hasValue(event, segmentsOf.get(path)!, 0)) unseen.delete(path);
      }
    },
    unknownFields: () => [...unseen].sort(),
  };
}

/** True when the path has a non-null value, through objects, dotted keys and arrays. */
function hasValue(node: unknown, segments: string[], index: number): boolean {
  if (Array.isArray(node))
    return node.some((item) => hasValue(item, segments, index));
  if (typeof node !== "object" || node === null) return false;
  const record = node as Record<string, unknown>;
  for (let end = index + 1; end <= segments.length; end++) {
    const child = record[segments.slice(index, end).join(".")];
    if (child === undefined || child === null) continue;
    if (end === segments.length) return true;
    if (hasValue(child, segments, end)) return true;
  }
  return false;
}
