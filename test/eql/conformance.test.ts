import { describe, expect, it } from "vitest";
import { KNOWN_FAILURES } from "../../src/eql/conformance/known-failures.js";
import { loadSuites } from "../../src/eql/conformance/load.js";
import { failureKey } from "../../src/eql/conformance/report.js";
import { type Outcome, runSuite } from "../../src/eql/conformance/suite.js";
import {
  describeWithSharedData,
  hasSharedData,
  sharedDataPath,
} from "../shared-data.js";

const SPEC_DIRECTORY = sharedDataPath("eql-spec");

const suites = hasSharedData ? await loadSuites(SPEC_DIRECTORY) : [];
const outcomes: Outcome[] = suites.flatMap((suite) => runSuite(suite));

describeWithSharedData("Elasticsearch EQL conformance", () => {
  for (const suite of suites) {
    describe(suite.file, () => {
      for (const outcome of outcomes.filter((o) => o.file === suite.file)) {
        const known = KNOWN_FAILURES[failureKey(outcome)];
        it(`${known ? "known failure " : ""}${outcome.name}`, () => {
          if (known) {
            expect(outcome.passed, `passes now: ${outcome.detail}`).toBe(false);
          } else {
            expect(outcome.passed, outcome.detail).toBe(true);
          }
        });
      }
    });
  }

  it("lists only queries that exist", () => {
    const keys = new Set(outcomes.map(failureKey));
    const stale = Object.keys(KNOWN_FAILURES).filter((key) => !keys.has(key));
    expect(stale).toEqual([]);
  });

  it("skips main queries listed as unsupported", () => {
    const main = suites.find((suite) => suite.file === "test_queries.toml")!;
    expect(main.queries.length).toBe(117);
    expect(main.skipped.length).toBe(124);
  });
});
