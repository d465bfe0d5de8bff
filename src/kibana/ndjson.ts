/**
 * Reads and writes the NDJSON of Kibana's detection rule `_export` and
 * `_import`: one JSON object per line, rules first, then exception lists
 * and their items, action connectors, and the export summary last.
 * Objects keep every field and their key order, so a file read and written
 * again is byte for byte the same.
 */
import { InputError } from "../errors.js";

type JsonObject = Record<string, unknown>;

/** Counts and misses that `_export` reports on the last line. */
export interface ExportSummary extends JsonObject {
  exported_count: number;
  exported_rules_count: number;
  missing_rules: { rule_id: string }[];
  missing_rules_count: number;
}

/** One line of an export file, classified by what it describes. */
export type NdjsonObject =
  | { kind: "rule"; ruleId: string; ruleType: string; value: JsonObject }
  | { kind: "exception_list"; listId: string; value: JsonObject }
  | {
      kind: "exception_list_item";
      listId: string;
      itemId: string;
      value: JsonObject;
    }
  | { kind: "action_connector"; connectorId: string; value: JsonObject }
  | { kind: "export_summary"; value: ExportSummary };

/** A parsed export file. */
export interface NdjsonDocument {
  objects: NdjsonObject[];
  rules: JsonObject[];
  exceptionLists: JsonObject[];
  exceptionListItems: JsonObject[];
  actionConnectors: JsonObject[];
  summary?: ExportSummary;
}

/** A line of an NDJSON file that is not a Kibana export object. */
export class NdjsonError extends InputError {
  constructor(
    readonly source: string,
    readonly line: number,
    problem: string,
  ) {
    super(`${source}:${line}: ${problem}`);
  }
}

// Rule types of Kibana's detection engine (8.11 to 9.x).
const ruleTypes = new Set([
  "query",
  "saved_query",
  "eql",
  "esql",
  "threshold",
  "threat_match",
  "machine_learning",
  "new_terms",
]);

function isObject(value: unknown): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function classify(value: JsonObject): NdjsonObject | undefined {
  if (typeof value.exported_count === "number") {
    return { kind: "export_summary", value: value as ExportSummary };
  }
  if (typeof value.rule_id === "string" && ruleTypes.has(String(value.type))) {
    return {
      kind: "rule",
      ruleId: value.rule_id,
      ruleType: String(value.type),
      value,
    };
  }
  if (typeof value.list_id === "string" && typeof value.item_id === "string") {
    return {
      kind: "exception_list_item",
      listId: value.list_id,
      itemId: value.item_id,
      value,
    };
  }
  if (typeof value.list_id === "string") {
    return { kind: "exception_list", listId: value.list_id, value };
  }
  if (
    value.type === "action" &&
    typeof value.id === "string" &&
    isObject(value.attributes)
  ) {
    return { kind: "action_connector", connectorId: value.id, value };
  }
  return undefined;
}

function parseLine(text: string, source: string, line: number): NdjsonObject {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new NdjsonError(
      source,
      line,
      `invalid JSON (${(error as Error).message}). Each line must be one JSON object.`,
    );
  }
  if (!isObject(value)) {
    throw new NdjsonError(
      source,
      line,
      `expected a JSON object, got ${JSON.stringify(value)}.`,
    );
  }
  const object = classify(value);
  if (object) return object;
  const keys = Object.keys(value).slice(0, 5).join(", ");
  throw new NdjsonError(
    source,
    line,
    `unknown object with keys ${keys}. Expected a rule, exception list, exception list item, action connector or export summary.`,
  );
}

/** Parses export NDJSON; throws NdjsonError naming the source and line. */
export function parseNdjson(text: string, source: string): NdjsonDocument {
  const document: NdjsonDocument = {
    objects: [],
    rules: [],
    exceptionLists: [],
    exceptionListItems: [],
    actionConnectors: [],
  };
  const lines = text.split("\n");
  lines.forEach((raw, index) => {
    const trimmed = raw.trim();
    if (trimmed === "") return;
    const object = parseLine(trimmed, source, index + 1);
    if (document.summary) {
      throw new NdjsonError(
        source,
        index + 1,
        "found an object after the export summary, which must be the last line.",
      );
    }
    document.objects.push(object);
    addToDocument(document, object);
  });
  return document;
}

function addToDocument(document: NdjsonDocument, object: NdjsonObject): void {
  switch (object.kind) {
    case "rule":
      document.rules.push(object.value);
      return;
    case "exception_list":
      document.exceptionLists.push(object.value);
      return;
    case "exception_list_item":
      document.exceptionListItems.push(object.value);
      return;
    case "action_connector":
      document.actionConnectors.push(object.value);
      return;
    case "export_summary":
      document.summary = object.value;
      return;
  }
}

/** Writes objects as NDJSON, one compact JSON object per line. */
export function formatNdjson(objects: readonly object[]): string {
  return objects.map((object) => `${JSON.stringify(object)}\n`).join("");
}

/** Limits of one `_import` request. */
export interface ChunkLimits {
  maxObjects: number;
  maxBytes: number;
}

/**
 * Kibana's defaults: `xpack.securitySolution.maxRuleImportExportSize`
 * (10,000 objects) and `maxRuleImportPayloadBytes` (10 MiB). The byte limit
 * leaves 64 KiB for the multipart envelope.
 */
export const importLimits: ChunkLimits = {
  maxObjects: 10_000,
  maxBytes: 10 * 1024 * 1024 - 64 * 1024,
};

/**
 * Splits objects into NDJSON chunks within the limits, keeping order.
 * Throws InputError when one object alone exceeds the byte limit.
 */
export function chunkNdjson(
  objects: readonly object[],
  limits: ChunkLimits = importLimits,
): string[] {
  const chunks: string[] = [];
  let lines: string[] = [];
  let bytes = 0;
  for (const object of objects) {
    const line = `${JSON.stringify(object)}\n`;
    const size = Buffer.byteLength(line);
    if (size > limits.maxBytes) {
      const id = (object as { rule_id?: string }).rule_id ?? "(no rule_id)";
      throw new InputError(
        `rule ${id}: its NDJSON line is ${size} bytes, over the import limit of ${limits.maxBytes} bytes. Shorten the rule's query, note or setup.`,
      );
    }
    if (lines.length >= limits.maxObjects || bytes + size > limits.maxBytes) {
      chunks.push(lines.join(""));
      lines = [];
      bytes = 0;
    }
    lines.push(line);
    bytes += size;
  }
  if (lines.length > 0) chunks.push(lines.join(""));
  return chunks;
}
