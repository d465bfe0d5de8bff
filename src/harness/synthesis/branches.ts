/**
 * Splits an EQL condition into its OR branches: conjunctions of atoms, each
 * atom possibly negated, in disjunctive normal form. `not` is pushed down to
 * the atoms with De Morgan's laws. A condition whose normal form would hold
 * more than `maxBranches` branches gets a covering set instead, in which
 * every operand of every `or` appears in at least one branch.
 */
import type { Expr } from "../../eql/ast.js";

/** An atom of a condition (a comparison, match, `in`, call or field), maybe negated. */
export interface Literal {
  /** The atom, an expression without `and`, `or` or `not` at its top. */
  atom: Expr;
  negated: boolean;
}

/** A conjunction of literals: an event matches when every literal holds. */
export type Branch = Literal[];

export interface BranchSet {
  branches: Branch[];
  /** True when the set covers every `or` operand instead of enumerating all. */
  covering: boolean;
}

export const defaultMaxBranches = 64;

/** Returns the OR branches of a condition. */
export function branchesOf(
  condition: Expr,
  maxBranches: number = defaultMaxBranches,
): BranchSet {
  if (countBranches(condition, false) <= maxBranches) {
    return { branches: expand(condition, false), covering: false };
  }
  const width = widestChoice(condition, false);
  const branches: Branch[] = [];
  for (let choice = 0; choice < width; choice += 1) {
    const branch = select(condition, false, choice);
    if (branch) branches.push(branch);
  }
  return { branches, covering: true };
}

/** Returns the atoms of a condition, in source order, each once. */
export function atomsOf(condition: Expr): Expr[] {
  if (condition.kind === "and" || condition.kind === "or") {
    return condition.operands.flatMap(atomsOf);
  }
  if (condition.kind === "not") return atomsOf(condition.operand);
  if (isConstant(condition)) return [];
  return [condition];
}

function isConstant(expr: Expr): boolean {
  return expr.kind === "literal" && typeof expr.value === "boolean";
}

/**
 * Returns whether, after pushing `negated` down, the node acts as an OR (its
 * operands are alternatives) rather than an AND.
 */
function actsAsOr(expr: Expr, negated: boolean): boolean {
  return (expr.kind === "or") !== negated;
}

function countBranches(expr: Expr, negated: boolean): number {
  if (expr.kind === "not") return countBranches(expr.operand, !negated);
  if (expr.kind === "and" || expr.kind === "or") {
    const counts = expr.operands.map((operand) =>
      countBranches(operand, negated),
    );
    if (actsAsOr(expr, negated)) return counts.reduce((a, b) => a + b, 0);
    return counts.reduce((a, b) => Math.min(a * b, Number.MAX_SAFE_INTEGER), 1);
  }
  if (isConstant(expr)) {
    return (expr.kind === "literal" && expr.value === true) !== negated ? 1 : 0;
  }
  return 1;
}

function expand(expr: Expr, negated: boolean): Branch[] {
  if (expr.kind === "not") return expand(expr.operand, !negated);
  if (expr.kind === "and" || expr.kind === "or") {
    const parts = expr.operands.map((operand) => expand(operand, negated));
    if (actsAsOr(expr, negated)) return parts.flat();
    return parts.reduce<Branch[]>(
      (product, part) =>
        product.flatMap((left) => part.map((right) => [...left, ...right])),
      [[]],
    );
  }
  if (isConstant(expr)) {
    const holds = (expr.kind === "literal" && expr.value === true) !== negated;
    return holds ? [[]] : [];
  }
  return [[{ atom: expr, negated }]];
}

/** Returns the largest number of alternatives any OR-acting node offers. */
function widestChoice(expr: Expr, negated: boolean): number {
  if (expr.kind === "not") return widestChoice(expr.operand, !negated);
  if (expr.kind !== "and" && expr.kind !== "or") return 1;
  const inner = Math.max(
    ...expr.operands.map((operand) => widestChoice(operand, negated)),
  );
  return actsAsOr(expr, negated)
    ? Math.max(inner, expr.operands.length)
    : inner;
}

/**
 * Picks one branch: at each OR-acting node, operand `choice` modulo the
 * operand count, skipping operands that cannot hold. Returns null when no
 * operand of some OR-acting node can hold.
 */
function select(expr: Expr, negated: boolean, choice: number): Branch | null {
  if (expr.kind === "not") return select(expr.operand, !negated, choice);
  if (expr.kind === "and" || expr.kind === "or") {
    if (actsAsOr(expr, negated)) {
      const count = expr.operands.length;
      for (let offset = 0; offset < count; offset += 1) {
        const operand = expr.operands[(choice + offset) % count];
        const branch = operand ? select(operand, negated, choice) : null;
        if (branch) return branch;
      }
      return null;
    }
    const branch: Branch = [];
    for (const operand of expr.operands) {
      const part = select(operand, negated, choice);
      if (!part) return null;
      branch.push(...part);
    }
    return branch;
  }
  if (isConstant(expr)) {
    const holds = (expr.kind === "literal" && expr.value === true) !== negated;
    return holds ? [] : null;
  }
  return [{ atom: expr, negated }];
}
