import { readFileSync } from "node:fs";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  createElasticsearchClient,
  ElasticsearchTarget,
  resolveElasticsearchSettings,
  type ElasticsearchSettings,
} from "../../src/harness/elasticsearch-target.js";
import type { LoadedEvent } from "../../src/harness/events.js";
import { silentProgress } from "../../src/harness/progress.js";
import {
  eventIdsByDocumentId,
  prepareDocuments,
} from "../../src/harness/seeding.js";
import { ElasticsearchDouble } from "../elasticsearch-double/server.js";

const noFiles = (file: string): string => {
  throw new Error(`unexpected read of ${file}`);
};

function loadedEvent(
  id: string,
  dataset: string,
  extra: object = {},
): LoadedEvent {
  return {
    id,
    index: `logs-${dataset}-default`,
    file: "events.ndjson",
    line: 1,
    document: {
      "@timestamp": "2025-06-02T08:01:00.000Z",
      data_stream: { type: "logs", dataset, namespace: "default" },
      event: { id, category: ["process"], type: ["start"] },
      process: { name: "mofcomp.exe" },
      ...extra,
    },
  };
}

describe("resolveElasticsearchSettings", () => {
  it("reads the URL and basic credentials", () => {
    const settings = resolveElasticsearchSettings(
      undefined,
      {
        ES_URL: "http://127.0.0.1:9200",
        ES_USERNAME: "elastic",
        ES_PASSWORD: "pw",
      },
      noFiles,
    );
    expect(settings.url.href).toBe("http://127.0.0.1:9200/");
    expect(settings.auth).toEqual({
      kind: "basic",
      username: "elastic",
      password: "pw",
      source: "ES_USERNAME and ES_PASSWORD",
    });
  });

  it("prefers an API key", () => {
    const settings = resolveElasticsearchSettings(
      "http://127.0.0.1:9200",
      { ES_API_KEY: "key", ES_USERNAME: "elastic", ES_PASSWORD: "pw" },
      noFiles,
    );
    expect(settings.auth).toEqual({
      kind: "api_key",
      apiKey: "key",
      source: "ES_API_KEY",
    });
  });

  it("rejects a missing URL", () => {
    expect(() => resolveElasticsearchSettings(undefined, {}, noFiles)).toThrow(
      "missing Elasticsearch URL. Pass --es-url URL or set ES_URL.",
    );
  });

  it("rejects credentials in the URL", () => {
    expect(() =>
      resolveElasticsearchSettings(
        "http://elastic:pw@127.0.0.1:9200",
        {},
        noFiles,
      ),
    ).toThrow(
      "the Elasticsearch URL contains credentials. Remove them from the URL and set ES_API_KEY, or ES_USERNAME and ES_PASSWORD.",
    );
  });

  it("rejects half-set credentials", () => {
    expect(() =>
      resolveElasticsearchSettings(
        "http://127.0.0.1:9200",
        { ES_USERNAME: "elastic" },
        noFiles,
      ),
    ).toThrow(
      "ES_USERNAME and ES_PASSWORD must be set together for basic authentication.",
    );
  });

  it("reads a CA certificate file", () => {
    const settings = resolveElasticsearchSettings(
      "https://127.0.0.1:9200",
      { ES_CA_CERT: "ca.pem" },
      (file) => `PEM of ${file}`,
    );
    expect(settings.caCert).toBe("PEM of ca.pem");
  });
});

