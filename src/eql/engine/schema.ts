/**
 * Field types for the engine, as an Elasticsearch index would have them:
 * from an index mapping, from the ECS field catalogue, or inferred from
 * values the way dynamic mapping does.
 */
import { EcsFlat } from "@elastic/ecs";
import type { Scalar } from "./values.js";

/** Kind of values a field has, which decides coercion and comparison. */
export type ValueType =
  | "string"
  | "integer"
  | "float"
  | "date"
  | "boolean"
  | "ip"
  | "object"
  | "unknown";

export interface FieldInfo {
  /** Dotted path of the values in `_source`; differs from the name for aliases. */
  sourcePath: string;
  /** Mapping type, such as `keyword`, `text`, `long` or `date`. */
  mappingType: string;
  valueType: ValueType;
  /**
   * False for a text field without a keyword sub-field: Elasticsearch EQL
   * cannot compare such a field exactly and rejects the query.
   */
  exact: boolean;
  /** Strings longer than this are not indexed, so queries do not see them. */
  ignoreAbove?: number;
  /** Value indexed in place of an explicit JSON null (`null_value`). */
  nullValue?: Scalar;
}

export interface Schema {
  lookup(path: string): FieldInfo | undefined;
  /**
   * True when the schema lists every field of the data, as an index mapping
   * does after all events are indexed. A query that names a field outside
   * a closed schema is rejected, as Elasticsearch rejects unknown fields.
   */
  readonly closed: boolean;
  /** Type that a string of an unlisted field gets from dynamic mapping. */
  readonly dynamicStrings: DynamicStrings;
}

/**
 * `text-keyword`: Elasticsearch's default dynamic mapping, a text field
 * with a `keyword` sub-field that ignores strings over 256 characters.
 * `keyword`: the ECS dynamic templates of Elastic's data streams.
 */
export type DynamicStrings = "text-keyword" | "keyword";

const VALUE_TYPES: Record<string, ValueType> = {
  keyword: "string",
  constant_keyword: "string",
  wildcard: "string",
  version: "string",
  text: "string",
  match_only_text: "string",
  long: "integer",
  integer: "integer",
  short: "integer",
  byte: "integer",
  unsigned_long: "integer",
  double: "float",
  float: "float",
  half_float: "float",
  scaled_float: "float",
  date: "date",
  date_nanos: "date",
  boolean: "boolean",
  ip: "ip",
};

/** Placeholder in Elasticsearch's test mappings for keyword or wildcard. */
const RANDOM_KEYWORD_TYPE = "[runtime_random_keyword_type]";

const DYNAMIC_KEYWORD_IGNORE_ABOVE = 256;

/** Returns how the engine treats values of a mapping type. */
export function valueTypeOf(mappingType: string): ValueType {
  return VALUE_TYPES[mappingType] ?? "object";
}

function isTextType(mappingType: string): boolean {
  return mappingType === "text" || mappingType === "match_only_text";
}

class MapSchema implements Schema {
  constructor(
    readonly fields: Map<string, FieldInfo>,
    readonly closed: boolean,
    readonly dynamicStrings: DynamicStrings,
  ) {}

  lookup(path: string): FieldInfo | undefined {
    return this.fields.get(path);
  }
}

interface MappingNode {
  type?: string;
  path?: string;
  properties?: Record<string, MappingNode>;
  fields?: Record<string, MappingNode>;
  ignore_above?: number;
  null_value?: Scalar;
}

/**
 * Builds a schema from an Elasticsearch index mapping: the body of
 * `PUT index` (`{"mappings": {...}}`), of `GET index/_mapping`, or the
 * `{"properties": {...}}` object alone. Pass the events when all of them
 * are known, so that unmapped fields get types as dynamic mapping would give
 * them and the schema becomes closed.
 */
export function schemaFromMapping(
  mapping: unknown,
  events?: Iterable<unknown>,
): Schema {
  const properties = findProperties(mapping);
  const fields = new Map<string, FieldInfo>();
  addProperties(fields, properties, "");
  resolveAliases(fields, properties, "");
  if (events === undefined) return new MapSchema(fields, false, "text-keyword");
  for (const event of events) addDynamicFields(fields, event, "");
  return new MapSchema(fields, true, "text-keyword");
}

