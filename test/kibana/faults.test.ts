import type { LookupFunction } from "node:net";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ConfigurationError } from "../../src/errors.js";
import { getKibanaVersion } from "../../src/kibana/api.js";
import { KibanaClient } from "../../src/kibana/client.js";
import {
  DeployIncompleteError,
  KibanaAuthError,
  KibanaConnectionError,
  KibanaResponseError,
  KibanaTimeoutError,
  KibanaVersionError,
} from "../../src/kibana/errors.js";
import { KibanaDouble } from "../kibana-double/server.js";
import { apiKeyConnection, deploy, fastRetry } from "./deploy-helpers.js";
import { kibanaRule } from "./rule-fixture.js";

let kibana: KibanaDouble;
beforeEach(async () => {
  kibana = await new KibanaDouble({ readOnlyApiKey: "read-only-key" }).start();
});
afterEach(async () => {
  await kibana.stop();
});

const rules = () => [kibanaRule(1), kibanaRule(2)];

async function failure(run: Promise<unknown>): Promise<Error> {
  try {
    await run;
  } catch (error) {
    return error as Error;
  }
  throw new Error("expected the deploy to fail");
}

describe("deploy faults", () => {
  it("retries a dropped read", async () => {
    kibana.addFault({ kind: "drop", match: { pathIncludes: "_find" } });
    const { report } = await deploy(apiKeyConnection(kibana.url), rules());
    expect(report.applied).toHaveLength(2);
    expect(
      kibana.requests.filter((request) => request.path.endsWith("_find")),
    ).toHaveLength(3);
  });

  it("never repeats a dropped import", async () => {
    kibana.addFault({ kind: "drop", match: { pathIncludes: "_import" } });
    const error = await failure(deploy(apiKeyConnection(kibana.url), rules()));
    expect(error).toBeInstanceOf(DeployIncompleteError);
    const incomplete = error as DeployIncompleteError;
    expect(incomplete.applied).toEqual([]);
    expect(incomplete.failed.map((item) => item.ruleId)).toEqual(
      rules().map((rule) => rule.rule_id),
    );
    expect(incomplete.exitCode).toBe(3);
    expect(
      kibana.requests.filter((request) => request.path.endsWith("_import")),
    ).toHaveLength(1);
    const rerun = await deploy(apiKeyConnection(kibana.url), rules());
    expect(rerun.report.applied).toHaveLength(2);
  });

  it("confirms an import whose response was lost", async () => {
    kibana.addFault({
      kind: "drop",
      afterHandling: true,
      match: { pathIncludes: "_import" },
    });
    const { report } = await deploy(apiKeyConnection(kibana.url), rules());
    expect(report.applied.map((item) => item.ruleId)).toEqual(
      rules().map((rule) => rule.rule_id),
    );
  });

  it("honours Retry-After on 429", async () => {
    kibana.addFault({
      kind: "status",
      status: 429,
      retryAfter: "1",
      match: { pathIncludes: "_import" },
    });
    const logs: string[] = [];
    const io = {
      log: (line: string) => logs.push(line),
      writeFile: () => {},
      mkdir: () => {},
      now: () => new Date(0),
    };
    const { report } = await deploy(
      apiKeyConnection(kibana.url),
      rules(),
      {},
      { log: io.log },
      io,
    );
    expect(report.applied).toHaveLength(2);
    const retries = logs.filter((line) => line.startsWith("retrying"));
    expect(retries).toHaveLength(1);
    expect(retries[0]).toMatch(
      /^retrying POST \/api\/detection_engine\/rules\/_import in 1000 ms after HTTP 429 \(attempt 2 of 4, \d+\.\d s elapsed\)$/,
    );
  });

  it("retries a 500 on the Nth request", async () => {
    kibana.addFault({ kind: "status", status: 500, match: { nth: 2 } });
    const { report } = await deploy(apiKeyConnection(kibana.url), rules());
    expect(report.applied).toHaveLength(2);
    expect(kibana.requests[1]!.status).toBe(500);
  });

  it("stops after a failed update import", async () => {
    await deploy(apiKeyConnection(kibana.url), rules());
    const next = [
      ...rules().map((rule) => ({ ...rule, note: "changed" })),
      kibanaRule(3),
    ];
    // Requests: status, _find, create import, update import.
    const offset = kibana.requests.length;
    kibana.addFault({
      kind: "status",
      status: 500,
      match: { nth: offset + 4 },
    });
    const error = (await failure(
      deploy(apiKeyConnection(kibana.url), next),
    )) as DeployIncompleteError;
    expect(error.applied).toEqual([kibanaRule(3).rule_id]);
    expect(error.failed.map((item) => item.ruleId)).toEqual(
      rules().map((rule) => rule.rule_id),
    );
    expect(error.message.split("\n").slice(0, 3)).toEqual([
      "deploy incomplete: 1 of 3 planned changes were applied.",
      `A write request failed, so later writes were not attempted: Kibana failed POST ${kibana.url}/api/detection_engine/rules/_import with HTTP 500: injected HTTP 500. Retry later.`,
      `  applied: create ${kibanaRule(3).rule_id}`,
    ]);
    expect(error.message).toContain(
      "Fix the cause and rerun detections deploy; it plans only what is still missing.",
    );
    const rerun = await deploy(apiKeyConnection(kibana.url), next);
    expect(rerun.report.applied.map((item) => item.action)).toEqual([
      "update",
      "update",
    ]);
  });

  it("times out on slow answers", async () => {
    // The double never answers, so only the client's timeout ends the wait.
    kibana.addFault({
      kind: "hang",
      times: 2,
      match: { pathIncludes: "/api/status" },
    });
    const error = await failure(
      deploy(
        apiKeyConnection(kibana.url),
        rules(),
        {},
        { timeoutMs: 1_000, retry: { ...fastRetry, retries: 1 } },
      ),
    );
    expect(error).toBeInstanceOf(KibanaTimeoutError);
    expect(error.message).toBe(
      `Kibana sent no response within 1 s for GET ${kibana.url}/api/status (UND_ERR_HEADERS_TIMEOUT). Check that Kibana is healthy, or raise --timeout SECONDS.`,
    );
    expect(kibana.writes()).toEqual([]);
  });

  it("recovers from one slow answer", async () => {
    kibana.addFault({ kind: "hang", match: { pathIncludes: "/api/status" } });
    const { report } = await deploy(
      apiKeyConnection(kibana.url),
      rules(),
      {},
      { timeoutMs: 1_000 },
    );
    expect(report.applied).toHaveLength(2);
  });

  it("reports per-rule import errors", async () => {
    const bad = { ...kibanaRule(2), risk_score: 150 };
    const error = (await failure(
      deploy(apiKeyConnection(kibana.url), [kibanaRule(1), bad]),
    )) as DeployIncompleteError;
    expect(error.applied).toEqual([kibanaRule(1).rule_id]);
    expect(error.failed).toEqual([
      {
        ruleId: bad.rule_id,
        message: "Kibana: risk_score: Number must be less than or equal to 100",
      },
    ]);
  });

  it("refuses to take over unmanaged rules", async () => {
    kibana.store().create({ ...kibanaRule(1), tags: ["Team rule"] });
    const error = (await failure(
      deploy(apiKeyConnection(kibana.url), [kibanaRule(1)]),
    )) as DeployIncompleteError;
    expect(error.failed[0]!.message).toBe(
      'Kibana: Rule with this rule_id already exists. A rule with this rule_id exists without the tag "Managed: mofcomp-detections"; delete it in Kibana or add the tag so this tool may manage it',
    );
    expect(kibana.store().get(kibanaRule(1).rule_id)!.tags).toEqual([
      "Team rule",
    ]);
  });
});

