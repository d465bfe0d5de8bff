/**
 * Compiles `==`, `!=`, `<`, `<=`, `>` and `>=` into conditions (see
 * condition.ts for the field-clause and script semantics).
 */
import type { CompareExpr, CompareOperator, Expr } from "../ast.js";
import {
  type CompileContext,
  type CompiledValue,
  describe,
  isNumericType,
  isOpenType,
  requireExact,
  type StaticType,
  verificationError,
} from "./compile-context.js";
import { SWAPPED_OPERATORS, testComparison } from "./comparison.js";
import type { Condition, Predicate, Truth } from "./condition.js";
import { compileValue } from "./expression.js";
import { toEpochMillis } from "./field-access.js";
import { canonicalIp } from "./ip.js";
import { type Scalar, scalarsOf, type Value } from "./values.js";

/**
 * Compiles a comparison. `source` is the expression as written, for error
 * positions, when `expr` is a rewritten form of it.
 */
export function compileComparison(
  expr: CompareExpr,
  context: CompileContext,
  source: Expr = expr,
): Condition {
  let { left, right, op } = expr;
  if (isConstantExpr(left) && !isConstantExpr(right)) {
    [left, right] = [right, left];
    op = SWAPPED_OPERATORS[op];
  }
  if (right.kind === "literal" && right.value === null) {
    return compileNullCheck(op, compileValue(left, context));
  }
  const leftValue = compileValue(left, context);
  const rightValue = compileValue(right, context);
  if (rightValue.constant?.value === null) {
    return compileNullCheck(op, leftValue);
  }
  checkComparison(source, op, left, leftValue, right, rightValue);
  if (leftValue.field && rightValue.constant) {
    return fieldComparison(op, leftValue, rightValue.constant.value);
  }
  const truth = pairwiseTruth(op, leftValue, rightValue);
  return { test: (event) => truth(event) === true, truth, script: true };
}

function isConstantExpr(expr: Expr): boolean {
  return expr.kind === "literal";
}

/** `x == null` is Elasticsearch's IsNull; `x != null` is IsNotNull. */
function compileNullCheck(
  op: CompareOperator,
  value: CompiledValue,
): Condition {
  if (op !== "==" && op !== "!=") {
    const truth: Truth = () => null;
    return { test: () => false, truth, script: true };
  }
  const isNull = op === "==";
  const test: Predicate = (event) =>
    (value.evaluate(event) === null) === isNull;
  return { test, truth: test, script: false };
}

/** Compiles a `term` or `range` clause: two-valued, any value may match. */
function fieldComparison(
  op: CompareOperator,
  field: CompiledValue,
  constant: Value,
): Condition {
  const read = field.evaluate;
  const holds = valueTest(op === "!=" ? "==" : op, field.type, constant);
  const test: Predicate =
    op === "!="
      ? (event) => !holds(read(event))
      : (event) => holds(read(event));
  const truth: Truth = (event) => {
    const value = read(event);
    return value === null ? null : test(event);
  };
  return { test, truth, script: false };
}

/** Tests whether any scalar of a field value compares true with `constant`. */
function valueTest(
  op: CompareOperator,
  type: StaticType,
  constant: Value,
): (value: Value) => boolean {
  const normalize = normalizerFor(type);
  const wanted = scalarsOf(constant).map((scalar) => normalize(scalar));
  if (op === "==" && wanted.length === 1 && type !== "date" && type !== "ip") {
    const only = wanted[0];
    return (value) => {
      if (value === null) return false;
      if (!Array.isArray(value)) return value === only;
      for (const scalar of value) if (scalar === only) return true;
      return false;
    };
  }
  const holdsFor = (scalar: Scalar): boolean => {
    const normalized = normalize(scalar);
    for (const other of wanted) {
      if (testComparison(op, normalized, other) === true) return true;
    }
    return false;
  };
  return (value) => {
    if (value === null) return false;
    if (!Array.isArray(value)) return holdsFor(value);
    for (const scalar of value) if (holdsFor(scalar)) return true;
    return false;
  };
}

/** Converts a compared value to the form the field's index stores. */
function normalizerFor(type: StaticType): (scalar: Scalar) => Scalar {
  if (type === "date") {
    return (scalar) => toEpochMillis(scalar) ?? scalar;
  }
  if (type === "ip") {
    return (scalar) =>
      typeof scalar === "string" ? canonicalIp(scalar) : scalar;
  }
  return (scalar) => scalar;
}

/** Compiles a script comparison: three-valued, true if any pair matches. */
function pairwiseTruth(
  op: CompareOperator,
  left: CompiledValue,
  right: CompiledValue,
): Truth {
  return (event) => {
    const leftValue = left.evaluate(event);
    const rightValue = right.evaluate(event);
    if (!Array.isArray(leftValue) && !Array.isArray(rightValue)) {
      return testComparison(op, leftValue, rightValue);
    }
    let sawFalse = false;
    for (const a of scalarsOf(leftValue)) {
      for (const b of scalarsOf(rightValue)) {
        const result = testComparison(op, a, b);
        if (result === true) return true;
        if (result === false) sawFalse = true;
      }
    }
    return sawFalse ? false : null;
  };
}

/** Rejects comparisons that Elasticsearch's verifier rejects. */
function checkComparison(
  source: Expr,
  op: CompareOperator,
  left: Expr,
  leftValue: CompiledValue,
  right: Expr,
  rightValue: CompiledValue,
): void {
  requireExact(left, leftValue);
  requireExact(right, rightValue);
  if (!rightValue.constant && !leftValue.constant) {
    verificationError(
      source,
      `cannot compare ${describe(left)} with ${describe(right)}: ` +
        "Elasticsearch EQL compares fields only with constants",
    );
  }
  if (compatible(leftValue.type, rightValue.type)) {
    if (leftValue.type === "date" && rightValue.constant) {
      checkDateConstant(right, rightValue.constant.value);
    }
    return;
  }
  verificationError(
    source,
    `cannot compare ${describe(left)} (${leftValue.type}) with ` +
      `${describe(right)} (${rightValue.type}) using ${op}`,
  );
}

/** True when Elasticsearch can compare values of the two types. */
export function compatible(left: StaticType, right: StaticType): boolean {
  if (isOpenType(left) || isOpenType(right)) return true;
  if (isNumericType(left) && isNumericType(right)) return true;
  if (left === right) return true;
  const textual = (type: StaticType): boolean =>
    type === "string" || type === "ip" || type === "date";
  if (left === "date" || right === "date") {
    return (
      textual(left) ||
      textual(right) ||
      isNumericType(left) ||
      isNumericType(right)
    );
  }
  return textual(left) && textual(right);
}

function checkDateConstant(expr: Expr, value: Value): void {
  for (const scalar of scalarsOf(value)) {
    if (toEpochMillis(scalar) !== null) continue;
    verificationError(
      expr,
      `invalid date ${JSON.stringify(scalar)}: use ISO 8601, such as ` +
        '"2024-01-31T12:00:00Z", or milliseconds since the epoch',
    );
  }
}
