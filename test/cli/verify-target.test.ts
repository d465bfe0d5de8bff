import { execFile } from "node:child_process";
import { afterEach, describe, expect, it } from "vitest";
import { compileQuery } from "../../src/eql/engine/index.js";
import { matchesIndexPatterns } from "../../src/harness/index-pattern.js";
import type { Doc } from "../elasticsearch-double/query-dsl.js";
import { ElasticsearchDouble } from "../elasticsearch-double/server.js";
import { KibanaDouble } from "../kibana-double/server.js";

interface Result {
  status: number;
  stdout: string;
  stderr: string;
}

/** Runs the built CLI without blocking, so the in-process doubles can respond. */
function detections(
  env: Record<string, string>,
  ...args: string[]
): Promise<Result> {
  return new Promise((resolve) => {
    execFile(
      "node",
      ["dist/cli.js", ...args],
      { env: { PATH: process.env.PATH, ...env }, maxBuffer: 64 * 1024 * 1024 },
      (error, stdout, stderr) => {
        const status = error
          ? Number((error as { code?: number }).code ?? 1)
          : 0;
        resolve({ status, stdout, stderr });
      },
    );
  });
}

const esEnv = { ES_USERNAME: "elastic", ES_PASSWORD: "secret" };

/** Runs an EQL query with the embedded engine, as a stand-in for Elasticsearch. */
function engineMatches(query: string, document: Doc): boolean {
  return compileQuery(query).matches(document);
}

describe("detections verify --target elasticsearch", () => {
  let es: ElasticsearchDouble;
  afterEach(() => es.stop());

  it("agrees with the embedded engine", async () => {
    es = await new ElasticsearchDouble({ eqlMatches: engineMatches }).start();
    const result = await detections(
      esEnv,
      "verify",
      "--target",
      "elasticsearch",
      "--es-url",
      es.url,
    );
    expect(result.stderr).toMatch(
      /added \d+ events synthesized from the rules' queries/,
    );
    expect(result.stderr).toMatch(
      /elasticsearch verification on Elasticsearch 9\.5\.7 in namespace verify[0-9a-f]{8}/,
    );
    expect(result.stdout).toMatch(
      /, 0 mismatches\n0 disagreements between elasticsearch and the embedded engine\n$/,
    );
    expect(result.status).toBe(0);
    expect(es.dataStreams()).toEqual([]);
    expect(es.templates.size).toBe(0);
  });

  it("reports each disagreement", async () => {
    const missed = "synth-mofcomp_suspicious_arguments-match-1-endpoint";
    es = await new ElasticsearchDouble({
      eqlMatches: (query, document) =>
        engineMatches(query, document) &&
        (document.event as { id: string }).id !== missed,
    }).start();
    const result = await detections(
      esEnv,
      "verify",
      "--target",
      "elasticsearch",
      "--es-url",
      es.url,
    );
    expect(result.stdout).toContain(
      `\nDISAGREE ${missed} mofcomp_outside_system32: elasticsearch no_alert, embedded engine alert\n` +
        `DISAGREE ${missed} mofcomp_suspicious_arguments: elasticsearch no_alert, embedded engine alert\n` +
        "2 disagreements between elasticsearch and the embedded engine\n",
    );
    expect(result.stdout).toMatch(/, 2 mismatches\n/);
    expect(result.status).toBe(1);
  });

  it("prints JSON with disagreements", async () => {
    es = await new ElasticsearchDouble({ eqlMatches: engineMatches }).start();
    const result = await detections(
      esEnv,
      "verify",
      "--target",
      "elasticsearch",
      "--es-url",
      es.url,
      "--json",
      "--no-synthesize",
    );
    const output = JSON.parse(result.stdout) as {
      target: string;
      mismatches: number;
      disagreements: unknown[];
      results: unknown[];
    };
    expect(output.target).toBe("elasticsearch");
    expect(output.mismatches).toBe(0);
    expect(output.disagreements).toEqual([]);
    expect(result.stderr).not.toContain("synthesized");
    expect(result.status).toBe(0);
  });

  it("names the missing URL", async () => {
    const result = await detections({}, "verify", "--target", "elasticsearch");
    expect(result.stderr).toContain(
      "error: missing Elasticsearch URL. Pass --es-url URL or set ES_URL.\n",
    );
    expect(result.status).toBe(2);
  });

  it("rejects an unknown target", async () => {
    const result = await detections({}, "verify", "--target", "cloud");
    expect(result.stderr).toContain(
      'error: invalid --target "cloud". Use embedded, live or elasticsearch.\n',
    );
    expect(result.status).toBe(2);
  });
});

describe("detections verify --target live", () => {
  let kibana: KibanaDouble;
  let es: ElasticsearchDouble;
  afterEach(async () => {
    await kibana.stop();
    await es.stop();
  });

  /** Alerts as Kibana's detection engine writes them, with the embedded engine deciding matches. */
  function alertsFor(index: string): Array<{ _id: string; _source: Doc }> {
    const space = index.replace(/^\.alerts-security\.alerts-/, "");
    let rules: Array<Record<string, unknown>>;
    try {
      rules = kibana.store(space).all();
    } catch {
      return [];
    }
    return rules.flatMap((rule) => {
      const compiled = compileQuery(String(rule.query));
      return es.documents
        .filter((doc) =>
          matchesIndexPatterns(doc.dataStream, rule.index as string[]),
        )
        .filter((doc) => compiled.matches(doc._source))
        .map((doc) => ({
          _id: `${String(rule.id)}:${doc._id}`,
          _source: {
            "kibana.alert.rule.uuid": rule.id,
            "kibana.alert.rule.rule_id": rule.rule_id,
            "kibana.alert.ancestors": [
              { id: doc._id, type: "event", index: doc._index, depth: 0 },
            ],
          },
        }));
    });
  }

  it("agrees with the embedded engine", async () => {
    kibana = await new KibanaDouble({ version: "9.5.7" }).start();
    es = await new ElasticsearchDouble({
      alertsFor: (index) => alertsFor(index),
    }).start();
    const env = { ...esEnv, KIBANA_API_KEY: "test-api-key" };
    const result = await detections(
      env,
      "verify",
      "--target",
      "live",
      "--es-url",
      es.url,
      "--kibana-url",
      kibana.url,
    );
    expect(result.stderr).toMatch(/started a manual run of 2 rules/);
    expect(result.stderr).toMatch(
      /live verification on Elasticsearch 9\.5\.7, Kibana 9\.5\.7 in namespace verify[0-9a-f]{8}/,
    );
    expect(result.stdout).toMatch(
      /, 0 mismatches\n0 disagreements between live and the embedded engine\n$/,
    );
    expect(result.status).toBe(0);
    expect(kibana.runs.manualRuns).toHaveLength(1);
    expect(es.dataStreams()).toEqual([]);
  });
});
