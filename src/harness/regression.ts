/**
 * Regression cases: a Sigma rule, the real events it was written for, and
 * how many of those events it must match. The checks are pure; the caller
 * loads the files and supplies a matcher built from the converted rule.
 */
import yaml from "js-yaml";
import { InputError } from "../errors.js";
import type { EcsDocument } from "./winlog.js";

/** The rule id and expected match count from a case's `info.yml`. */
export interface RegressionInfo {
  ruleId: string;
  /** Exact number of events the rule must match, or null for "at least one". */
  matchCount: number | null;
}

/** One rule with its events, ready to check. */
export interface RegressionCase {
  /** Name of the case, the rule file's base name in SigmaHQ. */
  name: string;
  ruleId: string;
  matchCount: number | null;
  events: EcsDocument[];
}

/** Decides whether a converted rule matches one event. */
export type EventMatcher = (event: EcsDocument) => boolean;

/** The outcome of running a rule on its own events. */
export interface CaseResult {
  name: string;
  /** `match_count`, or null when any positive number of matches passes. */
  expected: number | null;
  matched: number;
  passed: boolean;
}

/** A rule that matches events of another case. */
export interface CrossMatch {
  /** Case whose rule matched. */
  rule: string;
  /** Case whose events it matched. */
  events: string;
  matched: number;
}

/**
 * Reads a regression `info.yml`: the rule's id from `rule_metadata` and the
 * `match_count` of its single test entry. Throws InputError naming the file
 * and the key when the document does not have that shape.
 */
export function readRegressionInfo(text: string, file: string): RegressionInfo {
  const fail = (key: string, problem: string): never => {
    throw new InputError(`${file}: ${key}: ${problem}`);
  };
  let document: unknown;
  try {
    document = yaml.load(text);
  } catch (error) {
    throw new InputError(`${file}: invalid YAML: ${(error as Error).message}`, {
      cause: error,
    });
  }
  const root = asRecord(document) ?? fail("(document)", "expected a mapping.");
  const metadata = Array.isArray(root.rule_metadata) ? root.rule_metadata : [];
  const ruleId = asRecord(metadata[0])?.id;
  if (typeof ruleId !== "string" || ruleId === "") {
    return fail(
      "rule_metadata[0].id",
      "missing; it names the rule under test.",
    );
  }
  const tests = Array.isArray(root.regression_tests_info)
    ? root.regression_tests_info
    : [];
  if (tests.length !== 1) {
    return fail(
      "regression_tests_info",
      `expected exactly one test entry, got ${tests.length}.`,
    );
  }
  const matchCount = asRecord(tests[0])?.match_count;
  if (matchCount === undefined || matchCount === null) {
    return { ruleId, matchCount: null };
  }
  if (
    typeof matchCount !== "number" ||
    !Number.isInteger(matchCount) ||
    matchCount < 0
  ) {
    return fail(
      "regression_tests_info[0].match_count",
      `expected a non-negative integer, got ${JSON.stringify(matchCount)}.`,
    );
  }
  return { ruleId, matchCount };
}

/**
 * Runs a rule on its own events. It passes with exactly `matchCount`
 * matches, or with at least one when the case gives no count.
 */
export function checkRegressionCase(
  regressionCase: RegressionCase,
  matcher: EventMatcher,
): CaseResult {
  const matched = regressionCase.events.filter(matcher).length;
  const expected = regressionCase.matchCount;
  const passed = expected === null ? matched > 0 : matched === expected;
  return { name: regressionCase.name, expected, matched, passed };
}

/**
 * Runs every rule on the events of every other case and returns each pair
 * where it matched at least one event, sorted by rule and then events.
 */
export function findCrossMatches(
  cases: RegressionCase[],
  matchers: ReadonlyMap<string, EventMatcher>,
): CrossMatch[] {
  const matches: CrossMatch[] = [];
  for (const [rule, matcher] of [...matchers].sort(byKey)) {
    for (const other of cases) {
      if (other.name === rule) continue;
      const matched = other.events.filter(matcher).length;
      if (matched > 0) matches.push({ rule, events: other.name, matched });
    }
  }
  return matches.sort(
    (left, right) =>
      left.rule.localeCompare(right.rule) ||
      left.events.localeCompare(right.events),
  );
}

function byKey<T>(left: [string, T], right: [string, T]): number {
  return left[0].localeCompare(right[0]);
}

function asRecord(value: unknown): Record<string, unknown> | undefined {
  return typeof value === "object" && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}
