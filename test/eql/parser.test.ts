import { describe, expect, it } from "vitest";
import type { EventQuery, Expr, SequenceQuery } from "../../src/eql/ast.js";
import { EqlSyntaxError } from "../../src/eql/errors.js";
import { parseEql, positionOf } from "../../src/eql/parser.js";
import { MAX_EQL_DEPTH } from "../../src/eql/token-stream.js";

function condition(text: string): Expr {
  const query = parseEql(`any where ${text}`);
  if (query.kind !== "event") throw new Error("not an event query");
  return query.condition;
}

function errorOf(text: string, legacySyntax = false): string {
  try {
    parseEql(text, { legacySyntax });
  } catch (error) {
    expect(error).toBeInstanceOf(EqlSyntaxError);
    return (error as Error).message;
  }
  throw new Error(`no error for ${text}`);
}

const field = (path: string, optional = false): Expr => ({
  kind: "field",
  path,
  optional,
});
const literal = (value: string | number | boolean | null): Expr => ({
  kind: "literal",
  value,
});

describe("parseEql", () => {
  it("parses an event query with pipes", () => {
    expect(parseEql("process where true | head 5 | tail 2")).toEqual({
      kind: "event",
      category: "process",
      condition: literal(true),
      pipes: [
        { kind: "head", count: 5 },
        { kind: "tail", count: 2 },
      ],
    });
  });

  it("accepts quoted event categories", () => {
    const query = parseEql('"my-category" where true');
    expect(query.kind).toBe("event");
    expect((query as EventQuery).category).toBe("my-category");
  });

  it("binds not tighter than and", () => {
    expect(condition("not a and b or c")).toEqual({
      kind: "or",
      operands: [
        {
          kind: "and",
          operands: [{ kind: "not", operand: field("a") }, field("b")],
        },
        field("c"),
      ],
    });
  });

  it("binds multiplication tighter than addition", () => {
    expect(condition("a + b * -2 == 4")).toEqual({
      kind: "compare",
      op: "==",
      left: {
        kind: "arithmetic",
        op: "+",
        left: field("a"),
        right: {
          kind: "arithmetic",
          op: "*",
          left: field("b"),
          right: literal(-2),
        },
      },
      right: literal(4),
    });
  });

  it("marks decimal literals", () => {
    expect(condition("x == 4.0")).toEqual({
      kind: "compare",
      op: "==",
      left: field("x"),
      right: { kind: "literal", value: 4, decimal: true },
    });
  });

  it("parses every match operator", () => {
    for (const op of [":", "like", "like~", "regex", "regex~"] as const) {
      expect(condition(`x ${op} ("a", "b")`)).toEqual({
        kind: "match",
        op,
        field: field("x"),
        patterns: [literal("a"), literal("b")],
      });
    }
  });

  it("parses in, in~ and not in", () => {
    expect(condition("x not in~ (1, y)")).toEqual({
      kind: "in",
      field: field("x"),
      values: [literal(1), field("y")],
      caseInsensitive: true,
      negated: true,
    });
  });

  it("parses optional and backquoted fields", () => {
    expect(condition("?`a-b`.c == null")).toEqual({
      kind: "compare",
      op: "==",
      left: field("a-b.c", true),
      right: literal(null),
    });
  });

  it("parses case-insensitive function calls", () => {
    expect(condition('STARTSWITH~(x, "a")')).toEqual({
      kind: "call",
      name: "startsWith",
      caseInsensitive: true,
      args: [field("x"), literal("a")],
    });
  });

  it("parses a sequence with every option", () => {
    const text =
      "sequence by host with maxspan=5m " +
      "[process where true] by pid with runs=2 " +
      "![file where true] by pid " +
      "until [process where false] by pid";
    expect(parseEql(text)).toEqual({
      kind: "sequence",
      by: [field("host")],
      maxspan: { value: 5, unit: "m" },
      stages: [
        {
          category: "process",
          condition: literal(true),
          by: [field("pid")],
          runs: 2,
          missing: false,
        },
        {
          category: "file",
          condition: literal(true),
          by: [field("pid")],
          runs: 1,
          missing: true,
        },
      ],
      until: {
        category: "process",
        condition: literal(false),
        by: [field("pid")],
        runs: 1,
        missing: false,
      },
      pipes: [],
    });
  });

  it("parses a sample", () => {
    expect(parseEql("sample by h [a where true] [b where x]")).toEqual({
      kind: "sample",
      by: [field("h")],
      stages: [
        {
          category: "a",
          condition: literal(true),
          by: [],
          runs: 1,
          missing: false,
        },
        {
          category: "b",
          condition: field("x"),
          by: [],
          runs: 1,
          missing: false,
        },
      ],
      pipes: [],
    });
  });

  it("records node positions", () => {
    const query = parseEql("any where\n  a == 1");
    if (query.kind !== "event") throw new Error("not an event query");
    expect(positionOf(query.condition)).toEqual({ line: 2, column: 3 });
  });

  it("accepts legacy equality when asked", () => {
    const query = parseEql("any where a !: b", { legacySyntax: true });
    expect((query as EventQuery).condition).toEqual({
      kind: "not",
      operand: {
        kind: "match",
        op: ":",
        field: field("a"),
        patterns: [field("b")],
      },
    });
  });

  it("accepts legacy missing events when asked", () => {
    const query = parseEql("sequence [a where true] -[b where true]", {
      legacySyntax: true,
    });
    expect(query.kind).toBe("sequence");
    expect((query as SequenceQuery).stages[1]!.missing).toBe(true);
  });
});

