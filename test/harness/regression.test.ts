import { readFileSync } from "node:fs";
import yaml from "js-yaml";
import { describe, expect, it } from "vitest";
import { compileQuery } from "../../src/eql/engine/index.js";
import { convertRuleText } from "../../src/eql/from-sigma.js";
import {
  type CaseResult,
  checkRegressionCase,
  type EventMatcher,
  findCrossMatches,
  readRegressionInfo,
  type RegressionCase,
} from "../../src/harness/regression.js";
import type { EcsDocument } from "../../src/harness/winlog.js";
import { describeWithSharedData, hasSharedData } from "../shared-data.js";
import { type LoadedCase, loadRegressionCases } from "./regression-cases.js";

const INFO = `
id: 83c4dfac-7b5b-4a0e-803e-cca15c933c5e
rule_metadata:
    - id: d059842b-6b9d-4ed1-b5c3-5b89143c6ede
      title: File Download Via Bitsadmin
regression_tests_info:
    - name: Positive Detection Test
      type: evtx
      provider: Microsoft-Windows-Sysmon
      match_count: 2
`;

function processEvent(name: string): EcsDocument {
  return { event: { category: ["process"] }, process: { name } };
}

const isCmd = (event: EcsDocument): boolean =>
  (event.process as EcsDocument | undefined)?.name === "cmd.exe";

describe("readRegressionInfo", () => {
  it("reads rule id and count", () => {
    expect(readRegressionInfo(INFO, "info.yml")).toEqual({
      ruleId: "d059842b-6b9d-4ed1-b5c3-5b89143c6ede",
      matchCount: 2,
    });
  });

  it("reads a missing count", () => {
    const text = INFO.replace("      match_count: 2\n", "");
    expect(readRegressionInfo(text, "info.yml").matchCount).toBeNull();
  });

  it("rejects a missing rule id", () => {
    const text = INFO.replace("    - id: d059842b", "    - uuid: d059842b");
    expect(() => readRegressionInfo(text, "a/info.yml")).toThrow(
      "a/info.yml: rule_metadata[0].id: missing; it names the rule under test.",
    );
  });

  it("rejects a negative count", () => {
    const text = INFO.replace("match_count: 2", "match_count: -1");
    expect(() => readRegressionInfo(text, "a/info.yml")).toThrow(
      "a/info.yml: regression_tests_info[0].match_count: expected a " +
        "non-negative integer, got -1.",
    );
  });

  it("rejects two test entries", () => {
    const text = `${INFO}    - name: Second\n      match_count: 1\n`;
    expect(() => readRegressionInfo(text, "a/info.yml")).toThrow(
      "a/info.yml: regression_tests_info: expected exactly one test entry, got 2.",
    );
  });

  it("rejects a YAML list", () => {
    expect(() => readRegressionInfo("- 1\n", "a/info.yml")).toThrow(
      "a/info.yml: (document): expected a mapping.",
    );
  });
});

describe("checkRegressionCase", () => {
  const events = [processEvent("cmd.exe"), processEvent("net.exe")];
  const base: RegressionCase = {
    name: "c",
    ruleId: "r",
    matchCount: 1,
    events,
  };

  it("passes on the exact count", () => {
    expect(checkRegressionCase(base, isCmd)).toEqual({
      name: "c",
      expected: 1,
      matched: 1,
      passed: true,
    });
  });

  it("fails on another count", () => {
    const result = checkRegressionCase({ ...base, matchCount: 2 }, isCmd);
    expect(result.passed).toBe(false);
    expect(result.matched).toBe(1);
  });

  it("needs one match without count", () => {
    const open = { ...base, matchCount: null };
    expect(checkRegressionCase(open, isCmd).passed).toBe(true);
    expect(checkRegressionCase(open, () => false).passed).toBe(false);
  });
});

describe("findCrossMatches", () => {
  it("lists rules matching other cases", () => {
    const cases: RegressionCase[] = [
      {
        name: "b",
        ruleId: "2",
        matchCount: 1,
        events: [processEvent("cmd.exe")],
      },
      {
        name: "a",
        ruleId: "1",
        matchCount: 1,
        events: [processEvent("net.exe")],
      },
    ];
    const matchers = new Map([
      ["b", isCmd],
      ["a", () => true],
    ]);
    expect(findCrossMatches(cases, matchers)).toEqual([
      { rule: "a", events: "b", matched: 1 },
    ]);
  });
});

