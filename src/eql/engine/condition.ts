/**
 * Compiles the condition of an event query into a predicate that decides
 * as Elasticsearch does. Elasticsearch turns each comparison of a field
 * with constants into a Query DSL clause (`term`, `range`, `wildcard`...)
 * and everything else into a script, then joins them with `bool` queries:
 *
 * - A field clause is two-valued: a missing field makes it false, and
 *   under `not` (`must_not`) true. So `x != "a"` and `x not in (...)` match
 *   events without `x`.
 * - A script is three-valued: null (a missing input) makes it false, and
 *   `not` keeps it null, so it stays false.
 * - `not` directly on a comparison flips the operator first (`not a > 1` is
 *   `a <= 1`), as Elasticsearch's optimizer does, so a missing `a` fails it.
 * - A multi-valued field matches when any of its values does.
 */
import type { CompareExpr, Expr } from "../ast.js";
import {
  type CompileContext,
  type CompiledValue,
  verificationError,
  withArticle,
} from "./compile-context.js";
import { compileComparison } from "./comparison-atoms.js";
import { compileValue } from "./expression.js";
import { compileIn, compileMatch } from "./match-atoms.js";
import { NEGATED_OPERATORS } from "./comparison.js";
import type { Value } from "./values.js";

export type Predicate = (event: unknown) => boolean;
export type Truth = (event: unknown) => boolean | null;

/** A compiled condition and whether Elasticsearch runs it as a script. */
export interface Condition {
  /** Two-valued result, as the search filter applies it. */
  test: Predicate;
  /** Three-valued result; only scripts can return null. */
  truth: Truth;
  script: boolean;
}

/** Compiles a condition for filtering events; raises EqlVerificationError. */
export function compileCondition(
  expr: Expr,
  context: CompileContext,
): Predicate {
  return buildCondition(expr, context).test;
}

/**
 * Compiles a condition, or returns the rule set's shared copy of it when
 * the context has a table of shared conditions.
 */
export function buildCondition(expr: Expr, context: CompileContext): Condition {
  if (context.shared === undefined) return buildOwnCondition(expr, context);
  return context.shared.condition(expr, context, buildOwnCondition);
}

function buildOwnCondition(expr: Expr, context: CompileContext): Condition {
  switch (expr.kind) {
    case "and":
    case "or":
      return buildConnective(expr.kind, expr.operands, context);
    case "not":
      return buildNot(expr.operand, context);
    case "compare":
      return compileComparison(expr, context);
    case "match":
      return compileMatch(expr, context);
    case "in":
      return compileIn(expr, context);
    default:
      return buildValueCondition(expr, context);
  }
}

function buildConnective(
  kind: "and" | "or",
  operands: Expr[],
  context: CompileContext,
): Condition {
  const parts = operands.map((operand) => buildCondition(operand, context));
  const tests = parts.map((part) => part.test);
  const count = tests.length;
  const test: Predicate =
    kind === "and"
      ? (event) => {
          for (let i = 0; i < count; i++) if (!tests[i]!(event)) return false;
          return true;
        }
      : (event) => {
          for (let i = 0; i < count; i++) if (tests[i]!(event)) return true;
          return false;
        };
  return { test, truth: test, script: false };
}

function buildNot(operand: Expr, context: CompileContext): Condition {
  if (operand.kind === "not") return buildCondition(operand.operand, context);
  if (operand.kind === "compare") {
    const flipped: CompareExpr = {
      ...operand,
      op: NEGATED_OPERATORS[operand.op],
    };
    return compileComparison(flipped, context, operand);
  }
  const inner = buildCondition(operand, context);
  if (!inner.script) {
    const test: Predicate = (event) => !inner.test(event);
    return { test, truth: test, script: false };
  }
  const truth: Truth = (event) => {
    const value = inner.truth(event);
    return value === null ? null : !value;
  };
  return { test: (event) => truth(event) === true, truth, script: true };
}

/**
 * Compiles a field, literal or function call used as a condition. A
 * boolean field is a `term` query on true. A function is a script, except
 * the ones that Elasticsearch turns into `prefix`, `wildcard` or `terms`
 * queries when they test a field against constants.
 */
function buildValueCondition(expr: Expr, context: CompileContext): Condition {
  const value = compileValue(expr, context);
  if (expr.kind === "arithmetic" || expr.kind === "negate") {
    verificationError(expr, "a condition must be a boolean, not a number");
  }
  if (
    value.type !== "boolean" &&
    value.type !== "unknown" &&
    value.type !== "null"
  ) {
    verificationError(
      expr,
      `a condition must be a boolean, but ${expr.kind === "field" ? expr.path : "this expression"} is ${withArticle(value.type)}`,
    );
  }
  const truth = truthOfValue(value);
  const script = expr.kind === "call" && !isQueryFunction(expr, value);
  return { test: (event) => truth(event) === true, truth, script };
}

const QUERY_FUNCTIONS = new Set([
  "startsWith",
  "endsWith",
  "stringContains",
  "cidrMatch",
]);

function isQueryFunction(expr: Expr, value: CompiledValue): boolean {
  if (expr.kind !== "call" || !QUERY_FUNCTIONS.has(expr.name)) return false;
  const [first, ...rest] = expr.args;
  return (
    first?.kind === "field" &&
    value.constant === undefined &&
    rest.every((arg) => arg.kind === "literal")
  );
}

/** Three-valued truth of a value: true if any element is true. */
export function truthOfValue(value: CompiledValue): Truth {
  if (value.constant) {
    const constant = toTruth(value.constant.value);
    return () => constant;
  }
  return (event) => toTruth(value.evaluate(event));
}

function toTruth(value: Value): boolean | null {
  if (value === null) return null;
  if (!Array.isArray(value)) {
    if (value === true) return true;
    return value === false ? false : null;
  }
  if (value.includes(true)) return true;
  return value.includes(false) ? false : null;
}

/**
 * Compiles a boolean expression used as a value: three-valued throughout,
 * as a script evaluates it.
 */
export function compileTruth(expr: Expr, context: CompileContext): Truth {
  switch (expr.kind) {
    case "and":
    case "or": {
      const parts = expr.operands.map((operand) =>
        compileTruth(operand, context),
      );
      const decisive = expr.kind === "or";
      return (event) => {
        let sawNull = false;
        for (const part of parts) {
          const value = part(event);
          if (value === decisive) return decisive;
          if (value === null) sawNull = true;
        }
        return sawNull ? null : !decisive;
      };
    }
    case "not": {
      const inner = compileTruth(expr.operand, context);
      return (event) => {
        const value = inner(event);
        return value === null ? null : !value;
      };
    }
    case "compare":
    case "match":
    case "in":
      return buildCondition(expr, context).truth;
    default:
      return truthOfValue(compileValue(expr, context));
  }
}
