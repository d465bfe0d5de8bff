import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { itWithSharedData, sharedDataPath } from "../shared-data.js";

const SHARED_EVENTS = sharedDataPath("mofcomp", "events.ndjson");
const SHARED_EXPECT = sharedDataPath("mofcomp", "expected.tsv");
const FIXTURE_EXPECT = "test/fixtures/events/expected.tsv";
const RULES = ["mofcomp_outside_system32", "mofcomp_suspicious_arguments"];

interface Result {
  event_id: string;
  rule: string;
  expected: string | null;
  actual: string;
}

/** Runs the built CLI from the project root and returns its result. */
function detections(
  args: string[],
  env: Record<string, string> = {},
): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync("node", ["dist/cli.js", ...args], {
    encoding: "utf8",
    env: { ...process.env, ...env },
  });
  return {
    status: result.status,
    stdout: result.stdout,
    stderr: result.stderr,
  };
}

/** Reads a verdict TSV into "event id/rule" -> verdict, by column name. */
function readVerdicts(file: string): Map<string, string> {
  const [header, ...rows] = readFileSync(file, "utf8")
    .trim()
    .split("\n")
    .map((row) => row.split("\t"));
  const verdicts = new Map<string, string>();
  for (const row of rows) {
    for (const rule of RULES) {
      verdicts.set(
        `${row[header!.indexOf("event.id")]}/${rule}`,
        row[header!.indexOf(rule)]!,
      );
    }
  }
  return verdicts;
}

function temporaryFile(name: string, text: string): string {
  const file = path.join(mkdtempSync(path.join(tmpdir(), "verify-")), name);
  writeFileSync(file, text);
  return file;
}

