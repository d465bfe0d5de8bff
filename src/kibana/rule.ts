/**
 * Builds the Kibana detection-engine rule body (type `eql`) for one Sigma
 * rule from its metadata and its converted EQL query. `kibana/<rule>.json`
 * contains the body, and deploy sends it through `_import`.
 */
import { EcsFlat } from "@elastic/ecs";
import { elasticFieldType } from "../sigma/ecs.js";
import type { SigmaRule } from "../sigma/model.js";
import { KibanaRuleError, type RuleIssue } from "./errors.js";
import {
  type DataSource,
  dataSources,
  dataSourceTitles,
  type RelatedIntegration,
  relatedIntegrations,
} from "./integrations.js";
import { ruleNote, ruleSetup } from "./guide.js";
import { validateRuleBody } from "./schema.js";
import { buildThreat, type Threat } from "./threat.js";

/** Tag that marks a rule as managed by this tool; deploy filters on it. */
export const MANAGED_TAG = "Managed: mofcomp-detections";

export type Severity = "low" | "medium" | "high" | "critical";

/** A required field in the form Kibana's import accepts in 8.11 to 9.x. */
export interface RequiredField {
  name: string;
  type: string;
  /** Kibana 8.15+ recomputes it; older `_import` rejects entries without it. */
  ecs: boolean;
}

/** A Kibana EQL rule body, in Kibana's field names. */
export interface KibanaRule {
  rule_id: string;
  name: string;
  description: string;
  type: "eql";
  language: "eql";
  query: string;
  index: string[];
  severity: Severity;
  risk_score: number;
  tags: string[];
  references: string[];
  false_positives: string[];
  author: string[];
  license: string;
  from: string;
  interval: string;
  timestamp_override: string;
  timestamp_override_fallback_disabled: boolean;
  max_signals: number;
  enabled: boolean;
  version: number;
  threat: Threat[];
  required_fields: RequiredField[];
  related_integrations: RelatedIntegration[];
  note: string;
  setup: string;
  /** Free-form metadata; deploy stores its drift hash here. */
  meta?: Record<string, unknown>;
}

/** Everything besides the Sigma rule that a rule body needs. */
export interface KibanaRuleInput {
  rule: SigmaRule;
  /** The converted EQL query text. */
  query: string;
  /** Index patterns of the supported data sources. */
  index: string[];
  /** ECS fields the query reads; their types come from `@elastic/ecs`. */
  fields: string[];
  sources?: readonly DataSource[];
  /** Defaults to 1; the version lock sets the real value. */
  version?: number;
  enabled?: boolean;
  maxSignals?: number;
  /** License when the Sigma rule names none. */
  defaultLicense?: string;
}

// Kibana's severity bands; Sigma's informational has no Kibana severity.
const severities: Record<
  NonNullable<SigmaRule["level"]>,
  [Severity, number]
> = {
  informational: ["low", 21],
  low: ["low", 21],
  medium: ["medium", 47],
  high: ["high", 73],
  critical: ["critical", 99],
};

/** Runs every 5 minutes over the last 9, so late events are not missed. */
const schedule = { from: "now-9m", interval: "5m" } as const;

function requiredFields(
  fields: string[],
  issues: RuleIssue[],
): RequiredField[] {
  const names = [...new Set(fields)].sort();
  return names.flatMap((name): RequiredField[] => {
    const ecs = (EcsFlat as Record<string, { type: string } | undefined>)[name];
    if (ecs) return [{ name, type: ecs.type, ecs: true }];
    const elastic = elasticFieldType(name);
    if (elastic) return [{ name, type: elastic, ecs: false }];
    issues.push({
      path: "required_fields",
      value: name,
      problem: "not a field of ECS 9.4:",
      fix: "Map the Sigma field to an ECS field the data sources fill.",
    });
    return [];
  });
}

function severityOf(rule: SigmaRule, issues: RuleIssue[]): [Severity, number] {
  if (rule.level) return severities[rule.level];
  issues.push({
    path: "level",
    value: undefined,
    problem: "missing Sigma level",
    fix: "Set level to informational, low, medium, high or critical.",
  });
  return ["low", 21];
}

function tagsOf(
  rule: SigmaRule,
  threat: Threat[],
  sources: readonly DataSource[],
): string[] {
  const tags = [
    MANAGED_TAG,
    ...threat.map((entry) => `Tactic: ${entry.tactic.name}`),
    ...sources.map((source) => `Data Source: ${dataSourceTitles[source]}`),
    ...rule.tags,
  ];
  return [...new Set(tags)];
}

function authorsOf(rule: SigmaRule): string[] {
  if (!rule.author) return [];
  return rule.author
    .split(",")
    .map((name) => name.trim())
    .filter(Boolean);
}

/**
 * Builds and validates the rule body. Throws KibanaRuleError listing every
 * problem (unknown ATT&CK tags, non-ECS fields, schema violations).
 */
export function buildKibanaRule(input: KibanaRuleInput): KibanaRule {
  const { rule } = input;
  const sources = input.sources ?? dataSources;
  const issues: RuleIssue[] = [];
  const { threat, issues: threatIssues } = buildThreat(rule.tags);
  issues.push(...threatIssues);
  const [severity, risk_score] = severityOf(rule, issues);
  const body: KibanaRule = {
    rule_id: rule.id,
    name: rule.title,
    description: rule.description ?? "",
    type: "eql",
    language: "eql",
    query: input.query,
    index: input.index,
    severity,
    risk_score,
    tags: tagsOf(rule, threat, sources),
    references: rule.references,
    false_positives: rule.falsepositives,
    author: authorsOf(rule),
    license: rule.license ?? input.defaultLicense ?? "Apache-2.0",
    ...schedule,
    timestamp_override: "event.ingested",
    timestamp_override_fallback_disabled: false,
    max_signals: input.maxSignals ?? 100,
    enabled: input.enabled ?? true,
    version: input.version ?? 1,
    threat,
    required_fields: requiredFields(input.fields, issues),
    related_integrations: relatedIntegrations(sources),
    note: ruleNote(rule),
    setup: ruleSetup(sources),
  };
  issues.push(...validateRuleBody(body));
  if (issues.length > 0) throw new KibanaRuleError(rule.file, issues);
  return body;
}
