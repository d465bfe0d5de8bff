import { describe, expect, it } from "vitest";
import { MAX_CONDITION_DEPTH, parseCondition, quoteCondition } from "../../src/sigma/condition.js";

const where = { file: "r.yml", line: 9, path: "detection.condition" };
const ref = (name: string) => ({ kind: "ref", name });

describe("parseCondition", () => {
  it("binds not tighter than and, and tighter than or", () => {
    expect(parseCondition("a or not b and c", where)).toEqual({
      kind: "or",
      operands: [ref("a"), { kind: "and", operands: [{ kind: "not", operand: ref("b") }, ref("c")] }],
    });
  });
  it("groups with parentheses", () => {
    expect(parseCondition("(a or b) and c", where)).toEqual({
      kind: "and",
      operands: [{ kind: "or", operands: [ref("a"), ref("b")] }, ref("c")],
    });
  });
  it("reads quantifiers", () => {
    expect(parseCondition("1 of sel* and all of them", where)).toEqual({
      kind: "and",
      operands: [
        { kind: "quantifier", quantity: "1", pattern: "sel*" },
        { kind: "quantifier", quantity: "all", pattern: "them" },
      ],
    });
  });
  it("reads any of as 1 of", () => {
    expect(parseCondition("any of filter_*", where)).toEqual({ kind: "quantifier", quantity: "1", pattern: "filter_*" });
  });
  it("accepts keywords in any case", () => {
    expect(parseCondition("a AND NOT b", where)).toEqual({
      kind: "and",
      operands: [ref("a"), { kind: "not", operand: ref("b") }],
    });
  });
  it("negates a quantifier", () => {
    expect(parseCondition("not 1 of filter*", where)).toEqual({
      kind: "not",
      operand: { kind: "quantifier", quantity: "1", pattern: "filter*" },
    });
  });
  it("reports the column of an error", () => {
    expect(() => parseCondition("a and or b", where)).toThrow(
      'r.yml:9: detection.condition: invalid condition "a and or b": expected a search identifier at column 7, found `or`. ' +
        "Use search identifiers joined by `and`, `or`, `not`, parentheses, `1 of <pattern>` or `all of <pattern>`",
    );
  });
  it("reports a stray closing parenthesis", () => {
    expect(() => parseCondition("a)", where)).toThrow(
      'r.yml:9: detection.condition: invalid condition "a)": expected `and`, `or` or the end at column 2, found `)`. ',
    );
  });
  it("rejects an empty condition", () => {
    expect(() => parseCondition("  ", where)).toThrow(
      "r.yml:9: detection.condition: empty condition. Write a condition such as `selection and not filter`",
    );
  });
  it("rejects of without a pattern", () => {
    expect(() => parseCondition("1 of", where)).toThrow(
      'r.yml:9: detection.condition: invalid condition "1 of": expected `them` or an identifier pattern after `of` at column 5, found the end.',
    );
  });
});

describe("parseCondition nesting limit", () => {
  const nested = (depth: number): string => `${"(".repeat(depth)}a${")".repeat(depth)}`;

  it("accepts the maximum depth", () => {
    expect(parseCondition(nested(MAX_CONDITION_DEPTH), where)).toEqual(ref("a"));
  });
  it("rejects deeper parentheses", () => {
    expect(() => parseCondition(nested(5000), where)).toThrow(
      "r.yml:9: detection.condition: condition nested too deeply: more than 100 levels of parentheses and `not` at column 101. " +
        "Flatten the condition, for example with `1 of` or `all of` over several search identifiers",
    );
  });
  it("rejects a long chain of not", () => {
    expect(() => parseCondition(`${"not ".repeat(5000)}a`, where)).toThrow(
      "r.yml:9: detection.condition: condition nested too deeply: more than 100 levels of parentheses and `not` at column 401. ",
    );
  });
});

describe("quoteCondition", () => {
  it("quotes a short condition", () => {
    expect(quoteCondition("a and b")).toBe('"a and b"');
  });
  it("cuts a long condition", () => {
    const text = `${"a and ".repeat(100)}b`;
    expect(quoteCondition(text)).toBe(`"${text.slice(0, 200)}..." (601 characters)`);
  });
  it("cuts the condition in errors", () => {
    const text = `${"a and ".repeat(100)}or`;
    expect(() => parseCondition(text, where)).toThrow(
      `r.yml:9: detection.condition: invalid condition "${text.slice(0, 200)}..." (602 characters): expected a search identifier at column 601, found \`or\`. `,
    );
  });
});
