/**
 * Compares conformance outcomes with the known failures and formats the
 * report that `npm run conformance` prints.
 */
import { KNOWN_FAILURES } from "./known-failures.js";
import type { Outcome, Suite } from "./suite.js";

export interface SuiteSummary {
  file: string;
  passed: number;
  failed: Outcome[];
  skipped: Suite["skipped"];
}

/** Key of a query in the known-failures list. */
export function failureKey(outcome: Pick<Outcome, "file" | "name">): string {
  return `${outcome.file}: ${outcome.name}`;
}

/** Outcomes that disagree with the known-failures list. */
export function unexpectedOutcomes(outcomes: Outcome[]): {
  newFailures: Outcome[];
  fixedFailures: Outcome[];
} {
  const byKey = new Map<string, Outcome[]>();
  for (const outcome of outcomes) {
    const key = failureKey(outcome);
    byKey.set(key, [...(byKey.get(key) ?? []), outcome]);
  }
  const newFailures: Outcome[] = [];
  const fixedFailures: Outcome[] = [];
  for (const [key, group] of byKey) {
    const known = key in KNOWN_FAILURES;
    const failing = group.filter((outcome) => !outcome.passed);
    if (!known) newFailures.push(...failing);
    else if (failing.length === 0) fixedFailures.push(group[0]!);
  }
  return { newFailures, fixedFailures };
}

export function formatReport(
  summaries: SuiteSummary[],
  outcomes: Outcome[],
): string[] {
  const lines: string[] = [];
  for (const summary of summaries) {
    const total = summary.passed + summary.failed.length;
    const skipped =
      summary.skipped.length > 0 ? `, ${summary.skipped.length} skipped` : "";
    lines.push(
      `${summary.file}: ${summary.passed}/${total} passed, ` +
        `${summary.failed.length} failed${skipped}`,
    );
    for (const failure of summary.failed) {
      const known = KNOWN_FAILURES[failureKey(failure)];
      const label = known ? `known: ${known}` : "NEW FAILURE";
      lines.push(`  FAIL ${failure.name} (${label})`);
      lines.push(`       ${failure.detail}`);
    }
  }
  const { newFailures, fixedFailures } = unexpectedOutcomes(outcomes);
  lines.push(
    `${newFailures.length} unexpected failures, ` +
      `${fixedFailures.length} known failures now passing`,
  );
  for (const fixed of fixedFailures) {
    lines.push(
      `  PASSES NOW, remove from known failures: ${failureKey(fixed)}`,
    );
  }
  return lines;
}
