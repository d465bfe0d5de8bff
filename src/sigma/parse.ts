/**
 * Loads one Sigma rule from YAML and validates it against the Sigma rules
 * specification v2 and its JSON schema, plus one rule of this project: `id`
 * is required, because it becomes the Kibana `rule_id`.
 */
import { parseDetection, isPlainObject, locate, type RuleSource } from "./detection.js";
import { SigmaRuleError, UnsupportedFeatureError, describeValue } from "./errors.js";
import type { SigmaLogsource, SigmaRule } from "./model.js";
import { indexYamlLines } from "./yaml-lines.js";
import { loadRuleYaml } from "./yaml-load.js";
import { ErrorCollector } from "./rule-errors.js";

const statuses = ["stable", "test", "experimental", "deprecated", "unsupported"];
const levels = ["informational", "low", "medium", "high", "critical"] as const;
const relationTypes = ["derived", "obsolete", "merged", "renamed", "similar"];
const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const datePattern = /^\d{4}-(0[1-9]|1[012])-(0[1-9]|[12][0-9]|3[01])$/;
const tagPattern = /^[a-z0-9_-]+\.[a-z0-9._-]+$/;

/**
 * Parses and validates the Sigma rule in `text`, read from `file`. Throws
 * SigmaRuleError for invalid input and UnsupportedFeatureError for Sigma
 * documents that are not single detection rules.
 */
export function parseSigmaRule(text: string, file: string): SigmaRule {
  const problems = new ErrorCollector();
  const source: RuleSource = { file, lines: indexYamlLines(text), problems };
  const raw = loadRuleYaml(text, file, source.lines);
  if (!isPlainObject(raw)) {
    throw new SigmaRuleError(
      { file, line: 1, path: "(document)" },
      `invalid document ${describeValue(raw)}`,
      "A Sigma rule is a YAML map with title, id, logsource and detection",
    );
  }
  rejectOtherDocumentKinds(raw, source);
  const lines: Record<string, number> = {};
  for (const key of Object.keys(raw)) {
    const line = source.lines.lineOf([key]);
    if (line !== undefined) lines[key] = line;
  }
  // Each part is checked even when another one failed, so the error lists
  // every problem of the file.
  const check = <T>(part: () => T, fallback: T): T => problems.attempt(part, fallback);
  const rule: SigmaRule = {
    file,
    title: check(() => requiredString(raw, "title", source, 256), ""),
    id: check(() => requiredId(raw, source), ""),
    references: check(() => stringList(raw, "references", source), []),
    tags: check(() => tagList(raw, source), []),
    falsepositives: check(() => stringList(raw, "falsepositives", source, true), []),
    fields: check(() => stringList(raw, "fields", source), []),
    logsource: check(() => parseLogsource(raw["logsource"], source), {}),
    detection: check(() => parseDetection(required(raw, "detection", source), source), emptyDetection),
    lines,
  };
  assignOptionalStrings(rule, raw, source);
  check(() => checkRelated(raw["related"], source), undefined);
  problems.throwIfAny();
  return rule;
}

const emptyDetection: SigmaRule["detection"] = {
  searches: new Map(),
  condition: { kind: "quantifier", quantity: "1", pattern: "them" },
  conditionText: "",
};

function rejectOtherDocumentKinds(raw: Record<string, unknown>, source: RuleSource): void {
  const kinds: Array<[string, string]> = [
    ["correlation", "Sigma correlation rule"],
    ["filter", "Sigma filter"],
    ["action", "Sigma rule collection (action)"],
  ];
  for (const [key, feature] of kinds) {
    if (raw[key] === undefined) continue;
    throw new UnsupportedFeatureError(
      locate(source, [key]),
      feature,
      "Only single Sigma detection rules convert to EQL event queries",
    );
  }
  const taxonomy = raw["taxonomy"];
  if (taxonomy !== undefined && taxonomy !== "sigma") {
    throw new UnsupportedFeatureError(
      locate(source, ["taxonomy"]),
      `taxonomy ${describeValue(taxonomy)}`,
      "Only the default sigma taxonomy has a field mapping; rewrite the rule with Sigma field names",
    );
  }
}

function required(raw: Record<string, unknown>, key: string, source: RuleSource): unknown {
  if (raw[key] === undefined || raw[key] === null) {
    throw new SigmaRuleError(
      { file: source.file, line: 1, path: key },
      `missing required field ${key}`,
      `Add ${key} to the rule`,
    );
  }
  return raw[key];
}

function requiredString(raw: Record<string, unknown>, key: string, source: RuleSource, maxLength: number): string {
  const value = required(raw, key, source);
  checkString(value, [key], source, maxLength);
  return value as string;
}

function checkString(value: unknown, path: Array<string | number>, source: RuleSource, maxLength = Infinity): void {
  if (typeof value === "string" && value.trim() !== "" && value.length <= maxLength) return;
  const fix =
    typeof value === "string" && value.length > maxLength
      ? `Shorten it to at most ${maxLength} characters`
      : "Use a non-empty string";
  throw new SigmaRuleError(locate(source, path), `invalid value ${describeValue(value)}`, fix);
}