describe("parseEql errors", () => {
  const cases: [string, string][] = [
    [
      "process where",
      "line 1:14: mismatched input end of query, expected an expression",
    ],
    [
      "process where a == 1 AND b",
      "line 1:22: mismatched input 'AND', expected '|' or end of query",
    ],
    [
      "process where a = 1",
      "line 1:17: '=' is not an operator in EQL: use == or :",
    ],
    [
      "process where a !: 1",
      "line 1:17: '!:' is not an operator in Elasticsearch 8.x and 9.x: write 'not a : b'",
    ],
    [
      "process where a < b < c",
      "line 1:21: comparisons cannot be chained: join them with 'and', as in 'a < b and b < c'",
    ],
    [
      "process where a : b",
      "line 1:19: mismatched input 'b', expected a string, number, boolean or null",
    ],
    [
      "process where x[0] == 1",
      "line 1:16: array indexes such as [0] are not supported in Elasticsearch EQL",
    ],
    [
      "process where event.sequence == 1",
      "line 1:21: 'sequence' is a reserved word: write it in backquotes (`sequence`) to use it as a field name",
    ],
    ["process where foo(1)", "line 1:15: unknown function foo"],
    [
      "process where lenght(x) > 1",
      "line 1:15: unknown function lenght; did you mean length?",
    ],
    [
      "process where arraySearch(x, a, true)",
      "line 1:15: function arraySearch is not supported by Elasticsearch EQL",
    ],
    [
      "process where length~(x) > 1",
      "line 1:15: function length has no case-insensitive form: remove the ~ after length",
    ],
    [
      "process where add(1)",
      "line 1:15: function add takes 2 arguments, but 1 were given",
    ],
    [
      "process where descendant of [process where true]",
      "line 1:15: 'descendant of' is not supported: Elasticsearch EQL has no process lineage (child of, descendant of, event of)",
    ],
    [
      "process where true | filter x",
      "line 1:22: pipe filter is not supported by Elasticsearch EQL: only head and tail are",
    ],
    [
      "process where true | unique x",
      "line 1:22: pipe unique is not supported by Elasticsearch EQL: only head and tail are",
    ],
    [
      "process where true | top 3",
      "line 1:22: unknown pipe top: expected head or tail",
    ],
    [
      "process where true | head x",
      "line 1:27: pipe head needs a whole number of results, found 'x'",
    ],
    [
      "join [a where true] [b where true]",
      "line 1:1: join is not supported by Elasticsearch EQL: use sequence",
    ],
    [
      "sequence [a where true]",
      "line 1:1: a sequence needs at least 2 stages, found 1: add a stage or 'with runs=2'",
    ],
    [
      "sequence with maxspan=5m by x [a where true] [b where true]",
      "line 1:26: write sequence 'by' before 'with maxspan', not after",
    ],
    [
      "sequence with maxspan=5 [a where true] [b where true]",
      "line 1:23: maxspan needs a time unit (ms, s, m, h or d), found none: write for example 5s",
    ],
    [
      "sequence with maxspan=1.5s [a where true] [b where true]",
      "line 1:23: maxspan must be a whole number, found 1.5: use a smaller unit, such as 1500ms for 1.5s",
    ],
    [
      "sequence with maxspan=5y [a where true] [b where true]",
      "line 1:24: maxspan needs a time unit (ms, s, m, h or d), found 'y': write for example 5s",
    ],
    [
      "sequence [a where true] by x [b where true]",
      "line 1:30: inconsistent number of join keys: expected 1 after the shared 0, found 0",
    ],
    [
      "sequence [a where true] by x * 2 [b where true] by y",
      "line 1:28: a join key must be a field: Elasticsearch does not support expressions or functions after 'by'",
    ],
    [
      "sequence [a where true] with runs=0 [b where true]",
      "line 1:35: runs must be an integer from 1 to 100, found '0'",
    ],
    [
      "sequence [a where true] [b where true] fork=true",
      "line 1:40: mismatched input 'fork', expected '[', 'until', '|' or end of query",
    ],
    [
      "sequence ![a where true] ![b where true]",
      "line 1:1: a sequence needs at least one stage that is not a missing event",
    ],
    [
      "sample by x [a where true] ![b where true]",
      "line 1:28: missing events (![...]) are only allowed in a sequence",
    ],
    [
      "sample by x [a where true]",
      "line 1:1: a sample needs at least 2 stages, found 1",
    ],
    [
      "sequence [a where true] -[b where true]",
      "line 1:25: open a missing-event stage with ![, not -[",
    ],
  ];

  for (const [text, message] of cases) {
    it(`rejects ${text}`, () => {
      expect(errorOf(text)).toBe(message);
    });
  }

  it("reports errors on later lines", () => {
    expect(errorOf("process where\n  a ==\n  ")).toBe(
      "line 3:3: mismatched input end of query, expected an expression",
    );
  });
});

