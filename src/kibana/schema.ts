/**
 * Schema of the EQL rule bodies this tool sends to Kibana's rule API and
 * `_import`, after Kibana's OpenAPI rule schema (8.11 to 9.x): required
 * fields, types, enums and ranges. It is stricter than Kibana in two ways:
 * unknown keys are errors (Kibana drops them silently), and the look-back
 * must overlap the interval.
 */
import { z } from "zod";
import type { RuleIssue } from "./errors.js";

const nonEmpty = z.string().min(1);
const reference = z.object({
  id: nonEmpty,
  name: nonEmpty,
  reference: nonEmpty,
});

const threatSchema = z.strictObject({
  framework: z.literal("MITRE ATT&CK"),
  tactic: reference.extend({
    id: z.string().regex(/^TA\d{4}$/),
    reference: z
      .string()
      .regex(/^https:\/\/attack\.mitre\.org\/tactics\/TA\d{4}\/$/),
  }),
  technique: z.array(
    reference.extend({
      id: z.string().regex(/^T\d{4}$/),
      reference: z
        .string()
        .regex(/^https:\/\/attack\.mitre\.org\/techniques\/T\d{4}\/$/),
      subtechnique: z.array(
        reference.extend({
          id: z.string().regex(/^T\d{4}\.\d{3}$/),
          reference: z
            .string()
            .regex(
              /^https:\/\/attack\.mitre\.org\/techniques\/T\d{4}\/\d{3}\/$/,
            ),
        }),
      ),
    }),
  ),
});

/** Kibana's date math for `from`: `now-<number><unit>`. */
const dateMath = /^now-[1-9]\d*[smhd]$/;
/** Kibana's schedule interval: `<number><unit>`. */
const interval = /^[1-9]\d*[smhd]$/;

/** Zod schema of an EQL rule body as this tool builds it. */
export const eqlRuleSchema = z.strictObject({
  rule_id: nonEmpty.refine((id) => id !== "None"),
  name: nonEmpty,
  description: nonEmpty,
  type: z.literal("eql"),
  language: z.literal("eql"),
  query: nonEmpty,
  index: z.array(nonEmpty).min(1),
  severity: z.enum(["low", "medium", "high", "critical"]),
  risk_score: z.number().int().min(0).max(100),
  tags: z.array(nonEmpty),
  references: z.array(z.string()),
  false_positives: z.array(z.string()),
  author: z.array(z.string()),
  license: z.string(),
  from: z.string().regex(dateMath),
  interval: z.string().regex(interval),
  timestamp_override: nonEmpty,
  timestamp_override_fallback_disabled: z.boolean(),
  max_signals: z.number().int().min(1),
  enabled: z.boolean(),
  version: z.number().int().min(1),
  threat: z.array(threatSchema),
  required_fields: z.array(
    z.strictObject({ name: nonEmpty, type: nonEmpty, ecs: z.boolean() }),
  ),
  related_integrations: z.array(
    z.strictObject({
      package: nonEmpty,
      version: nonEmpty,
      integration: nonEmpty.optional(),
    }),
  ),
  note: z.string(),
  setup: z.string(),
  meta: z.record(z.string(), z.unknown()).optional(),
});

const fixes: Record<string, string> = {
  rule_id:
    "Set the Sigma rule's id to a UUID; the rule_id must never be the text None.",
  name: "Give the Sigma rule a non-empty title.",
  description:
    "Give the Sigma rule a non-empty description; Kibana requires one.",
  type: 'Use type "eql".',
  language: 'Use language "eql".',
  query: "Provide the converted EQL query.",
  index: "List at least one non-empty index pattern.",
  severity: "Use low, medium, high or critical.",
  risk_score:
    "Use an integer from 0 to 100 (low 21, medium 47, high 73, critical 99).",
  from: "Use date math such as now-9m.",
  interval: "Use a duration such as 5m.",
  timestamp_override: "Name a date field such as event.ingested.",
  max_signals: "Use an integer of at least 1.",
  enabled: "Use true or false; the tool always sends enabled.",
  version: "Use an integer of at least 1, as kept in the version lock.",
  threat: "Build threat from attack.* tags with ids and URLs from ATT&CK.",
  required_fields: "List fields as {name, type, ecs}.",
  related_integrations:
    "List integrations as {package, version, integration?}.",
};

