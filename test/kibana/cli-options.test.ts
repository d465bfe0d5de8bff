import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { KibanaDouble } from "../kibana-double/server.js";
import { runCli, writeRules } from "./cli-helpers.js";
import { kibanaRule } from "./rule-fixture.js";

let kibana: KibanaDouble;
let rulesDir: string;

beforeEach(async () => {
  kibana = await new KibanaDouble({ spaces: ["team-a"] }).start();
  rulesDir = writeRules();
});
afterEach(async () => {
  await kibana.stop();
});

function detections(args: string[], env: Record<string, string> = {}) {
  return runCli(args, {
    KIBANA_URL: kibana.url,
    KIBANA_API_KEY: "test-api-key",
    ...env,
  });
}

const version = JSON.parse(readFileSync("package.json", "utf8")).version;

describe("detections help", () => {
  it("prints the version", async () => {
    const result = await detections(["--version"]);
    expect(result.status).toBe(0);
    expect(result.stdout).toBe(`${version}\n`);
  });

  it("names every Kibana variable", async () => {
    for (const command of ["plan", "deploy", "export"]) {
      const result = await detections([command, "--help"]);
      expect(result.status).toBe(0);
      for (const name of [
        "KIBANA_URL",
        "KIBANA_API_KEY",
        "KIBANA_USERNAME",
        "KIBANA_PASSWORD",
        "KIBANA_SPACE",
        "KIBANA_CA_CERT",
        "KIBANA_CONFIG",
        "--timeout <seconds>",
        "--allow-insecure-http",
        "in order of precedence",
        "Each request times out after --timeout seconds (default 30)",
        "retried up to 4 times",
        "Exit codes: 0 ok",
      ])
        expect(result.stdout, `${command}: ${name}`).toContain(name);
    }
  });

  it("rejects an invalid timeout", async () => {
    const result = await detections([
      "plan",
      "--rules",
      rulesDir,
      "--timeout",
      "0",
    ]);
    expect(result.status).toBe(2);
    expect(result.stderr.split("\n")[0]).toBe(
      "error: option '--timeout <seconds>' argument '0' is invalid. use a number of seconds from more than 0 to 3600, such as 30 or 120.",
    );
  });
});

describe("detections deploy --json", () => {
  it("prints the deploy report", async () => {
    const result = await detections(["deploy", "--rules", rulesDir, "--json"]);
    expect(result.status).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual({
      kibana_version: "9.1.0",
      space: "default",
      complete: true,
      applied: [1, 2].map((index) => ({
        action: "create",
        rule_id: kibanaRule(index).rule_id,
      })),
      failed: [],
      drift_left_alone: [],
    });
  });

  it("prints an incomplete report", async () => {
    kibana.addFault({ kind: "drop", match: { pathIncludes: "_import" } });
    const result = await detections(["deploy", "--rules", rulesDir, "--json"]);
    expect(result.status).toBe(3);
    const report = JSON.parse(result.stdout);
    expect(report.complete).toBe(false);
    expect(report.applied).toEqual([]);
    expect(
      report.failed.map((item: { rule_id: string }) => item.rule_id),
    ).toEqual([kibanaRule(1).rule_id, kibanaRule(2).rule_id]);
    expect(report.request_error).toContain("(UND_ERR_SOCKET)");
    expect(result.stderr).toContain("error: deploy incomplete");
  });
});

describe("detections deploy messages", () => {
  it("says when nothing changes", async () => {
    await detections(["deploy", "--rules", rulesDir]);
    const result = await detections(["deploy", "--rules", rulesDir]);
    expect(result.stdout).toBe("applied: nothing to change\n");
  });

  it("names rules kept without prune", async () => {
    await detections(["deploy", "--rules", rulesDir]);
    rmSync(path.join(rulesDir, "rule_2.json"));
    const result = await detections(["deploy", "--rules", rulesDir]);
    expect(result.stderr).toContain(
      `kept: ${kibanaRule(2).rule_id} (Generated rule 0002) is managed but gone from the rules folder; --prune deletes it\n`,
    );
  });

  it("shows drift on prune", async () => {
    await detections(["deploy", "--rules", rulesDir]);
    kibana.store().patch(kibanaRule(2).rule_id, { severity: "critical" });
    rmSync(path.join(rulesDir, "rule_2.json"));
    const planned = await detections(["plan", "--rules", rulesDir, "--prune"]);
    expect(planned.stdout.split("\n")).toEqual([
      "Kibana 9.1.0, space default: 0 to create, 0 to update, 1 unchanged, 0 to delete, 1 drifted, 0 not in the rules folder",
      `drift     ${kibanaRule(2).rule_id}  Generated rule 0002  (not in the rules folder, but changed in Kibana since the last deploy; left alone without --force)`,
      "",
    ]);
    const result = await detections(["deploy", "--rules", rulesDir, "--prune"]);
    expect(result.status).toBe(1);
    expect(result.stdout).toContain(
      `drift: ${kibanaRule(2).rule_id} (Generated rule 0002) is gone from the rules folder but was changed in Kibana since the last deploy, so --prune left it alone; deploy --prune --force deletes it`,
    );
    expect(kibana.store().get(kibanaRule(2).rule_id)).toBeDefined();
  });

  it("checks the space exists", async () => {
    const result = await detections(["plan", "--rules", rulesDir], {
      KIBANA_SPACE: "team-b",
    });
    expect(result.status).toBe(2);
    expect(result.stderr).toBe(
      `error: KIBANA_SPACE: the space "team-b" does not exist in Kibana at ${kibana.url}. Check the space id, or create the space in Kibana first.\n`,
    );
    expect(kibana.requests.some((r) => r.path.endsWith("_find"))).toBe(false);
  });
});

