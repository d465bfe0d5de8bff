import { describe, expect, it } from "vitest";
import {
  BuiltRulesError,
  validateBuiltRules,
} from "../../src/kibana/built-rules.js";
import { MANAGED_TAG } from "../../src/kibana/rule.js";
import { kibanaRule } from "./rule-fixture.js";

function file(name: string, body: unknown): { file: string; text: string } {
  return { file: name, text: JSON.stringify(body, null, 2) };
}

function problems(files: { file: string; text: string }[]): string[] {
  try {
    validateBuiltRules(files);
  } catch (error) {
    expect(error).toBeInstanceOf(BuiltRulesError);
    return (error as BuiltRulesError).problems;
  }
  throw new Error("expected the built rules to be rejected");
}

describe("validateBuiltRules", () => {
  it("returns valid rules in order", () => {
    const rules = validateBuiltRules([
      file("a.json", kibanaRule(1)),
      file("b.json", kibanaRule(2)),
    ]);
    expect(rules.map((rule) => rule.rule_id)).toEqual([
      kibanaRule(1).rule_id,
      kibanaRule(2).rule_id,
    ]);
  });

  it("reports every invalid file", () => {
    expect(
      problems([
        file("a.json", { ...kibanaRule(1), risk_score: 500 }),
        file("b.json", kibanaRule(2)),
        file("c.json", { ...kibanaRule(3), severity: "urgent" }),
      ]),
    ).toEqual([
      "a.json: risk_score: must be at most 100, got 500. Use an integer from 0 to 100 (low 21, medium 47, high 73, critical 99).",
      'c.json: severity: must be one of "low", "medium", "high", "critical", got "urgent". Use low, medium, high or critical.',
    ]);
  });

  it("requires the managed tag", () => {
    const rule = kibanaRule(1);
    const untagged = {
      ...rule,
      tags: rule.tags.filter((tag) => tag !== MANAGED_TAG),
    };
    expect(problems([file("a.json", untagged)])).toEqual([
      `a.json: tags: missing the managed tag "${MANAGED_TAG}". deploy reads back, updates and prunes only rules with this tag; rebuild with detections build, which adds it`,
    ]);
  });

  it("names both files of a shared rule_id", () => {
    const twin = kibanaRule(2, { rule_id: kibanaRule(1).rule_id });
    expect(
      problems([file("a.json", kibanaRule(1)), file("b.json", twin)]),
    ).toEqual([
      `b.json: rule_id ${kibanaRule(1).rule_id} is also the rule_id of a.json. Give each Sigma rule its own id and rebuild.`,
    ]);
  });

  it("parses the EQL query", () => {
    const broken = kibanaRule(1, { query: "process where (((" });
    expect(problems([file("a.json", broken)])).toEqual([
      "a.json: query: invalid EQL at line 1:18: mismatched input end of query, expected an expression. Kibana would reject it; fix the Sigma rule and rebuild",
    ]);
  });

  it("locates JSON syntax errors", () => {
    expect(
      problems([{ file: "a.json", text: '{\n  "rule_id": x\n}' }]),
    ).toEqual([
      "a.json: invalid JSON at line 2, column 14. Rebuild with detections build.",
    ]);
  });

  it("leaves long values out", () => {
    const [line] = problems([file("a.json", [kibanaRule(1)])]);
    expect(line).toBe(
      "a.json: (body): must be of type object. Fix the value to match Kibana's rule schema.",
    );
  });

  it("names missing fields once", () => {
    const { query: _query, ...rest } = kibanaRule(1);
    expect(problems([file("a.json", rest)])).toEqual([
      "a.json: query: required field is missing. Provide the converted EQL query.",
    ]);
  });

  it("shows the value of unknown fields", () => {
    expect(
      problems([file("a.json", { ...kibanaRule(1), extra_field: 1 })]),
    ).toEqual([
      "a.json: extra_field: unknown field with the value 1. Remove it or fix its spelling; Kibana drops unknown fields.",
    ]);
  });
});
