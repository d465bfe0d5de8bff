import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { validateRuleBody } from "../../src/kibana/schema.js";

const valid = JSON.parse(
  readFileSync("test/fixtures/kibana/rule/expected.rule.json", "utf8"),
);

describe("validateRuleBody", () => {
  it("accepts the built rule body", () => {
    expect(validateRuleBody(valid)).toEqual([]);
  });

  it("rejects a risk score above 100", () => {
    expect(validateRuleBody({ ...valid, risk_score: 101 })).toEqual([
      {
        path: "risk_score",
        value: 101,
        problem: "must be at most 100, got",
        fix: "Use an integer from 0 to 100 (low 21, medium 47, high 73, critical 99).",
      },
    ]);
  });

  it("rejects max_signals below 1", () => {
    expect(validateRuleBody({ ...valid, max_signals: 0 })).toEqual([
      {
        path: "max_signals",
        value: 0,
        problem: "must be at least 1, got",
        fix: "Use an integer of at least 1.",
      },
    ]);
  });

  it("rejects an unknown severity", () => {
    const [issue] = validateRuleBody({ ...valid, severity: "informational" });
    expect(issue).toEqual({
      path: "severity",
      value: "informational",
      problem:
        'must be one of "low", "medium", "high", "critical", got',
      fix: "Use low, medium, high or critical.",
    });
  });

  it("rejects a misspelled field", () => {
    const { timestamp_override: value, ...rest } = valid;
    expect(validateRuleBody({ ...rest, timestamp_overide: value })).toEqual([
      {
        path: "timestamp_override",
        value: undefined,
        problem: "required field is missing",
        fix: "Name a date field such as event.ingested.",
      },
      {
        path: "timestamp_overide",
        value: "event.ingested",
        problem: "unknown field with the value",
        fix: "Remove it or fix its spelling; Kibana drops unknown fields.",
      },
    ]);
  });

  it("rejects a look-back without overlap", () => {
    expect(validateRuleBody({ ...valid, from: "now-5m" })).toEqual([
      {
        path: "from",
        value: "now-5m",
        problem:
          "look-back is not longer than the interval 5m, so events ingested late are missed:",
        fix: "Use a look-back longer than the interval, such as now-9m.",
      },
    ]);
  });

  it("rejects a malformed technique reference", () => {
    const threat = structuredClone(valid.threat);
    threat[0].technique[0].reference =
      "https://attack.mitre.org/techniques/T1047";
    const [issue] = validateRuleBody({ ...valid, threat });
    expect(issue!.path).toBe("threat[0].technique[0].reference");
    expect(issue!.fix).toBe(
      "Build threat from attack.* tags with ids and URLs from ATT&CK.",
    );
  });

  it("rejects required fields without ecs", () => {
    const [issue] = validateRuleBody({
      ...valid,
      required_fields: [{ name: "process.name", type: "keyword" }],
    });
    expect(issue!.path).toBe("required_fields[0].ecs");
  });
});
