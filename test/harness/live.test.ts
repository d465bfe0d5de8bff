import { readFileSync } from "node:fs";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { KibanaClient } from "../../src/kibana/client.js";
import { resolveKibanaConnection } from "../../src/kibana/connection.js";
import type { KibanaRule } from "../../src/kibana/rule.js";
import {
  createElasticsearchClient,
  ElasticsearchTarget,
  resolveElasticsearchSettings,
} from "../../src/harness/elasticsearch-target.js";
import type { LoadedEvent } from "../../src/harness/events.js";
import {
  manualRunWindow,
  runElasticsearch,
  runLive,
  type LiveDependencies,
  type LiveRule,
} from "../../src/harness/live.js";
import {
  createSpace,
  deleteSpace,
  deployRules,
  runRulesNow,
  supportsManualRun,
  verificationBodies,
  waitForRuleRuns,
} from "../../src/harness/live-kibana.js";
import { silentProgress } from "../../src/harness/progress.js";
import { valuesAt, type Doc } from "../elasticsearch-double/query-dsl.js";
import { ElasticsearchDouble } from "../elasticsearch-double/server.js";
import { KibanaDouble } from "../kibana-double/server.js";

const noFiles = (file: string): string => {
  throw new Error(`unexpected read of ${file}`);
};

/** Returns a built rule body from kibana/ with a query that names one process. */
function ruleBody(ruleId: string, processName: string): KibanaRule {
  const body = JSON.parse(
    readFileSync("kibana/mofcomp_suspicious_arguments.json", "utf8"),
  ) as KibanaRule;
  return {
    ...body,
    rule_id: ruleId,
    name: `Runs ${processName}`,
    query: `process where process.name == "${processName}"`,
  };
}

function kibanaClient(double: KibanaDouble, space?: string): KibanaClient {
  const connection = resolveKibanaConnection(
    { kibanaUrl: double.url, ...(space ? { space } : {}) },
    { KIBANA_API_KEY: "test-api-key" },
    noFiles,
  );
  return new KibanaClient(connection, {
    retry: { retries: 0, baseDelayMs: 1, maxDelayMs: 1, maxRetryAfterMs: 1 },
  });
}

/** Returns a fake clock that moves only when the code under test sleeps. */
function fakeTime() {
  let time = Date.parse("2026-12-04T16:40:00.000Z");
  const sleeps: number[] = [];
  return {
    now: () => time,
    sleep: async (ms: number) => {
      sleeps.push(ms);
      time += ms;
    },
    sleeps,
  };
}

describe("supportsManualRun", () => {
  it("starts at Kibana 8.16", () => {
    expect(supportsManualRun({ text: "8.15.5", major: 8, minor: 15 })).toBe(
      false,
    );
    expect(supportsManualRun({ text: "8.16.0", major: 8, minor: 16 })).toBe(
      true,
    );
    expect(supportsManualRun({ text: "9.0.0", major: 9, minor: 0 })).toBe(true);
  });
});

describe("verificationBodies", () => {
  it("enables and widens the rules", () => {
    const [body] = verificationBodies(
      [{ ...ruleBody("r1", "a.exe"), max_signals: 100, enabled: false }],
      60,
    );
    expect(body?.enabled).toBe(true);
    expect(body?.from).toBe("now-60m");
    expect(body?.max_signals).toBe(1000);
    expect(body?.query).toBe('process where process.name == "a.exe"');
  });
});

describe("createSpace and deleteSpace", () => {
  let double: KibanaDouble;
  beforeEach(async () => {
    double = await new KibanaDouble({ version: "9.5.7" }).start();
  });
  afterEach(() => double.stop());

  it("creates and deletes a space", async () => {
    const client = kibanaClient(double);
    await createSpace(client, "detections-verifyab12");
    await expect(createSpace(client, "detections-verifyab12")).rejects.toThrow(
      "A space with the identifier detections-verifyab12 already exists.",
    );
    await deleteSpace(client, "detections-verifyab12");
    expect(
      double.requests.map((request) => [
        request.method,
        request.path,
        request.status,
      ]),
    ).toEqual([
      ["POST", "/api/spaces/space", 200],
      ["POST", "/api/spaces/space", 409],
      ["DELETE", "/api/spaces/space/detections-verifyab12", 204],
    ]);
  });
});

