import { spawnSync } from "node:child_process";
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

const PROCESS_EVENTS = "test/fixtures/eql/process.ndjson";
const UNSORTED_EVENTS = "test/fixtures/eql/unsorted.json";
const MAPPING = "test/fixtures/eql/mapping.json";

interface SearchBody {
  is_partial: boolean;
  is_running: boolean;
  timed_out: boolean;
  took: number;
  hits: {
    total: { value: number; relation: string };
    events?: {
      _index: string;
      _id: string;
      _source: Record<string, unknown>;
    }[];
    sequences?: { join_keys: unknown[]; events: { _id: string }[] }[];
  };
}

describe("detections eql", () => {
  it("prints matching events as text", () => {
    const result = detections(
      "eql",
      'process where process.name : "mofcomp.exe" and process.args : "*.mof"',
      "--events",
      PROCESS_EVENTS,
    );
    expect(result.stderr).toBe("");
    expect(result.stdout.split("\n")[0]).toBe("1 event");
    expect(result.stdout.split("\n")[1]).toMatch(
      /^logs-endpoint\.events\.process-default process\.ndjson:1 \{"@timestamp"/,
    );
    expect(result.status).toBe(0);
  });

  it("prints the _eql/search body with --json", () => {
    const result = detections(
      "eql",
      'process where process.name : "mofcomp.exe"',
      "--events",
      PROCESS_EVENTS,
      "--json",
    );
    const body = JSON.parse(result.stdout) as SearchBody;
    expect(body.is_partial).toBe(false);
    expect(body.is_running).toBe(false);
    expect(body.timed_out).toBe(false);
    expect(typeof body.took).toBe("number");
    expect(body.hits.total).toEqual({ value: 2, relation: "eq" });
    expect(body.hits.events!.map((event) => event._id)).toEqual([
      "process.ndjson:1",
      "process.ndjson:2",
    ]);
    expect(body.hits.events![0]!._index).toBe(
      "logs-endpoint.events.process-default",
    );
    expect(body.hits.events![0]!._source.process).toEqual({
      pid: 100,
      name: "mofcomp.exe",
      args: ["mofcomp.exe", "C:\\Temp\\evil.MOF"],
    });
    expect(result.status).toBe(0);
  });

  it("prints sequences with join keys", () => {
    const result = detections(
      "eql",
      "sequence by process.pid with maxspan=5s [process where true] [file where true]",
      "--events",
      PROCESS_EVENTS,
      "--json",
    );
    const body = JSON.parse(result.stdout) as SearchBody;
    expect(body.hits.total).toEqual({ value: 1, relation: "eq" });
    expect(body.hits.sequences![0]!.join_keys).toEqual([100]);
    expect(body.hits.sequences![0]!.events.map((event) => event._id)).toEqual([
      "process.ndjson:1",
      "process.ndjson:4",
    ]);
  });

  it("types fields from --mapping", () => {
    const result = detections(
      "eql",
      "process where pid > 7",
      "--events",
      UNSORTED_EVENTS,
      "--mapping",
      MAPPING,
      "--timestamp-field",
      "ts",
    );
    expect(result.stdout).toBe(
      '1 event\nunsorted unsorted.json:3 {"ts":2,"event_type":"process","pid":"8","serial":2}\n',
    );
    expect(result.status).toBe(0);
  });

  it("sorts unordered events for sequences", () => {
    const result = detections(
      "eql",
      "sequence by pid [process where true] [file where true] | tail 1",
      "--events",
      UNSORTED_EVENTS,
      "--mapping",
      MAPPING,
      "--timestamp-field",
      "ts",
    );
    expect(result.stderr).toBe(
      "eql: events are not in timestamp order; sorting them in memory\n",
    );
    expect(result.stdout).toBe(
      "1 sequence\n" +
        "sequence 1, join keys [8]\n" +
        '  unsorted unsorted.json:3 {"ts":2,"event_type":"process","pid":"8","serial":2}\n' +
        '  unsorted unsorted.json:4 {"ts":4,"event_type":"file","pid":"8","serial":4}\n',
    );
    expect(result.status).toBe(0);
  });

  it("limits results with --size", () => {
    const result = detections(
      "eql",
      "any where true",
      "--events",
      PROCESS_EVENTS,
      "--size",
      "1",
    );
    expect(result.stdout.split("\n")[0]).toBe("1 event");
    expect(result.stdout).toContain("process.ndjson:1 ");
  });

  it("reports syntax errors with line and column", () => {
    const result = detections(
      "eql",
      'process where\n  process.name = "x"',
      "--events",
      PROCESS_EVENTS,
    );
    expect(result.stdout).toBe("");
    expect(result.stderr).toBe(
      "error: line 2:16: '=' is not an operator in EQL: use == or :\n",
    );
    expect(result.status).toBe(2);
  });

  it("rejects unknown fields", () => {
    const result = detections(
      "eql",
      'process where proces.name == "x"',
      "--events",
      PROCESS_EVENTS,
    );
    expect(result.stderr).toBe(
      "error: unknown field proces.name: no event has it and the mapping does " +
        "not define it; check the name, or prefix it with ? to treat it as optional\n",
    );
    expect(result.status).toBe(2);
  });

  it("rejects an invalid size", () => {
    const result = detections(
      "eql",
      "any where true",
      "--events",
      PROCESS_EVENTS,
      "--size",
      "0",
    );
    expect(result.stderr).toBe(
      'error: --size: invalid value "0"; give a whole number of 1 or more\n',
    );
    expect(result.status).toBe(2);
  });

  it("reports invalid event lines", () => {
    const result = detections(
      "eql",
      "any where true",
      "--events",
      "test/fixtures/eql/mapping.json",
    );
    expect(result.stderr).toMatch(
      /^error: test\/fixtures\/eql\/mapping\.json:1: invalid JSON/,
    );
    expect(result.status).toBe(2);
  });
});
