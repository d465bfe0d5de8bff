import { describe, expect, it } from "vitest";
import {
  sampleRegex,
  UnsupportedRegexError,
} from "../../../src/harness/synthesis/lucene-regex.js";

/** Checks samples with JavaScript's engine, for patterns both syntaxes share. */
function matchesWhole(pattern: string, text: string): boolean {
  return new RegExp(`^(?:${pattern})$`, "s").test(text);
}

describe("sampleRegex", () => {
  const shared = [
    "abc",
    "a.c",
    "[a-c]x[^a-z]",
    "(foo|bar)+baz",
    "a{2,3}b{2}c{1,}",
    "x?y*z+",
    "\\d+\\.\\d\\s\\w",
    ".*\\\\mofcomp\\.exe",
    "[a-z]:\\\\program files( \\(x86\\))?\\\\[^\\\\]+\\.exe",
  ];

  for (const pattern of shared) {
    it(`samples ${pattern}`, () => {
      const samples = sampleRegex(pattern);
      expect(samples.length).toBeGreaterThan(0);
      for (const sample of samples) {
        expect(matchesWhole(pattern, sample)).toBe(true);
      }
    });
  }

  it("returns different samples", () => {
    expect(sampleRegex("(a|b)c*")).toEqual(["a", "bc"]);
  });

  it("reads quoted strings literally", () => {
    expect(sampleRegex('"a.b"c', 1)).toEqual(["a.bc"]);
  });

  it("reads any string and intervals", () => {
    expect(sampleRegex("a@b<10-20>", 2)).toEqual(["ab10", "axb20"]);
  });

  it("returns nothing for the empty language", () => {
    expect(sampleRegex("a#")).toEqual([]);
  });

  it("rejects intersection", () => {
    expect(() => sampleRegex("a&b")).toThrow(
      new UnsupportedRegexError("a&b", 'the "&" operator is not supported'),
    );
    expect(() => sampleRegex("a&b")).toThrow(
      'cannot sample regex "a&b": the "&" operator is not supported',
    );
  });

  it("rejects an unclosed group", () => {
    expect(() => sampleRegex("(ab")).toThrow(
      'cannot sample regex "(ab": missing ")" at offset 3',
    );
  });
});