describe("ElasticsearchTarget", () => {
  let double: ElasticsearchDouble;
  let settings: ElasticsearchSettings;
  let target: ElasticsearchTarget;
  const now = new Date("2026-12-04T16:40:00.000Z");
  const window = {
    from: "2026-12-04T16:30:00.000Z",
    to: "2026-12-04T16:45:00.000Z",
  };

  async function start(version: string): Promise<void> {
    double = await new ElasticsearchDouble({
      version,
      eqlMatches: () => true,
    }).start();
    settings = resolveElasticsearchSettings(
      double.url,
      { ES_USERNAME: "elastic", ES_PASSWORD: "secret" },
      noFiles,
    );
    target = new ElasticsearchTarget(
      createElasticsearchClient(settings, { timeoutMs: 5_000 }),
      settings,
    );
  }

  beforeEach(() => start("9.5.7"));
  afterEach(() => double.stop());

  it("reads the cluster version", async () => {
    expect(await target.version()).toBe("9.5.7");
  });

  it("sends plain JSON to 8.19", async () => {
    await double.stop();
    await start("8.19.24");
    expect(await target.version()).toBe("8.19.24");
    await target.installTemplates("verifyab12");
    expect(double.requests.map((request) => request.accept)).toContain(
      "application/json",
    );
    for (const request of double.requests) {
      expect(`${request.contentType} ${request.accept}`).not.toContain(
        "compatible-with",
      );
    }
  });

  it("installs beside a logs-* template", async () => {
    // A user's template for logs-* at the priority Elastic's docs suggest.
    double.templates.set("my-logs", {
      index_patterns: ["logs-*"],
      priority: 500,
    });
    const names = await target.installTemplates("verifyab12");
    expect(names).toHaveLength(4);
    expect(double.templates.size).toBe(5);
  });

  it("rejects same-priority overlapping templates", async () => {
    double.templates.set("my-logs", {
      index_patterns: ["logs-*"],
      priority: 800,
    });
    await expect(target.installTemplates("verifyab12")).rejects.toThrow(
      `PUT _index_template/detections-verify-endpoint.events.process-verifyab12 failed on Elasticsearch at ${settings.url.origin} (HTTP 400): illegal_argument_exception: index template [detections-verify-endpoint.events.process-verifyab12] has index patterns [logs-endpoint.events.process-verifyab12] matching patterns from existing templates [my-logs] with patterns (my-logs => [logs-*]) that have the same priority [800], multiple index templates may not match during index creation, please use a different priority`,
    );
  });

  it("installs four templates", async () => {
    const names = await target.installTemplates("verifyab12");
    expect(names).toEqual([
      "detections-verify-endpoint.events.process-verifyab12",
      "detections-verify-m365_defender.event-verifyab12",
      "detections-verify-crowdstrike.fdr-verifyab12",
      "detections-verify-system.security-verifyab12",
    ]);
    const body = double.templates.get(names[0] ?? "");
    expect(body?.index_patterns).toEqual([
      "logs-endpoint.events.process-verifyab12",
    ]);
    expect(body?.data_stream).toEqual({});
  });

  it("indexes events with ids and time", async () => {
    const documents = prepareDocuments(
      [
        loadedEvent("a", "endpoint.events.process"),
        loadedEvent("b", "system.security"),
      ],
      "verifyab12",
      now,
    );
    await target.index(documents, silentProgress);
    expect(double.documents.map((doc) => [doc.dataStream, doc._id])).toEqual([
      ["logs-endpoint.events.process-verifyab12", "verifyab12-a"],
      ["logs-system.security-verifyab12", "verifyab12-b"],
    ]);
    const source = double.documents[0]?._source as Record<
      string,
      Record<string, unknown>
    >;
    expect(source["@timestamp"]).toBe("2026-12-04T16:40:00.000Z");
    expect(source.event?.ingested).toBe("2026-12-04T16:40:00.000Z");
    const bulk = double.requests.find((request) => request.path === "/_bulk");
    expect(bulk?.body.split("\n")[0]).toBe(
      '{"create":{"_index":"logs-endpoint.events.process-verifyab12","_id":"verifyab12-a"}}',
    );
    expect(bulk?.contentType).toBe("application/x-ndjson");
  });

  it("reports rejected documents", async () => {
    const documents = prepareDocuments(
      [loadedEvent("a", "endpoint.events.process")],
      "verifyab12",
      now,
    );
    await target.index(documents, silentProgress);
    await expect(target.index(documents, silentProgress)).rejects.toThrow(
      `Elasticsearch at ${double.url} rejected 1 of 1 documents:\n` +
        "  a: version_conflict_engine_exception: [verifyab12-a]: version conflict, document already exists (current version [1])\n" +
        "Check that the events are valid ECS documents.",
    );
  });

  it("filters EQL searches like Kibana", async () => {
    const events = [
      loadedEvent("inside", "endpoint.events.process"),
      loadedEvent("no-ingested", "endpoint.events.process"),
    ];
    const documents = prepareDocuments(events, "verifyab12", now);
    const noIngested = documents[1]?.document.event as Record<string, unknown>;
    delete noIngested.ingested;
    const outside = prepareDocuments(
      [loadedEvent("outside", "endpoint.events.process")],
      "verifyab12",
      new Date("2026-12-04T15:00:00.000Z"),
    );
    const otherRun = prepareDocuments(
      [loadedEvent("other-run", "endpoint.events.process")],
      "verifycd34",
      now,
    );
    await target.index([...documents, ...outside, ...otherRun], silentProgress);
    const ids = eventIdsByDocumentId([...documents, ...outside, ...otherRun]);
    const rule = {
      query: 'process where process.name : "mofcomp.exe"',
      index: ["logs-endpoint.events.process-*"],
      timestamp_override: "event.ingested",
    };
    const withFallback = await target.eqlSearch(
      rule,
      window,
      "verifyab12",
      100,
    );
    expect(withFallback.map((hit) => ids.get(hit._id))).toEqual([
      "inside",
      "no-ingested",
    ]);
    const withoutFallback = await target.eqlSearch(
      { ...rule, timestamp_override_fallback_disabled: true },
      window,
      "verifyab12",
      100,
    );
    expect(withoutFallback.map((hit) => ids.get(hit._id))).toEqual(["inside"]);
  });

  it("reads alerts of the given rules", async () => {
    const response = JSON.parse(
      readFileSync("test/fixtures/alerts/eql-alerts-9.x.json", "utf8"),
    ) as {
      hits: { hits: Array<{ _id: string; _source: Record<string, unknown> }> };
    };
    double.alertIndices.set(
      ".internal.alerts-security.alerts-detections-verifyab12-000001",
      response.hits.hits.map(({ _id, _source }) => ({ _id, _source })),
    );
    const hits = await target.searchAlerts("detections-verifyab12", [
      "8d0e4b6a-1c2f-4e8a-b7d9-3a5c6e7f8091",
    ]);
    expect(hits.map((hit) => hit._id)).toEqual([response.hits.hits[1]?._id]);
  });

  it("deletes what the run created", async () => {
    const names = await target.installTemplates("verifyab12");
    const documents = prepareDocuments(
      [
        loadedEvent("a", "endpoint.events.process"),
        loadedEvent("b", "windows.sysmon_operational"),
      ],
      "verifyab12",
      now,
    );
    const kept = prepareDocuments(
      [loadedEvent("c", "system.security")],
      "verifycd34",
      now,
    );
    await target.index([...documents, ...kept], silentProgress);
    double.alertIndices.set(
      ".internal.alerts-security.alerts-detections-verifyab12-000001",
      [],
    );
    await target.cleanUp("verifyab12", names, "detections-verifyab12");
    expect(double.dataStreams()).toEqual(["logs-system.security-verifycd34"]);
    expect(double.templates.size).toBe(0);
    expect(double.alertIndices.size).toBe(0);
  });

  it("names the credential on 401", async () => {
    const wrong = resolveElasticsearchSettings(
      double.url,
      { ES_USERNAME: "elastic", ES_PASSWORD: "wrong" },
      noFiles,
    );
    const client = createElasticsearchClient(wrong, { timeoutMs: 5_000 });
    await expect(
      new ElasticsearchTarget(client, wrong).version(),
    ).rejects.toThrow(
      `Elasticsearch at ${double.url} rejected the credentials for GET / (HTTP 401): check the credentials from ES_USERNAME and ES_PASSWORD.`,
    );
  });

  it("explains a refused connection", async () => {
    const url = double.url;
    await double.stop();
    const client = createElasticsearchClient(settings, {
      timeoutMs: 2_000,
      maxRetries: 0,
    });
    const error = await new ElasticsearchTarget(client, settings)
      .version()
      .catch((caught: Error) => caught);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toMatch(
      new RegExp(
        `^could not connect to Elasticsearch at ${url} for GET /: .*ECONNREFUSED.*\\. Check --es-url and that Elasticsearch is running\\.$`,
      ),
    );
    await start("9.5.7");
  });
});
