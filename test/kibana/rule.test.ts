import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { KibanaRuleError } from "../../src/kibana/errors.js";
import {
  buildKibanaRule,
  type KibanaRuleInput,
} from "../../src/kibana/rule.js";
import { sigmaRule } from "./sigma-fixture.js";

const expected = JSON.parse(
  readFileSync("test/fixtures/kibana/rule/expected.rule.json", "utf8"),
);

function input(overrides: Partial<KibanaRuleInput> = {}): KibanaRuleInput {
  return {
    rule: sigmaRule(),
    query: 'process where process.name : "mofcomp.exe"',
    index: ["logs-endpoint.events.process-*"],
    fields: ["process.name", "event.type"],
    ...overrides,
  };
}

function messageOf(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(KibanaRuleError);
    return (error as Error).message;
  }
  throw new Error("expected a KibanaRuleError");
}

describe("buildKibanaRule", () => {
  it("builds the complete rule body", () => {
    expect(buildKibanaRule(input())).toEqual(expected);
  });

  it("maps informational to low 21", () => {
    const body = buildKibanaRule(
      input({ rule: sigmaRule({ level: "informational" }) }),
    );
    expect(body.severity).toBe("low");
    expect(body.risk_score).toBe(21);
  });

  it("maps each level to its band", () => {
    const bands = (["low", "medium", "high", "critical"] as const).map(
      (level) => {
        const body = buildKibanaRule(input({ rule: sigmaRule({ level }) }));
        return [body.severity, body.risk_score];
      },
    );
    expect(bands).toEqual([
      ["low", 21],
      ["medium", 47],
      ["high", 73],
      ["critical", 99],
    ]);
  });

  it("rejects a rule id of None", () => {
    const message = messageOf(() =>
      buildKibanaRule(input({ rule: sigmaRule({ id: "None" }) })),
    );
    expect(message).toBe(
      'rules/example.yml: rule_id: invalid value, got "None". Set the Sigma rule\'s id to a UUID; the rule_id must never be the text None.',
    );
  });

  it("rejects an empty rule id", () => {
    const message = messageOf(() =>
      buildKibanaRule(input({ rule: sigmaRule({ id: "" }) })),
    );
    expect(message).toBe(
      'rules/example.yml: rule_id: must not be empty, got "". Set the Sigma rule\'s id to a UUID; the rule_id must never be the text None.',
    );
  });

  it("rejects a missing description", () => {
    const message = messageOf(() =>
      buildKibanaRule(input({ rule: sigmaRule({ description: undefined }) })),
    );
    expect(message).toContain(
      'rules/example.yml: description: must not be empty, got "". Give the Sigma rule a non-empty description; Kibana requires one.',
    );
  });

  it("lists every problem at once", () => {
    const message = messageOf(() =>
      buildKibanaRule(
        input({
          rule: sigmaRule({ level: undefined, tags: ["attack.t9999"] }),
          fields: ["process.not_a_field"],
        }),
      ),
    );
    expect(message.split("\n")).toEqual([
      'rules/example.yml: tags[0]: unknown ATT&CK technique in ATT&CK 18.0 "attack.t9999". Use a current technique id such as attack.t1047 or attack.t1546.003; revoked ids name their replacement on attack.mitre.org.',
      "rules/example.yml: level: missing Sigma level (missing). Set level to informational, low, medium, high or critical.",
      'rules/example.yml: required_fields: not a field of ECS 9.4: "process.not_a_field". Map the Sigma field to an ECS field the data sources fill.',
    ]);
  });

  it("always sends enabled and version", () => {
    const body = buildKibanaRule(input({ enabled: false, version: 7 }));
    expect(body.enabled).toBe(false);
    expect(body.version).toBe(7);
  });

  it("limits related integrations to given sources", () => {
    const body = buildKibanaRule(input({ sources: ["system"] }));
    expect(body.related_integrations).toEqual([
      { package: "system", version: ">=1.6.4" },
    ]);
  });
});