describeWithSharedData("SigmaHQ regression events", () => {
  const cases = hasSharedData ? loadRegressionCases() : [];

  it("finds every case folder", () => {
    expect(cases).toHaveLength(84);
  });

  it("ingests every event record", () => {
    const counts = cases.map((loaded) => loaded.events.length);
    expect(counts.every((count) => count >= 1)).toBe(true);
    expect(counts.reduce((sum, count) => sum + count, 0)).toBe(92);
    expect(cases.filter((loaded) => loaded.skippedRecords > 0)).toEqual([]);
  });

  it("maps each record to a process start", () => {
    for (const loaded of cases) {
      for (const event of loaded.events) {
        const process = event.process as EcsDocument;
        expect(event.event).toMatchObject({
          category: ["process"],
          type: ["start"],
        });
        expect(typeof process.executable, loaded.name).toBe("string");
        expect(typeof process.command_line, loaded.name).toBe("string");
      }
    }
  });

  it("names the rule of each case", () => {
    for (const loaded of cases) {
      const rule = yaml.load(loaded.ruleText) as { id: string };
      expect(loaded.ruleId, loaded.name).toBe(rule.id);
    }
  });

  it("has enough events for each count", () => {
    for (const loaded of cases) {
      const needed = loaded.matchCount ?? 1;
      expect(loaded.events.length, loaded.name).toBeGreaterThanOrEqual(needed);
    }
  });
});

interface CaseException {
  case: string;
  outcome: "rejected" | "engine-error";
  detail: string;
  reason: string;
}

interface Overlap {
  rule: string;
  events: string;
  reason: string;
}

/** What running one case produced, before comparing with expectations. */
type CaseOutcome =
  | { kind: "rejected"; detail: string }
  | { kind: "engine-error"; detail: string }
  | { kind: "ran"; result: CaseResult; matcher: EventMatcher };

function readList<T>(file: string, keys: (keyof T & string)[]): T[] {
  const entries = yaml.load(readFileSync(file, "utf8"));
  if (!Array.isArray(entries)) throw new Error(`${file}: expected a list`);
  for (const [index, entry] of entries.entries()) {
    for (const key of keys) {
      if (typeof entry?.[key] !== "string" || entry[key] === "") {
        throw new Error(`${file}: entry ${index + 1}: ${key} is missing`);
      }
    }
  }
  return entries as T[];
}

/**
 * Converts the case's rule and runs it on the case's events. The engine
 * evaluates the query itself, without the rule's index patterns: those name
 * the process data streams a Kibana rule reads, and the regression events
 * are Sysmon events.
 */
function runCase(loaded: LoadedCase): CaseOutcome {
  const conversion = convertRuleText(loaded.ruleText, loaded.ruleFile);
  if (conversion.status === "rejected") {
    return { kind: "rejected", detail: conversion.reason };
  }
  try {
    const compiled = compileQuery(conversion.converted.query);
    const matcher: EventMatcher = (event) => compiled.matches(event);
    return {
      kind: "ran",
      result: checkRegressionCase(loaded, matcher),
      matcher,
    };
  } catch (error) {
    if (!(error instanceof Error)) throw error;
    return { kind: "engine-error", detail: error.message };
  }
}

describeWithSharedData("SigmaHQ regression suite", () => {
  const cases = hasSharedData ? loadRegressionCases() : [];
  const exceptions = readList<CaseException>(
    "test/fixtures/regression/exceptions.yml",
    ["case", "outcome", "detail", "reason"],
  );
  const overlaps = readList<Overlap>("test/fixtures/regression/overlaps.yml", [
    "rule",
    "events",
    "reason",
  ]);
  const outcomes = new Map(
    cases.map((loaded) => [loaded.name, runCase(loaded)]),
  );
  const exceptionOf = new Map(exceptions.map((entry) => [entry.case, entry]));

  it("lists only known cases", () => {
    const names = new Set(cases.map((loaded) => loaded.name));
    const listed = [
      ...exceptions.map((entry) => entry.case),
      ...overlaps.flatMap((entry) => [entry.rule, entry.events]),
    ];
    expect(listed.filter((name) => !names.has(name))).toEqual([]);
  });

  it.each(cases.map((loaded) => [loaded.name, loaded] as const))(
    "%s",
    (name, loaded) => {
      const outcome = outcomes.get(name);
      const exception = exceptionOf.get(name);
      if (exception !== undefined) {
        expect(outcome?.kind).toBe(exception.outcome);
        expect(outcome?.kind === "ran" ? "" : outcome?.detail).toContain(
          exception.detail,
        );
        return;
      }
      expect(outcome?.kind === "ran" ? "ran" : outcome).toBe("ran");
      if (outcome?.kind !== "ran") return;
      expect(outcome.result).toEqual({
        name,
        expected: loaded.matchCount,
        matched: loaded.matchCount ?? outcome.result.matched,
        passed: true,
      });
    },
  );

  it("matches other cases only where listed", () => {
    const matchers = new Map<string, EventMatcher>();
    for (const [name, outcome] of outcomes) {
      if (outcome.kind === "ran") matchers.set(name, outcome.matcher);
    }
    const found = findCrossMatches(cases, matchers).map(
      (match) => `${match.rule} -> ${match.events}`,
    );
    const listed = overlaps.map((entry) => `${entry.rule} -> ${entry.events}`);
    expect(found).toEqual([...listed].sort());
  });
});
