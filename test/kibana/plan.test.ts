import { describe, expect, it } from "vitest";
import type { RemoteRule } from "../../src/kibana/api.js";
import {
  bodyToDeploy,
  comparableRule,
  deployHash,
  diffRules,
  findVersionRegressions,
  isDriftLeftAlone,
  META_KEY,
  planDeploy,
  planWrites,
} from "../../src/kibana/plan.js";
import { kibanaRule } from "./rule-fixture.js";

/** The rule as Kibana returns it after a deploy of `bodyToDeploy(rule)`. */
function remoteOf(
  index: number,
  overrides: Record<string, unknown> = {},
): RemoteRule {
  const sent = bodyToDeploy(kibanaRule(index));
  return {
    ...sent,
    id: `object-${index}`,
    revision: 0,
    to: "now",
    actions: [],
    exceptions_list: [],
    required_fields: sent.required_fields.map(({ name, type }) => ({
      name,
      type,
      ecs: true,
    })),
    ...overrides,
  } as RemoteRule;
}

const options = { prune: false, force: false };

describe("planDeploy", () => {
  it("plans creates for new rules", () => {
    const plan = planDeploy([kibanaRule(1)], [], options);
    expect(plan.steps).toEqual([
      {
        action: "create",
        ruleId: kibanaRule(1).rule_id,
        name: "Generated rule 0001",
        rule: kibanaRule(1),
      },
    ]);
    expect(planWrites(plan)).toBe(true);
  });

  it("leaves deployed rules unchanged", () => {
    const plan = planDeploy([kibanaRule(1)], [remoteOf(1)], options);
    expect(plan.steps.map((step) => step.action)).toEqual(["unchanged"]);
    expect(planWrites(plan)).toBe(false);
  });

  it("diffs an updated rule by field", () => {
    const local = {
      ...kibanaRule(1),
      severity: "high" as const,
      risk_score: 73,
      version: 2,
    };
    const [step] = planDeploy([local], [remoteOf(1)], options).steps;
    expect(step).toMatchObject({
      action: "update",
      remoteId: "object-1",
      changes: [
        { field: "risk_score", before: 47, after: 73 },
        { field: "severity", before: "medium", after: "high" },
        { field: "version", before: 1, after: 2 },
      ],
    });
  });

  it("reports drift after a remote edit", () => {
    const remote = remoteOf(1, { query: "process where true" });
    const [step] = planDeploy([kibanaRule(1)], [remote], options).steps;
    expect(step).toMatchObject({
      action: "drift",
      overwrite: false,
      changes: [{ field: "query", before: "process where true" }],
    });
    expect(
      planDeploy([kibanaRule(1)], [remote], { ...options, force: true })
        .steps[0],
    ).toMatchObject({ action: "drift", overwrite: true });
  });

  it("treats an added exception as drift", () => {
    const exception = [
      { id: "x", list_id: "l", type: "detection", namespace_type: "single" },
    ];
    const [step] = planDeploy(
      [kibanaRule(1)],
      [remoteOf(1, { exceptions_list: exception })],
      options,
    ).steps;
    expect(step).toMatchObject({
      action: "drift",
      changes: [
        { field: "exceptions_list", before: exception, after: undefined },
      ],
    });
  });

  it("rewrites a rule without deploy record", () => {
    const remote = remoteOf(1, {
      meta: { kibana_siem_app_url: "https://kibana/app/security" },
    });
    const [step] = planDeploy([kibanaRule(1)], [remote], options).steps;
    expect(step?.action).toBe("update");
  });

  it("prunes only managed rules", () => {
    const unmanaged = remoteOf(3, { tags: ["Team rule"] });
    const plan = planDeploy(
      [kibanaRule(1)],
      [remoteOf(1), remoteOf(2), unmanaged],
      { ...options, prune: true },
    );
    expect(plan.steps.map((step) => [step.action, step.ruleId])).toEqual([
      ["unchanged", kibanaRule(1).rule_id],
      ["delete", kibanaRule(2).rule_id],
    ]);
  });

  it("keeps drifted rules on prune", () => {
    const edited = remoteOf(2, { query: 'process where process.name == "x"' });
    const plan = planDeploy([kibanaRule(1)], [remoteOf(1), edited], {
      ...options,
      prune: true,
    });
    expect(plan.steps[1]).toEqual({
      action: "orphan",
      ruleId: kibanaRule(2).rule_id,
      name: kibanaRule(2).name,
      remoteId: "object-2",
      drifted: true,
    });
    expect(isDriftLeftAlone(plan.steps[1]!, true)).toBe(true);
    expect(planWrites(plan)).toBe(false);
  });

  it("deletes drifted rules with force", () => {
    const edited = remoteOf(2, { severity: "critical" });
    const plan = planDeploy([], [edited], { prune: true, force: true });
    expect(plan.steps).toEqual([
      {
        action: "delete",
        ruleId: kibanaRule(2).rule_id,
        name: kibanaRule(2).name,
        remoteId: "object-2",
        drifted: true,
      },
    ]);
  });
});

describe("findVersionRegressions", () => {
  it("lists lower local versions", () => {
    const local = [
      kibanaRule(1, { version: 1 }),
      kibanaRule(2, { version: 3 }),
    ];
    const remote = [remoteOf(1, { version: 2 }), remoteOf(2, { version: 3 })];
    expect(findVersionRegressions(local, remote)).toEqual([
      { ruleId: kibanaRule(1).rule_id, local: 1, remote: 2 },
    ]);
  });
});

describe("comparableRule", () => {
  it("drops Kibana defaults and ecs flags", () => {
    const compared = comparableRule(
      remoteOf(1, { throttle: "no_actions", output_index: "" }),
    );
    expect(Object.keys(compared)).not.toContain("to");
    expect(Object.keys(compared)).not.toContain("throttle");
    expect(compared.required_fields).toEqual([
      { name: "event.type", type: "keyword" },
      { name: "process.name", type: "keyword" },
    ]);
  });
});

describe("bodyToDeploy", () => {
  it("records the hash in meta", () => {
    const body = bodyToDeploy(kibanaRule(1));
    expect(body.meta).toEqual({
      [META_KEY]: { deployed_sha256: deployHash(kibanaRule(1) as never) },
    });
    expect(diffRules(remoteOf(1), body as never)).toEqual([]);
  });
});
