import { describe, expect, it } from "vitest";
import { formatChange } from "../../src/cli/plan-diff.js";

describe("formatChange", () => {
  it("shows short values in full", () => {
    expect(
      formatChange({ field: "severity", before: "low", after: "high" }),
    ).toEqual(['    severity: "low" -> "high"']);
  });

  it("shows changed lines of long text", () => {
    const before = "## Triage\n\nStep one.\nStep two.\n";
    const after = "## Triage\n\nStep one.\nStep two, changed.\n";
    expect(formatChange({ field: "note", before, after })).toEqual([
      "    note:",
      "      @@ line 4 @@",
      "      - Step two.",
      "      + Step two, changed.",
    ]);
  });

  it("shows a window at the first difference", () => {
    const prefix = "a".repeat(200);
    const change = {
      field: "query",
      before: `${prefix}one`,
      after: `${prefix}two`,
    };
    expect(formatChange(change)).toEqual([
      "    query (first difference at character 202 of the JSON):",
      `      - ...${"a".repeat(40)}one"`,
      `      + ...${"a".repeat(40)}two"`,
    ]);
  });
});
