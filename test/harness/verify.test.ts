import { describe, expect, it } from "vitest";
import type { BuiltRule } from "../../src/harness/embedded.js";
import type { LoadedEvent } from "../../src/harness/events.js";
import { parseExpectations } from "../../src/harness/expect.js";
import {
  formatVerifyJson,
  formatVerifyTable,
  isMismatch,
  type RuleRunner,
  verifyRules,
} from "../../src/harness/verify.js";

function rule(key: string): BuiltRule {
  return {
    key,
    ruleId: `${key}-id`,
    name: key,
    query: "process where true",
    index: ["logs-*"],
    file: `kibana/${key}.json`,
  };
}

function event(id: string, line: number): LoadedEvent {
  return {
    id,
    index: "logs-x-default",
    document: { event: { id } },
    file: "e.ndjson",
    line,
  };
}

const RULES = [rule("args"), rule("folder")];
const EVENTS = [event("e1", 1), event("e2", 2), event("e3", 3)];

/** Alerts per rule key, as a runner would find them. */
function runnerFrom(alerts: Record<string, string[]>): RuleRunner {
  return (built) => new Set(alerts[built.key] ?? []);
}

const EXPECT = parseExpectations(
  "event.id\targs\tfolder\ne1\talert\tno_alert\ne2\tno_alert\tno_alert\n",
  "x.tsv",
  ["args", "folder"],
);

describe("verifyRules", () => {
  it("gives one result per event and rule", () => {
    const report = verifyRules(
      RULES,
      EVENTS,
      EXPECT,
      runnerFrom({ args: ["e1"], folder: [] }),
    );
    expect(report.results).toEqual([
      { event_id: "e1", rule: "args", expected: "alert", actual: "alert" },
      {
        event_id: "e1",
        rule: "folder",
        expected: "no_alert",
        actual: "no_alert",
      },
      {
        event_id: "e2",
        rule: "args",
        expected: "no_alert",
        actual: "no_alert",
      },
      {
        event_id: "e2",
        rule: "folder",
        expected: "no_alert",
        actual: "no_alert",
      },
      { event_id: "e3", rule: "args", expected: null, actual: "no_alert" },
      { event_id: "e3", rule: "folder", expected: null, actual: "no_alert" },
    ]);
    expect(report.mismatches).toBe(0);
  });

  it("counts mismatches", () => {
    const report = verifyRules(
      RULES,
      EVENTS,
      EXPECT,
      runnerFrom({ args: ["e2"], folder: ["e3"] }),
    );
    expect(report.mismatches).toBe(2);
    expect(
      report.results
        .filter(isMismatch)
        .map((result) => [result.event_id, result.rule]),
    ).toEqual([
      ["e1", "args"],
      ["e2", "args"],
    ]);
  });

  it("lists expectations without events", () => {
    const report = verifyRules(
      RULES,
      [event("e1", 1)],
      EXPECT,
      runnerFrom({ args: ["e1"] }),
    );
    expect(report.unreadExpectations).toEqual(["e2"]);
  });

  it("runs without expectations", () => {
    const report = verifyRules(
      RULES,
      EVENTS,
      undefined,
      runnerFrom({ folder: ["e2"] }),
    );
    expect(report.results.every((result) => result.expected === null)).toBe(
      true,
    );
    expect(report.mismatches).toBe(0);
  });

  it("rejects a repeated event id", () => {
    const events = [event("e1", 1), { ...event("e1", 9), file: "f.ndjson" }];
    expect(() => verifyRules(RULES, events, undefined, runnerFrom({}))).toThrow(
      'f.ndjson:9: event id "e1" is used again (first at e.ndjson:1). Give every event a unique event.id, because verdicts are matched by it.',
    );
  });
});

describe("formatVerifyTable", () => {
  it("aligns verdicts and marks mismatches", () => {
    const report = verifyRules(
      RULES,
      EVENTS,
      EXPECT,
      runnerFrom({ args: ["e2"], folder: [] }),
    );
    expect(formatVerifyTable(report)).toEqual([
      "event.id  args                       folder                     status",
      "e1        no_alert (expected alert)  no_alert                   MISMATCH",
      "e2        alert (expected no_alert)  no_alert                   MISMATCH",
      "e3        no_alert (no expectation)  no_alert (no expectation)  -",
      "",
      "3 events, 2 rules: 1 alert, 4 of 6 verdicts checked, 2 mismatches",
    ]);
  });

  it("reports ok rows", () => {
    const report = verifyRules(
      RULES,
      [event("e1", 1)],
      EXPECT,
      runnerFrom({ args: ["e1"] }),
    );
    expect(formatVerifyTable(report)).toEqual([
      "event.id  args   folder    status",
      "e1        alert  no_alert  ok",
      "",
      "1 event, 2 rules: 1 alert, 2 of 2 verdicts checked, 0 mismatches",
    ]);
  });
});

describe("formatVerifyJson", () => {
  it("prints results and mismatches", () => {
    const report = verifyRules(
      [rule("args")],
      [event("e1", 1)],
      EXPECT,
      runnerFrom({}),
    );
    expect(JSON.parse(formatVerifyJson(report))).toEqual({
      results: [
        { event_id: "e1", rule: "args", expected: "alert", actual: "no_alert" },
      ],
      mismatches: 1,
    });
  });
});