describe("detections local paths", () => {
  it("names a missing config file", async () => {
    const result = await detections(["plan", "--rules", rulesDir], {
      KIBANA_CONFIG: "/nonexistent/kibana.json",
    });
    expect(result.status).toBe(2);
    expect(result.stderr).toBe(
      "error: KIBANA_CONFIG /nonexistent/kibana.json: file not found. Pass the path of a JSON file with keys such as url and api_key, or leave the option unset.\n",
    );
    expect(kibana.requests).toEqual([]);
  });

  it("names a CA folder", async () => {
    const result = await detections(["plan", "--rules", rulesDir], {
      KIBANA_URL: "https://127.0.0.1:1",
      KIBANA_CA_CERT: rulesDir,
    });
    expect(result.status).toBe(2);
    expect(result.stderr).toBe(
      `error: KIBANA_CA_CERT ${rulesDir}: is a folder, not a file. Pass the path of the PEM file of the CA that signed Kibana's certificate.\n`,
    );
  });

  it("rejects a rules file", async () => {
    const file = path.join(rulesDir, "rule_1.json");
    const result = await detections(["plan", "--rules", file]);
    expect(result.status).toBe(2);
    expect(result.stderr).toBe(
      `error: --rules ${file}: is a file, not a folder. Pass the folder that detections build wrote, such as kibana.\n`,
    );
  });

  it("checks the export folder first", async () => {
    const out = "/nonexistent-folder/rules.ndjson";
    const result = await detections(["export", "--out", out]);
    expect(result.status).toBe(2);
    expect(result.stderr).toBe(
      `error: --out ${out}: /nonexistent-folder is not an existing folder. Create the folder first or pass a path in an existing folder.\n`,
    );
    expect(kibana.requests).toEqual([]);
  });

  it("rejects an option as rule_id", async () => {
    const out = path.join(mkdtempSync(path.join(tmpdir(), "export-")), "x");
    const result = await detections(["export", "--rule-id", "--out", out]);
    expect(result.status).toBe(2);
    expect(result.stderr.split("\n")[0]).toBe(
      `error: option '--rule-id <ids...>' argument '--out' is invalid. "--out" is an option, not a rule_id. Give at least one rule_id, such as --rule-id ID --out FILE.`,
    );
  });

  it("exports each rule once", async () => {
    await detections(["deploy", "--rules", rulesDir]);
    const out = path.join(mkdtempSync(path.join(tmpdir(), "export-")), "x");
    const id = kibanaRule(1).rule_id;
    const result = await detections([
      "export",
      "--rule-id",
      id,
      id,
      "--out",
      out,
    ]);
    expect(result.stdout).toBe(`exported 1 rule to ${out}\n`);
  });

  it("checks the backup folder first", async () => {
    await detections(["deploy", "--rules", rulesDir]);
    writeFileSync(
      path.join(rulesDir, "rule_1.json"),
      JSON.stringify({ ...kibanaRule(1), note: "changed" }),
    );
    const blocker = path.join(rulesDir, "version.lock.json");
    const before = kibana.requests.length;
    const backup = path.join(blocker, "backups");
    const result = await detections([
      "deploy",
      "--rules",
      rulesDir,
      "--backup",
      backup,
    ]);
    expect(result.status).toBe(2);
    expect(result.stderr).toBe(
      `error: --backup ${backup}: ${blocker} is a file, not a folder. Pass a folder for the backup file.\n`,
    );
    expect(kibana.requests.length).toBe(before);
  });
});