describe("waitForRuleRuns", () => {
  let double: KibanaDouble;
  let client: KibanaClient;

  async function deploy(version: string, ids: string[]) {
    double = await new KibanaDouble({ version }).start();
    await createSpace(kibanaClient(double), "detections-verifyab12");
    client = kibanaClient(double, "detections-verifyab12");
    const bodies = verificationBodies(
      ids.map((id) => ruleBody(id, `${id}.exe`)),
      60,
    );
    const io = {
      log: () => {},
      writeFile: () => {},
      mkdir: () => {},
      now: () => new Date(),
    };
    return deployRules(client, bodies, io);
  }

  afterEach(() => double.stop());

  it("waits until every rule succeeded", async () => {
    const { deployed } = await deploy("9.5.7", ["r1", "r2"]);
    double.runs.script("r1", [
      { status: "none" },
      { status: "going to run" },
      { status: "succeeded" },
    ]);
    double.runs.script("r2", [
      { status: "succeeded", beforeUpdate: true },
      { status: "partial failure", message: "1 index pattern matched nothing" },
    ]);
    const time = fakeTime();
    const finished = await waitForRuleRuns(client, deployed, {
      timeoutMs: 60_000,
      pollIntervalMs: 2_000,
      progress: silentProgress,
      ...time,
    });
    expect([...finished.keys()].sort()).toEqual(["r1", "r2"]);
    expect(finished.get("r1")?.status).toBe("succeeded");
    expect(finished.get("r2")?.status).toBe("partial failure");
    expect(time.sleeps).toEqual([2_000, 2_000]);
  });

  it("quotes the message of a failed run", async () => {
    const { deployed } = await deploy("9.5.7", ["r1"]);
    double.runs.script("r1", [
      { status: "running" },
      {
        status: "failed",
        message:
          "verification_exception: Found 1 problem\nline 1:15: Unknown column [process.nme]",
      },
    ]);
    await expect(
      waitForRuleRuns(client, deployed, {
        timeoutMs: 60_000,
        pollIntervalMs: 1_000,
        progress: silentProgress,
        ...fakeTime(),
      }),
    ).rejects.toThrow(
      'rule "Runs r1.exe" (r1) failed in Kibana: verification_exception: Found 1 problem\nline 1:15: Unknown column [process.nme]. Fix the rule or the cluster and run the verification again.',
    );
  });

  it("times out with each rule's last state", async () => {
    const { deployed } = await deploy("8.19.24", ["r1", "r2", "r3"]);
    double.runs.script("r1", [{ status: "running", message: "" }]);
    double.runs.script("r2", [{ status: "none" }]);
    const time = fakeTime();
    const error = await waitForRuleRuns(client, deployed, {
      timeoutMs: 10_000,
      pollIntervalMs: 4_000,
      progress: silentProgress,
      ...time,
    }).catch((caught: Error) => caught);
    expect((error as Error).message).toMatch(
      new RegExp(
        "^timed out after 10 s waiting for 2 of 3 rules to run:\n" +
          '  Runs r1\\.exe \\(r1\\): last status "running" at \\S+: \n' +
          "  Runs r2\\.exe \\(r2\\): it has not run yet\n" +
          "Check Kibana's task manager and rule monitoring, or raise --wait-timeout\\.$",
      ),
    );
    expect(time.sleeps).toEqual([4_000, 4_000, 4_000]);
  });
});

describe("runRulesNow", () => {
  let double: KibanaDouble;
  afterEach(() => double.stop());

  it("sends a manual run on 9.x", async () => {
    double = await new KibanaDouble({ version: "9.5.7" }).start();
    const client = kibanaClient(double);
    const io = {
      log: () => {},
      writeFile: () => {},
      mkdir: () => {},
      now: () => new Date(),
    };
    const { deployed } = await deployRules(
      client,
      verificationBodies([ruleBody("r1", "a.exe")], 60),
      io,
    );
    // Kibana checks the window against its clock, so it must lie in the past.
    const end = new Date(Date.now() - 60_000);
    const start = new Date(end.getTime() - 5 * 60_000);
    await runRulesNow(
      client,
      deployed.map((rule) => rule.id),
      { start, end },
    );
    expect(double.runs.manualRuns).toEqual([
      {
        ids: [deployed[0]?.id],
        start: start.toISOString(),
        end: end.toISOString(),
      },
    ]);
  });

  it("is refused for a future end", async () => {
    double = await new KibanaDouble({ version: "9.5.7" }).start();
    const client = kibanaClient(double);
    const start = new Date(Date.now() - 60_000);
    const end = new Date(Date.now() + 60_000);
    await expect(runRulesNow(client, ["x"], { start, end })).rejects.toThrow(
      /Backfill cannot be scheduled for the future/,
    );
    expect(double.runs.manualRuns).toEqual([]);
  });

  it("is refused before 8.16", async () => {
    double = await new KibanaDouble({ version: "8.15.5" }).start();
    const window = { start: new Date(0), end: new Date(1_000) };
    await expect(
      runRulesNow(kibanaClient(double), ["x"], window),
    ).rejects.toThrow(/received 'run'/);
  });
});

