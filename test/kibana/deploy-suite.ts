/**
 * The deploy suite shared by the Kibana test double and a live Kibana: it
 * reaches Kibana only through its HTTP API, so both targets run the same
 * checks.
 */
import { randomUUID } from "node:crypto";
import { beforeEach, expect, it } from "vitest";
import { KibanaClient } from "../../src/kibana/client.js";
import type { KibanaConnection } from "../../src/kibana/connection.js";
import { MANAGED_TAG, type KibanaRule } from "../../src/kibana/rule.js";
import { deploy, fastRetry } from "./deploy-helpers.js";
import { kibanaRule } from "./rule-fixture.js";

export interface DeployTarget {
  connection(): KibanaConnection;
  /** Called before each test: leaves no managed rules behind. */
  reset(): Promise<void>;
}

/** Sends one request with a fresh client and returns the parsed body. */
async function api(
  connection: KibanaConnection,
  method: "GET" | "POST" | "PATCH",
  path: string,
  body?: object,
  query?: Record<string, string>,
) {
  const client = new KibanaClient(connection, { retry: fastRetry });
  try {
    const response = await client.send({
      method,
      path,
      ...(query ? { query } : {}),
      ...(body
        ? { body: JSON.stringify(body), contentType: "application/json" }
        : {}),
      idempotent: method === "GET",
    });
    return JSON.parse(response.text) as Record<string, unknown>;
  } finally {
    await client.close();
  }
}

function getRule(connection: KibanaConnection, ruleId: string) {
  return api(connection, "GET", "/api/detection_engine/rules", undefined, {
    rule_id: ruleId,
  });
}

/** Deploys with request lines logged, and returns the write requests. */
async function deployCounting(
  connection: KibanaConnection,
  local: KibanaRule[],
  options = {},
) {
  const lines: string[] = [];
  const result = await deploy(connection, local, options, {
    debug: true,
    log: (line) => lines.push(line),
  });
  const writes = lines.filter(
    (line) =>
      line.startsWith("--> ") &&
      !line.startsWith("--> GET") &&
      !line.includes("/_export"),
  );
  return { ...result, writes };
}

export function defineDeploySuite(target: DeployTarget): void {
  let rules: KibanaRule[];
  beforeEach(async () => {
    await target.reset();
    // Fresh rule_ids per test, so no test reads a rule left by another on a live Kibana.
    const run = randomUUID().slice(0, 8);
    rules = [1, 2, 3].map((index) =>
      kibanaRule(index, { rule_id: `${run}-rule-${index}` }),
    );
  });

  it("first deploy creates all", async () => {
    const { report } = await deployCounting(target.connection(), rules);
    expect(report.applied.map((item) => item.action)).toEqual([
      "create",
      "create",
      "create",
    ]);
    for (const rule of rules) {
      const stored = await getRule(target.connection(), rule.rule_id);
      expect(stored.enabled).toBe(true);
      expect(stored.version).toBe(1);
      expect(stored.tags).toContain(MANAGED_TAG);
    }
  });

  it("second deploy makes no writes", async () => {
    await deployCounting(target.connection(), rules);
    const { writes, report } = await deployCounting(target.connection(), rules);
    expect(writes).toEqual([]);
    expect(report.plan.steps.map((step) => step.action)).toEqual([
      "unchanged",
      "unchanged",
      "unchanged",
    ]);
  });

  it("content change updates one rule", async () => {
    await deployCounting(target.connection(), rules);
    const before = await getRule(target.connection(), rules[0]!.rule_id);
    const changed = [...rules];
    changed[1] = {
      ...rules[1]!,
      query: 'process where process.name : "changed.exe"',
      version: 2,
    };
    const { report, writes } = await deployCounting(
      target.connection(),
      changed,
    );
    expect(report.applied).toEqual([
      { action: "update", ruleId: rules[1]!.rule_id },
    ]);
    expect(writes).toHaveLength(1);
    const updated = await getRule(target.connection(), rules[1]!.rule_id);
    expect(updated.version).toBe(2);
    expect(updated.query).toBe('process where process.name : "changed.exe"');
    const untouched = await getRule(target.connection(), rules[0]!.rule_id);
    expect(untouched.revision).toBe(before.revision);
  });

  it("prune deletes only managed rules", async () => {
    await deployCounting(target.connection(), rules);
    const unmanaged = {
      ...kibanaRule(9),
      rule_id: `${rules[0]!.rule_id}-team`,
      tags: ["Team rule"],
    };
    await api(
      target.connection(),
      "POST",
      "/api/detection_engine/rules",
      unmanaged,
    );
    const { report } = await deployCounting(
      target.connection(),
      rules.slice(0, 2),
      { prune: true },
    );
    expect(report.applied).toEqual([
      { action: "delete", ruleId: rules[2]!.rule_id },
    ]);
    const survivor = await getRule(target.connection(), unmanaged.rule_id);
    expect(survivor.rule_id).toBe(unmanaged.rule_id);
  });

  it("detects drift", async () => {
    await deployCounting(target.connection(), rules);
    await api(target.connection(), "PATCH", "/api/detection_engine/rules", {
      rule_id: rules[0]!.rule_id,
      query: 'process where process.name : "edited-in-kibana.exe"',
    });
    const { report, writes } = await deployCounting(target.connection(), rules);
    expect(report.plan.steps.map((step) => step.action)).toEqual([
      "drift",
      "unchanged",
      "unchanged",
    ]);
    expect(writes).toEqual([]);
    const forced = await deployCounting(target.connection(), rules, {
      force: true,
    });
    expect(forced.report.applied).toEqual([
      { action: "drift", ruleId: rules[0]!.rule_id },
    ]);
    const restored = await getRule(target.connection(), rules[0]!.rule_id);
    expect(restored.query).toBe(rules[0]!.query);
  });
}