function requiredId(raw: Record<string, unknown>, source: RuleSource): string {
  if (raw["id"] === undefined || raw["id"] === null) {
    throw new SigmaRuleError(
      { file: source.file, line: 1, path: "id" },
      "missing required field id",
      "Add `id:` with a new random UUID (for example from `uuidgen`); Kibana uses it as the rule_id",
    );
  }
  const id = raw["id"];
  if (typeof id !== "string" || !uuidPattern.test(id)) {
    throw new SigmaRuleError(
      locate(source, ["id"]),
      `invalid value ${describeValue(id)}`,
      "Use a UUID such as 929a690e-bef0-4204-a928-ef5e620d6fcc",
    );
  }
  return id.toLowerCase();
}

function stringList(raw: Record<string, unknown>, key: string, source: RuleSource, allowString = false): string[] {
  const value = raw[key];
  if (value === undefined || value === null) return [];
  if (allowString && typeof value === "string") {
    checkString(value, [key], source);
    return [value];
  }
  if (!Array.isArray(value)) {
    throw new SigmaRuleError(locate(source, [key]), `invalid value ${describeValue(value)}`, "Use a list of strings");
  }
  value.forEach((entry, index) => checkString(entry, [key, index], source));
  return value as string[];
}

function tagList(raw: Record<string, unknown>, source: RuleSource): string[] {
  const tags = stringList(raw, "tags", source);
  tags.forEach((tag, index) => {
    if (tagPattern.test(tag)) return;
    throw new SigmaRuleError(
      locate(source, ["tags", index]),
      `invalid value ${describeValue(tag)}`,
      "Write tags as namespace.name in lower case, such as attack.t1047 or attack.execution",
    );
  });
  if (new Set(tags).size !== tags.length) {
    const repeated = tags.find((tag, index) => tags.indexOf(tag) !== index);
    throw new SigmaRuleError(
      locate(source, ["tags", tags.lastIndexOf(repeated!)]),
      `repeated tag ${describeValue(repeated)}`,
      "Remove the repeated tag",
    );
  }
  return tags;
}

function parseLogsource(raw: unknown, source: RuleSource): SigmaLogsource {
  if (raw === undefined || raw === null) {
    throw new SigmaRuleError(
      { file: source.file, line: 1, path: "logsource" },
      "missing required field logsource",
      "Add logsource with product and category, such as product: windows, category: process_creation",
    );
  }
  if (!isPlainObject(raw)) {
    throw new SigmaRuleError(locate(source, ["logsource"]), `invalid value ${describeValue(raw)}`, "Write logsource as a map");
  }
  const logsource: SigmaLogsource = {};
  for (const key of ["product", "category", "service", "definition"] as const) {
    const value = raw[key];
    if (value === undefined) continue;
    checkString(value, ["logsource", key], source);
    logsource[key] = value as string;
  }
  return logsource;
}

function assignOptionalStrings(rule: SigmaRule, raw: Record<string, unknown>, source: RuleSource): void {
  const check = (part: () => void): void => source.problems.attempt(part, undefined);
  for (const key of ["name", "description", "license", "author"] as const) {
    if (raw[key] === undefined || raw[key] === null) continue;
    check(() => {
      checkString(raw[key], [key], source, key === "description" ? 65535 : key === "name" ? 256 : Infinity);
      rule[key] = raw[key] as string;
    });
  }
  for (const key of ["date", "modified"] as const) {
    const value = raw[key];
    if (value === undefined || value === null) continue;
    check(() => {
      if (typeof value !== "string" || !isCalendarDate(value)) {
        throw new SigmaRuleError(
          locate(source, [key]),
          `invalid value ${describeValue(value)}`,
          "Write the date as YYYY-MM-DD, such as 2024-08-08",
        );
      }
      rule[key] = value;
    });
  }
  check(() => {
    const status = enumValue(raw, "status", statuses, source);
    if (status !== undefined) rule.status = status;
  });
  check(() => {
    const level = enumValue(raw, "level", levels, source) as SigmaRule["level"];
    if (level !== undefined) rule.level = level;
  });
}

function isCalendarDate(text: string): boolean {
  if (!datePattern.test(text)) return false;
  const date = new Date(`${text}T00:00:00Z`);
  return date.toISOString().startsWith(text);
}

function enumValue(
  raw: Record<string, unknown>,
  key: string,
  allowed: readonly string[],
  source: RuleSource,
): string | undefined {
  const value = raw[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value === "string" && allowed.includes(value)) return value;
  throw new SigmaRuleError(
    locate(source, [key]),
    `invalid value ${describeValue(value)}`,
    `Use one of: ${allowed.join(", ")}`,
  );
}

function checkRelated(raw: unknown, source: RuleSource): void {
  if (raw === undefined || raw === null) return;
  if (!Array.isArray(raw)) {
    throw new SigmaRuleError(locate(source, ["related"]), `invalid value ${describeValue(raw)}`, "Use a list of {id, type} maps");
  }
  raw.forEach((entry, index) => {
    const path = ["related", index];
    if (!isPlainObject(entry)) {
      throw new SigmaRuleError(locate(source, path), `invalid value ${describeValue(entry)}`, "Use a map with id and type");
    }
    if (typeof entry["id"] !== "string" || !uuidPattern.test(entry["id"])) {
      throw new SigmaRuleError(locate(source, [...path, "id"]), `invalid value ${describeValue(entry["id"])}`, "Use the UUID of the related rule");
    }
    if (typeof entry["type"] !== "string" || !relationTypes.includes(entry["type"])) {
      throw new SigmaRuleError(
        locate(source, [...path, "type"]),
        `invalid value ${describeValue(entry["type"])}`,
        `Use one of: ${relationTypes.join(", ")}`,
      );
    }
  });
}