describe("manualRunWindow", () => {
  it("waits until events are past", async () => {
    const time = fakeTime();
    const seededAt = new Date(time.now());
    const window = await manualRunWindow(seededAt, {
      now: () => new Date(time.now()),
      sleep: time.sleep,
    });
    expect(time.sleeps).toEqual([1_000]);
    expect(window.start.toISOString()).toBe("2026-12-04T16:35:00.000Z");
    expect(window.end.toISOString()).toBe("2026-12-04T16:40:00.000Z");
  });

  it("ends a second before now", async () => {
    const time = fakeTime();
    const seededAt = new Date(time.now() - 30_000);
    const window = await manualRunWindow(seededAt, {
      now: () => new Date(time.now()),
      sleep: time.sleep,
    });
    expect(time.sleeps).toEqual([]);
    expect(window.start.toISOString()).toBe("2026-12-04T16:34:30.000Z");
    expect(window.end.toISOString()).toBe("2026-12-04T16:39:59.000Z");
  });

  it("never ends before the events", async () => {
    const seededAt = new Date("2026-12-04T16:40:00.000Z");
    const window = await manualRunWindow(seededAt, {
      now: () => new Date("2026-12-04T16:40:00.200Z"),
      sleep: async () => {},
    });
    expect(window.end.toISOString()).toBe("2026-12-04T16:40:00.000Z");
  });
});

describe("runLive", () => {
  let kibana: KibanaDouble;
  let es: ElasticsearchDouble;
  const logs: string[] = [];

  const rules: LiveRule[] = [
    { key: "runs_a", body: ruleBody("rule-a", "a.exe") },
    { key: "runs_b", body: ruleBody("rule-b", "b.exe") },
  ];

  function event(id: string, processName: string): LoadedEvent {
    return {
      id,
      index: "logs-endpoint.events.process-default",
      file: "events.ndjson",
      line: 1,
      document: {
        "@timestamp": "2025-06-02T08:01:00.000Z",
        data_stream: {
          type: "logs",
          dataset: "endpoint.events.process",
          namespace: "default",
        },
        event: { id, category: ["process"], type: ["start"] },
        process: { name: processName },
      },
    };
  }

  const events = [
    event("e1", "a.exe"),
    event("e2", "b.exe"),
    event("e3", "c.exe"),
  ];

  /** Builds the alerts Kibana would write: one per matching event and rule. */
  function alertsFor(): Array<{ _id: string; _source: Doc }> {
    const alerts: Array<{ _id: string; _source: Doc }> = [];
    for (const space of ["detections-verifyab12"]) {
      for (const rule of kibanaRules(space)) {
        const name = /"([^"]+)"/.exec(String(rule.query))?.[1];
        for (const doc of es.documents) {
          if (!valuesAt(doc._source, "process.name").includes(name)) continue;
          alerts.push({
            _id: `${rule.id}-${doc._id}`,
            _source: {
              "kibana.alert.rule.uuid": rule.id,
              "kibana.alert.rule.rule_id": rule.rule_id,
              "kibana.alert.ancestors": [
                { id: doc._id, type: "event", index: doc._index, depth: 0 },
              ],
            },
          });
        }
      }
    }
    alerts.push({
      _id: "foreign",
      _source: {
        "kibana.alert.rule.uuid": kibanaRules("detections-verifyab12")[0]?.id,
        "kibana.alert.ancestors": [
          { id: "verifycd34-e1", type: "event", index: "x", depth: 0 },
        ],
      },
    });
    return alerts;
  }

  function kibanaRules(space: string): Array<Record<string, unknown>> {
    try {
      return kibana.store(space).all();
    } catch {
      return [];
    }
  }

  async function dependencies(version: string): Promise<LiveDependencies> {
    kibana = await new KibanaDouble({ version }).start();
    es = await new ElasticsearchDouble({
      eqlMatches: () => true,
      alertsFor: () => alertsFor(),
    }).start();
    const settings = resolveElasticsearchSettings(
      es.url,
      { ES_USERNAME: "elastic", ES_PASSWORD: "secret" },
      noFiles,
    );
    logs.length = 0;
    return {
      elasticsearch: new ElasticsearchTarget(
        createElasticsearchClient(settings, { timeoutMs: 5_000 }),
        settings,
      ),
      kibana: kibanaClient(kibana),
      kibanaInSpace: (space) => kibanaClient(kibana, space),
      progress: silentProgress,
      log: (line) => logs.push(line),
      sleep: async () => {},
    };
  }

  afterEach(async () => {
    await kibana.stop();
    await es.stop();
  });

  it("maps alerts to events and cleans up", async () => {
    const deps = await dependencies("9.5.7");
    const run = await runLive(rules, events, deps, {
      keep: false,
      namespace: "verifyab12",
    });
    expect(
      Object.fromEntries([...run.alerted].map(([key, ids]) => [key, [...ids]])),
    ).toEqual({
      runs_a: ["e1"],
      runs_b: ["e2"],
    });
    expect(run.ignored).toBe(1);
    expect(run.kibanaVersion).toBe("9.5.7");
    expect(run.space).toBe("detections-verifyab12");
    expect(kibana.runs.manualRuns).toHaveLength(1);
    expect(es.dataStreams()).toEqual([]);
    expect(es.templates.size).toBe(0);
    expect(kibanaRules("detections-verifyab12")).toEqual([]);
    expect(logs).toContain(
      "deleted space detections-verifyab12, data streams logs-*-verifyab12 and 4 index templates",
    );
  });

  it("keeps everything with keep", async () => {
    const deps = await dependencies("8.15.5");
    const run = await runLive(rules, events, deps, {
      keep: true,
      namespace: "verifyab12",
    });
    expect(run.alerted.get("runs_a")).toEqual(new Set(["e1"]));
    expect(kibana.runs.manualRuns).toEqual([]);
    expect(es.dataStreams()).toEqual([
      "logs-endpoint.events.process-verifyab12",
    ]);
    expect(
      kibanaRules("detections-verifyab12")
        .map((rule) => rule.rule_id)
        .sort(),
    ).toEqual(["rule-a", "rule-b"]);
    expect(logs).toContain(
      "kept Kibana space detections-verifyab12, data streams logs-*-verifyab12 and 4 index templates (--keep)",
    );
  });

  it("cleans up after a failed run", async () => {
    const deps = await dependencies("9.5.7");
    kibana.runs.script("rule-a", [{ status: "failed", message: "boom" }]);
    await expect(
      runLive(rules, events, deps, { keep: false, namespace: "verifyab12" }),
    ).rejects.toThrow('rule "Runs a.exe" (rule-a) failed in Kibana: boom.');
    expect(es.dataStreams()).toEqual([]);
    expect(kibanaRules("detections-verifyab12")).toEqual([]);
  });
});

