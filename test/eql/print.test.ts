import { describe, expect, it } from "vitest";
import type { EqlQuery, Expr } from "../../src/eql/ast.js";
import { compileQuery } from "../../src/eql/engine/index.js";
import { parseEql } from "../../src/eql/parser.js";
import { printEql, printFieldPath, quoteString } from "../../src/eql/print.js";
import { MAX_EQL_DEPTH } from "../../src/eql/token-stream.js";

const field = (path: string, optional = false): Expr => ({ kind: "field", path, optional });
const text = (value: string): Expr => ({ kind: "literal", value });
const event = (condition: Expr): EqlQuery => ({ kind: "event", category: "process", condition, pipes: [] });

describe("quoteString", () => {
  it("escapes backslash and quote", () => {
    expect(quoteString('C:\\Windows\\"x"')).toBe('"C:\\\\Windows\\\\\\"x\\""');
  });
  it("escapes line feed, return and tab", () => {
    expect(quoteString("a\nb\rc\td")).toBe('"a\\nb\\rc\\td"');
  });
  it("escapes other control characters", () => {
    expect(quoteString("\u0000\u000b\u001f\u007f\u0085")).toBe('"\\u{00}\\u{0B}\\u{1F}\\u{7F}\\u{85}"');
  });
  it("escapes invisible format characters", () => {
    expect(quoteString("a\u200b\u202e\u2066\ufeff\u{e0001}b")).toBe(
      '"a\\u{200B}\\u{202E}\\u{2066}\\u{FEFF}\\u{E0001}b"',
    );
  });
  it("escapes line and paragraph separators", () => {
    expect(quoteString("\u2028\u2029")).toBe('"\\u{2028}\\u{2029}"');
  });
  it("round-trips format characters", () => {
    const value = "a\x01\x1b\u200b\u202e\u2028\u{e0001}";
    const query = parseEql(`any where x == ${quoteString(value)}`);
    expect(query.kind === "event" && query.condition).toEqual({
      kind: "compare",
      op: "==",
      left: { kind: "field", path: "x", optional: false },
      right: { kind: "literal", value },
    });
  });
  it("keeps other characters", () => {
    expect(quoteString("Système – ?*")).toBe('"Système – ?*"');
  });
  it("round-trips through the parser", () => {
    const value = "tab\there \"q\" \\ \u0001 end";
    const query = parseEql(`any where x == ${quoteString(value)}`);
    expect(query.kind === "event" && query.condition).toEqual({
      kind: "compare",
      op: "==",
      left: field("x"),
      right: text(value),
    });
  });
});

describe("printFieldPath", () => {
  it("prints dotted ECS names bare", () => {
    expect(printFieldPath("process.pe.original_file_name")).toBe("process.pe.original_file_name");
  });
  it("quotes segments EQL cannot read", () => {
    expect(printFieldPath("winlog.event_data.my-field")).toBe("winlog.event_data.`my-field`");
  });
  it("marks optional fields", () => {
    expect(printFieldPath("user.name", true)).toBe("?user.name");
  });
});

