/**
 * The real proof: the built rules run in Kibana's detection engine and
 * through Elasticsearch's _eql/search on a stack started from
 * docker-compose.yml, and their verdicts must equal the expected ones and
 * the embedded engine's on every event. Skipped without Docker.
 */
import { execFile } from "node:child_process";
import { expect, it } from "vitest";
import { itWithSharedData, sharedDataPath } from "../shared-data.js";
import { describeLive } from "./stack.js";

/** Runs the built CLI, as a user would, without blocking the event loop. */
function detections(
  env: Record<string, string>,
  ...args: string[]
): Promise<{ status: number; stdout: string; stderr: string }> {
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

const runTimeoutMs = 15 * 60_000;
const agreeing = (target: string) =>
  new RegExp(
    `, 0 mismatches\\n0 disagreements between ${target} and the embedded engine\\n$`,
  );

describeLive("verification on a live stack", (stack) => {
  it(
    "alerts as expected in Kibana",
    async () => {
      const { env, elasticsearchUrl, kibanaUrl } = stack();
      const result = await detections(
        env,
        "verify",
        "--target",
        "live",
        "--es-url",
        elasticsearchUrl,
        "--kibana-url",
        kibanaUrl,
        "--wait-timeout",
        "600",
      );
      expect(result.stderr).toMatch(
        /live verification on Elasticsearch \S+, Kibana \S+ in namespace/,
      );
      expect(result.stdout).toMatch(agreeing("live"));
      expect(result.status).toBe(0);
    },
    runTimeoutMs,
  );

  itWithSharedData(
    "alerts on the shared mofcomp events",
    async () => {
      const { env, elasticsearchUrl, kibanaUrl } = stack();
      const result = await detections(
        env,
        "verify",
        "--target",
        "live",
        "--es-url",
        elasticsearchUrl,
        "--kibana-url",
        kibanaUrl,
        "--events",
        sharedDataPath("mofcomp", "events.ndjson"),
        "--expect",
        sharedDataPath("mofcomp", "expected.tsv"),
        "--no-synthesize",
        "--wait-timeout",
        "600",
      );
      expect(result.stdout).toMatch(agreeing("live"));
      expect(result.status).toBe(0);
    },
    runTimeoutMs,
  );

  it(
    "hits as expected with _eql/search",
    async () => {
      const { env, elasticsearchUrl } = stack();
      const result = await detections(
        env,
        "verify",
        "--target",
        "elasticsearch",
        "--es-url",
        elasticsearchUrl,
      );
      expect(result.stdout).toMatch(agreeing("elasticsearch"));
      expect(result.status).toBe(0);
    },
    runTimeoutMs,
  );
});
