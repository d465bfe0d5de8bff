/**
 * Markdown for a rule's investigation guide (`note`) and setup guide
 * (`setup`), which Kibana shows on the rule and alert pages.
 */
import type { SigmaRule } from "../sigma/model.js";
import { type DataSource, dataSourceTitles } from "./integrations.js";

function bullets(items: string[], empty: string): string {
  if (items.length === 0) return `- ${empty}`;
  return items.map((item) => `- ${item}`).join("\n");
}

/** Builds the investigation guide from the Sigma rule's own text. */
export function ruleNote(rule: SigmaRule): string {
  const logsource = Object.entries(rule.logsource)
    .map(([key, value]) => `${key}: ${value}`)
    .join(", ");
  return [
    `## Triage and analysis`,
    ``,
    `### ${rule.title}`,
    ``,
    rule.description ?? "",
    ``,
    `### Possible false positives`,
    ``,
    bullets(rule.falsepositives, "None listed in the Sigma rule."),
    ``,
    `### References`,
    ``,
    bullets(rule.references, "None listed in the Sigma rule."),
    ``,
    `### Source`,
    ``,
    `Converted from the Sigma rule \`${rule.id}\` (logsource ${logsource || "not set"}).`,
    ``,
  ].join("\n");
}

/** Builds the setup guide: which integrations feed the rule and how. */
export function ruleSetup(sources: readonly DataSource[]): string {
  const lines = sources.map((source) => `- ${dataSourceTitles[source]}`);
  return [
    `## Setup`,
    ``,
    `The rule reads Windows process start events from these integrations:`,
    ``,
    ...lines,
    ``,
    `The rule queries on \`event.ingested\`, which the integrations' ingest`,
    `pipelines set, so events that arrive late are still searched.`,
    ``,
  ].join("\n");
}
