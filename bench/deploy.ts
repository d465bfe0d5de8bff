/**
 * Deploy benchmark: deploys generated rules to the Kibana API test double
 * (a real HTTP server on 127.0.0.1) and prints, for a first deploy, a
 * redeploy with no change and a redeploy with 10 changed rules, the number
 * of HTTP requests and the time. The baseline, measured in the same run,
 * creates the same rules with one POST per rule. Request targets are
 * checked (exit 1 when missed); times are only reported. Merges the
 * figures under the key "deploy" into bench/results.json.
 *
 *   npm run bench:deploy -- [--rules N]
 */
import { readFileSync, writeFileSync } from "node:fs";
import { cpus } from "node:os";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { FIND_PAGE_SIZE } from "../src/kibana/api.js";
import { KibanaClient } from "../src/kibana/client.js";
import { importLimits } from "../src/kibana/ndjson.js";
import type { KibanaRule } from "../src/kibana/rule.js";
import { KibanaDouble } from "../test/kibana-double/server.js";
import { apiKeyConnection, deploy } from "../test/kibana/deploy-helpers.js";
import { kibanaRule } from "../test/kibana/rule-fixture.js";

const resultsPath = fileURLToPath(
  new URL("../../results.json", import.meta.url),
);

interface Measurement {
  requests: number;
  writes: number;
  ms: number;
}

async function measure(
  kibana: KibanaDouble,
  rules: KibanaRule[],
): Promise<Measurement> {
  const before = kibana.writes().length;
  const started = performance.now();
  const { requests } = await deploy(apiKeyConnection(kibana.url), rules);
  return {
    requests,
    writes: kibana.writes().length - before,
    ms: Math.round(performance.now() - started),
  };
}

/** Creates every rule with its own POST, the way a naive client would. */
async function perRuleBaseline(rules: KibanaRule[]): Promise<Measurement> {
  const kibana = await new KibanaDouble().start();
  const client = new KibanaClient(apiKeyConnection(kibana.url));
  const started = performance.now();
  try {
    for (const rule of rules) {
      await client.send({
        method: "POST",
        path: "/api/detection_engine/rules",
        body: JSON.stringify(rule),
        contentType: "application/json",
        idempotent: false,
      });
    }
    return {
      requests: client.requestCount,
      writes: client.requestCount,
      ms: Math.round(performance.now() - started),
    };
  } finally {
    await client.close();
    await kibana.stop();
  }
}

function mergeResults(key: string, value: unknown): void {
  let results: Record<string, unknown> = {};
  try {
    results = JSON.parse(readFileSync(resultsPath, "utf8"));
  } catch {
    // First benchmark of the run: start a new file.
  }
  results[key] = value;
  writeFileSync(resultsPath, `${JSON.stringify(results, null, 2)}\n`);
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { rules: { type: "string", default: "1000" } },
  });
  const count = Number(values.rules);
  const rules = Array.from({ length: count }, (_, index) =>
    kibanaRule(index + 1),
  );
  const target =
    Math.ceil(count / FIND_PAGE_SIZE) +
    Math.ceil(count / importLimits.maxObjects) +
    3;

  const baseline = await perRuleBaseline(rules);
  const kibana = await new KibanaDouble().start();
  const first = await measure(kibana, rules);
  const unchanged = await measure(kibana, rules);
  const changed = rules.map((rule, index) =>
    index % Math.ceil(count / 10) === 0
      ? { ...rule, note: `${rule.note}\nChanged.`, version: 2 }
      : rule,
  );
  const changedCount = changed.filter((rule) => rule.version === 2).length;
  const changedRun = await measure(kibana, changed);
  await kibana.stop();

  const checks = {
    first_within_target: first.requests <= target,
    changed_within_target: changedRun.requests <= target,
    unchanged_reads_only: unchanged.writes === 0,
  };
  const rows: [string, Measurement][] = [
    ["baseline: one POST per rule", baseline],
    ["first deploy", first],
    ["redeploy, no change", unchanged],
    [`redeploy, ${changedCount} changed`, changedRun],
  ];
  console.log(
    `deploy benchmark: ${count} rules, _find page ${FIND_PAGE_SIZE}, import chunk ${importLimits.maxObjects}, request target ${target}`,
  );
  console.log(
    `node ${process.version}, ${cpus().length} CPUs (${cpus()[0]?.model ?? "unknown"})`,
  );
  console.log(
    "case                          requests  writes       ms  time vs baseline",
  );
  for (const [name, row] of rows) {
    const ratio = (row.ms / Math.max(1, baseline.ms)).toFixed(3);
    console.log(
      `${name.padEnd(30)}${String(row.requests).padStart(8)}${String(row.writes).padStart(8)}${String(row.ms).padStart(9)}  ${ratio}`,
    );
  }
  for (const [name, ok] of Object.entries(checks))
    console.log(`${ok ? "ok  " : "FAIL"} ${name}`);
  mergeResults("deploy", {
    rules: count,
    find_page_size: FIND_PAGE_SIZE,
    import_chunk: importLimits.maxObjects,
    request_target: target,
    baseline_per_rule_post: baseline,
    first_deploy: first,
    redeploy_unchanged: unchanged,
    redeploy_changed: { ...changedRun, changed_rules: changedCount },
    time_ratio_vs_baseline: {
      first_deploy: first.ms / Math.max(1, baseline.ms),
      redeploy_unchanged: unchanged.ms / Math.max(1, baseline.ms),
      redeploy_changed: changedRun.ms / Math.max(1, baseline.ms),
    },
    checks,
  });
  if (!Object.values(checks).every(Boolean)) process.exitCode = 1;
}

await main();
