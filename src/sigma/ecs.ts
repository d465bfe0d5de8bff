/**
 * Field types from Elastic's field catalogue (`@elastic/ecs` 9.4), used to
 * check that a converted query names real ECS fields and can search them.
 */
import { EcsFlat } from "@elastic/ecs";

/** Class of a field by the EQL operators its Elasticsearch type accepts. */
export type FieldClass = "string" | "number" | "ip" | "boolean" | "date" | "text" | "other";

interface EcsEntry {
  type: string;
  multi_fields?: Array<{ flat_name: string; type: string }>;
}

const types = new Map<string, string>();
for (const [name, entry] of Object.entries(EcsFlat as Record<string, EcsEntry>)) {
  types.set(name, entry.type);
  for (const multi of entry.multi_fields ?? []) types.set(multi.flat_name, multi.type);
}

/**
 * Fields outside ECS that Elastic's own integrations write, with their
 * Elasticsearch types. Each one is listed only after checking the
 * integration's field definitions, and a query may use it like an ECS field.
 */
const elasticFields: ReadonlyMap<string, string> = new Map([
  // Elastic Defend maps it as keyword in its process events ("system",
  // "high", "medium", "low", "untrusted"). Elastic's CrowdStrike FDR pipeline
  // writes the same field in upper case (UNTRUSTED, LOW, MEDIUM, MEDIUM_PLUS,
  // HIGH, SYSTEM, PROTECTED).
  ["process.Ext.token.integrity_level_name", "keyword"],
]);

/** Returns the Elasticsearch type of an ECS field, or undefined. */
export function ecsFieldType(name: string): string | undefined {
  return types.get(name);
}

/**
 * Returns the Elasticsearch type of an ECS field or of a non-ECS field that
 * Elastic's integrations write, or undefined for any other name.
 */
export function elasticFieldType(name: string): string | undefined {
  return types.get(name) ?? elasticFields.get(name);
}

/** Classifies an Elasticsearch field type by the EQL operators it accepts. */
export function classifyFieldType(type: string): FieldClass {
  switch (type) {
    case "keyword":
    case "constant_keyword":
    case "wildcard":
      return "string";
    case "long":
    case "integer":
    case "short":
    case "byte":
    case "double":
    case "float":
    case "half_float":
    case "scaled_float":
    case "unsigned_long":
      return "number";
    case "ip":
      return "ip";
    case "boolean":
      return "boolean";
    case "date":
    case "date_nanos":
      return "date";
    case "text":
    case "match_only_text":
      return "text";
    default:
      return "other";
  }
}
