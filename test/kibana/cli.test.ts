import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { parseNdjson } from "../../src/kibana/ndjson.js";
import { KibanaDouble } from "../kibana-double/server.js";
import { kibanaRule } from "./rule-fixture.js";

let kibana: KibanaDouble;
let rulesDir: string;

beforeEach(async () => {
  kibana = await new KibanaDouble({ spaces: ["team-a"] }).start();
  rulesDir = mkdtempSync(path.join(tmpdir(), "detections-rules-"));
  for (const index of [1, 2]) {
    writeFileSync(
      path.join(rulesDir, `rule_${index}.json`),
      JSON.stringify(kibanaRule(index), null, 2),
    );
  }
  writeFileSync(path.join(rulesDir, "version.lock.json"), "{}\n");
});
afterEach(async () => {
  await kibana.stop();
});

/** Runs the built CLI without blocking the double in this process. */
function detections(
  args: string[],
  env: Record<string, string> = {},
): Promise<{ status: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      "node",
      ["dist/cli.js", ...args],
      {
        env: {
          PATH: process.env.PATH ?? "",
          KIBANA_URL: kibana.url,
          KIBANA_API_KEY: "test-api-key",
          ...env,
        },
      },
      (error, stdout, stderr) =>
        resolve({ status: error ? Number(error.code) : 0, stdout, stderr }),
    );
  });
}

describe("detections plan", () => {
  it("prints what would change", async () => {
    const result = await detections(["plan", "--rules", rulesDir]);
    expect(result.status).toBe(0);
    expect(result.stdout.split("\n")).toEqual([
      "Kibana 9.1.0, space default: 2 to create, 0 to update, 0 unchanged, 0 to delete, 0 drifted, 0 not in the rules folder",
      `create    ${kibanaRule(1).rule_id}  Generated rule 0001`,
      `create    ${kibanaRule(2).rule_id}  Generated rule 0002`,
      "",
    ]);
    expect(kibana.writes()).toEqual([]);
  });

  it("prints the plan as JSON", async () => {
    await detections(["deploy", "--rules", rulesDir]);
    const changed = { ...kibanaRule(2), note: "new note" };
    writeFileSync(path.join(rulesDir, "rule_2.json"), JSON.stringify(changed));
    const result = await detections(["plan", "--rules", rulesDir, "--json"]);
    const plan = JSON.parse(result.stdout);
    expect(plan.summary).toEqual({
      create: 0,
      update: 1,
      unchanged: 1,
      delete: 0,
      drift: 0,
      orphan: 0,
    });
    expect(plan.steps[1]).toEqual({
      action: "update",
      rule_id: changed.rule_id,
      name: changed.name,
      changes: [
        { field: "note", before: kibanaRule(2).note, after: "new note" },
      ],
    });
  });
});

