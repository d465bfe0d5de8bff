import { describe, expect, it } from "vitest";
import type { CallExpr } from "../../../src/eql/ast.js";
import { compileValue } from "../../../src/eql/engine/expression.js";
import { ecsSchema } from "../../../src/eql/engine/index.js";
import { parseEql } from "../../../src/eql/parser.js";
import type { Value } from "../../../src/eql/engine/values.js";

/** Evaluates one function call, written in EQL, against an event. */
function call(text: string, event: unknown = {}): Value {
  const query = parseEql(`any where ${text}`);
  if (query.kind !== "event") throw new Error("not an event query");
  const expr = query.condition as CallExpr;
  const context = {
    schema: ecsSchema(),
    legacy: false,
    referencedFields: new Set<string>(),
  };
  return compileValue(expr, context).evaluate(event);
}

describe("EQL functions", () => {
  const cases: [string, Value][] = [
    ["add(4, 5)", 9],
    ["add(4, 0.5)", 4.5],
    ["add(null, 4)", null],
    ["subtract(10, 2)", 8],
    ["subtract(1, 0.2)", 0.8],
    ["multiply(0.25, 2)", 0.5],
    ["divide(4, 3)", 1],
    ["divide(-4, 3)", -1],
    ["divide(4, 3.0)", 4 / 3],
    ["divide(0.5, 0.25)", 2],
    ["modulo(10, 6)", 4],
    ["modulo(-10, -6)", -4],
    ["modulo(10, 0.5)", 0],
    [
      'between("C:\\\\Windows\\\\System32\\\\cmd.exe", "System32\\\\", ".exe")',
      "cmd",
    ],
    [
      'between("C:\\\\Windows\\\\System32\\\\cmd.exe", "workspace\\\\", ".exe")',
      "",
    ],
    [
      'between("C:\\\\Windows\\\\System32\\\\cmd.exe", "\\\\", "\\\\", false)',
      "Windows",
    ],
    [
      'between("C:\\\\Windows\\\\System32\\\\cmd.exe", "\\\\", "\\\\", true)',
      "Windows\\System32",
    ],
    ['between("", "", "")', ""],
    ['between(null, "a", "b")', null],
    ['between("System Idle", "s", "e")', "t"],
    ['between~("System Idle", "s", "e")', "yst"],
    ['cidrMatch("192.168.152.12", "192.168.0.0/16")', true],
    ['cidrMatch("192.168.152.12", "10.0.0.0/8", "10.128.0.0/9")', false],
    ['cidrMatch("2001:db8::1", "2001:db8::/32")', true],
    ['cidrMatch(null, "10.0.0.0/8")', null],
    ['concat("regsvr32.exe", " ", 42)', "regsvr32.exe 42"],
    ['concat("regsvr32.exe", " ", 42.5)', "regsvr32.exe 42.5"],
    ['concat("a", " ", true)', "a true"],
    ["concat(4.0)", "4.0"],
    ['concat(null, "a")', null],
    ['endsWith("regsvr32.exe", ".exe")', true],
    ['endsWith("regsvr32.exe", ".EXE")', false],
    ['endsWith~("regsvr32.exe", ".EXE")', true],
    ['endsWith("", null)', null],
    ['indexOf("subdomain.example.com", ".")', 9],
    ['indexOf("subdomain.example.com", ".", 10)', 17],
    ['indexOf("subdomain.example.com", ".", -6)', 9],
    ['indexOf("subdomain.example.com", "", 10)', 10],
    ['indexOf("subdomain.example.com", "z")', null],
    ['indexOf("subdomain.example.com", ".", 30)', null],
    ['indexOf("subdomain.example.com", ".", null)', null],
    ['indexOf~("ABC", "b")', 1],
    ['length("start explorer.exe")', 18],
    ['length("")', 0],
    ["length(null)", null],
    ['number("1337")', 1337],
    ['number("42.5")', 42.5],
    ['number("deadbeef", 16)', 3735928559],
    ['number("0xdeadbeef")', 3735928559],
    ['number("-1337")', -1337],
    ['number("  1337  ")', 1337],
    ['number("0xdeadbeef", null)', 3735928559],
    ["number(null)", null],
    ['startsWith("regsvr32.exe", "regsvr32")', true],
    ['startsWith~("regsvr32.exe", "REGSVR32")', true],
    ['startsWith("", "")', true],
    ["string(42)", "42"],
    ["string(42.5)", "42.5"],
    ["string(true)", "true"],
    ["string(null)", null],
    ['stringContains("start regsvr32.exe", "regsvr32")', true],
    ['stringContains("start regsvr32.exe", "REGSVR32")', false],
    ['stringContains~("start regsvr32.exe", "REGSVR32")', true],
    ['substring("start regsvr32.exe", 6)', "regsvr32.exe"],
    ['substring("start regsvr32.exe", 0, 5)', "start"],
    ['substring("start regsvr32.exe", 6, 14)', "regsvr32"],
    ['substring("start regsvr32.exe", -4)', ".exe"],
    ['substring("start regsvr32.exe", -4, -1)', ".ex"],
  ];

  for (const [text, expected] of cases) {
    it(`returns ${JSON.stringify(expected)} for ${text}`, () => {
      expect(call(text)).toEqual(expected);
    });
  }

  it("maps over multi-valued fields", () => {
    const event = { process: { args: ["a.mof", "b.exe"] } };
    expect(call('endsWith(process.args, ".mof")', event)).toEqual([
      true,
      false,
    ]);
  });

  it("returns null for missing fields", () => {
    expect(call("length(process.name)", {})).toBeNull();
  });
});

describe("EQL function gaps", () => {
  it.fails("fails the search on division by zero", () => {
    expect(() => call("divide(4, 0)")).toThrow();
  });

  it.fails("fails the search on invalid numbers", () => {
    expect(() => call('number("12x")')).toThrow();
  });

  it.fails("returns false for an empty substring", () => {
    expect(call('stringContains("abc", "")')).toBe(false);
  });
});
