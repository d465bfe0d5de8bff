/**
 * Compares the built rules with the managed rules in Kibana and plans the
 * deploy. Pure: values in, values out.
 *
 * Drift detection: every body this tool sends carries, in `meta`, the
 * SHA-256 of its comparable content. Kibana keeps `meta` on `_import` and
 * API updates, and replaces it when a user saves the rule in the UI. A
 * managed rule whose current content no longer hashes to the recorded
 * value was changed in Kibana since the last deploy.
 */
import { createHash } from "node:crypto";
import type { RemoteRule } from "./api.js";
import { MANAGED_TAG, type KibanaRule } from "./rule.js";
import { sortKeys } from "./sort-keys.js";

/** Key in a rule's `meta` that contains this tool's deploy record. */
export const META_KEY = "mofcomp_detections";

/** One changed field: the value in Kibana and the value to deploy. */
export interface FieldChange {
  field: string;
  before: unknown;
  after: unknown;
}

export type PlanStep =
  | { action: "create"; ruleId: string; name: string; rule: KibanaRule }
  | {
      action: "update";
      ruleId: string;
      name: string;
      rule: KibanaRule;
      remoteId: string;
      changes: FieldChange[];
    }
  | { action: "unchanged"; ruleId: string; name: string }
  | {
      action: "drift";
      ruleId: string;
      name: string;
      rule: KibanaRule;
      remoteId: string;
      /** Differences between Kibana's copy and the built rule. */
      changes: FieldChange[];
      /** True with --force: the drifted rule is overwritten. */
      overwrite: boolean;
    }
  | {
      action: "delete";
      ruleId: string;
      name: string;
      remoteId: string;
      /** True when the rule was changed in Kibana since the last deploy. */
      drifted: boolean;
    }
  | {
      /** A managed rule gone from the rules folder that the deploy keeps. */
      action: "orphan";
      ruleId: string;
      name: string;
      remoteId: string;
      /** True when the rule was changed in Kibana since the last deploy. */
      drifted: boolean;
    };

export interface DeployPlan {
  steps: PlanStep[];
}

export interface PlanOptions {
  /** Delete managed rules that are gone from `kibana/`. */
  prune: boolean;
  /** Overwrite managed rules changed in Kibana since the last deploy. */
  force: boolean;
}

// Fields Kibana adds or users edit that the tool does not send, with
// Kibana's default. A value other than the default would be lost on
// overwrite, so it counts as a change.
const unmanagedDefaults: Record<string, unknown> = {
  to: "now",
  actions: [],
  exceptions_list: [],
  risk_score_mapping: [],
  severity_mapping: [],
  filters: [],
  response_actions: [],
  output_index: "",
  throttle: "no_actions",
  building_block_type: undefined,
  rule_name_override: undefined,
  timeline_id: undefined,
  timeline_title: undefined,
  alert_suppression: undefined,
  investigation_fields: undefined,
  event_category_override: undefined,
  tiebreaker_field: undefined,
  timestamp_field: undefined,
  data_view_id: undefined,
  namespace: undefined,
};

const managedFields: readonly string[] = [
  "rule_id",
  "name",
  "description",
  "type",
  "language",
  "query",
  "index",
  "severity",
  "risk_score",
  "tags",
  "references",
  "false_positives",
  "author",
  "license",
  "from",
  "interval",
  "timestamp_override",
  "timestamp_override_fallback_disabled",
  "max_signals",
  "enabled",
  "version",
  "threat",
  "required_fields",
  "related_integrations",
  "note",
  "setup",
];

function isEqual(a: unknown, b: unknown): boolean {
  return JSON.stringify(sortKeys(a)) === JSON.stringify(sortKeys(b));
}

/**
 * Returns the fields of a rule that deploy compares: the managed fields,
 * plus unmanaged fields whose value differs from Kibana's default.
 * `required_fields[].ecs` is left out because Kibana 8.15+ recomputes it.
 */
export function comparableRule(
  rule: Record<string, unknown>,
): Record<string, unknown> {
  const result: Record<string, unknown> = {};
  for (const field of managedFields) {
    if (rule[field] !== undefined) result[field] = rule[field];
  }
  if (Array.isArray(rule.required_fields)) {
    result.required_fields = rule.required_fields.map((entry) => {
      const { ecs: _ecs, ...rest } = entry as Record<string, unknown>;
      return rest;
    });
  }
  for (const [field, fallback] of Object.entries(unmanagedDefaults)) {
    const value = rule[field];
    if (value !== undefined && value !== null && !isEqual(value, fallback))
      result[field] = value;
  }
  return result;
}

/** Returns the SHA-256 of the comparable content of a rule. */
export function deployHash(rule: Record<string, unknown>): string {
  return createHash("sha256")
    .update(JSON.stringify(sortKeys(comparableRule(rule))))
    .digest("hex");
}

