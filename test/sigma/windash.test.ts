import { describe, expect, it } from "vitest";
import { expandWindash } from "../../src/sigma/windash.js";
import { formatSigmaString, parseSigmaString } from "../../src/sigma/sigma-string.js";

const expand = (value: string): string[] => expandWindash(parseSigmaString(value)).map(formatSigmaString);

describe("expandWindash", () => {
  it("expands a dash that starts a word", () => {
    expect(expand(" -enc")).toEqual([" -enc", " /enc", " \u2013enc", " \u2014enc", " \u2015enc"]);
  });
  it("expands a slash too", () => {
    expect(expand("/s")).toEqual(["-s", "/s", "\u2013s", "\u2014s", "\u2015s"]);
  });
  it("leaves dashes inside words", () => {
    expect(expand("-param-name")).toEqual([
      "-param-name",
      "/param-name",
      "\u2013param-name",
      "\u2014param-name",
      "\u2015param-name",
    ]);
  });
  it("combines several dashes", () => {
    expect(expand("-a -b")).toHaveLength(25);
  });
  it("leaves a dash before a wildcard", () => {
    expect(expand("*-*")).toEqual(["*-*"]);
  });
});
