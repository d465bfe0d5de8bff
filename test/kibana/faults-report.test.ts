import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { InputError } from "../../src/errors.js";
import { findRulesByTag } from "../../src/kibana/api.js";
import { KibanaClient } from "../../src/kibana/client.js";
import {
  DeployIncompleteError,
  KibanaError,
  KibanaResponseError,
  KibanaUnexpectedResponseError,
} from "../../src/kibana/errors.js";
import { MANAGED_TAG } from "../../src/kibana/rule.js";
import { KibanaDouble } from "../kibana-double/server.js";
import {
  apiKeyConnection,
  deploy,
  fastRetry,
  quietIo,
} from "./deploy-helpers.js";
import { kibanaRule } from "./rule-fixture.js";

let kibana: KibanaDouble;
beforeEach(async () => {
  kibana = await new KibanaDouble().start();
});
afterEach(async () => {
  await kibana.stop();
});

const rules = () => [kibanaRule(1), kibanaRule(2)];
const ids = () => rules().map((rule) => rule.rule_id);

async function failure(run: Promise<unknown>): Promise<Error> {
  try {
    await run;
  } catch (error) {
    return error as Error;
  }
  throw new Error("expected the deploy to fail");
}

describe("deploy report", () => {
  it("reports an unexpected import body", async () => {
    kibana.addFault({
      kind: "status",
      status: 200,
      body: { message: "ok" },
      match: { pathIncludes: "_import" },
    });
    const error = await failure(deploy(apiKeyConnection(kibana.url), rules()));
    expect(error).toBeInstanceOf(DeployIncompleteError);
    const incomplete = error as DeployIncompleteError;
    expect(incomplete.exitCode).toBe(3);
    expect(incomplete.applied).toEqual([]);
    expect(incomplete.failed.map((item) => item.ruleId)).toEqual(ids());
    expect(incomplete.requestError).toBe(
      "Kibana sent a POST _import response without errors, so the tool cannot tell what happened. Check that --kibana-url points at Kibana without a proxy that rewrites responses, and that Kibana's version is supported.",
    );
  });

  it("rejects an unexpected find body", async () => {
    kibana.addFault({
      kind: "status",
      status: 200,
      body: { unexpected: true },
      match: { pathIncludes: "_find" },
    });
    const error = await failure(deploy(apiKeyConnection(kibana.url), rules()));
    expect(error).toBeInstanceOf(KibanaUnexpectedResponseError);
    expect((error as KibanaError).exitCode).toBe(3);
    expect(kibana.writes()).toEqual([]);
  });

  it("names a dropped connection", async () => {
    kibana.addFault({
      kind: "drop",
      afterHandling: true,
      match: { pathIncludes: "_import" },
    });
    await deploy(apiKeyConnection(kibana.url), [kibanaRule(1)]);
    kibana.addFault({
      kind: "drop",
      match: { pathIncludes: "_import" },
    });
    const next = [{ ...kibanaRule(1), note: "changed" }, kibanaRule(2)];
    const error = (await failure(
      deploy(apiKeyConnection(kibana.url), next),
    )) as DeployIncompleteError;
    expect(error.message.split("\n")).toEqual([
      "deploy incomplete: 0 of 2 planned changes were applied.",
      `A write request failed, so later writes were not attempted: the connection to Kibana failed for POST ${kibana.url}/api/detection_engine/rules/_import (UND_ERR_SOCKET): the connection closed before a response. Check Kibana's health and any proxy in between.`,
      `  not applied: update ${kibanaRule(1).rule_id}: not attempted after an earlier request failed`,
      `  not applied: create ${kibanaRule(2).rule_id}: request failed: the connection to Kibana failed for POST ${kibana.url}/api/detection_engine/rules/_import (UND_ERR_SOCKET): the connection closed before a response. Check Kibana's health and any proxy in between.`,
      "Fix the cause and rerun detections deploy; it plans only what is still missing.",
    ]);
  });

  it("confirms a timed-out write by read-back", async () => {
    kibana.addFault({
      kind: "hang",
      afterHandling: true,
      match: { pathIncludes: "_import" },
    });
    const { report } = await deploy(
      apiKeyConnection(kibana.url),
      rules(),
      {},
      { timeoutMs: 1_000 },
    );
    expect(report.applied.map((item) => item.ruleId)).toEqual(ids());
    expect(report.failed).toEqual([]);
  });

  it("marks an unconfirmed timed-out write unknown", async () => {
    kibana.addFault({ kind: "hang", match: { pathIncludes: "_import" } });
    const error = (await failure(
      deploy(apiKeyConnection(kibana.url), rules(), {}, { timeoutMs: 1_000 }),
    )) as DeployIncompleteError;
    expect(error.unknown).toEqual(ids());
    expect(error.message).toContain(
      `  unknown: create ${kibanaRule(1).rule_id}: outcome unknown: the request timed out and the read-back does not show the change yet; run detections plan to see whether Kibana applied it`,
    );
    expect(error.message.split("\n").at(-1)).toBe(
      "Fix the cause and rerun detections deploy; it plans only what is still missing.",
    );
  });

  it("explains a long Retry-After", async () => {
    kibana.addFault({
      kind: "status",
      status: 429,
      retryAfter: "120",
      match: { pathIncludes: "_find" },
    });
    const error = await failure(deploy(apiKeyConnection(kibana.url), rules()));
    expect(error).toBeInstanceOf(KibanaResponseError);
    expect(error.message).toBe(
      `Kibana asked to wait 120 s before retrying GET ${kibana.url}/api/detection_engine/rules/_find (HTTP 429), longer than the 2 s this tool waits. Rerun later.`,
    );
  });

  it("says a failed backup wrote nothing", async () => {
    await deploy(apiKeyConnection(kibana.url), rules());
    kibana.addFault({
      kind: "status",
      status: 500,
      times: 10,
      match: { pathIncludes: "_export" },
    });
    const before = kibana.writes().length;
    const next = rules().map((rule) => ({ ...rule, note: "changed" }));
    const error = await failure(
      deploy(apiKeyConnection(kibana.url), next, { backupDir: "/backups" }),
    );
    expect(error.message).toBe(
      `the backup before the deploy failed, so nothing was written to Kibana: Kibana failed POST ${kibana.url}/api/detection_engine/rules/_export with HTTP 500: injected HTTP 500. Retry later.`,
    );
    expect(kibana.writes().length).toBe(before);
  });

  it("names an unwritable backup folder", async () => {
    await deploy(apiKeyConnection(kibana.url), rules());
    const next = rules().map((rule) => ({ ...rule, note: "changed" }));
    const io = {
      ...quietIo,
      mkdir: () => {
        throw Object.assign(new Error("EACCES"), { code: "EACCES" });
      },
    };
    const error = await failure(
      deploy(
        apiKeyConnection(kibana.url),
        next,
        { backupDir: "/root/backups" },
        {},
        io,
      ),
    );
    expect(error).toBeInstanceOf(InputError);
    expect(error.message).toBe(
      "--backup /root/backups: cannot write the backup (EACCES), so nothing was written to Kibana. Pass a folder that you can create and write to.",
    );
  });
});

