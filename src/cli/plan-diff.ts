/**
 * Formats one field change of a plan so that the difference is visible:
 * short values in full, multi-line strings as changed lines, and other
 * long values as a window around the first differing character.
 */
import type { FieldChange } from "../kibana/plan.js";

const MAX_WIDTH = 120;
const CONTEXT = 40;

function show(value: unknown): string {
  return JSON.stringify(value) ?? "(none)";
}

/** Lines of `before` and `after` between their common first and last lines. */
function lineDiff(before: string, after: string): string[] {
  const old = before.split("\n");
  const now = after.split("\n");
  let start = 0;
  while (start < old.length && start < now.length && old[start] === now[start])
    start += 1;
  let endOld = old.length;
  let endNow = now.length;
  while (
    endOld > start &&
    endNow > start &&
    old[endOld - 1] === now[endNow - 1]
  ) {
    endOld -= 1;
    endNow -= 1;
  }
  return [
    `@@ line ${start + 1} @@`,
    ...old.slice(start, endOld).map((line) => `- ${line}`),
    ...now.slice(start, endNow).map((line) => `+ ${line}`),
  ];
}

function windowAt(text: string, index: number): string {
  const from = Math.max(0, index - CONTEXT);
  const to = Math.min(text.length, index + MAX_WIDTH - CONTEXT);
  return `${from > 0 ? "..." : ""}${text.slice(from, to)}${to < text.length ? "..." : ""}`;
}

/** Formats a change as indented lines under the plan step. */
export function formatChange(change: FieldChange): string[] {
  const { field, before, after } = change;
  if (
    typeof before === "string" &&
    typeof after === "string" &&
    (before.includes("\n") || after.includes("\n"))
  ) {
    return [
      `    ${field}:`,
      ...lineDiff(before, after).map((line) => `      ${line}`),
    ];
  }
  const old = show(before);
  const now = show(after);
  if (old.length <= MAX_WIDTH && now.length <= MAX_WIDTH)
    return [`    ${field}: ${old} -> ${now}`];
  let index = 0;
  while (index < old.length && old[index] === now[index]) index += 1;
  return [
    `    ${field} (first difference at character ${index + 1} of the JSON):`,
    `      - ${windowAt(old, index)}`,
    `      + ${windowAt(now, index)}`,
  ];
}
