/**
 * Equality and ordering of single values, as Elasticsearch's `==`, `!=`,
 * `<` and friends apply them: numbers numerically, strings by code unit
 * and case-sensitively, booleans by equality, other mixes never equal.
 */
import type { CompareOperator } from "../ast.js";
import { javaIgnoreCaseKey } from "./case-folding.js";
import type { Scalar } from "./values.js";

/** Returns the sign of `left - right`, or null when they are not comparable. */
export function compareScalars(left: Scalar, right: Scalar): number | null {
  if (typeof left !== typeof right) return null;
  if (left === right) return 0;
  if (typeof left === "boolean") return left ? 1 : -1;
  return left < right ? -1 : 1;
}

/** Tests one comparison; null when either side is null or they differ in type. */
export function testComparison(
  op: CompareOperator,
  left: Scalar | null,
  right: Scalar | null,
): boolean | null {
  if (left === null || right === null) return null;
  const order = compareScalars(left, right);
  if (order === null) return null;
  switch (op) {
    case "==":
      return order === 0;
    case "!=":
      return order !== 0;
    case "<":
      return order < 0;
    case "<=":
      return order <= 0;
    case ">":
      return order > 0;
    case ">=":
      return order >= 0;
  }
}

/**
 * Case-insensitive equality of two single values. Strings compare as Java's
 * `compareToIgnoreCase` does, which Elasticsearch's script for `:` uses.
 */
export function insensitiveEquals(left: Scalar, right: Scalar): boolean {
  if (typeof left === "string" && typeof right === "string") {
    return javaIgnoreCaseKey(left) === javaIgnoreCaseKey(right);
  }
  return compareScalars(left, right) === 0;
}

/** The comparison that is true exactly when `op` is false (`<` for `>=`). */
export const NEGATED_OPERATORS: Record<CompareOperator, CompareOperator> = {
  "==": "!=",
  "!=": "==",
  "<": ">=",
  "<=": ">",
  ">": "<=",
  ">=": "<",
};

/** The same comparison with its operands swapped (`1 < x` is `x > 1`). */
export const SWAPPED_OPERATORS: Record<CompareOperator, CompareOperator> = {
  "==": "==",
  "!=": "!=",
  "<": ">",
  "<=": ">=",
  ">": "<",
  ">=": "<=",
};
