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
import { compatible } from "./comparison-atoms.js";
import { insensitiveEquals } from "./comparison.js";
import type { Condition, Predicate, Truth } from "./condition.js";
import { compileValue } from "./expression.js";
import { foldAsciiCase, javaIgnoreCaseKey } from "./case-folding.js";
import { FoldCache } from "./fold-cache.js";
import { LuceneRegExpError } from "./lucene-regexp.js";
import {
  type FoldFunction,
  regexSetTest,
  type StringTest,
  wildcardTest,
} from "./patterns.js";
import { wildcardSetTest } from "./wildcard-set.js";
import { type Scalar, scalarsOf, type Value } from "./values.js";

/**
 * Returns the folding of exact values for `:` and `in~`. On a field,
 * Elasticsearch runs a `term` query with `case_insensitive: true`, which
 * folds ASCII letters only. On any other expression, its script compares
 * with Java's `compareToIgnoreCase`.
 */
// NOTE: Elasticsearch folds the same condition differently in a query and
// in a script (`x : "ſ"` finds "s" only when `x` is not a plain field).
// The engine follows Elasticsearch on both paths.
function exactFoldFor(value: CompiledValue): FoldFunction | undefined {
  return value.field === undefined ? javaIgnoreCaseKey : undefined;
}

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
  const texts = patterns.map((pattern, index) =>
    patternText(expr, expr.patterns[index]!, pattern),
  );
  const test = stringSetTest(expr, texts, value);
  return anyValueCondition(value, (scalar) =>
    typeof scalar === "string" ? test(scalar) : false,
  );
}

function patternText(
  expr: MatchExpr,
  source: Expr,
  pattern: CompiledValue,
): string {
  const constant = pattern.constant?.value;
  if (typeof constant === "string") return constant;
  return verificationError(
    source,
    `the ${expr.op} operator needs string patterns, but ` +
      `${describe(source)} is ${pattern.constant ? withArticle(pattern.type) : "not a constant"}`,
  );
}

function stringSetTest(
  expr: MatchExpr,
  texts: string[],
  value: CompiledValue,
): StringTest {
  const caseInsensitive = expr.op === ":" || expr.op.endsWith("~");
  if (!expr.op.startsWith("regex")) {
    // `like~` compares even a value without wildcards as a pattern, which
    // a script runs as a Java regular expression that folds ASCII only.
    const exactFold = expr.op === ":" ? exactFoldFor(value) : undefined;
    return wildcardSetTest(
      texts,
      caseInsensitive,
      value.field?.foldCache,
      exactFold,
    );
  }
  try {
    return regexSetTest(texts, caseInsensitive);
  } catch (error) {
    if (!(error instanceof LuceneRegExpError)) throw error;
    return verificationError(expr, error.message);
  }
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
    const matcher = wildcardTest(
      constant.value,
      true,
      value.field?.foldCache,
      exactFoldFor(value),
    );
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
  const constants = expr.values.map((item) => {
    const compiled = compileValue(item, context);
    requireExact(item, compiled);
    if (compiled.constant) {
      if (!compatible(value.type, compiled.type)) {
        verificationError(
          item,
          `cannot look up ${describe(expr.field)} (${value.type}) in a list ` +
            `holding ${describe(item)} (${compiled.type})`,
        );
      }
      return compiled.constant.value;
    }
    return verificationError(
      item,
      `the list of ${expr.negated ? "not in" : "in"} must hold constants, ` +
        `not ${describe(item)}`,
    );
  });
  const member = membershipTest(
    constants,
    expr.caseInsensitive,
    value.field?.foldCache,
    exactFoldFor(value),
  );
  const read = value.evaluate;
  const truth: Truth = (event) => {
    const found = read(event);
    if (found === null) return null;
    if (!Array.isArray(found)) return member(found);
    for (const scalar of found) if (member(scalar)) return true;
    return false;
  };
  const script = value.field === undefined;
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

/**
 * Compiles set membership of the constants of an `in` list. `in~` folds
 * with `exactFold` when set, else with `foldAsciiCase` through `cache`.
 */
function membershipTest(
  constants: Value[],
  caseInsensitive: boolean,
  cache: FoldCache = new FoldCache(),
  exactFold?: FoldFunction,
): (scalar: Scalar) => boolean {
  const fold = exactFold ?? foldAsciiCase;
  const strings = new Set<string>();
  const others = new Set<Scalar>();
  for (const scalar of constants.flatMap(scalarsOf)) {
    if (typeof scalar !== "string") others.add(scalar);
    else strings.add(caseInsensitive ? fold(scalar) : scalar);
  }
  if (caseInsensitive && exactFold !== undefined) {
    return (scalar) =>
      typeof scalar === "string"
        ? strings.has(exactFold(scalar))
        : others.has(scalar);
  }
  if (caseInsensitive) {
    return (scalar) =>
      typeof scalar === "string"
        ? strings.has(cache.fold(scalar))
        : others.has(scalar);
  }
  return (scalar) =>
    typeof scalar === "string" ? strings.has(scalar) : others.has(scalar);
}