describe("detections verify", () => {
  it("agrees with every fixture verdict", () => {
    const result = detections(["verify", "--json"]);
    expect(result.stderr).toMatch(
      /^verifying 2 rules on 173 events from 19 files against .+expected\.tsv\n$/,
    );
    expect(result.status).toBe(0);
    const report = JSON.parse(result.stdout) as {
      results: Result[];
      mismatches: number;
    };
    expect(report.mismatches).toBe(0);
    const expected = readVerdicts(FIXTURE_EXPECT);
    expect(report.results).toHaveLength(expected.size);
    for (const entry of report.results) {
      expect(`${entry.event_id}/${entry.rule}: ${entry.actual}`).toBe(
        `${entry.event_id}/${entry.rule}: ${expected.get(`${entry.event_id}/${entry.rule}`)}`,
      );
      expect(entry.expected).toBe(entry.actual);
    }
  });

  it("runs both rules on every fixture", () => {
    const report = JSON.parse(detections(["verify", "--json"]).stdout) as {
      results: Result[];
    };
    const rulesPerEvent = new Map<string, string[]>();
    for (const entry of report.results) {
      rulesPerEvent.set(entry.event_id, [
        ...(rulesPerEvent.get(entry.event_id) ?? []),
        entry.rule,
      ]);
    }
    expect(rulesPerEvent.size).toBe(173);
    for (const rules of rulesPerEvent.values())
      expect(rules.sort()).toEqual(RULES);
  });

  it("prints the fixture table", () => {
    const result = detections(["verify"]);
    expect(result.status).toBe(0);
    const lines = result.stdout.trimEnd().split("\n");
    expect(lines[0]).toMatch(
      /^event\.id +mofcomp_outside_system32 +mofcomp_suspicious_arguments +status$/,
    );
    expect(lines[1]).toMatch(
      /^crowdstrike-system32-root +alert +no_alert +ok$/,
    );
    expect(lines.filter((line) => line.endsWith(" ok"))).toHaveLength(173);
    expect(lines.at(-1)).toBe(
      "173 events, 2 rules: 122 alerts, 346 of 346 verdicts checked, 0 mismatches",
    );
  });

  itWithSharedData("agrees with the shared mofcomp verdicts", () => {
    const result = detections([
      "verify",
      "--events",
      SHARED_EVENTS,
      "--expect",
      SHARED_EXPECT,
      "--json",
    ]);
    expect(result.status).toBe(0);
    const report = JSON.parse(result.stdout) as {
      results: Result[];
      mismatches: number;
    };
    const expected = readVerdicts(SHARED_EXPECT);
    expect(report.results).toHaveLength(44);
    expect(report.mismatches).toBe(0);
    for (const entry of report.results) {
      expect(`${entry.event_id}/${entry.rule}: ${entry.actual}`).toBe(
        `${entry.event_id}/${entry.rule}: ${expected.get(`${entry.event_id}/${entry.rule}`)}`,
      );
    }
  });

  itWithSharedData("prints the shared table", () => {
    const result = detections([
      "verify",
      "--events",
      SHARED_EVENTS,
      "--expect",
      SHARED_EXPECT,
    ]);
    expect(result.status).toBe(0);
    const lines = result.stdout.trimEnd().split("\n");
    expect(lines).toHaveLength(25);
    expect(lines[1]).toMatch(/^mofcomp-case-003 +no_alert +alert +ok$/);
    expect(lines[9]).toMatch(/^mofcomp-case-030 +no_alert +no_alert +ok$/);
    expect(lines.at(-1)).toBe(
      "22 events, 2 rules: 14 alerts, 44 of 44 verdicts checked, 0 mismatches",
    );
  });

  itWithSharedData("exits 1 on a mismatch", () => {
    const flipped = readFileSync(SHARED_EXPECT, "utf8").replace(
      "mofcomp-case-018\tendpoint.events.process\talert\talert",
      "mofcomp-case-018\tendpoint.events.process\talert\tno_alert",
    );
    const expectFile = temporaryFile("expected.tsv", flipped);
    const result = detections([
      "verify",
      "--events",
      SHARED_EVENTS,
      "--expect",
      expectFile,
    ]);
    expect(result.status).toBe(1);
    expect(result.stdout).toMatch(
      /\nmofcomp-case-018 +alert \(expected no_alert\) +alert +MISMATCH\n/,
    );
    expect(result.stdout.trimEnd().split("\n").at(-1)).toBe(
      "22 events, 2 rules: 14 alerts, 44 of 44 verdicts checked, 1 mismatch",
    );
  });

  itWithSharedData("reports null expectations without --expect", () => {
    const result = detections(["verify", "--events", SHARED_EVENTS, "--json"]);
    expect(result.status).toBe(0);
    expect(result.stderr).toBe(
      `verifying 2 rules on 22 events from 1 file, no expected verdicts given\n`,
    );
    const report = JSON.parse(result.stdout) as {
      results: Result[];
      mismatches: number;
    };
    expect(report.results[0]).toEqual({
      event_id: "mofcomp-case-003",
      rule: "mofcomp_outside_system32",
      expected: null,
      actual: "no_alert",
    });
    expect(report.results.every((entry) => entry.expected === null)).toBe(true);
    expect(report.mismatches).toBe(0);
  });

  it("fails when expected events are missing", () => {
    const result = detections([
      "verify",
      "--events",
      "test/fixtures/events/crowdstrike/outside-system32-matches.ndjson",
      "--expect",
      FIXTURE_EXPECT,
    ]);
    expect(result.status).toBe(1);
    expect(result.stderr.split("\n")[1]).toMatch(
      /^error: 163 events have expected verdicts but were not read: endpoint-mof-argument, .+\. Pass their event files with --events\.$/,
    );
  });

  itWithSharedData("places events in the given index", () => {
    const sysmon = readFileSync(SHARED_EVENTS, "utf8")
      .split("\n")
      .filter((line) => line.includes('"mofcomp-case-069"'))
      .join("\n");
    const file = temporaryFile("sysmon.ndjson", `${sysmon}\n`);
    const unseen = JSON.parse(
      detections(["verify", "--events", file, "--json"]).stdout,
    );
    expect(unseen.results.map((entry: Result) => entry.actual)).toEqual([
      "no_alert",
      "no_alert",
    ]);
    const seen = JSON.parse(
      detections([
        "verify",
        "--events",
        file,
        "--index",
        "logs-endpoint.events.process-default",
        "--json",
      ]).stdout,
    );
    expect(seen.results.map((entry: Result) => entry.actual)).toEqual([
      "alert",
      "no_alert",
    ]);
  });

  it("rejects an unreadable event file", () => {
    const result = detections(["verify", "--events", "no/such.ndjson"]);
    expect(result.status).toBe(2);
    expect(result.stderr).toBe(
      "error: no/such.ndjson: cannot read the file (ENOENT: no such file or directory, open 'no/such.ndjson').\n",
    );
  });

  it("rejects a project without built rules", () => {
    const root = mkdtempSync(path.join(tmpdir(), "verify-"));
    const result = detections(
      ["verify", "--events", path.resolve(SHARED_EVENTS)],
      {
        DETECTIONS_ROOT: root,
      },
    );
    expect(result.status).toBe(2);
    expect(result.stderr).toBe(
      `error: ${root}/kibana: cannot read the folder (ENOENT: no such file or directory, scandir '${root}/kibana').\n`,
    );
  });
});