describe("printEql", () => {
  it("prints a short query on one line", () => {
    const query = event({ kind: "match", op: ":", field: field("process.name"), patterns: [text("cmd.exe")] });
    expect(printEql(query)).toBe('process where process.name : "cmd.exe"');
  });

  it("prints operators and lists", () => {
    const condition: Expr = {
      kind: "and",
      operands: [
        { kind: "in", field: field("a"), values: [text("x"), text("y")], caseInsensitive: true, negated: false },
        { kind: "in", field: field("b"), values: [text("z")], caseInsensitive: false, negated: true },
        { kind: "match", op: "like~", field: field("c"), patterns: [text("*1"), text("2*")] },
        { kind: "match", op: "regex", field: field("d"), patterns: [text(".*\\.exe")] },
      ],
    };
    expect(printEql({ kind: "event", category: "any", condition, pipes: [] })).toBe(
      'any where a in~ ("x", "y") and\n' +
        '  b not in ("z") and\n' +
        '  c like~ ("*1", "2*") and\n' +
        '  d regex ".*\\\\.exe"',
    );
  });

  it("adds parentheses by precedence", () => {
    const condition: Expr = {
      kind: "and",
      operands: [
        { kind: "or", operands: [field("a"), field("b")] },
        { kind: "not", operand: { kind: "and", operands: [field("c"), field("d")] } },
      ],
    };
    expect(printEql({ kind: "event", category: "any", condition, pipes: [] })).toBe(
      "any where (a or b) and not (c and d)",
    );
  });

  it("wraps and inside or", () => {
    const condition: Expr = {
      kind: "or",
      operands: [{ kind: "and", operands: [field("a"), field("b")] }, field("c")],
    };
    expect(printEql({ kind: "event", category: "any", condition, pipes: [] })).toBe("any where (a and b) or c");
  });

  it("breaks long conditions by operand", () => {
    const long = (name: string): Expr => ({
      kind: "match",
      op: ":",
      field: field(`process.${name}`),
      patterns: [text(`*${name.repeat(8)}*`)],
    });
    const condition: Expr = { kind: "and", operands: [long("a"), { kind: "or", operands: [long("b"), long("c")] }] };
    expect(printEql(event(condition))).toBe(
      'process where process.a : "*aaaaaaaa*" and\n' +
        '  (process.b : "*bbbbbbbb*" or process.c : "*cccccccc*")',
    );
  });

  it("puts long value lists on lines", () => {
    const values = ["first-value.exe", "second-value.exe", "third-value.exe", "fourth-value.exe"].map(text);
    const condition: Expr = {
      kind: "in",
      field: field("process.pe.original_file_name"),
      values,
      caseInsensitive: true,
      negated: false,
    };
    expect(printEql(event(condition))).toBe(
      "process where process.pe.original_file_name in~ (\n" +
        '    "first-value.exe",\n' +
        '    "second-value.exe",\n' +
        '    "third-value.exe",\n' +
        '    "fourth-value.exe"\n' +
        "  )",
    );
  });

  it("prints calls, numbers and null", () => {
    const condition: Expr = {
      kind: "and",
      operands: [
        { kind: "call", name: "cidrMatch", caseInsensitive: false, args: [field("source.ip"), text("10.0.0.0/8")] },
        { kind: "call", name: "startsWith", caseInsensitive: true, args: [field("a"), text("b")] },
        { kind: "compare", op: ">=", left: field("n"), right: { kind: "literal", value: -1.5 } },
        { kind: "compare", op: "!=", left: field("o", true), right: { kind: "literal", value: null } },
      ],
    };
    expect(printEql({ kind: "event", category: "any", condition, pipes: [{ kind: "head", count: 5 }] })).toBe(
      'any where cidrMatch(source.ip, "10.0.0.0/8") and\n' +
        '  startsWith~(a, "b") and\n' +
        "  n >= -1.5 and\n" +
        "  ?o != null\n" +
        "| head 5",
    );
  });

  it("keeps the point of decimals", () => {
    const query = "process where x == 4.0 / 3 and y == 4 / 3";
    expect(printEql(parseEql(query))).toBe(query);
  });
  it("prints sequences with keys, runs and until", () => {
    const stage = (category: string, runs = 1, missing = false) => ({
      category,
      condition: { kind: "literal", value: true } as Expr,
      by: [] as Expr[],
      runs,
      missing,
    });
    const query: EqlQuery = {
      kind: "sequence",
      by: [field("host.id")],
      maxspan: { value: 5, unit: "m" },
      stages: [stage("process", 2), stage("file", 1, true)],
      until: stage("network"),
      pipes: [{ kind: "tail", count: 3 }],
    };
    const printed = printEql(query);
    expect(printed).toBe(
      "sequence by host.id with maxspan=5m\n" +
        "  [process where true] with runs=2\n" +
        "  ![file where true]\n" +
        "until [network where true]\n" +
        "| tail 3",
    );
  });

  it("quotes a category that is not an identifier", () => {
    const query: EqlQuery = { kind: "event", category: "my-category", condition: field("x"), pipes: [] };
    expect(printEql(query)).toBe('"my-category" where x');
  });

  it("rejects numbers EQL cannot write", () => {
    const condition: Expr = { kind: "compare", op: "==", left: field("n"), right: { kind: "literal", value: Infinity } };
    expect(() => printEql(event(condition))).toThrow("EQL has no literal for the number Infinity");
  });
});

describe("printEql nesting", () => {
  it("prints a chain of not without parentheses", () => {
    expect(printEql(parseEql("any where not not x == 1"))).toBe("any where not not x == 1");
  });
  it("round-trips queries at the nesting limit", () => {
    const depth = MAX_EQL_DEPTH - 1;
    const queries = [
      `any where ${"(".repeat(depth)}true${")".repeat(depth)}`,
      `any where ${"not ".repeat(depth)}true`,
      `any where 1 < ${Array(depth - 1).fill("1").join(" + ")}`,
      `any where ${"concat(".repeat(depth - 1)}"a"${")".repeat(depth - 1)} == "a"`,
      `any where 1 == ${"-".repeat(depth - 1)}1`,
    ];
    for (const text of queries) {
      const query = parseEql(text);
      expect(parseEql(printEql(query))).toEqual(query);
      expect(typeof compileQuery(query).matches({ x: 1 })).toBe("boolean");
    }
  });
});
