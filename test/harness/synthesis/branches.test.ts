import { describe, expect, it } from "vitest";
import type { EventQuery, Expr } from "../../../src/eql/ast.js";
import { parseEql } from "../../../src/eql/parser.js";
import { printExprFlat } from "../../../src/eql/print.js";
import {
  atomsOf,
  branchesOf,
  type Branch,
} from "../../../src/harness/synthesis/branches.js";

function condition(text: string): Expr {
  return (parseEql(`process where ${text}`) as EventQuery).condition;
}

function render(branches: Branch[]): string[] {
  return branches.map((branch) =>
    branch
      .map(({ atom, negated }) => (negated ? "!" : "") + printExprFlat(atom))
      .join(" & "),
  );
}

describe("branchesOf", () => {
  it("expands and over or", () => {
    const result = branchesOf(condition("(a == 1 or b == 2) and c == 3"));
    expect(result.covering).toBe(false);
    expect(render(result.branches)).toEqual([
      "a == 1 & c == 3",
      "b == 2 & c == 3",
    ]);
  });

  it("pushes not down to atoms", () => {
    const result = branchesOf(condition("not (a == 1 and (b == 2 or c == 3))"));
    expect(render(result.branches)).toEqual(["!a == 1", "!b == 2 & !c == 3"]);
  });

  it("keeps a negated in as one atom", () => {
    const result = branchesOf(condition('a not in ("x", "y") and b : "z*"'));
    expect(render(result.branches)).toEqual(['a not in ("x", "y") & b : "z*"']);
  });

  it("drops false and keeps true", () => {
    expect(render(branchesOf(condition("false or a == 1")).branches)).toEqual([
      "a == 1",
    ]);
    expect(render(branchesOf(condition("true")).branches)).toEqual([""]);
    expect(branchesOf(condition("not true")).branches).toEqual([]);
  });

  it("covers every operand past the limit", () => {
    const text =
      "(a == 1 or a == 2 or a == 3) and (b == 1 or b == 2) and (c == 1 or c == 2)";
    const result = branchesOf(condition(text), 4);
    expect(result.covering).toBe(true);
    expect(render(result.branches)).toEqual([
      "a == 1 & b == 1 & c == 1",
      "a == 2 & b == 1 & c == 1",
      "a == 3 & b == 1 & c == 1",
      "a == 1 & b == 2 & c == 1",
      "a == 1 & b == 1 & c == 2",
    ]);
  });

  it("covers operands of nested ors", () => {
    const result = branchesOf(
      condition("a == 1 or (b == 1 and (c == 1 or c == 2))"),
      1,
    );
    expect(render(result.branches)).toEqual([
      "a == 1",
      "b == 1 & c == 1",
      "b == 1 & c == 2",
    ]);
  });

  it("skips operands that cannot hold", () => {
    const result = branchesOf(
      condition("(false or a == 1) and (b == 1 or b == 2)"),
      1,
    );
    expect(render(result.branches)).toEqual([
      "a == 1 & b == 1",
      "a == 1 & b == 2",
    ]);
  });

  it("enumerates all up to the limit", () => {
    const text = "(a == 1 or a == 2) and (b == 1 or b == 2)";
    expect(branchesOf(condition(text), 4).branches).toHaveLength(4);
  });
});

describe("atomsOf", () => {
  it("lists atoms in source order", () => {
    const atoms = atomsOf(condition('a == 1 and not (b : "x" or true)'));
    expect(atoms.map(printExprFlat)).toEqual(["a == 1", 'b : "x"']);
  });
});
