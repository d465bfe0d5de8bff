/**
 * Validates the rule bodies that `detections build` wrote, all files at
 * once, before plan or deploy sends a request. Pure: file texts in, rules
 * or one error listing every problem out.
 */
import { EqlSyntaxError } from "../eql/errors.js";
import { parseEql } from "../eql/parser.js";
import { describeJsonError } from "./json-error.js";
import { formatIssue, type RuleIssue } from "./errors.js";
import { MANAGED_TAG, type KibanaRule } from "./rule.js";
import { validateRuleBody } from "./schema.js";
import { InputError } from "../errors.js";

/** One built rule file as read from disk. */
export interface BuiltRuleFile {
  file: string;
  text: string;
}

/** Every problem found in the built rules, one line each. */
export class BuiltRulesError extends InputError {
  constructor(readonly problems: string[]) {
    const count = problems.length;
    super(
      [
        `${count} problem${count === 1 ? "" : "s"} in the built rules; nothing was sent to Kibana:`,
        ...problems.map((line) => `  ${line}`),
        "Fix the Sigma rules and rebuild with detections build.",
      ].join("\n"),
    );
  }
}

function extraIssues(rule: KibanaRule): RuleIssue[] {
  const issues: RuleIssue[] = [];
  if (!rule.tags.includes(MANAGED_TAG)) {
    issues.push({
      path: "tags",
      value: MANAGED_TAG,
      problem: "missing the managed tag",
      fix: "deploy reads back, updates and prunes only rules with this tag; rebuild with detections build, which adds it",
    });
  }
  try {
    parseEql(rule.query);
  } catch (error) {
    if (!(error instanceof EqlSyntaxError)) throw error;
    issues.push({
      path: "query",
      value: undefined,
      problem: `invalid EQL at ${error.message}`,
      fix: "Kibana would reject it; fix the Sigma rule and rebuild",
    });
  }
  return issues;
}

/** Formats one issue; a value that is long or structured is left out. */
function formatBuiltIssue(file: string, issue: RuleIssue): string {
  const valueText = JSON.stringify(issue.value);
  if (
    issue.value !== undefined &&
    valueText !== undefined &&
    valueText.length <= 80
  )
    return formatIssue(file, issue);
  return `${file}: ${issue.path}: ${issue.problem.replace(/, got$/, "")}. ${issue.fix}`;
}

function checkFile(
  entry: BuiltRuleFile,
  problems: string[],
): KibanaRule | undefined {
  let body: unknown;
  try {
    body = JSON.parse(entry.text);
  } catch {
    problems.push(
      `${entry.file}: ${describeJsonError(entry.text)}. Rebuild with detections build.`,
    );
    return undefined;
  }
  const issues = validateRuleBody(body);
  if (issues.length === 0) issues.push(...extraIssues(body as KibanaRule));
  for (const issue of issues)
    problems.push(formatBuiltIssue(entry.file, issue));
  return issues.length === 0 ? (body as KibanaRule) : undefined;
}

/**
 * Validates every file: JSON syntax, the rule schema, the managed tag, the
 * EQL syntax of the query, and rule_ids unique across files. Returns the
 * rules in file order; throws BuiltRulesError listing every problem.
 */
export function validateBuiltRules(files: BuiltRuleFile[]): KibanaRule[] {
  const problems: string[] = [];
  const rules: KibanaRule[] = [];
  const fileOf = new Map<string, string>();
  for (const entry of files) {
    const rule = checkFile(entry, problems);
    if (!rule) continue;
    const first = fileOf.get(rule.rule_id);
    if (first) {
      problems.push(
        `${entry.file}: rule_id ${rule.rule_id} is also the rule_id of ${first}. Give each Sigma rule its own id and rebuild.`,
      );
      continue;
    }
    fileOf.set(rule.rule_id, entry.file);
    rules.push(rule);
  }
  if (problems.length > 0) throw new BuiltRulesError(problems);
  return rules;
}
