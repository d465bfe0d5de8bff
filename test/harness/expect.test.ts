import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import {
  ExpectationFileError,
  expectedVerdict,
  parseExpectations,
} from "../../src/harness/expect.js";
import { itWithSharedData, sharedDataPath } from "../shared-data.js";

const RULES = ["mofcomp_suspicious_arguments", "mofcomp_outside_system32"];

function tsv(...rows: string[][]): string {
  return `${rows.map((row) => row.join("\t")).join("\n")}\n`;
}

const HEADER = ["event.id", "dataset", ...RULES, "why"];

describe("parseExpectations", () => {
  it("reads verdicts and ignores other columns", () => {
    const text = tsv(HEADER, [
      "e1",
      "system.security",
      "alert",
      "no_alert",
      "reason",
    ]);
    const expectations = parseExpectations(text, "x.tsv", RULES);
    expect(expectations.rules).toEqual(RULES);
    expect(expectations.eventIds).toEqual(["e1"]);
    expect(expectedVerdict(expectations, "e1", RULES[0]!)).toBe("alert");
    expect(expectedVerdict(expectations, "e1", RULES[1]!)).toBe("no_alert");
  });

  it("gives null for unknown events", () => {
    const expectations = parseExpectations(
      tsv(HEADER, ["e1", "d", "alert", "alert", ""]),
      "x.tsv",
      RULES,
    );
    expect(expectedVerdict(expectations, "e2", RULES[0]!)).toBeNull();
    expect(expectedVerdict(undefined, "e1", RULES[0]!)).toBeNull();
  });

  it("reads only the rule columns present", () => {
    const text = tsv(["event.id", RULES[1]!], ["e1", "alert"]);
    const expectations = parseExpectations(text, "x.tsv", RULES);
    expect(expectations.rules).toEqual([RULES[1]]);
    expect(expectedVerdict(expectations, "e1", RULES[0]!)).toBeNull();
  });

  it("accepts CRLF and blank lines", () => {
    const text = `event.id\t${RULES[0]}\r\ne1\talert\r\n\r\ne2\tno_alert\r\n`;
    expect(parseExpectations(text, "x.tsv", RULES).eventIds).toEqual([
      "e1",
      "e2",
    ]);
  });

  itWithSharedData("reads the shared mofcomp file", () => {
    const file = sharedDataPath("mofcomp", "expected.tsv");
    const expectations = parseExpectations(
      readFileSync(file, "utf8"),
      file,
      RULES,
    );
    expect(expectations.eventIds).toHaveLength(22);
    expect(expectedVerdict(expectations, "mofcomp-case-015", RULES[1]!)).toBe(
      "alert",
    );
  });

  it("rejects a header without event.id", () => {
    expect(() =>
      parseExpectations(tsv(["id", RULES[0]!]), "x.tsv", RULES),
    ).toThrow(
      new ExpectationFileError(
        "x.tsv",
        1,
        'the header has no "event.id" column (found: id, mofcomp_suspicious_arguments). The first row must name the columns, separated by tabs.',
      ),
    );
  });

  it("rejects a file without rule columns", () => {
    expect(() =>
      parseExpectations(tsv(["event.id", "why"]), "x.tsv", RULES),
    ).toThrow(
      "x.tsv:1: no column is named after a rule (found: event.id, why; rules: mofcomp_suspicious_arguments, mofcomp_outside_system32). Name each verdict column after a rule file in rules/ without .yml.",
    );
  });

  it("rejects a repeated rule column", () => {
    expect(() =>
      parseExpectations(
        tsv(["event.id", RULES[0]!, RULES[0]!]),
        "x.tsv",
        RULES,
      ),
    ).toThrow(
      'x.tsv:1: the header names column "mofcomp_suspicious_arguments" twice.',
    );
  });

  it("rejects an unknown verdict", () => {
    const text = tsv(HEADER, ["e1", "d", "alert", "yes", ""]);
    expect(() => parseExpectations(text, "x.tsv", RULES)).toThrow(
      'x.tsv:2: column "mofcomp_outside_system32" holds "yes"; expected alert or no_alert.',
    );
  });

  it("rejects a short row", () => {
    const text = tsv(HEADER, ["e1", "d", "alert"]);
    expect(() => parseExpectations(text, "x.tsv", RULES)).toThrow(
      "x.tsv:2: the row has 3 cells but the header needs at least 4. Separate the cells with tabs.",
    );
  });

  it("rejects an empty event id", () => {
    const text = tsv(HEADER, ["", "d", "alert", "alert", ""]);
    expect(() => parseExpectations(text, "x.tsv", RULES)).toThrow(
      'x.tsv:2: the "event.id" cell is empty.',
    );
  });

  it("rejects a repeated event id", () => {
    const text = tsv(
      HEADER,
      ["e1", "d", "alert", "alert", ""],
      ["e1", "d", "alert", "alert", ""],
    );
    expect(() => parseExpectations(text, "x.tsv", RULES)).toThrow(
      'x.tsv:3: event id "e1" is listed twice.',
    );
  });
});
