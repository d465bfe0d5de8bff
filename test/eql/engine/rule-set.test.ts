import { describe, expect, it } from "vitest";
import { compileQuery, compileRuleSet } from "../../../src/eql/engine/index.js";

/**
 * Queries that repeat conditions among them, as converted Sigma rules do:
 * the same category, the same `event.type` and `host.os.type` tests, the
 * same negations and scripts, in different places.
 */
const queries = [
  'process where event.type == "start" and host.os.type == "windows" and process.name : ("*cmd*", "*.EXE")',
  'process where event.type == "start" and host.os.type == "windows" and process.command_line like~ ("* /c *", "*\\n*")',
  'process where event.type == "start" and not process.name : ("*cmd*", "*.EXE")',
  'process where not host.os.type == "windows" or process.args in~ ("ß", "İ", "")',
  "process where length(process.name) > 3 and not (length(process.name) > 3) == false",
  'process where process.name != "cmd.exe" and ?process.title == null',
  'any where event.type == "start" and process.args : ("*s*", "-?")',
  'sequence by host.name [process where event.type == "start"] [process where process.name : "*.exe"]',
];

/** Events with missing fields, arrays, line breaks and hard case folds. */
const events: unknown[] = [
  {},
  { event: { category: "process", type: "start" } },
  {
    event: { category: ["process"], type: ["info", "start"] },
    host: { os: { type: "windows" }, name: "h1" },
    process: { name: "CMD.EXE", command_line: "cmd /c dir", args: ["ß"] },
  },
  {
    event: { category: "process", type: "start" },
    host: { os: { type: "linux" } },
    process: { name: "", command_line: "a\nb", args: ["SS", "İ"] },
  },
  {
    "event.category": "process",
    "event.type": "start",
    "host.os.type": "windows",
    process: { name: "ſcript.exe", command_line: "x /C y", args: [] },
  },
  {
    event: { category: "file", type: "start" },
    process: { name: "Kelvin\u212a", args: ["-\n", "ſ"], title: "t" },
  },
  {
    event: { category: "process", type: "end" },
    host: { os: { type: ["windows", "linux"] }, name: "h2" },
    process: { name: ["cmd.exe", "other"], args: "" },
  },
];

describe("compileRuleSet", () => {
  it("matches like separate queries", () => {
    const set = compileRuleSet(queries);
    const separate = queries.map((query) => compileQuery(query));
    for (const event of events) {
      const expected = separate.map((query) => query.matches(event));
      expect(set.matching(event), JSON.stringify(event)).toEqual(expected);
    }
  });

  it("keeps referenced fields per query", () => {
    const set = compileRuleSet(queries);
    queries.forEach((query, index) => {
      expect([...set.queries[index]!.referencedFields].sort()).toEqual(
        [...compileQuery(query).referencedFields].sort(),
      );
    });
  });

  it("counts and writes matches", () => {
    const set = compileRuleSet(queries);
    const results: boolean[] = [];
    for (const event of events) {
      const expected = set.matching(event);
      const matched = expected.filter(Boolean).length;
      expect(set.countMatching(event)).toBe(matched);
      expect(set.matchInto(event, results)).toBe(matched);
      expect(results).toEqual(expected);
    }
  });

  it("reads each event object afresh", () => {
    const set = compileRuleSet([
      'process where event.type == "start" and process.name : "a*"',
      'process where event.type == "start" and process.name : "*b"',
    ]);
    const first = {
      event: { category: "process", type: "start" },
      process: { name: "ab" },
    };
    const second = {
      event: { category: "process", type: "end" },
      process: { name: "ab" },
    };
    expect(set.queries[0]!.matches(first)).toBe(true);
    expect(set.queries[0]!.matches(second)).toBe(false);
    expect(set.queries[1]!.matches(first)).toBe(true);
  });
});
