import { afterAll, afterEach, beforeEach, describe, expect, it } from "vitest";
import { MANAGED_TAG } from "../../src/kibana/rule.js";
import { KibanaDouble } from "../kibana-double/server.js";
import { apiKeyConnection, deploy } from "./deploy-helpers.js";
import { defineDeploySuite } from "./deploy-suite.js";
import { kibanaRule } from "./rule-fixture.js";

let kibana: KibanaDouble;
beforeEach(async () => {
  kibana = await new KibanaDouble({ spaces: ["team-a"] }).start();
});
afterEach(async () => {
  await kibana.stop();
});

const rules = () => [kibanaRule(1), kibanaRule(2), kibanaRule(3)];

describe("applyPlan", () => {
  it("creates all rules first", async () => {
    const { report } = await deploy(apiKeyConnection(kibana.url), rules());
    expect(report.applied.map((item) => item.action)).toEqual([
      "create",
      "create",
      "create",
    ]);
    expect(
      kibana
        .store()
        .all()
        .map((rule) => rule.rule_id),
    ).toEqual(rules().map((rule) => rule.rule_id));
    expect(
      kibana
        .store()
        .all()
        .every((rule) => rule.enabled === true),
    ).toBe(true);
  });

  it("makes no writes on redeploy", async () => {
    await deploy(apiKeyConnection(kibana.url), rules());
    const before = kibana.writes().length;
    const { report } = await deploy(apiKeyConnection(kibana.url), rules());
    expect(report.applied).toEqual([]);
    expect(kibana.writes().length).toBe(before);
    expect(report.plan.steps.map((step) => step.action)).toEqual([
      "unchanged",
      "unchanged",
      "unchanged",
    ]);
  });

  it("updates only the changed rule", async () => {
    await deploy(apiKeyConnection(kibana.url), rules());
    const changed = rules();
    changed[1] = {
      ...changed[1]!,
      query: 'process where process.name : "changed.exe"',
      version: 2,
    };
    const { report } = await deploy(apiKeyConnection(kibana.url), changed);
    expect(report.applied).toEqual([
      { action: "update", ruleId: changed[1]!.rule_id },
    ]);
    const step = report.plan.steps[1]!;
    expect(
      step.action === "update" && step.changes.map((change) => change.field),
    ).toEqual(["query", "version"]);
    const stored = kibana.store().get(changed[1]!.rule_id)!;
    expect(stored.version).toBe(2);
    expect(stored.revision).toBe(1);
    expect(kibana.store().get(changed[0]!.rule_id)!.revision).toBe(0);
  });

  it("prunes only managed rules", async () => {
    await deploy(apiKeyConnection(kibana.url), rules());
    kibana.store().create({ ...kibanaRule(9), tags: ["Team rule"] });
    const { report } = await deploy(
      apiKeyConnection(kibana.url),
      rules().slice(0, 2),
      { prune: true },
    );
    expect(report.applied).toEqual([
      { action: "delete", ruleId: rules()[2]!.rule_id },
    ]);
    expect(
      kibana
        .store()
        .all()
        .map((rule) => rule.rule_id)
        .sort(),
    ).toEqual(
      [rules()[0]!.rule_id, rules()[1]!.rule_id, kibanaRule(9).rule_id].sort(),
    );
  });

  it("keeps removed rules without prune", async () => {
    await deploy(apiKeyConnection(kibana.url), rules());
    const { report } = await deploy(
      apiKeyConnection(kibana.url),
      rules().slice(0, 2),
    );
    expect(report.plan.steps.map((step) => step.action)).toEqual([
      "unchanged",
      "unchanged",
      "orphan",
    ]);
    expect(kibana.store().all()).toHaveLength(3);
  });

  it("detects drift and leaves it", async () => {
    await deploy(apiKeyConnection(kibana.url), rules());
    kibana.store().patch(rules()[0]!.rule_id, {
      query: 'process where process.name : "edited.exe"',
    });
    const changed = rules().map((rule) => ({ ...rule, note: "new note" }));
    const { report } = await deploy(apiKeyConnection(kibana.url), changed);
    expect(report.plan.steps.map((step) => step.action)).toEqual([
      "drift",
      "update",
      "update",
    ]);
    expect(kibana.store().get(rules()[0]!.rule_id)!.query).toBe(
      'process where process.name : "edited.exe"',
    );
  });

  it("overwrites drift with force", async () => {
    await deploy(apiKeyConnection(kibana.url), rules());
    kibana.store().patch(rules()[0]!.rule_id, { enabled: false });
    const { report } = await deploy(apiKeyConnection(kibana.url), rules(), {
      force: true,
    });
    expect(report.applied).toEqual([
      { action: "drift", ruleId: rules()[0]!.rule_id },
    ]);
    expect(kibana.store().get(rules()[0]!.rule_id)!.enabled).toBe(true);
  });

  it("deploys into a space", async () => {
    await deploy(
      apiKeyConnection(kibana.url, "test-api-key", "team-a"),
      rules(),
    );
    expect(kibana.store("team-a").all()).toHaveLength(3);
    expect(kibana.store().all()).toHaveLength(0);
    const spaceless = ["/api/status", "/api/spaces/space/team-a"];
    expect(
      kibana.requests
        .filter((request) => !spaceless.includes(request.path))
        .every((request) => request.space === "team-a"),
    ).toBe(true);
  });

  it("tags deployed rules as managed", async () => {
    await deploy(apiKeyConnection(kibana.url), rules());
    expect(
      kibana
        .store()
        .all()
        .every((rule) => (rule.tags as string[]).includes(MANAGED_TAG)),
    ).toBe(true);
  });
});

describe("getKibanaVersion", () => {
  it.each(["8.11.4", "8.15.0", "8.19.2", "9.0.0", "9.2.1"])(
    "deploys to Kibana %s",
    async (version) => {
      const other = await new KibanaDouble({ version }).start();
      try {
        const first = await deploy(apiKeyConnection(other.url), rules());
        expect(first.report.kibanaVersion).toBe(version);
        expect(first.report.applied).toHaveLength(3);
        const second = await deploy(apiKeyConnection(other.url), rules());
        expect(second.report.applied).toEqual([]);
      } finally {
        await other.stop();
      }
    },
  );
});

describe("deploy suite on the test double", () => {
  let double: KibanaDouble | undefined;
  defineDeploySuite({
    connection: () => apiKeyConnection(double!.url),
    reset: async () => {
      await double?.stop();
      double = await new KibanaDouble().start();
    },
  });
  afterAll(async () => {
    await double?.stop();
  });
});
