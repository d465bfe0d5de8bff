/**
 * Files of `detections synthesize`: the events as NDJSON, and their expected
 * verdicts as a TSV in the format `detections verify --expect` reads.
 */
import type { SynthesisResult } from "../synthesize.js";

/** Formats the events as NDJSON, one document a line. */
export function formatEventsNdjson(result: SynthesisResult): string {
  return result.events
    .map((event) => `${JSON.stringify(event.document)}\n`)
    .join("");
}

/**
 * Formats the expected verdicts: a header with `event.id`, one column per
 * rule key and a `why` column, then one row per event. Tabs and line breaks
 * in descriptions become spaces, so every row stays one TSV line.
 */
export function formatVerdictsTsv(
  result: SynthesisResult,
  ruleKeys: readonly string[],
): string {
  const header = ["event.id", ...ruleKeys, "why"].join("\t");
  const rows = result.events.map((event) => {
    const verdicts = ruleKeys.map((key) => event.verdicts[key] ?? "no_alert");
    const kind = event.kind === "match" ? "match" : "near-miss";
    const why = `${kind} for ${event.rule}: ${event.description}`.replace(
      /[\t\r\n]+/g,
      " ",
    );
    return [event.id, ...verdicts, why].join("\t");
  });
  return `${[header, ...rows].join("\n")}\n`;
}
