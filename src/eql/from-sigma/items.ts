/**
 * Conversion of one Sigma detection item: finds the ECS target of its field
 * in the logsource's field table and dispatches on the kind of mapping.
 */
import type { Expr } from "../ast.js";
import { UnsupportedFeatureError } from "../../sigma/errors.js";
import { elasticFieldType } from "../../sigma/ecs.js";
import { type FieldMapping, type FieldTableName, lookupField } from "../../sigma/fields.js";
import type { ResolvedItem, ValueMatch } from "../../sigma/modifiers.js";
import type { SourceLocation } from "../../sigma/model.js";
import { hasWildcard, plainText } from "../../sigma/sigma-string.js";
import { convertHashesItem } from "./hashes.js";
import { convertOnField } from "./typed-field.js";
import { convertUserItem } from "./user.js";

/** Converts an item of a rule whose logsource uses field table `table`. */
export function convertItem(item: ResolvedItem, table: FieldTableName): Expr {
  if (item.field === null) {
    throw new UnsupportedFeatureError(
      item.where,
      "keyword search without a field",
      "EQL compares fields, not whole events; name the field that holds the keyword",
    );
  }
  const mapping = mappingOf(item.field, table, item.where);
  switch (mapping.kind) {
    case "ecs":
      return convertOnField(mapping.field, item);
    case "user":
      return convertUserItem(item, item.field, mapping.nameField, mapping.domainField);
    case "hashes":
      return convertHashesItem(item, mapping.fields);
    case "values":
      return convertOnField(mapping.field, translateValues(item, mapping.values));
    case "registry-data":
      return convertOnField(mapping.field, translateRegistryData(item));
    case "unsupported":
      throw new UnsupportedFeatureError(item.where, mapping.reason, "Remove the field or rewrite the rule with fields ECS defines");
  }
}

function mappingOf(sigmaField: string, table: FieldTableName, where: SourceLocation): FieldMapping {
  const mapped = lookupField(table, sigmaField);
  if (mapped !== undefined) return mapped;
  if (sigmaField.includes(".") && elasticFieldType(sigmaField) !== undefined) {
    return { kind: "ecs", field: sigmaField };
  }
  throw new UnsupportedFeatureError(
    where,
    `Sigma field ${sigmaField} has no ECS mapping`,
    `The ${table} field table lacks ${sigmaField}, and it is not an ECS field name`,
  );
}

function mapGroups(item: ResolvedItem, map: (value: ValueMatch) => ValueMatch): ResolvedItem {
  return { ...item, groups: item.groups.map((group) => group.map(map)) };
}

function translateValues(item: ResolvedItem, values: Record<string, string>): ResolvedItem {
  return mapGroups(item, (value) => {
    let key: string | null = null;
    if (value.kind === "boolean") key = String(value.value);
    if (value.kind === "string" && !hasWildcard(value.value)) key = plainText(value.value).toLowerCase();
    if (key === null) return value;
    const translated = values[key];
    if (translated === undefined) {
      throw new UnsupportedFeatureError(
        item.where,
        `value ${JSON.stringify(key)} of ${item.field}`,
        `Only these values have an ECS equivalent: ${Object.keys(values).join(", ")}`,
      );
    }
    return { kind: "string", value: { parts: [{ kind: "text", text: translated }] } };
  });
}

/**
 * Sysmon writes DWORD registry data as `DWORD (0x00000001)`; Elastic's
 * Windows integration stores the decimal number as the string "1".
 */
function translateRegistryData(item: ResolvedItem): ResolvedItem {
  return mapGroups(item, (value) => {
    if (value.kind !== "string") return value;
    const text = plainText(value.value);
    const dword = /^DWORD \(0x([0-9A-Fa-f]{8})\)$/.exec(text);
    if (dword && !hasWildcard(value.value)) {
      const decimal = String(parseInt(dword[1]!, 16));
      return { kind: "string", value: { parts: [{ kind: "text", text: decimal }] } };
    }
    if (/DWORD|QWORD/.test(text)) {
      throw new UnsupportedFeatureError(
        item.where,
        "partial DWORD or QWORD registry data",
        "Elastic's Windows integration stores numeric registry data as decimal text; write the full DWORD (0x........) value",
      );
    }
    return value;
  });
}