describe("detections deploy", () => {
  it("deploys and confirms", async () => {
    const result = await detections(["deploy", "--rules", rulesDir]);
    expect(result.stdout).toBe(
      "applied: 2 created, 0 updated, 0 deleted; read back and confirmed\n",
    );
    expect(result.status).toBe(0);
    expect(result.stderr).toContain("Kibana 9.1.0, space default: 2 to create");
    expect(kibana.store().all()).toHaveLength(2);
  });

  it("writes nothing with dry-run", async () => {
    const result = await detections([
      "deploy",
      "--dry-run",
      "--rules",
      rulesDir,
    ]);
    expect(result.status).toBe(0);
    expect(kibana.writes()).toEqual([]);
  });

  it("deploys into a space", async () => {
    const result = await detections([
      "deploy",
      "--rules",
      rulesDir,
      "--space",
      "team-a",
    ]);
    expect(result.status).toBe(0);
    expect(kibana.store("team-a").all()).toHaveLength(2);
  });

  it("exits 1 on drift", async () => {
    await detections(["deploy", "--rules", rulesDir]);
    kibana.store().patch(kibanaRule(1).rule_id, { severity: "high" });
    const result = await detections(["deploy", "--rules", rulesDir]);
    expect(result.status).toBe(1);
    expect(result.stdout).toContain(
      `drift: ${kibanaRule(1).rule_id} (Generated rule 0001) was changed in Kibana since the last deploy and was left alone; deploy --force overwrites it`,
    );
  });

  it("backs up before writing", async () => {
    await detections(["deploy", "--rules", rulesDir]);
    writeFileSync(
      path.join(rulesDir, "rule_2.json"),
      JSON.stringify({ ...kibanaRule(2), note: "x" }),
    );
    const backups = mkdtempSync(path.join(tmpdir(), "detections-backup-"));
    const result = await detections([
      "deploy",
      "--rules",
      rulesDir,
      "--backup",
      backups,
    ]);
    const file = /backup: (.+)\n/.exec(result.stdout)![1]!;
    const backup = parseNdjson(readFileSync(file, "utf8"), file);
    expect(backup.rules.map((rule) => rule.rule_id)).toEqual([
      kibanaRule(1).rule_id,
      kibanaRule(2).rule_id,
    ]);
    expect(backup.rules[1]!.note).toBe(kibanaRule(2).note);
  });

  it("exits 3 with the credential to check", async () => {
    const result = await detections(["deploy", "--rules", rulesDir], {
      KIBANA_API_KEY: "bad-secret",
    });
    expect(result.status).toBe(3);
    expect(result.stderr).toBe(
      `error: Kibana rejected the credentials (HTTP 401) for GET ${kibana.url}/api/status: [security_exception]: unable to authenticate user. Check the credentials from KIBANA_API_KEY. An API key is the "encoded" value that Kibana shows once, the base64 of id:api_key.\n`,
    );
  });

  it("exits 2 without a Kibana URL", async () => {
    const result = await detections(["deploy", "--rules", rulesDir], {
      KIBANA_URL: "",
    });
    expect(result.status).toBe(2);
    expect(result.stderr).toBe(
      "error: missing Kibana URL. Pass --kibana-url URL or set KIBANA_URL.\n",
    );
  });

  it("exits 2 on an invalid built rule", async () => {
    writeFileSync(
      path.join(rulesDir, "rule_1.json"),
      JSON.stringify({ ...kibanaRule(1), risk_score: 500 }),
    );
    const result = await detections(["deploy", "--rules", rulesDir]);
    expect(result.status).toBe(2);
    expect(result.stderr).toBe(
      [
        "error: 1 problem in the built rules; nothing was sent to Kibana:",
        `  ${path.join(rulesDir, "rule_1.json")}: risk_score: must be at most 100, got 500. Use an integer from 0 to 100 (low 21, medium 47, high 73, critical 99).`,
        "Fix the Sigma rules and rebuild with detections build.",
        "",
      ].join("\n"),
    );
    expect(kibana.requests).toEqual([]);
  });
});

describe("detections export", () => {
  it("downloads rules as NDJSON", async () => {
    await detections(["deploy", "--rules", rulesDir]);
    const out = path.join(
      mkdtempSync(path.join(tmpdir(), "detections-export-")),
      "rules.ndjson",
    );
    const result = await detections([
      "export",
      "--rule-id",
      kibanaRule(2).rule_id,
      "--out",
      out,
    ]);
    expect(result.stdout).toBe(`exported 1 rule to ${out}\n`);
    const document = parseNdjson(readFileSync(out, "utf8"), out);
    expect(document.rules.map((rule) => rule.rule_id)).toEqual([
      kibanaRule(2).rule_id,
    ]);
    expect(document.summary?.exported_rules_count).toBe(1);
  });

  it("exits 1 for a missing rule_id", async () => {
    const out = path.join(
      mkdtempSync(path.join(tmpdir(), "detections-export-")),
      "rules.ndjson",
    );
    const result = await detections([
      "export",
      "--rule-id",
      "no-such-rule",
      "--out",
      out,
    ]);
    expect(result.status).toBe(1);
    expect(result.stderr).toBe("not found in Kibana: rule_id no-such-rule\n");
  });
});