describe("runElasticsearch", () => {
  let es: ElasticsearchDouble;
  afterEach(() => es.stop());

  it("collects hits per rule", async () => {
    es = await new ElasticsearchDouble({
      eqlMatches: (query, document) =>
        valuesAt(document, "process.name").includes(
          /"([^"]+)"/.exec(query)?.[1],
        ),
    }).start();
    const settings = resolveElasticsearchSettings(
      es.url,
      { ES_USERNAME: "elastic", ES_PASSWORD: "secret" },
      noFiles,
    );
    const deps: LiveDependencies = {
      elasticsearch: new ElasticsearchTarget(
        createElasticsearchClient(settings, { timeoutMs: 5_000 }),
        settings,
      ),
      progress: silentProgress,
      log: () => {},
    };
    const rules: LiveRule[] = [
      { key: "runs_a", body: ruleBody("rule-a", "a.exe") },
    ];
    const events: LoadedEvent[] = ["a.exe", "b.exe"].map((name, position) => ({
      id: `e${position + 1}`,
      index: "x",
      file: "f",
      line: position + 1,
      document: {
        data_stream: {
          type: "logs",
          dataset: "system.security",
          namespace: "default",
        },
        event: { id: `e${position + 1}` },
        process: { name },
      },
    }));
    const run = await runElasticsearch(rules, events, deps, {
      keep: false,
      namespace: "verifyab12",
    });
    expect(run.alerted.get("runs_a")).toEqual(new Set(["e1"]));
    expect(run.ignored).toBe(0);
    const search = es.requests.find((request) =>
      request.path.endsWith("/_eql/search"),
    );
    expect(decodeURIComponent(search?.path ?? "")).toBe(
      `/${ruleBody("x", "y").index.join(",")}/_eql/search`,
    );
    expect(es.dataStreams()).toEqual([]);
  });
});