function valueAt(body: unknown, path: PropertyKey[]): unknown {
  let value: unknown = body;
  for (const key of path) {
    if (value === null || typeof value !== "object") return undefined;
    value = (value as Record<PropertyKey, unknown>)[key];
  }
  return value;
}

function formatPath(path: PropertyKey[]): string {
  return path
    .map((key, index) =>
      typeof key === "number"
        ? `[${key}]`
        : `${index > 0 ? "." : ""}${String(key)}`,
    )
    .join("");
}

function durationSeconds(text: string): number {
  const match = /(\d+)([smhd])$/.exec(text);
  if (!match) return Number.NaN;
  const unit = { s: 1, m: 60, h: 3600, d: 86400 }[
    match[2] as "s" | "m" | "h" | "d"
  ];
  return Number(match[1]) * unit;
}

/** Checks that the look-back of `from` is longer than `interval`. */
function overlapIssue(
  body: z.infer<typeof eqlRuleSchema>,
): RuleIssue | undefined {
  const lookBack = durationSeconds(body.from);
  const every = durationSeconds(body.interval);
  if (lookBack > every) return undefined;
  return {
    path: "from",
    value: body.from,
    problem: `look-back is not longer than the interval ${body.interval}, so events ingested late are missed:`,
    fix: `Use a look-back longer than the interval, such as now-${Math.ceil((every * 1.8) / 60)}m.`,
  };
}

/**
 * Validates a rule body against the schema. Returns one issue per problem,
 * an empty list when the body is valid.
 */
export function validateRuleBody(body: unknown): RuleIssue[] {
  const result = eqlRuleSchema.safeParse(body);
  if (result.success) {
    const overlap = overlapIssue(result.data);
    return overlap ? [overlap] : [];
  }
  return result.error.issues.flatMap((issue): RuleIssue[] => {
    if (issue.code === "unrecognized_keys") {
      return issue.keys.map((key) => ({
        path: formatPath([...issue.path, key]),
        value: valueAt(body, [...issue.path, key]),
        problem: "unknown field with the value",
        fix: "Remove it or fix its spelling; Kibana drops unknown fields.",
      }));
    }
    const field = String(issue.path[0] ?? "");
    const value = valueAt(body, issue.path);
    return [
      {
        path: formatPath(issue.path) || "(body)",
        value,
        problem:
          value === undefined && issue.code === "invalid_type"
            ? "required field is missing"
            : `${describeIssue(issue)}, got`,
        fix: fixes[field] ?? "Fix the value to match Kibana's rule schema.",
      },
    ];
  });
}

/** Words a schema violation in plain terms, without the library's phrasing. */
function describeIssue(issue: z.core.$ZodIssue): string {
  switch (issue.code) {
    case "too_small":
      if (issue.origin === "string" && Number(issue.minimum) === 1) {
        return "must not be empty";
      }
      if (issue.origin === "array") {
        return `must have at least ${issue.minimum} entries`;
      }
      return `must be at least ${issue.minimum}`;
    case "too_big":
      if (issue.origin === "array") {
        return `must have at most ${issue.maximum} entries`;
      }
      if (issue.origin === "string") {
        return `must have at most ${issue.maximum} characters`;
      }
      return `must be at most ${issue.maximum}`;
    case "invalid_value":
      return `must be one of ${issue.values.map((value) => JSON.stringify(value)).join(", ")}`;
    case "invalid_type":
      return `must be of type ${issue.expected}`;
    case "invalid_format":
      return "has an invalid format";
    default:
      return "invalid value";
  }
}
