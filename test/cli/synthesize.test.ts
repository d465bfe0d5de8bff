import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";

/** Runs the built CLI, as a user would, and returns its result. */
function detections(...args: string[]): {
  status: number | null;
  stdout: string;
  stderr: string;
} {
  const result = spawnSync("node", ["dist/cli.js", ...args], {
    encoding: "utf8",
  });
  return {
    status: result.status,
    stdout: result.stdout,
    stderr: result.stderr,
  };
}

describe("detections synthesize", () => {
  const prefix = path.join(
    mkdtempSync(path.join(tmpdir(), "synth-")),
    "out",
    "mofcomp",
  );
  const written = detections("synthesize", "--out", prefix);

  it("writes events and verdicts", () => {
    expect(written.stderr).toBe("");
    expect(written.status).toBe(0);
    expect(written.stdout).toMatch(
      new RegExp(
        `^wrote (\\d+) events \\((\\d+) matches, (\\d+) near-misses\\) for 2 rules to ${prefix}\\.ndjson and ${prefix}\\.tsv\\n$`,
      ),
    );
  });

  it("writes the expect format", () => {
    const rows = readFileSync(`${prefix}.tsv`, "utf8").trimEnd().split("\n");
    expect(rows[0]).toBe(
      "event.id\tmofcomp_outside_system32\tmofcomp_suspicious_arguments\twhy",
    );
    const events = readFileSync(`${prefix}.ndjson`, "utf8")
      .trimEnd()
      .split("\n");
    expect(rows).toHaveLength(events.length + 1);
    for (const [position, line] of events.entries()) {
      const id = (JSON.parse(line) as { event: { id: string } }).event.id;
      const cells = rows[position + 1]?.split("\t") ?? [];
      expect(cells[0]).toBe(id);
      expect(["alert", "no_alert"]).toContain(cells[1]);
      expect(["alert", "no_alert"]).toContain(cells[2]);
    }
  });

  it("passes embedded verification", () => {
    const verified = detections(
      "verify",
      "--events",
      `${prefix}.ndjson`,
      "--expect",
      `${prefix}.tsv`,
    );
    expect(verified.stdout).toMatch(/, 0 mismatches\n$/);
    expect(verified.status).toBe(0);
  });

  it("rejects a folder without rules", () => {
    const empty = mkdtempSync(path.join(tmpdir(), "rules-"));
    mkdirSync(path.join(empty, "nested"));
    writeFileSync(path.join(empty, "nested", "notes.txt"), "not a rule");
    const result = detections(
      "synthesize",
      "--rules",
      empty,
      "--out",
      `${empty}/x`,
    );
    expect(result.status).toBe(2);
    expect(result.stderr).toBe(
      `error: ${empty}: no Sigma rule converts to EQL, so there is nothing to synthesize from.\n`,
    );
  });

  it("requires --out", () => {
    const result = detections("synthesize");
    expect(result.status).toBe(2);
    expect(result.stderr).toContain(
      "error: required option '--out <prefix>' not specified",
    );
  });
});