/** Returns the hash recorded in a remote rule's meta, if any. */
export function recordedHash(rule: RemoteRule): string | undefined {
  const record = rule.meta?.[META_KEY] as
    { deployed_sha256?: unknown } | undefined;
  return typeof record?.deployed_sha256 === "string"
    ? record.deployed_sha256
    : undefined;
}

/** Returns the body to send: the rule with its deploy hash in meta. */
export function bodyToDeploy(rule: KibanaRule): KibanaRule {
  const meta = {
    ...(rule.meta ?? {}),
    [META_KEY]: { deployed_sha256: deployHash(rule as never) },
  };
  return { ...rule, meta };
}

/** Lists the fields that differ, in a stable order. */
export function diffRules(
  remote: Record<string, unknown>,
  local: Record<string, unknown>,
): FieldChange[] {
  const before = comparableRule(remote);
  const after = comparableRule(local);
  const fields = [
    ...new Set([...Object.keys(after), ...Object.keys(before)]),
  ].sort();
  return fields
    .filter((field) => !isEqual(before[field], after[field]))
    .map((field) => ({ field, before: before[field], after: after[field] }));
}

function planRule(
  rule: KibanaRule,
  remote: RemoteRule | undefined,
  options: PlanOptions,
): PlanStep {
  const base = { ruleId: rule.rule_id, name: rule.name };
  if (!remote) return { action: "create", ...base, rule };
  const changes = diffRules(remote, rule as never);
  const recorded = recordedHash(remote);
  const untouched = recorded === deployHash(remote);
  if (changes.length === 0) {
    // Same content but no valid record: rewrite once so drift can be seen later.
    if (untouched) return { action: "unchanged", ...base };
    return {
      action: "update",
      ...base,
      rule,
      remoteId: remote.id,
      changes: [
        { field: "meta", before: remote.meta, after: "(deploy record)" },
      ],
    };
  }
  if (untouched)
    return { action: "update", ...base, rule, remoteId: remote.id, changes };
  return {
    action: "drift",
    ...base,
    rule,
    remoteId: remote.id,
    changes,
    overwrite: options.force,
  };
}

/**
 * Plans the deploy of `local` against the managed rules read from Kibana.
 * Remote rules without the managed tag must not be passed in.
 */
export function planDeploy(
  local: readonly KibanaRule[],
  remote: readonly RemoteRule[],
  options: PlanOptions,
): DeployPlan {
  const remoteById = new Map(remote.map((rule) => [rule.rule_id, rule]));
  const localIds = new Set(local.map((rule) => rule.rule_id));
  const steps: PlanStep[] = local.map((rule) =>
    planRule(rule, remoteById.get(rule.rule_id), options),
  );
  for (const rule of remote) {
    if (localIds.has(rule.rule_id) || !(rule.tags ?? []).includes(MANAGED_TAG))
      continue;
    const drifted = recordedHash(rule) !== deployHash(rule);
    const base = {
      ruleId: rule.rule_id,
      name: rule.name,
      remoteId: rule.id,
      drifted,
    };
    // Deleting an edited rule loses more than overwriting it, so it also needs --force.
    const remove = options.prune && (!drifted || options.force);
    steps.push(
      remove ? { action: "delete", ...base } : { action: "orphan", ...base },
    );
  }
  return { steps };
}

/** A built rule whose version is lower than the version in Kibana. */
export interface VersionRegression {
  ruleId: string;
  local: number;
  remote: number;
}

/** Lists the built rules whose version is lower than Kibana's copy. */
export function findVersionRegressions(
  local: readonly KibanaRule[],
  remote: readonly RemoteRule[],
): VersionRegression[] {
  const remoteById = new Map(remote.map((rule) => [rule.rule_id, rule]));
  return local.flatMap((rule) => {
    const version = remoteById.get(rule.rule_id)?.version;
    return typeof version === "number" && version > rule.version
      ? [{ ruleId: rule.rule_id, local: rule.version, remote: version }]
      : [];
  });
}

/**
 * True when the step is a rule changed in Kibana that the deploy leaves
 * alone: a drifted update without --force, or with --prune a drifted
 * delete without --force.
 */
export function isDriftLeftAlone(step: PlanStep, prune: boolean): boolean {
  if (step.action === "drift") return !step.overwrite;
  return prune && step.action === "orphan" && step.drifted;
}

/** True when the plan writes anything to Kibana. */
export function planWrites(plan: DeployPlan): boolean {
  return plan.steps.some(
    (step) =>
      step.action === "create" ||
      step.action === "update" ||
      step.action === "delete" ||
      (step.action === "drift" && step.overwrite),
  );
}
