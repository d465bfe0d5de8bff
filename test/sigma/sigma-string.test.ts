import { describe, expect, it } from "vitest";
import { formatSigmaString, parseSigmaString } from "../../src/sigma/sigma-string.js";

describe("parseSigmaString", () => {
  it("reads wildcards", () => {
    expect(parseSigmaString("a*b?c").parts).toEqual([
      { kind: "text", text: "a" },
      { kind: "wildcard", char: "*" },
      { kind: "text", text: "b" },
      { kind: "wildcard", char: "?" },
      { kind: "text", text: "c" },
    ]);
  });
  it("reads escaped wildcards as text", () => {
    expect(parseSigmaString("a\\*b\\?").parts).toEqual([{ kind: "text", text: "a*b?" }]);
  });
  it("reads a double backslash as one", () => {
    expect(parseSigmaString("C:\\\\Windows\\\\").parts).toEqual([{ kind: "text", text: "C:\\Windows\\" }]);
  });
  it("keeps a backslash before other characters", () => {
    expect(parseSigmaString("C:\\Windows\\x").parts).toEqual([{ kind: "text", text: "C:\\Windows\\x" }]);
  });
  it("reads an escaped backslash before a wildcard", () => {
    expect(parseSigmaString("dir\\\\*").parts).toEqual([
      { kind: "text", text: "dir\\" },
      { kind: "wildcard", char: "*" },
    ]);
  });
  it("reads three backslashes before a star as backslash and star", () => {
    expect(parseSigmaString("a\\\\\\*").parts).toEqual([{ kind: "text", text: "a\\*" }]);
  });
  it("keeps a trailing backslash", () => {
    expect(parseSigmaString("C:\\").parts).toEqual([{ kind: "text", text: "C:\\" }]);
  });
});

describe("formatSigmaString", () => {
  it("escapes literal wildcards and backslashes", () => {
    expect(formatSigmaString(parseSigmaString("a\\*b*\\\\"))).toBe("a\\*b*\\\\");
  });
});
