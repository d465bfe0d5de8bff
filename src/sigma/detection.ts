/**
 * The `detection` section: search identifiers (maps, lists of maps, keyword
 * lists) and the condition that combines them.
 */
import { parseCondition, quoteCondition } from "./condition.js";
import { SigmaRuleError, UnsupportedFeatureError, describeValue } from "./errors.js";
import type {
  SigmaCondition,
  SigmaDetection,
  SigmaDetectionItem,
  SigmaSearch,
  SigmaValue,
  SourceLocation,
} from "./model.js";
import { resolveItem } from "./modifiers.js";
import { type PathSegment, type YamlLines, formatPath } from "./yaml-lines.js";
import { YamlNumber } from "./yaml-load.js";
import type { ErrorCollector } from "./rule-errors.js";

/** Context for locating values of one rule file. */
export interface RuleSource {
  file: string;
  lines: YamlLines;
  /** Errors of parts that failed; parsing goes on with the other parts. */
  problems: ErrorCollector;
}

/** Builds the location of the YAML node at `path`. */
export function locate(source: RuleSource, path: readonly PathSegment[]): SourceLocation {
  const line = source.lines.lineOf(path);
  const location: SourceLocation = { file: source.file, path: formatPath(path) };
  if (line !== undefined) location.line = line;
  return location;
}

/** Validates `detection` and parses its searches and condition. */
export function parseDetection(raw: unknown, source: RuleSource): SigmaDetection {
  const where = locate(source, ["detection"]);
  if (!isPlainObject(raw)) {
    throw new SigmaRuleError(
      where,
      `invalid value ${describeValue(raw)}`,
      "Write detection as a map of search identifiers plus a condition",
    );
  }
  if (raw["timeframe"] !== undefined) {
    throw new UnsupportedFeatureError(
      locate(source, ["detection", "timeframe"]),
      "timeframe",
      "EQL event queries have no time window; remove timeframe or write a Sigma correlation rule",
    );
  }
  const searches = new Map<string, SigmaSearch>();
  const names: string[] = [];
  for (const [name, value] of Object.entries(raw)) {
    if (name === "condition") continue;
    names.push(name);
    source.problems.attempt(() => {
      checkIdentifier(name, source);
      searches.set(name, parseSearch(value, ["detection", name], source));
    }, undefined);
  }
  const { condition, text } = parseConditions(raw["condition"], source);
  checkReferences(condition, names, text, locate(source, ["detection", "condition"]));
  return { searches, condition, conditionText: text };
}

function checkIdentifier(name: string, source: RuleSource): void {
  if (/^[A-Za-z0-9_.-]+$/.test(name) && !/^(and|or|not|of|them|all|any|1)$/i.test(name)) {
    return;
  }
  throw new SigmaRuleError(
    locate(source, ["detection", name]),
    `invalid search identifier "${name}"`,
    "Name search identifiers with letters, digits, `_`, `.` or `-`, and not with a condition keyword",
  );
}

function parseConditions(raw: unknown, source: RuleSource): { condition: SigmaCondition; text: string } {
  const where = locate(source, ["detection", "condition"]);
  if (raw === undefined) {
    throw new SigmaRuleError(
      locate(source, ["detection"]),
      "missing required field condition",
      "Add a condition such as `condition: selection`",
    );
  }
  const texts = Array.isArray(raw) ? raw : [raw];
  if (texts.length === 0 || texts.some((text) => typeof text !== "string")) {
    throw new SigmaRuleError(
      where,
      `invalid value ${describeValue(raw)}`,
      "Write the condition as a string, or a list of strings joined by OR",
    );
  }
  const parsed = (texts as string[]).map((text, index) =>
    parseCondition(text, Array.isArray(raw) ? locate(source, ["detection", "condition", index]) : where),
  );
  if (parsed.length === 1) return { condition: parsed[0]!, text: texts[0] as string };
  return {
    condition: { kind: "or", operands: parsed },
    text: (texts as string[]).map((text) => `(${text})`).join(" or "),
  };
}

function parseSearch(raw: unknown, path: PathSegment[], source: RuleSource): SigmaSearch {
  const where = locate(source, path);
  if (isPlainObject(raw)) {
    const items = parseMap(raw, path, source);
    const keywords = items.every((item) => item.field === null);
    if (keywords && items.length > 0) return { kind: "keywords", items, where };
    return { kind: "maps", alternatives: [items], where };
  }
  if (Array.isArray(raw) && raw.length > 0) {
    if (raw.every(isPlainObject)) {
      const alternatives = raw.map((entry, index) =>
        parseMap(entry as Record<string, unknown>, [...path, index], source),
      );
      return { kind: "maps", alternatives, where };
    }
    if (raw.every((entry) => !isPlainObject(entry) && !Array.isArray(entry))) {
      const item: SigmaDetectionItem = {
        field: null,
        modifiers: [],
        values: raw.map((value, index) => toSigmaValue(value, [...path, index], source)),
        matchAll: false,
        where,
      };
      return { kind: "keywords", items: [item], where };
    }
  }
  if (typeof raw === "string" || raw instanceof YamlNumber) {
    const item: SigmaDetectionItem = {
      field: null,
      modifiers: [],
      values: [toSigmaValue(raw, path, source)],
      matchAll: false,
      where,
    };
    return { kind: "keywords", items: [item], where };
  }
  throw new SigmaRuleError(
    where,
    `invalid search ${describeValue(raw)}`,
    "Write a search as a map of fields to values, a list of such maps, or a list of keywords",
  );
}

