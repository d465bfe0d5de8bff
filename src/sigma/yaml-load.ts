/**
 * Loads the YAML text of one rule. The schema is js-yaml's core schema, but
 * integers and floats keep the text they were written as, because Sigma
 * compares most fields as strings: `FileVersion: 10.10` must search for
 * "10.10", not for the number 10.1 printed back as "10.1".
 */
import yaml from "js-yaml";
import { SigmaRuleError } from "./errors.js";
import { formatPath, type YamlLines } from "./yaml-lines.js";

/** A YAML integer or float, with the text it was written as. */
export class YamlNumber {
  constructor(
    readonly value: number,
    readonly text: string,
  ) {}

  /** Serializes as the number, so nested values print in messages. */
  toJSON(): number {
    return this.value;
  }
}

/**
 * Maximum number of values that YAML aliases may expand to. Nine aliases of
 * nine aliases seven levels deep make millions of values from a few lines.
 */
export const MAX_ALIAS_EXPANSION = 1_000_000;

const INT_TAG = "tag:yaml.org,2002:int";
const FLOAT_TAG = "tag:yaml.org,2002:float";

/** Wraps js-yaml's own int or float type so that it keeps the source text. */
function keepingText(tag: string): yaml.Type {
  const schema = yaml.CORE_SCHEMA as unknown as {
    implicit: Array<yaml.Type & { tag: string }>;
  };
  const implicit = schema.implicit;
  const original = implicit.find((type) => type.tag === tag);
  if (original === undefined) throw new Error(`js-yaml has no type ${tag}`);
  return new yaml.Type(tag, {
    kind: "scalar",
    resolve: (data: string) => original.resolve(data),
    construct: (data: string) => new YamlNumber(original.construct(data), data),
    instanceOf: YamlNumber,
  });
}

// CORE_SCHEMA keeps dates such as 2024-01-31 as strings. Extending it with
// types of the same tags replaces its int and float types.
const ruleSchema = yaml.CORE_SCHEMA.extend({
  implicit: [keepingText(INT_TAG), keepingText(FLOAT_TAG)],
});

/**
 * Parses `text` as one YAML document. Numbers under `detection` stay
 * YamlNumber values, and numbers elsewhere become plain numbers. Throws
 * SigmaRuleError for invalid YAML, an empty file, several documents and
 * aliases that expand past MAX_ALIAS_EXPANSION values.
 */
export function loadRuleYaml(
  text: string,
  file: string,
  lines: YamlLines,
): unknown {
  let raw: unknown;
  try {
    raw = yaml.load(text, { schema: ruleSchema, filename: file });
  } catch (error) {
    if (!(error instanceof yaml.YAMLException)) throw error;
    throw yamlError(error, text, file, lines);
  }
  if (raw === undefined || raw === null) {
    const empty = text.trim() === "";
    throw new SigmaRuleError(
      { file, line: 1, path: "(document)" },
      empty ? "the file is empty" : "the file contains no YAML document",
      "A Sigma rule is a YAML map with title, id, logsource and detection",
    );
  }
  const resolver = new NumberResolver(file);
  if (typeof raw !== "object" || Array.isArray(raw)) {
    return resolver.resolve(raw, false);
  }
  const document: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(raw)) {
    document[key] = resolver.resolve(value, key === "detection");
  }
  return document;
}

function yamlError(
  error: yaml.YAMLException,
  text: string,
  file: string,
  lines: YamlLines,
): SigmaRuleError {
  const line = error.mark ? error.mark.line + 1 : undefined;
  if (error.reason.startsWith("expected a single document")) {
    return new SigmaRuleError(
      { file, line: secondDocumentLine(text), path: "(document)" },
      "the file contains more than one YAML document",
      "Put each rule in its own file. Sigma rule collections " +
        "(action: global) are not supported",
      { cause: error },
    );
  }
  if (error.reason === "duplicated mapping key" && line !== undefined) {
    const path = lines.pathAt(line);
    if (path !== undefined) {
      const key = path[path.length - 1];
      return new SigmaRuleError(
        { file, line, path: formatPath(path) },
        `duplicate key ${JSON.stringify(key)}`,
        "Remove one of the two keys, or merge their values",
        { cause: error },
      );
    }
  }
  return new SigmaRuleError(
    { file, path: "(document)", ...(line === undefined ? {} : { line }) },
    `invalid YAML: ${error.reason}`,
    "Fix the YAML syntax at that line",
    { cause: error },
  );
}

/** Line of the `---` that starts the second document, or 1. */
function secondDocumentLine(text: string): number {
  const rows = text.split(/\r?\n/);
  let content = false;
  for (let index = 0; index < rows.length; index++) {
    const row = rows[index]!;
    if (/^---(\s|$)/.test(row) && content) return index + 1;
    if (row.trim() !== "" && !row.trimStart().startsWith("#")) {
      content ||= !/^---(\s|$)/.test(row);
    }
  }
  return 1;
}

/**
 * Copies the loaded tree, turning YamlNumber values outside `detection`
 * into numbers, and counts the values it visits so that an alias bomb
 * stops at MAX_ALIAS_EXPANSION instead of exhausting memory.
 */
class NumberResolver {
  private visited = 0;
  private readonly seen = new Set<object>();
  private aliased = false;

  constructor(private readonly file: string) {}

  /** Copies `value`. With `keepNumbers`, YamlNumber values stay as they are. */
  resolve(value: unknown, keepNumbers: boolean): unknown {
    this.count(value);
    if (value instanceof YamlNumber) return keepNumbers ? value : value.value;
    if (Array.isArray(value)) {
      return value.map((entry) => this.resolve(entry, keepNumbers));
    }
    if (typeof value !== "object" || value === null) return value;
    const copy: Record<string, unknown> = {};
    for (const [key, entry] of Object.entries(value)) {
      copy[key] = this.resolve(entry, keepNumbers);
    }
    return copy;
  }

  private count(value: unknown): void {
    this.visited++;
    if (typeof value === "object" && value !== null) {
      if (this.seen.has(value)) this.aliased = true;
      this.seen.add(value);
    }
    if (this.visited <= MAX_ALIAS_EXPANSION || !this.aliased) return;
    throw new SigmaRuleError(
      { file: this.file, line: 1, path: "(document)" },
      `YAML aliases expand to more than ${MAX_ALIAS_EXPANSION} values`,
      "Write the values out instead of repeating them through aliases (*name)",
    );
  }
}
