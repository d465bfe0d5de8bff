/**
 * Turns the Sigma rules of `rules/` into the files of `kibana/`: one Kibana
 * rule body per rule, `rules.ndjson` with all of them for Kibana's rule
 * import, and the version lock. Pure: the caller reads the rule files and
 * the old lock and writes what this returns.
 */
import { DetectionsError, InputError } from "../errors.js";
import { type ConvertedRule, convertSigmaRule } from "../eql/from-sigma.js";
import { formatIssue, KibanaRuleError, type RuleIssue } from "../kibana/errors.js";
import {
  applyVersionLock,
  formatVersionLock,
  VERSION_LOCK_PATH,
  type VersionLock,
} from "../kibana/lock.js";
import { formatNdjson } from "../kibana/ndjson.js";
import { buildKibanaRule, type KibanaRule } from "../kibana/rule.js";
import { describeValue } from "../sigma/errors.js";
import type { SigmaRule, SourceLocation } from "../sigma/model.js";
import { parseSigmaRule } from "../sigma/parse.js";
import { SigmaRuleErrors } from "../sigma/rule-errors.js";
import { decodeRuleText } from "../sigma/rule-text.js";
import {
  formatPath,
  indexYamlLines,
  type PathSegment,
  type YamlLines,
} from "../sigma/yaml-lines.js";

/** One Sigma rule file as read from disk. */
export interface RuleSource {
  /**
   * File name without `.yml` or `.yaml` (and without its folder); it names
   * the output file and the verdict column.
   */
  key: string;
  /** Path shown in messages, relative to the project root. */
  file: string;
  /** The file's text, or its bytes, which are decoded as UTF-8. */
  text: string | Uint8Array;
}

/** A rule body with the key of the Sigma file it was built from. */
export interface BuiltRuleBody {
  key: string;
  body: KibanaRule;
}

/** A file to write into the output folder. */
export interface OutputFile {
  /** File name inside the output folder. */
  name: string;
  text: string;
}

/** Everything a build writes. */
export interface BuildOutput {
  rules: BuiltRuleBody[];
  lock: VersionLock;
  /** Rule bodies, then `rules.ndjson`, then the version lock. */
  files: OutputFile[];
}

/** Name of the file holding every rule, one JSON object a line. */
export const RULES_NDJSON = "rules.ndjson";
/** Name of the version lock inside the output folder. */
export const LOCK_FILE = VERSION_LOCK_PATH.slice(
  VERSION_LOCK_PATH.lastIndexOf("/") + 1,
);

/** One or more rules failed to build; the message lists every failure. */
export class RuleBuildError extends InputError {
  constructor(readonly failures: string[]) {
    super(
      `${failures.length} ${failures.length === 1 ? "rule" : "rules"} failed to build; nothing was written:\n` +
        failures
          .map((failure) => `  ${failure.replace(/\n/g, "\n  ")}`)
          .join("\n"),
    );
  }
}

/**
 * Builds every rule and applies the version lock. Converts all rules before
 * failing, so that one RuleBuildError lists each broken rule with all of
 * its problems. A rule_id used by two files and two files of the same name
 * are failures too.
 */
export function buildRuleFiles(
  sources: readonly RuleSource[],
  lock: VersionLock,
): BuildOutput {
  const failures: string[] = [...nameCollisions(sources)];
  const built: BuiltRule[] = [];
  for (const source of sources) {
    const result = buildOne(source);
    if (result.rule) built.push(result.rule);
    else failures.push(result.problems.join("\n"));
  }
  failures.push(...duplicateIds(built));
  if (failures.length > 0) throw new RuleBuildError(failures);
  const locked = applyVersionLock(
    built.map((rule) => rule.body),
    lock,
  );
  const rules = built.map((rule, index) => ({
    key: rule.key,
    body: locked.rules[index]!,
  }));
  return { rules, lock: locked.lock, files: outputFiles(rules, locked.lock) };
}

/** A built rule body with the file and line of its id. */
interface BuiltRule extends BuiltRuleBody {
  file: string;
  idLine: number | undefined;
}

function buildOne(
  source: RuleSource,
): { rule: BuiltRule; problems?: never } | { rule?: never; problems: string[] } {
  let text: string;
  let rule: SigmaRule;
  try {
    text =
      typeof source.text === "string"
        ? source.text
        : decodeRuleText(source.text, source.file);
    rule = parseSigmaRule(text, source.file);
  } catch (error) {
    if (!(error instanceof DetectionsError)) throw error;
    return { problems: [error.message] };
  }
  const problems: Array<{ line: number; message: string }> = [];
  let converted: ConvertedRule | undefined;
  try {
    converted = convertSigmaRule(rule);
  } catch (error) {
    if (!(error instanceof DetectionsError)) throw error;
    problems.push(...errorLines(error));
  }
  try {
    const body = buildKibanaRule({
      rule,
      query: converted?.text ?? UNCONVERTED_QUERY,
      index: converted?.indexPatterns ?? [],
      fields: converted?.fields ?? [],
    });
    if (problems.length === 0) {
      const idLine = rule.lines["id"];
      return { rule: { key: source.key, body, file: source.file, idLine } };
    }
  } catch (error) {
    if (!(error instanceof KibanaRuleError)) throw error;
    const lines = indexYamlLines(text);
    for (const issue of error.issues) {
      // Without a converted query, issues of query, index and fields are noise.
      if (converted === undefined && queryFields.has(bodyKeyOf(issue.path))) continue;
      problems.push(locateIssue(source.file, rule, lines, issue));
    }
  }
  problems.sort((a, b) => a.line - b.line);
  return { problems: problems.map((problem) => problem.message) };
}

