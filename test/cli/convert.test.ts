import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";

/** Runs the built CLI, as a user would, and returns its result. */
function detections(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync("node", ["dist/cli.js", ...args], { encoding: "utf8" });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

const tree = "test/fixtures/sigma/tree";

describe("detections convert", () => {
  it("prints the EQL of one rule", () => {
    const result = detections("convert", "test/fixtures/convert/regex-unanchored/rule.yml");
    expect(result.stderr).toBe("");
    expect(result.stdout).toBe(readFileSync("test/fixtures/convert/regex-unanchored/expected.eql", "utf8"));
    expect(result.status).toBe(0);
  });

  it("fails on an invalid rule with its location", () => {
    const result = detections("convert", `${tree}/invalid.yml`);
    expect(result.stdout).toBe("");
    expect(result.stderr).toBe(
      "error: test/fixtures/sigma/tree/invalid.yml:1: id: missing required field id. " +
        "Add `id:` with a new random UUID (for example from `uuidgen`); Kibana uses it as the rule_id\n",
    );
    expect(result.status).toBe(2);
  });

  it("converts a tree and counts rejections", () => {
    const out = mkdtempSync(path.join(tmpdir(), "convert-"));
    const result = detections("convert", tree, "--out", out);
    expect(result.stdout).toBe(
      "converted 2 of 4 rules, rejected 2\n" +
        "     1  invalid Sigma rule\n" +
        "     1  keyword search without a field\n",
    );
    expect(result.stderr).toBe(
      "rejected: test/fixtures/sigma/tree/invalid.yml:1: id: missing required field id. " +
        "Add `id:` with a new random UUID (for example from `uuidgen`); Kibana uses it as the rule_id\n" +
        "rejected: test/fixtures/sigma/tree/nested/keywords.yml:7: detection.keywords: unsupported: " +
        "keyword search without a field. EQL compares fields, not whole events; name the field that holds the keyword\n",
    );
    expect(result.status).toBe(2);
    expect(readdirSync(out, { recursive: true }).sort()).toEqual(["nested", "nested/user.eql", "regex.eql"]);
    expect(readFileSync(path.join(out, "nested", "user.eql"), "utf8")).toBe(
      readFileSync("test/fixtures/convert/user-field/expected.eql", "utf8"),
    );
  });

  it("allows unsupported rules when asked", () => {
    const out = mkdtempSync(path.join(tmpdir(), "convert-"));
    const result = detections("convert", `${tree}/nested`, "--out", out, "--allow-unsupported");
    expect(result.stdout).toBe("converted 1 of 2 rules, rejected 1\n     1  keyword search without a field\n");
    expect(result.status).toBe(0);
  });

  it("keeps failing on invalid rules with allow-unsupported", () => {
    const out = mkdtempSync(path.join(tmpdir(), "convert-"));
    const result = detections("convert", tree, "--out", out, "--allow-unsupported");
    expect(result.status).toBe(2);
  });

  it("asks for --out with a folder", () => {
    const result = detections("convert", tree);
    expect(result.stderr).toBe("error: test/fixtures/sigma/tree: is a folder; give --out <dir> for the .eql files\n");
    expect(result.status).toBe(2);
  });

  it("rejects a rule that is not UTF-8", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "convert-"));
    const file = path.join(dir, "latin1.yml");
    const rule = readFileSync("test/fixtures/convert/user-field/rule.yml", "latin1");
    writeFileSync(file, Buffer.from(rule.replace(/^title: .*$/m, "title: T\xe9\xff"), "latin1"));
    const result = detections("convert", file);
    expect(result.stdout).toBe("");
    expect(result.stderr).toBe(`error: ${file}:1: (document): invalid UTF-8 at byte 8 (0xE9). Save the file as UTF-8\n`);
    expect(result.status).toBe(2);
  });

  it("deep conditions exit 2", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "convert-"));
    const file = path.join(dir, "deep.yml");
    const rule = readFileSync("test/fixtures/convert/user-field/rule.yml", "utf8");
    const condition = `${"(".repeat(5000)}selection${")".repeat(5000)}`;
    writeFileSync(file, rule.replace(/condition: .*$/m, `condition: ${condition}`));
    const result = detections("convert", file);
    expect(result.stderr).toMatch(/^error: .*deep\.yml:\d+: detection\.condition: condition nested too deeply: more than 100 levels/);
    expect(result.status).toBe(2);
  });
});