describe("planAgainstKibana checks", () => {
  it("rejects a lower version", async () => {
    await deploy(apiKeyConnection(kibana.url), [kibanaRule(1, { version: 2 })]);
    const before = kibana.writes().length;
    const error = await failure(
      deploy(apiKeyConnection(kibana.url), [kibanaRule(1, { version: 1 })]),
    );
    expect(error).toBeInstanceOf(InputError);
    expect(error.message).toBe(
      [
        "1 built rule(s) have a lower version than in Kibana, and versions only grow:",
        `  ${kibanaRule(1).rule_id}: version 1 in the rules folder, 2 in Kibana`,
        "Rebuild with detections build from an up-to-date version lock, or pass --force to deploy the lower versions.",
      ].join("\n"),
    );
    expect(kibana.writes().length).toBe(before);
  });

  it("deploys a lower version with force", async () => {
    await deploy(apiKeyConnection(kibana.url), [kibanaRule(1, { version: 2 })]);
    const { report } = await deploy(
      apiKeyConnection(kibana.url),
      [kibanaRule(1, { version: 1 })],
      { force: true },
    );
    expect(report.applied.map((item) => item.action)).toEqual(["update"]);
    expect(kibana.store().get(kibanaRule(1).rule_id)!.version).toBe(1);
  });

  it("keeps a drifted rule on prune", async () => {
    await deploy(apiKeyConnection(kibana.url), rules());
    kibana.store().patch(kibanaRule(2).rule_id, {
      query: 'process where process.name == "tuned.exe"',
    });
    const { report } = await deploy(
      apiKeyConnection(kibana.url),
      [kibanaRule(1)],
      { prune: true },
    );
    expect(report.applied).toEqual([]);
    expect(kibana.store().get(kibanaRule(2).rule_id)).toBeDefined();
    const forced = await deploy(apiKeyConnection(kibana.url), [kibanaRule(1)], {
      prune: true,
      force: true,
    });
    expect(forced.report.applied).toEqual([
      { action: "delete", ruleId: kibanaRule(2).rule_id },
    ]);
  });

  it("reads rules in a space that does not exist", async () => {
    const client = new KibanaClient(
      apiKeyConnection(kibana.url, "test-api-key", "typo"),
      { retry: fastRetry },
    );
    const remote = await findRulesByTag(client, MANAGED_TAG);
    await client.close();
    expect(remote).toEqual([]);
    expect(kibana.requests.at(-1)!.status).toBe(200);
  });
});