/** Stands in for the query of a rule that failed to convert. */
const UNCONVERTED_QUERY = "any where false";

const queryFields = new Set(["query", "index", "required_fields"]);

function errorLines(error: DetectionsError): Array<{ line: number; message: string }> {
  const errors = error instanceof SigmaRuleErrors ? error.errors : [error];
  return errors.map((each) => ({
    line: "location" in each ? ((each.location as SourceLocation).line ?? 0) : 0,
    message: each.message,
  }));
}

/**
 * The Sigma key that each field of the Kibana rule body comes from, so that
 * a problem of the body points at the line of the rule file to change.
 */
const sigmaKeyOfBodyField: Record<string, string> = {
  rule_id: "id",
  name: "title",
  description: "description",
  level: "level",
  severity: "level",
  risk_score: "level",
  tags: "tags",
  threat: "tags",
  references: "references",
  false_positives: "falsepositives",
  author: "author",
  license: "license",
  query: "detection",
  required_fields: "detection",
  index: "logsource",
};

function bodyKeyOf(path: string): string {
  return /^[^.[]*/.exec(path)![0];
}

/** Formats a Kibana issue as `file:line: yaml.path: problem value. fix`. */
function locateIssue(
  file: string,
  rule: SigmaRule,
  lines: YamlLines,
  issue: RuleIssue,
): { line: number; message: string } {
  const bodyKey = bodyKeyOf(issue.path);
  const sigmaKey = sigmaKeyOfBodyField[bodyKey];
  if (sigmaKey === undefined) {
    return { line: 0, message: formatIssue(file, issue) };
  }
  if (rule.lines[sigmaKey] === undefined) {
    return {
      line: 1,
      message: `${file}:1: ${sigmaKey}: missing field ${sigmaKey}. ${issue.fix}`,
    };
  }
  const index = /^\w+\[(\d+)\]/.exec(issue.path);
  const path: PathSegment[] =
    index && sigmaKey === bodyKey ? [sigmaKey, Number(index[1])] : [sigmaKey];
  const line = lines.lineOf(path) ?? rule.lines[sigmaKey]!;
  const shown =
    sigmaKey === bodyKey ? formatPath(path) : `${sigmaKey} (Kibana ${issue.path})`;
  const value =
    issue.value === undefined ? "" : ` ${describeValue(issue.value)}`;
  return {
    line,
    message: `${file}:${line}: ${shown}: ${issue.problem}${value}. ${issue.fix}`,
  };
}

/** Two rule files whose names give the same key and output file. */
function nameCollisions(sources: readonly RuleSource[]): string[] {
  const firstFile = new Map<string, string>();
  const failures: string[] = [];
  for (const source of sources) {
    const other = firstFile.get(source.key);
    if (other === undefined) {
      firstFile.set(source.key, source.file);
      continue;
    }
    failures.push(
      `${source.file}: the file name ${source.key} is also the name of ${other}, ` +
        `and both would build ${source.key}.json. Rename one of the two files.`,
    );
  }
  return failures;
}

function duplicateIds(built: readonly BuiltRule[]): string[] {
  const first = new Map<string, BuiltRule>();
  const failures: string[] = [];
  for (const rule of built) {
    const other = first.get(rule.body.rule_id);
    if (other === undefined) {
      first.set(rule.body.rule_id, rule);
      continue;
    }
    failures.push(
      `${where(rule)}: id: ${rule.body.rule_id} is also the id of ${where(other)}. ` +
        "Give each rule its own UUID.",
    );
  }
  return failures;
}

function where(rule: BuiltRule): string {
  return rule.idLine === undefined ? rule.file : `${rule.file}:${rule.idLine}`;
}

function outputFiles(
  rules: readonly BuiltRuleBody[],
  lock: VersionLock,
): OutputFile[] {
  return [
    ...rules.map((rule) => ({
      name: `${rule.key}.json`,
      text: `${JSON.stringify(rule.body, null, 2)}\n`,
    })),
    { name: RULES_NDJSON, text: formatNdjson(rules.map((rule) => rule.body)) },
    { name: LOCK_FILE, text: formatVersionLock(lock) },
  ];
}
