import { afterEach, describe, expect, it } from "vitest";
import { findRulesByTag } from "../../src/kibana/api.js";
import { KibanaClient, parseRetryAfter } from "../../src/kibana/client.js";
import { MANAGED_TAG } from "../../src/kibana/rule.js";
import { KibanaDouble } from "../kibana-double/server.js";
import { apiKeyConnection, fastRetry } from "./deploy-helpers.js";
import { kibanaRule } from "./rule-fixture.js";

let kibana: KibanaDouble | undefined;
afterEach(async () => {
  await kibana?.stop();
});

async function managedRules(
  count: number,
  resultWindow: number,
): Promise<KibanaClient> {
  kibana = await new KibanaDouble({ resultWindow }).start();
  for (let index = 1; index <= count; index += 1)
    kibana.store().create({ ...kibanaRule(index) });
  kibana.store().create({ ...kibanaRule(count + 1), tags: ["Team rule"] });
  return new KibanaClient(apiKeyConnection(kibana.url), { retry: fastRetry });
}

describe("findRulesByTag", () => {
  it("reads every page of managed rules", async () => {
    const client = await managedRules(7, 100);
    const rules = await findRulesByTag(client, MANAGED_TAG, 3);
    await client.close();
    expect(rules.map((rule) => rule.rule_id)).toEqual(
      [1, 2, 3, 4, 5, 6, 7].map((index) => kibanaRule(index).rule_id),
    );
    expect(kibana!.requests.map((request) => request.path)).toEqual(
      Array(3).fill("/api/detection_engine/rules/_find"),
    );
  });

  // Kibana pages `_find` only within its first 10,000 hits (here 6).
  it.fails("reads past Kibana's result window", async () => {
    const client = await managedRules(7, 6);
    const rules = await findRulesByTag(client, MANAGED_TAG, 3).finally(() =>
      client.close(),
    );
    expect(rules).toHaveLength(7);
  });
});

describe("parseRetryAfter", () => {
  it("reads seconds and HTTP dates", () => {
    expect(parseRetryAfter("3")).toBe(3000);
    expect(
      parseRetryAfter(
        "Thu, 01 Jan 2026 00:00:10 GMT",
        Date.parse("2026-01-01T00:00:00Z"),
      ),
    ).toBe(10_000);
    expect(parseRetryAfter("soon")).toBeUndefined();
    expect(parseRetryAfter(undefined)).toBeUndefined();
  });
});