function findProperties(mapping: unknown): Record<string, MappingNode> {
  if (typeof mapping !== "object" || mapping === null) return {};
  const record = mapping as Record<string, unknown>;
  if (isObject(record.properties)) {
    return record.properties as Record<string, MappingNode>;
  }
  if (isObject(record.mappings)) return findProperties(record.mappings);
  const values = Object.values(record);
  if (values.length === 1 && isObject(values[0])) {
    return findProperties(values[0]);
  }
  return {};
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function addProperties(
  fields: Map<string, FieldInfo>,
  properties: Record<string, MappingNode>,
  prefix: string,
): void {
  for (const [name, node] of Object.entries(properties)) {
    const path = prefix + name;
    if (node.properties) {
      fields.set(path, objectField(path));
      addProperties(fields, node.properties, `${path}.`);
      continue;
    }
    if (node.type === "alias") continue;
    fields.set(path, fieldFromNode(path, node));
    for (const [subName, sub] of Object.entries(node.fields ?? {})) {
      fields.set(`${path}.${subName}`, {
        ...fieldFromNode(path, sub),
        sourcePath: path,
      });
    }
  }
}

function fieldFromNode(path: string, node: MappingNode): FieldInfo {
  const mappingType =
    node.type === RANDOM_KEYWORD_TYPE ? "keyword" : (node.type ?? "object");
  const info: FieldInfo = {
    sourcePath: path,
    mappingType,
    valueType: valueTypeOf(mappingType),
    exact: !isTextType(mappingType),
  };
  if (node.ignore_above !== undefined) info.ignoreAbove = node.ignore_above;
  if (node.null_value !== undefined) info.nullValue = node.null_value;
  if (isTextType(mappingType)) {
    const keyword = Object.values(node.fields ?? {}).find(
      (sub) => sub.type === "keyword",
    );
    if (keyword) {
      info.exact = true;
      if (keyword.ignore_above !== undefined) {
        info.ignoreAbove = keyword.ignore_above;
      }
    }
  }
  return info;
}

function objectField(path: string): FieldInfo {
  return {
    sourcePath: path,
    mappingType: "object",
    valueType: "object",
    exact: false,
  };
}

function resolveAliases(
  fields: Map<string, FieldInfo>,
  properties: Record<string, MappingNode>,
  prefix: string,
): void {
  for (const [name, node] of Object.entries(properties)) {
    const path = prefix + name;
    if (node.properties) resolveAliases(fields, node.properties, `${path}.`);
    if (node.type !== "alias" || node.path === undefined) continue;
    const target = fields.get(node.path);
    if (target) fields.set(path, target);
  }
}

/** Adds unmapped fields of one event, typed as dynamic mapping types them. */
function addDynamicFields(
  fields: Map<string, FieldInfo>,
  value: unknown,
  prefix: string,
): void {
  if (Array.isArray(value)) {
    for (const item of value) addDynamicFields(fields, item, prefix);
    return;
  }
  if (isObject(value)) {
    if (prefix !== "" && !fields.has(prefix.slice(0, -1))) {
      fields.set(prefix.slice(0, -1), objectField(prefix.slice(0, -1)));
    }
    for (const [key, child] of Object.entries(value)) {
      addDynamicFields(fields, child, `${prefix}${key}.`);
    }
    return;
  }
  const path = prefix.slice(0, -1);
  if (value === null || value === undefined || fields.has(path)) return;
  fields.set(path, dynamicField(path, value as Scalar));
}

function dynamicField(path: string, value: Scalar): FieldInfo {
  if (typeof value === "boolean") return typed(path, "boolean");
  if (typeof value === "number") {
    return typed(path, Number.isInteger(value) ? "long" : "float");
  }
  if (looksLikeDate(value)) return typed(path, "date");
  const info = typed(path, "text");
  info.exact = true;
  info.ignoreAbove = DYNAMIC_KEYWORD_IGNORE_ABOVE;
  return info;
}

function typed(path: string, mappingType: string): FieldInfo {
  return {
    sourcePath: path,
    mappingType,
    valueType: valueTypeOf(mappingType),
    exact: !isTextType(mappingType),
  };
}

/** Dynamic date detection: `strict_date_optional_time` or `yyyy/MM/dd`. */
function looksLikeDate(text: string): boolean {
  return (
    /^\d{4}-\d{2}-\d{2}(T\d{2}(:\d{2}(:\d{2}(\.\d{1,9})?)?)?(Z|[+-]\d{2}:?\d{2})?)?$/.test(
      text,
    ) || /^\d{4}\/\d{2}\/\d{2}( \d{2}:\d{2}:\d{2})?( [+-]\d{4})?$/.test(text)
  );
}

interface EcsEntry {
  type: string;
  ignore_above?: number;
  multi_fields?: { flat_name: string; type: string }[];
}

let ecsSchemaInstance: Schema | undefined;

/**
 * Returns the schema of the ECS field catalogue (`@elastic/ecs`). It is open:
 * fields outside ECS get types from their values at run time.
 */
export function ecsSchema(): Schema {
  if (ecsSchemaInstance) return ecsSchemaInstance;
  const fields = new Map<string, FieldInfo>();
  const entries = EcsFlat as unknown as Record<string, EcsEntry>;
  for (const [path, entry] of Object.entries(entries)) {
    const info = typed(path, entry.type);
    if (entry.ignore_above !== undefined) info.ignoreAbove = entry.ignore_above;
    fields.set(path, info);
    for (const multi of entry.multi_fields ?? []) {
      fields.set(multi.flat_name, { ...typed(path, multi.type) });
    }
  }
  ecsSchemaInstance = new MapSchema(fields, false, "keyword");
  return ecsSchemaInstance;
}