function parseMap(raw: Record<string, unknown>, path: PathSegment[], source: RuleSource): SigmaDetectionItem[] {
  const entries = Object.entries(raw);
  if (entries.length === 0) {
    throw new SigmaRuleError(
      locate(source, path),
      "empty map",
      "Give the search at least one `Field: value` item",
    );
  }
  return entries.flatMap(([key, value]) =>
    source.problems.attempt(() => [parseItem(key, value, [...path, key], source)], []),
  );
}

function parseItem(key: string, raw: unknown, path: PathSegment[], source: RuleSource): SigmaDetectionItem {
  const where = locate(source, path);
  const [field = "", ...modifiers] = key.split("|");
  if (key === "<<") {
    throw new SigmaRuleError(
      where,
      "YAML merge keys (<<) are not supported",
      "Write the merged fields out in this map",
    );
  }
  if (field === "" && key !== "" && !key.startsWith("|")) {
    throw new SigmaRuleError(where, `invalid field name "${key}"`, "Write the item as Field|modifier: value");
  }
  if (field !== "" && !/^[A-Za-z0-9_.@-]+$/.test(field)) {
    throw new SigmaRuleError(
      where,
      `invalid field name "${field}"`,
      "Use letters, digits, `_`, `.`, `-` or `@` in field names, and `|` only before modifiers",
    );
  }
  if (modifiers.some((name) => name === "")) {
    throw new SigmaRuleError(where, `empty modifier in "${key}"`, "Remove the doubled `|`");
  }
  const rawValues = Array.isArray(raw) ? raw : [raw];
  if (rawValues.length === 0) {
    throw new SigmaRuleError(where, "empty value list", "Give at least one value, or null to match a missing field");
  }
  const values = rawValues.map((value, index) =>
    toSigmaValue(value, Array.isArray(raw) ? [...path, index] : path, source),
  );
  const item: SigmaDetectionItem = {
    field: field === "" ? null : field,
    modifiers,
    values,
    matchAll: modifiers.includes("all"),
    where,
  };
  // Applying the modifiers once checks the chain and every value now, so
  // a rule with an invalid item fails at load time, not at conversion.
  resolveItem(item);
  return item;
}

function toSigmaValue(raw: unknown, path: PathSegment[], source: RuleSource): SigmaValue {
  if (typeof raw === "string") return { kind: "string", text: raw };
  if (raw instanceof YamlNumber) return numberValue(raw, path, source);
  if (typeof raw === "boolean") return { kind: "boolean", value: raw };
  if (raw === null) return { kind: "null" };
  if (Array.isArray(raw)) {
    throw new SigmaRuleError(
      locate(source, path),
      `invalid value: nested list ${describeValue(raw)}`,
      "Write the values as one flat list",
    );
  }
  throw new SigmaRuleError(
    locate(source, path),
    `invalid value ${describeValue(raw)}`,
    "Use a string, a number, a boolean or null",
  );
}

function numberValue(raw: YamlNumber, path: PathSegment[], source: RuleSource): SigmaValue {
  if (Number.isFinite(raw.value)) {
    return { kind: "number", value: raw.value, text: raw.text };
  }
  const meaning = Number.isNaN(raw.value) ? "not a number (NaN)" : "infinity";
  throw new SigmaRuleError(
    locate(source, path),
    `invalid value ${raw.text}: YAML reads it as ${meaning}`,
    `Quote it ('${raw.text}') to match the text, or use a finite number`,
  );
}

function checkReferences(
  condition: SigmaCondition,
  names: string[],
  text: string,
  where: SourceLocation,
): void {
  switch (condition.kind) {
    case "ref":
      if (!names.includes(condition.name)) {
        throw new SigmaRuleError(
          where,
          `condition ${quoteCondition(text)} names the undefined search identifier "${condition.name}"`,
          names.length === 0
            ? `Define ${condition.name} under detection`
            : `Define ${condition.name} under detection, or use one of: ${names.join(", ")}`,
        );
      }
      return;
    case "quantifier":
      if (matchSearchNames(condition.pattern, names).length === 0) {
        throw new SigmaRuleError(
          where,
          `condition ${quoteCondition(text)}: the pattern "${condition.pattern}" matches no search identifier`,
          "Fix the pattern or define a matching search identifier",
        );
      }
      return;
    case "not":
      checkReferences(condition.operand, names, text, where);
      return;
    case "and":
    case "or":
      for (const operand of condition.operands) checkReferences(operand, names, text, where);
      return;
  }
}

/**
 * Names a quantifier covers, in definition order. `them` covers every search
 * identifier except those starting with `_`; a pattern's `*` matches any run
 * of characters.
 */
export function matchSearchNames(pattern: string, names: string[]): string[] {
  if (pattern === "them") return names.filter((name) => !name.startsWith("_"));
  const escaped = pattern.replace(/[.+?^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*");
  const regex = new RegExp(`^${escaped}$`);
  return names.filter((name) => regex.test(name));
}

/** True for a YAML mapping (not a list, null or scalar). */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return (
    typeof value === "object" &&
    value !== null &&
    !Array.isArray(value) &&
    !(value instanceof YamlNumber)
  );
}