describe("parseEql nesting limit", () => {
  const nested = (depth: number): string =>
    `any where ${"(".repeat(depth)}true${")".repeat(depth)}`;

  it("accepts parentheses within the limit", () => {
    expect(condition(`${"(".repeat(MAX_EQL_DEPTH - 1)}true${")".repeat(MAX_EQL_DEPTH - 1)}`)).toEqual(literal(true));
  });
  it("rejects 3000 nested parentheses", () => {
    expect(errorOf(nested(3000))).toBe(
      "line 1:211: expression nested too deeply: more than 200 levels of " +
        "parentheses, function calls, not and operators; flatten the query",
    );
  });
  it("rejects a long chain of not", () => {
    expect(errorOf(`any where ${"not ".repeat(5000)}true`)).toMatch(
      /^line 1:\d+: expression nested too deeply: more than 200 levels/,
    );
  });
  it("rejects a long chain of signs", () => {
    expect(errorOf(`any where 1 == ${"- ".repeat(5000)}1`)).toMatch(
      /^line 1:\d+: expression nested too deeply/,
    );
  });
  it("rejects a long arithmetic chain", () => {
    expect(errorOf(`any where 1 == ${Array(5000).fill("1").join(" + ")}`)).toMatch(
      /^line 1:\d+: expression nested too deeply/,
    );
  });
  it("rejects deeply nested function calls", () => {
    expect(errorOf(`any where ${"length(".repeat(3000)}"a"${")".repeat(3000)} > 0`)).toMatch(
      /^line 1:\d+: expression nested too deeply/,
    );
  });
});
