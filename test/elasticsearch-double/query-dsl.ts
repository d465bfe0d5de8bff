/**
 * The part of Elasticsearch's query DSL that the harness sends, evaluated
 * on one document: `bool` (filter, must, should with minimum_should_match,
 * must_not), `range` on dates (gte, lte, gt, lt), `term`, `terms`, `exists`
 * and `match_all`. A field matches when any of its values matches, as for
 * array fields in Elasticsearch.
 */
export type Doc = Record<string, unknown>;

/** Returns the values at a dotted path, reading nested objects and flat dotted keys. */
export function valuesAt(document: Doc, path: string): unknown[] {
  if (Object.hasOwn(document, path)) return flatten(document[path]);
  const segments = path.split(".");
  for (let split = 1; split < segments.length; split += 1) {
    const head = segments.slice(0, split).join(".");
    const value = document[head];
    if (typeof value === "object" && value !== null && !Array.isArray(value)) {
      const found = valuesAt(value as Doc, segments.slice(split).join("."));
      if (found.length > 0) return found;
    }
  }
  return [];
}

function flatten(value: unknown): unknown[] {
  if (value === undefined || value === null) return [];
  return Array.isArray(value) ? value.flatMap(flatten) : [value];
}

/** Returns whether the document matches the query; a missing query matches all. */
export function matchesQuery(query: unknown, document: Doc): boolean {
  if (query === undefined || query === null) return true;
  const [kind, spec] =
    Object.entries(query as Record<string, unknown>)[0] ?? [];
  switch (kind) {
    case "match_all":
      return true;
    case "bool":
      return matchesBool(spec as Record<string, unknown>, document);
    case "range":
      return matchesRange(
        spec as Record<string, Record<string, unknown>>,
        document,
      );
    case "term": {
      const [field, value] =
        Object.entries(spec as Record<string, unknown>)[0] ?? [];
      const wanted =
        typeof value === "object" && value !== null
          ? (value as { value: unknown }).value
          : value;
      return valuesAt(document, field ?? "").some(
        (actual) => actual === wanted,
      );
    }
    case "terms": {
      const [field, values] =
        Object.entries(spec as Record<string, unknown[]>)[0] ?? [];
      return valuesAt(document, field ?? "").some((actual) =>
        (values ?? []).includes(actual),
      );
    }
    case "exists":
      return (
        valuesAt(document, String((spec as { field: string }).field)).length > 0
      );
    default:
      throw new Error(
        `the Elasticsearch double does not evaluate "${kind}" queries`,
      );
  }
}

function asList(value: unknown): unknown[] {
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}

function matchesBool(spec: Record<string, unknown>, document: Doc): boolean {
  const required = [...asList(spec.filter), ...asList(spec.must)];
  if (!required.every((query) => matchesQuery(query, document))) return false;
  if (asList(spec.must_not).some((query) => matchesQuery(query, document)))
    return false;
  const should = asList(spec.should);
  if (should.length === 0) return true;
  const minimum = Number(
    spec.minimum_should_match ?? (required.length === 0 ? 1 : 0),
  );
  return (
    should.filter((query) => matchesQuery(query, document)).length >= minimum
  );
}

function matchesRange(
  spec: Record<string, Record<string, unknown>>,
  document: Doc,
): boolean {
  const [field, bounds] = Object.entries(spec)[0] ?? [];
  const values = valuesAt(document, field ?? "").map((value) =>
    Date.parse(String(value)),
  );
  const bound = (key: string): number | undefined =>
    bounds?.[key] === undefined ? undefined : Date.parse(String(bounds[key]));
  const [gte, lte, gt, lt] = ["gte", "lte", "gt", "lt"].map(bound);
  return values.some(
    (time) =>
      !Number.isNaN(time) &&
      (gte === undefined || time >= gte) &&
      (lte === undefined || time <= lte) &&
      (gt === undefined || time > gt) &&
      (lt === undefined || time < lt),
  );
}
