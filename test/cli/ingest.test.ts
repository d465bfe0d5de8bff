import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";

const FIXTURES = "test/fixtures/winlog";

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

function lines(text: string): unknown[] {
  return text
    .split("\n")
    .filter((line) => line !== "")
    .map((line) => JSON.parse(line));
}

describe("detections ingest", () => {
  it("writes NDJSON to stdout", () => {
    const result = detections(
      "ingest",
      "--from",
      "winlog-json",
      `${FIXTURES}/sysmon-1.json`,
      `${FIXTURES}/security-4688.json`,
    );
    expect(result.status).toBe(0);
    const documents = lines(result.stdout) as Record<string, any>[];
    expect(documents.map((document) => document.event.code)).toEqual([
      "1",
      "4688",
    ]);
    expect(result.stderr).toBe("ingested 2 records from 2 files\n");
  });

  it("writes NDJSON to a file", () => {
    const out = path.join(
      mkdtempSync(path.join(tmpdir(), "ingest-")),
      "e.ndjson",
    );
    const result = detections(
      "ingest",
      "--from",
      "winlog-json",
      "--out",
      out,
      "--namespace",
      "lab",
      `${FIXTURES}/sysmon-1.json`,
    );
    expect(result.status).toBe(0);
    expect(result.stdout).toBe("");
    const [document] = lines(readFileSync(out, "utf8")) as Record<
      string,
      any
    >[];
    expect(document?.data_stream).toEqual({
      dataset: "windows.sysmon_operational",
      namespace: "lab",
      type: "logs",
    });
  });

  it("fails on unmapped event types", () => {
    const result = detections(
      "ingest",
      "--from",
      "winlog-json",
      `${FIXTURES}/mixed.ndjson`,
    );
    expect(result.status).toBe(2);
    expect(result.stdout).toBe("");
    expect(result.stderr).toBe(
      "error: 1 record without an ECS mapping:\n" +
        `${FIXTURES}/mixed.ndjson record 2: no mapping for ` +
        "Microsoft-Windows-Sysmon event 3; supported are Sysmon event 1 " +
        "and Security event 4688\n" +
        "Pass --skip-unsupported to convert the others.\n",
    );
  });

  it("skips unmapped event types on request", () => {
    const result = detections(
      "ingest",
      "--from",
      "winlog-json",
      "--skip-unsupported",
      `${FIXTURES}/mixed.ndjson`,
    );
    expect(result.status).toBe(0);
    expect(lines(result.stdout)).toHaveLength(2);
    expect(result.stderr).toBe(
      "ingested 2 records from 1 file, skipped 1 record of other event types\n",
    );
  });

  it("names the record of malformed input", () => {
    const result = detections(
      "ingest",
      "--from",
      "winlog-json",
      `${FIXTURES}/sysmon-1.json`,
      "package.json",
    );
    expect(result.status).toBe(2);
    expect(result.stdout).toBe("");
    expect(result.stderr).toBe(
      "error: package.json record 1: System: missing. Export whole event " +
        "records, with their System section.\n",
    );
  });

  it("rejects a missing file", () => {
    const result = detections("ingest", "--from", "winlog-json", "nope.json");
    expect(result.status).toBe(2);
    expect(result.stderr).toBe(
      "error: nope.json: cannot read the file (ENOENT). Check the path.\n",
    );
  });

  it("rejects an invalid namespace", () => {
    const result = detections(
      "ingest",
      "--from",
      "winlog-json",
      "--namespace",
      "my-lab",
      `${FIXTURES}/sysmon-1.json`,
    );
    expect(result.status).toBe(2);
    expect(result.stderr).toBe(
      'error: --namespace: invalid value "my-lab". Use up to 100 lowercase ' +
        'characters without "-", spaces or \\ / * ? " < > | , # :.\n',
    );
  });

  it("rejects an unknown input format", () => {
    const result = detections("ingest", "--from", "evtx", "a.evtx");
    expect(result.status).toBe(2);
    expect(result.stderr.split("\n")[0]).toBe(
      "error: option '--from <format>' argument 'evtx' is invalid. " +
        "Allowed choices are winlog-json.",
    );
  });
});
