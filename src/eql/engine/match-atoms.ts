/**
 * Compiles `:`, `like`, `like~`, `regex`, `regex~`, `in`, `in~` and
 * `not in` into conditions (see condition.ts for the semantics).
 */
import type { Expr, InExpr, MatchExpr } from "../ast.js";
import {
  type CompileContext,
  type CompiledValue,
  describe,
  requireExact,
  type StaticType,
  verificationError,
  withArticle,
} from "./compile-context.js";
import { insensitiveEquals, testComparison } from "./comparison.js";
import type { Condition, Predicate, Truth } from "./condition.js";
import { compileValue } from "./expression.js";
import { LuceneRegExpError } from "./lucene-regexp.js";
import {
  equalityTest,
  regexTest,
  type StringTest,
  wildcardTest,
} from "./patterns.js";
import { foldCase, type Scalar, scalarsOf } from "./values.js";

export function compileMatch(
  expr: MatchExpr,
  context: CompileContext,
): Condition {
  if (context.legacy && expr.op === ":") {
    return compileLegacyEquality(expr, context);
  }
  const value = compileValue(expr.field, context);
  requireExact(expr.field, value);
  const patterns = expr.patterns.map((pattern) =>
    compileValue(pattern, context),
  );
  checkStringOperand(expr, expr.field, value.type, "field");
  const tests = patterns.map((pattern, index) =>
    stringTestFor(expr, expr.patterns[index]!, pattern),
  );
  const matches = (scalar: Scalar): boolean =>
    typeof scalar === "string" && tests.some((test) => test(scalar));
  return anyValueCondition(value, matches);
}

function stringTestFor(
  expr: MatchExpr,
  source: Expr,
  pattern: CompiledValue,
): StringTest {
  const constant = pattern.constant?.value;
  if (typeof constant !== "string") {
    verificationError(
      source,
      `the ${expr.op} operator needs string patterns, but ` +
        `${describe(source)} is ${pattern.constant ? withArticle(pattern.type) : "not a constant"}`,
    );
  }
  const caseInsensitive = expr.op === ":" || expr.op.endsWith("~");
  if (expr.op.startsWith("regex")) {
    try {
      return regexTest(constant, caseInsensitive);
    } catch (error) {
      if (!(error instanceof LuceneRegExpError)) throw error;
      verificationError(source, error.message);
    }
  }
  return wildcardTest(constant, caseInsensitive);
}

function checkStringOperand(
  expr: MatchExpr,
  operand: Expr,
  type: string,
  role: string,
): void {
  if (type === "string" || type === "unknown" || type === "null") return;
  verificationError(
    operand,
    `the ${expr.op} operator compares strings, but the ${role} ` +
      `${describe(operand)} is ${withArticle(type as StaticType)}; use == for other types`,
  );
}

/**
 * Builds a clause on a field when the operand is a field (two-valued), or
 * else a script (three-valued). Either way any value of the operand may match.
 */
function anyValueCondition(
  value: CompiledValue,
  matches: (scalar: Scalar) => boolean,
): Condition {
  const read = value.evaluate;
  const test: Predicate = (event) => {
    const found = read(event);
    if (found === null) return false;
    if (!Array.isArray(found)) return matches(found);
    return found.some(matches);
  };
  const truth: Truth = (event) => (read(event) === null ? null : test(event));
  return { test, truth, script: value.field === undefined };
}

/**
 * `a : b` of older test suites: case-insensitive equality of any two
 * expressions, one of them constant, with `*` and `?` wildcards when the
 * constant is a string, and `a : null` meaning `a` is null.
 */
function compileLegacyEquality(
  expr: MatchExpr,
  context: CompileContext,
): Condition {
  let left = expr.field;
  let right = expr.patterns[0]!;
  let value = compileValue(left, context);
  let pattern = compileValue(right, context);
  if (value.constant && !pattern.constant) {
    [left, right, value, pattern] = [right, left, pattern, value];
  }
  const constant = pattern.constant;
  if (constant === undefined) {
    verificationError(
      expr,
      `cannot compare ${describe(left)} with ${describe(right)}: ` +
        "Elasticsearch EQL compares fields only with constants",
    );
  }
  if (constant.value === null) {
    const read = value.evaluate;
    const test: Predicate = (event) => read(event) === null;
    return { test, truth: test, script: false };
  }
  if (typeof constant.value === "string") {
    const matcher = wildcardTest(constant.value, true);
    return anyValueCondition(value, (scalar) =>
      typeof scalar === "string" ? matcher(scalar) : false,
    );
  }
  const wanted = scalarsOf(constant.value);
  return anyValueCondition(value, (scalar) =>
    wanted.some((other) => insensitiveEquals(scalar, other)),
  );
}

export function compileIn(expr: InExpr, context: CompileContext): Condition {
  const value = compileValue(expr.field, context);
  requireExact(expr.field, value);
  const values = expr.values.map((item) => compileValue(item, context));
  values.forEach((item, index) => {
    requireExact(expr.values[index]!, item);
    if (item.constant) return;
    verificationError(
      expr.values[index]!,
      `the list of ${expr.negated ? "not in" : "in"} must hold constants, ` +
        `not ${describe(expr.values[index]!)}`,
    );
  });
  const member = membershipTest(values, expr.caseInsensitive);
  const truth: Truth = (event) => {
    const found = value.evaluate(event);
    if (found === null) return null;
    return scalarsOf(found).some((scalar) => member(scalar, event));
  };
  const script =
    value.field === undefined || !values.every((item) => item.constant);
  const present: Predicate = (event) => truth(event) === true;
  if (!expr.negated) return { test: present, truth, script };
  const negatedTruth: Truth = (event) => {
    const result = truth(event);
    return result === null ? null : !result;
  };
  if (script) {
    return {
      test: (event) => negatedTruth(event) === true,
      truth: negatedTruth,
      script,
    };
  }
  return { test: (event) => !present(event), truth: negatedTruth, script };
}

function membershipTest(
  values: CompiledValue[],
  caseInsensitive: boolean,
): (scalar: Scalar, event: unknown) => boolean {
  if (values.every((item) => item.constant)) {
    const keys = new Set<string>();
    for (const item of values) {
      for (const scalar of scalarsOf(item.constant!.value)) {
        keys.add(keyOf(scalar, caseInsensitive));
      }
    }
    return (scalar) => keys.has(keyOf(scalar, caseInsensitive));
  }
  return (scalar, event) =>
    values.some((item) =>
      scalarsOf(item.evaluate(event)).some((other) =>
        caseInsensitive
          ? insensitiveEquals(scalar, other)
          : testComparison("==", scalar, other) === true,
      ),
    );
}

function keyOf(scalar: Scalar, caseInsensitive: boolean): string {
  if (typeof scalar === "string") {
    return `s${caseInsensitive ? foldCase(scalar) : scalar}`;
  }
  return `${typeof scalar === "number" ? "n" : "b"}${String(scalar)}`;
}