describe("KibanaClient errors", () => {
  it("names the API key on 401", async () => {
    const error = await failure(
      deploy(apiKeyConnection(kibana.url, "wrong-secret-key"), rules()),
    );
    expect(error).toBeInstanceOf(KibanaAuthError);
    expect(error.message).toBe(
      `Kibana rejected the credentials (HTTP 401) for GET ${kibana.url}/api/status: [security_exception]: unable to authenticate user. Check the credentials from KIBANA_API_KEY. An API key is the "encoded" value that Kibana shows once, the base64 of id:api_key.`,
    );
    expect(error.message).not.toContain("wrong-secret-key");
  });

  it("names the username on 401", async () => {
    const connection = {
      url: new URL(kibana.url),
      auth: {
        kind: "basic" as const,
        username: "elastic",
        password: "hunter2-secret",
        source: "KIBANA_USERNAME and KIBANA_PASSWORD",
      },
    };
    const error = await failure(deploy(connection, rules()));
    expect(error.message).toContain(
      "Check the credentials from KIBANA_USERNAME and KIBANA_PASSWORD.",
    );
    expect(error.message).not.toContain("hunter2-secret");
  });

  it("explains 403 on writes", async () => {
    const error = (await failure(
      deploy(apiKeyConnection(kibana.url, "read-only-key"), rules()),
    )) as DeployIncompleteError;
    expect(error.failed[0]!.message).toBe(
      `request failed: Kibana denied POST ${kibana.url}/api/detection_engine/rules/_import (HTTP 403): API [POST /api/detection_engine/rules/_import?overwrite=false] is unauthorized for user, this action is granted by the Kibana privileges [securitySolution-rules-all]. The user or API key needs the Security "Rules" privilege (All to deploy, Read to plan or export) in space default; check the credentials from KIBANA_API_KEY.`,
    );
    expect(error.message).not.toContain("read-only-key");
  });

  it("explains a 404 without Kibana", async () => {
    const error = await failure(
      deploy(apiKeyConnection(`${kibana.url}/not-kibana`), rules()),
    );
    expect(error).toBeInstanceOf(KibanaResponseError);
    expect(error.message).toBe(
      `Kibana found nothing at GET ${kibana.url}/not-kibana/api/status (HTTP 404): Not Found. The URL does not lead to a Kibana with the Security detection engine: check --kibana-url (including any base path) and that the Security app is enabled in this space.`,
    );
  });

  it("rejects an unknown space", async () => {
    const error = await failure(
      deploy(apiKeyConnection(kibana.url, "test-api-key", "nope"), rules()),
    );
    expect(error).toBeInstanceOf(ConfigurationError);
    expect(error.message).toBe(
      `--space: the space "nope" does not exist in Kibana at ${kibana.url}. Check the space id, or create the space in Kibana first.`,
    );
    expect(kibana.requests.map((request) => request.path)).toEqual([
      "/api/status",
      "/api/spaces/space/nope",
    ]);
  });

  it("reports Kibana's 409 message", async () => {
    const client = new KibanaClient(apiKeyConnection(kibana.url), {
      retry: fastRetry,
    });
    const create = () =>
      client.send({
        method: "POST",
        path: "/api/detection_engine/rules",
        body: JSON.stringify(kibanaRule(5)),
        contentType: "application/json",
        idempotent: false,
      });
    await create();
    const error = await failure(create());
    await client.close();
    expect(error.message).toBe(
      `Kibana reported a conflict for POST ${kibana.url}/api/detection_engine/rules (HTTP 409): rule_id: "${kibanaRule(5).rule_id}" already exists.`,
    );
  });

  it("rejects unsupported Kibana versions", async () => {
    const old = await new KibanaDouble({ version: "8.10.4" }).start();
    const url = old.url;
    const client = new KibanaClient(apiKeyConnection(url), {
      retry: fastRetry,
    });
    const error = await failure(getKibanaVersion(client));
    await client.close();
    await old.stop();
    expect(error).toBeInstanceOf(KibanaVersionError);
    expect(error.message).toBe(
      `Kibana 8.10.4 at ${url} is not supported. This tool supports Kibana 8.11 to 8.19 and 9.x.`,
    );
  });

  it("reports connection refused at once", async () => {
    const closed = await new KibanaDouble().start();
    const url = closed.url;
    await closed.stop();
    const client = new KibanaClient(apiKeyConnection(url), {
      retry: fastRetry,
    });
    const error = await failure(getKibanaVersion(client));
    await client.close();
    expect(error).toBeInstanceOf(KibanaConnectionError);
    expect(error.message).toBe(
      `cannot connect to Kibana for GET ${url}/api/status: connection refused. Check the host and port in --kibana-url or KIBANA_URL, and that Kibana is running.`,
    );
    expect(client.requestCount).toBe(1);
  });

  it("reports DNS failures", async () => {
    // A resolver that fails like the system's, so no DNS query leaves the host.
    const lookup = ((
      hostname: string,
      _options: unknown,
      callback: (error: Error) => void,
    ) => {
      callback(
        Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), {
          code: "ENOTFOUND",
        }),
      );
    }) as unknown as LookupFunction;
    const client = new KibanaClient(
      apiKeyConnection("http://kibana.invalid:5601"),
      { retry: fastRetry, lookup },
    );
    const error = await failure(getKibanaVersion(client));
    await client.close();
    expect(error.message).toBe(
      "cannot connect to Kibana for GET http://kibana.invalid:5601/api/status: DNS lookup failed for kibana.invalid (ENOTFOUND). Check the host name in --kibana-url or KIBANA_URL.",
    );
  });

  it("logs request lines without secrets", async () => {
    const lines: string[] = [];
    await deploy(
      apiKeyConnection(kibana.url),
      rules(),
      {},
      { debug: true, log: (line) => lines.push(line) },
    );
    expect(lines[0]).toBe(`--> GET ${kibana.url}/api/status`);
    expect(lines.join("\n")).not.toContain("test-api-key");
  });
});
