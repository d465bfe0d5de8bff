/**
 * Verification: runs every built rule over the events it can see, compares
 * each verdict with the expected one, and formats the result as a table or
 * as JSON. Pure: the caller reads the rules, events and expectations.
 */
import { InputError } from "../errors.js";
import type { BuiltRule } from "./embedded.js";
import type { LoadedEvent } from "./events.js";
import { type Expectations, expectedVerdict, type Verdict } from "./expect.js";

/** The verdict of one rule on one event, in the `--json` field names. */
export interface VerifyResult {
  event_id: string;
  rule: string;
  expected: Verdict | null;
  actual: Verdict;
}

/** Everything `detections verify` reports. */
export interface VerifyReport {
  /** Rule keys in run order. */
  rules: string[];
  /** Event ids in read order. */
  eventIds: string[];
  /** One result per event and rule, event by event. */
  results: VerifyResult[];
  /** Results whose expected verdict is given and differs from the actual. */
  mismatches: number;
  /** Event ids that have expected verdicts but were not among the events. */
  unreadExpectations: string[];
}

/** Returns the ids of the events on which a rule alerts. */
export type RuleRunner = (
  rule: BuiltRule,
  events: readonly LoadedEvent[],
) => ReadonlySet<string>;

/**
 * Runs the rules over the events and compares with the expectations.
 * Throws InputError when two events share an id, because verdicts are
 * keyed by event id.
 */
export function verifyRules(
  rules: readonly BuiltRule[],
  events: readonly LoadedEvent[],
  expectations: Expectations | undefined,
  runRule: RuleRunner,
): VerifyReport {
  rejectDuplicateIds(events);
  const alerts = new Map(
    rules.map((rule) => [rule.key, runRule(rule, events)]),
  );
  const results: VerifyResult[] = [];
  for (const event of events) {
    for (const rule of rules) {
      const actual: Verdict = alerts.get(rule.key)?.has(event.id)
        ? "alert"
        : "no_alert";
      const expected = expectedVerdict(expectations, event.id, rule.key);
      results.push({ event_id: event.id, rule: rule.key, expected, actual });
    }
  }
  const read = new Set(events.map((event) => event.id));
  return {
    rules: rules.map((rule) => rule.key),
    eventIds: events.map((event) => event.id),
    results,
    mismatches: results.filter(isMismatch).length,
    unreadExpectations: (expectations?.eventIds ?? []).filter(
      (id) => !read.has(id),
    ),
  };
}

/** True when an expected verdict is given and the actual one differs. */
export function isMismatch(result: VerifyResult): boolean {
  return result.expected !== null && result.expected !== result.actual;
}

function rejectDuplicateIds(events: readonly LoadedEvent[]): void {
  const seen = new Map<string, LoadedEvent>();
  for (const event of events) {
    const first = seen.get(event.id);
    if (first) {
      throw new InputError(
        `${event.file}:${event.line}: event id "${event.id}" is used again (first at ${first.file}:${first.line}). Give every event a unique event.id, because verdicts are matched by it.`,
      );
    }
    seen.set(event.id, event);
  }
}

/** Text of one table cell: the actual verdict, and the expected one if it differs. */
function cellText(result: VerifyResult): string {
  if (result.expected === null) return `${result.actual} (no expectation)`;
  if (isMismatch(result))
    return `${result.actual} (expected ${result.expected})`;
  return result.actual;
}

/**
 * Formats the report as an aligned table: one row per event, one column per
 * rule with the actual verdict, a status column (`ok`, `MISMATCH`, or `-`
 * when no verdict was expected), and a summary line.
 */
export function formatVerifyTable(report: VerifyReport): string[] {
  const header = ["event.id", ...report.rules, "status"];
  const rows = [header];
  const perEvent = report.rules.length;
  report.eventIds.forEach((id, index) => {
    const results = report.results.slice(
      index * perEvent,
      (index + 1) * perEvent,
    );
    rows.push([id, ...results.map(cellText), statusOf(results)]);
  });
  const widths = header.map((_, column) =>
    Math.max(...rows.map((row) => row[column]!.length)),
  );
  const lines = rows.map((row) =>
    row
      .map((cell, column) =>
        column === row.length - 1 ? cell : cell.padEnd(widths[column]!),
      )
      .join("  "),
  );
  lines.push("", summaryLine(report));
  return lines;
}

function statusOf(results: readonly VerifyResult[]): string {
  if (results.some(isMismatch)) return "MISMATCH";
  if (results.every((result) => result.expected === null)) return "-";
  return "ok";
}

function summaryLine(report: VerifyReport): string {
  const alerts = report.results.filter(
    (result) => result.actual === "alert",
  ).length;
  const checked = report.results.filter(
    (result) => result.expected !== null,
  ).length;
  return (
    `${count(report.eventIds.length, "event")}, ${count(report.rules.length, "rule")}: ` +
    `${count(alerts, "alert")}, ${checked} of ${report.results.length} verdicts checked, ` +
    `${count(report.mismatches, "mismatch", "mismatches")}`
  );
}

function count(
  value: number,
  singular: string,
  plural = `${singular}s`,
): string {
  return `${value} ${value === 1 ? singular : plural}`;
}

/** Formats the `--json` output: every result and the mismatch count. */
export function formatVerifyJson(report: VerifyReport): string {
  return JSON.stringify(
    { results: report.results, mismatches: report.mismatches },
    null,
    2,
  );
}
