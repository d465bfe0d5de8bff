/**
 * Rule storage of the Kibana API test double, one store per space. It
 * follows Kibana's documented behaviour: server fields (id, revision,
 * timestamps) are set by the server, `revision` rises on every change of
 * the rule's parameters, `version` is never raised by the server, unknown
 * fields are dropped, and `_import` reports per-rule errors.
 */
import { randomUUID } from "node:crypto";

export type StoredRule = Record<string, unknown> & {
  id: string;
  rule_id: string;
  revision: number;
};

/** Fields Kibana keeps from a request body (8.11 to 9.x, EQL and query rules). */
const acceptedFields = new Set([
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
  "to",
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
  "meta",
  "actions",
  "exceptions_list",
  "risk_score_mapping",
  "severity_mapping",
  "filters",
  "building_block_type",
  "rule_name_override",
  "timeline_id",
  "timeline_title",
  "alert_suppression",
  "investigation_fields",
  "event_category_override",
  "tiebreaker_field",
  "timestamp_field",
  "data_view_id",
  "namespace",
  "output_index",
]);

/** Fields whose change does not raise `revision` (Kibana: enabled and meta-like state). */
const nonParamFields = new Set([
  "enabled",
  "meta",
  "updated_at",
  "updated_by",
  "revision",
]);

export class ValidationError extends Error {}

function validate(
  body: Record<string, unknown>,
  requireVersion: boolean,
): void {
  const missing = [
    "name",
    "description",
    "risk_score",
    "severity",
    "type",
  ].filter((field) => body[field] === undefined);
  if (requireVersion && body.version === undefined) missing.push("version");
  if (missing.length > 0)
    throw new ValidationError(
      missing.map((field) => `${field}: Required`).join(", "),
    );
  if (
    typeof body.risk_score !== "number" ||
    body.risk_score < 0 ||
    body.risk_score > 100
  ) {
    throw new ValidationError(
      "risk_score: Number must be less than or equal to 100",
    );
  }
  if (!["low", "medium", "high", "critical"].includes(String(body.severity))) {
    throw new ValidationError(
      `severity: Invalid enum value. Expected 'low' | 'medium' | 'high' | 'critical', received '${String(body.severity)}'`,
    );
  }
  if (
    body.type === "eql" &&
    (typeof body.query !== "string" || body.language !== "eql")
  ) {
    throw new ValidationError(
      'query: Required, language: Invalid literal value, expected "eql"',
    );
  }
  for (const field of (body.required_fields as
    | Record<string, unknown>[]
    | undefined) ?? []) {
    if (typeof field.name !== "string" || typeof field.type !== "string") {
      throw new ValidationError("required_fields: Expected name and type");
    }
  }
}

function pickAccepted(body: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(body).filter(([key]) => acceptedFields.has(key)),
  );
}

function paramsChanged(
  before: Record<string, unknown>,
  after: Record<string, unknown>,
): boolean {
  const keys = new Set([...Object.keys(before), ...Object.keys(after)]);
  return [...keys].some(
    (key) =>
      !nonParamFields.has(key) &&
      JSON.stringify(before[key]) !== JSON.stringify(after[key]),
  );
}

export class RuleStore {
  private readonly rules = new Map<string, StoredRule>();
  private clock = Date.parse("2025-01-01T00:00:00Z");

  constructor(private readonly majorVersion: number) {}

  private now(): string {
    this.clock += 1000;
    return new Date(this.clock).toISOString();
  }

  all(): StoredRule[] {
    return [...this.rules.values()];
  }

  get(ruleId: string): StoredRule | undefined {
    return this.rules.get(ruleId);
  }

  /** Returns the rule as Kibana's API returns it. */
  toResponse(rule: StoredRule): Record<string, unknown> {
    const fields =
      (rule.required_fields as { name: string; type: string }[] | undefined) ??
      [];
    return {
      ...rule,
      required_fields: fields.map(({ name, type }) => ({
        name,
        type,
        ecs: true,
      })),
    };
  }

  private defaults(
    body: Record<string, unknown>,
    enabledDefault: boolean,
  ): Record<string, unknown> {
    return {
      to: "now",
      actions: [],
      exceptions_list: [],
      risk_score_mapping: [],
      severity_mapping: [],
      output_index: "",
      tags: [],
      references: [],
      false_positives: [],
      author: [],
      threat: [],
      related_integrations: [],
      required_fields: [],
      setup: "",
      max_signals: 100,
      interval: "5m",
      from: "now-6m",
      version: 1,
      ...pickAccepted(body),
      enabled: body.enabled ?? enabledDefault,
    };
  }

  /** POST /api/detection_engine/rules: 409 when the rule_id exists. */
  create(body: Record<string, unknown>): StoredRule {
    validate(body, false);
    const ruleId =
      typeof body.rule_id === "string" ? body.rule_id : randomUUID();
    if (this.rules.has(ruleId))
      throw new ConflictError(`rule_id: "${ruleId}" already exists`);
    const time = this.now();
    const rule: StoredRule = {
      ...this.defaults(body, true),
      rule_id: ruleId,
      id: randomUUID(),
      created_at: time,
      updated_at: time,
      created_by: "elastic",
      updated_by: "elastic",
      revision: 0,
      immutable: false,
      rule_source: { type: "internal" },
    };
    this.rules.set(ruleId, rule);
    return rule;
  }

  /** PATCH by rule_id: merges fields, raises revision on parameter changes. */
  patch(ruleId: string, fields: Record<string, unknown>): StoredRule {
    const existing = this.rules.get(ruleId);
    if (!existing) throw new NotFoundError(`rule_id: "${ruleId}" not found`);
    const next = { ...existing, ...pickAccepted(fields) } as StoredRule;
    next.rule_id = ruleId;
    if (paramsChanged(existing, next)) next.revision = existing.revision + 1;
    next.updated_at = this.now();
    this.rules.set(ruleId, next);
    return next;
  }

  /** Imports one rule; Kibana 9 creates imported rules disabled unless `enabled` is sent. */
  importRule(body: Record<string, unknown>, overwrite: boolean): void {
    validate(body, true);
    const ruleId = String(body.rule_id);
    const existing = this.rules.get(ruleId);
    const enabledDefault = this.majorVersion < 9;
    if (existing && !overwrite) {
      throw new ConflictError(
        this.majorVersion >= 9
          ? "Rule with this rule_id already exists"
          : `rule_id: "${ruleId}" already exists`,
      );
    }
    if (!existing) {
      this.create({ ...body, enabled: body.enabled ?? enabledDefault });
      return;
    }
    // Overwrite replaces the rule's fields; id, creation and revision stay server-side.
    const next: StoredRule = {
      ...this.defaults(body, enabledDefault),
      rule_id: ruleId,
      id: existing.id,
      created_at: existing.created_at,
      created_by: existing.created_by,
      updated_at: this.now(),
      updated_by: "elastic",
      revision: existing.revision,
      immutable: false,
      rule_source: { type: "internal" },
    };
    if (paramsChanged(existing, next)) next.revision = existing.revision + 1;
    this.rules.set(ruleId, next);
  }

  /** Deletes by object id; returns false when no rule has that id. */
  deleteById(id: string): boolean {
    for (const [ruleId, rule] of this.rules) {
      if (rule.id === id) return this.rules.delete(ruleId);
    }
    return false;
  }
}

export class ConflictError extends Error {}
export class NotFoundError extends Error {}
