/**
 * Splits an EQL condition into its OR branches: conjunctions of atoms, each
 * atom possibly negated, in disjunctive normal form. `not` is pushed down to
 * the atoms with De Morgan's laws. A condition whose normal form would have
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
  return { branches: coveringBranches(condition), covering: true };
}

/** Operand choices forced at OR-acting nodes, by node. */
type Choices = Map<Expr, number>;

/**
 * Returns one branch per operand of every OR-acting node: the branch takes
 * that operand there, the operands leading to that node above it, and the
 * first operand that can hold everywhere else. Duplicates are dropped.
 */
function coveringBranches(condition: Expr): Branch[] {
  const targets: Choices[] = [new Map()];
  collectChoices(condition, false, new Map(), targets);
  const branches: Branch[] = [];
  const seen = new Set<string>();
  for (const forced of targets) {
    const branch = select(condition, false, forced);
    if (!branch) continue;
    const key = branch
      .map((literal) => `${literal.negated ? "!" : ""}${atomKey(literal.atom)}`)
      .join("&");
    if (seen.has(key)) continue;
    seen.add(key);
    branches.push(branch);
  }
  return branches;
}

/** Adds, for every operand of every OR-acting node, the choices that reach it. */
function collectChoices(
  expr: Expr,
  negated: boolean,
  path: Choices,
  targets: Choices[],
): void {
  if (expr.kind === "not") {
    collectChoices(expr.operand, !negated, path, targets);
    return;
  }
  if (expr.kind !== "and" && expr.kind !== "or") return;
  const alternatives = actsAsOr(expr, negated);
  expr.operands.forEach((operand, index) => {
    const next = alternatives ? new Map([...path, [expr, index]]) : path;
    if (alternatives) targets.push(next);
    collectChoices(operand, negated, next, targets);
  });
}

/** Numbers atoms by identity, so branches can be compared. */
const atomIds = new WeakMap<Expr, number>();
let nextAtomId = 0;

function atomKey(atom: Expr): number {
  let id = atomIds.get(atom);
  if (id === undefined) {
    id = nextAtomId;
    nextAtomId += 1;
    atomIds.set(atom, id);
  }
  return id;
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

/**
 * Picks one branch: at each OR-acting node the forced operand, or else the
 * first operand that can hold. Returns null when a forced operand, or every
 * operand of some OR-acting node, cannot hold.
 */
function select(expr: Expr, negated: boolean, forced: Choices): Branch | null {
  if (expr.kind === "not") return select(expr.operand, !negated, forced);
  if (expr.kind === "and" || expr.kind === "or") {
    if (actsAsOr(expr, negated)) {
      const choice = forced.get(expr);
      if (choice !== undefined) {
        const operand = expr.operands[choice];
        return operand ? select(operand, negated, forced) : null;
      }
      for (const operand of expr.operands) {
        const branch = select(operand, negated, forced);
        if (branch) return branch;
      }
      return null;
    }
    const branch: Branch = [];
    for (const operand of expr.operands) {
      const part = select(operand, negated, forced);
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
