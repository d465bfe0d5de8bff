/**
 * Turns the Sigma rules of `rules/` into the files of `kibana/`: one Kibana
 * rule body per rule, `rules.ndjson` with all of them for Kibana's rule
 * import, and the version lock. Pure: the caller reads the rule files and
 * the old lock and writes what this returns.
 */
import { DetectionsError, InputError } from "../errors.js";
import { convertSigmaRule } from "../eql/from-sigma.js";
import {
  applyVersionLock,
  formatVersionLock,
  VERSION_LOCK_PATH,
  type VersionLock,
} from "../kibana/lock.js";
import { formatNdjson } from "../kibana/ndjson.js";
import { buildKibanaRule, type KibanaRule } from "../kibana/rule.js";
import { parseSigmaRule } from "../sigma/parse.js";
import { decodeRuleText } from "../sigma/rule-text.js";

/** One Sigma rule file as read from disk. */
export interface RuleSource {
  /** File name without `.yml`; it names the output file and verdict column. */
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
 * failing, so that one RuleBuildError lists each broken rule; a rule_id
 * used by two files is a failure too.
 */
export function buildRuleFiles(
  sources: readonly RuleSource[],
  lock: VersionLock,
): BuildOutput {
  const failures: string[] = [];
  const built: BuiltRuleBody[] = [];
  for (const source of sources) {
    try {
      built.push({ key: source.key, body: buildOne(source) });
    } catch (error) {
      if (!(error instanceof DetectionsError)) throw error;
      failures.push(error.message);
    }
  }
  failures.push(...duplicateIds(built, sources));
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

function buildOne(source: RuleSource): KibanaRule {
  const text =
    typeof source.text === "string"
      ? source.text
      : decodeRuleText(source.text, source.file);
  const rule = parseSigmaRule(text, source.file);
  const converted = convertSigmaRule(rule);
  return buildKibanaRule({
    rule,
    query: converted.text,
    index: converted.indexPatterns,
    fields: converted.fields,
  });
}

function duplicateIds(
  built: readonly BuiltRuleBody[],
  sources: readonly RuleSource[],
): string[] {
  const fileOf = new Map(sources.map((source) => [source.key, source.file]));
  const firstKey = new Map<string, string>();
  const failures: string[] = [];
  for (const { key, body } of built) {
    const other = firstKey.get(body.rule_id);
    if (other === undefined) {
      firstKey.set(body.rule_id, key);
      continue;
    }
    failures.push(
      `${fileOf.get(key)}: id ${body.rule_id} is also the id of ${fileOf.get(other)}. Give each rule its own UUID.`,
    );
  }
  return failures;
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
