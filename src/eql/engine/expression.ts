/**
 * Compiles value expressions (fields, literals, arithmetic, function calls)
 * into closures over the event. Boolean sub-expressions used as values,
 * such as `(a > 1) == null`, evaluate with three-valued logic.
 */
import type { ArithmeticExpr, CallExpr, Expr } from "../ast.js";
import {
  type CompileContext,
  type CompiledValue,
  compileField,
  constantValue,
  describe,
  isNumericType,
  numberKindOf,
  requireExact,
  type StaticType,
  verificationError,
  withArticle,
} from "./compile-context.js";
import { foldAsciiCase } from "./case-folding.js";
import { compileTruth } from "./condition.js";
import {
  ARITHMETIC,
  type ArgumentRule,
  type CallContext,
  FUNCTIONS,
} from "./functions.js";
import { mapScalars, type Value } from "./values.js";

export function compileValue(
  expr: Expr,
  context: CompileContext,
): CompiledValue {
  switch (expr.kind) {
    case "literal":
      if (typeof expr.value === "number") {
        const type = expr.decimal ? "float" : "integer";
        return constantValue(expr.value, type);
      }
      return constantValue(expr.value);
    case "field":
      return compileField(expr, context);
    case "negate":
      return compileNegate(expr.operand, context);
    case "arithmetic":
      return compileArithmetic(expr, context);
    case "call":
      return compileCall(expr, context);
    case "and":
    case "or":
    case "not":
    case "compare":
    case "match":
    case "in": {
      const truth = compileTruth(expr, context);
      return { evaluate: truth, type: "boolean" };
    }
  }
}

/** Folds an expression whose inputs are all constants into a constant. */
function folded(value: CompiledValue, inputs: CompiledValue[]): CompiledValue {
  if (!inputs.every((input) => input.constant)) return value;
  return constantValue(value.evaluate(undefined), value.type);
}

function compileNegate(operand: Expr, context: CompileContext): CompiledValue {
  const inner = compileValue(operand, context);
  checkRule(operand, inner, "number", "-");
  const evaluate = (event: unknown): Value =>
    mapScalars([inner.evaluate(event)], ([value]) =>
      typeof value === "number" ? -value : null,
    );
  return folded({ evaluate, type: inner.type }, [inner]);
}

function compileArithmetic(
  expr: ArithmeticExpr,
  context: CompileContext,
): CompiledValue {
  const left = compileValue(expr.left, context);
  const right = compileValue(expr.right, context);
  checkRule(expr.left, left, "number", expr.op);
  checkRule(expr.right, right, "number", expr.op);
  const operate = ARITHMETIC[expr.op];
  const callContext: CallContext = {
    caseInsensitive: false,
    kinds: [numberKindOf(left.type), numberKindOf(right.type)],
  };
  const evaluate = (event: unknown): Value =>
    mapScalars([left.evaluate(event), right.evaluate(event)], (scalars) =>
      operate(scalars, callContext),
    );
  const type = resultType([left.type, right.type]);
  return folded({ evaluate, type }, [left, right]);
}

function resultType(types: StaticType[]): StaticType {
  if (types.includes("float")) return "float";
  return types.every((type) => type === "integer") ? "integer" : "number";
}

function compileCall(expr: CallExpr, context: CompileContext): CompiledValue {
  const definition = FUNCTIONS[expr.name];
  if (definition === undefined) {
    verificationError(expr, `unknown function ${expr.name}`);
  }
  const args = expr.args.map((arg) => compileValue(arg, context));
  args.forEach((arg, index) => {
    const rule =
      definition.rules[Math.min(index, definition.rules.length - 1)]!;
    checkRule(expr.args[index]!, arg, rule, expr.name);
  });
  checkConstantArguments(expr, args);
  const callContext: CallContext = {
    caseInsensitive: expr.caseInsensitive,
    kinds: args.map((arg) => numberKindOf(arg.type)),
  };
  if (isPrefixQuery(expr, args)) callContext.fold = foldAsciiCase;
  const evaluate = (event: unknown): Value =>
    mapScalars(
      args.map((arg) => arg.evaluate(event)),
      (scalars) => definition.call(scalars, callContext),
    );
  const type = definition.returns(args.map((arg) => arg.type));
  return folded({ evaluate, type }, args);
}

/**
 * Tells whether Elasticsearch runs a call as a `prefix` query: it does for
 * `startsWith` on a field and a constant (QL's `ExpressionTranslators`),
 * where `case_insensitive: true` folds ASCII letters only. Every other call
 * runs in a script, where `~` lowercases with `toLowerCase(Locale.ROOT)`.
 */
// NOTE: Elasticsearch uses the query only where the call is a condition of
// its own, and a script when the call is an operand (`startsWith~(x, "a")
// == true`), but the engine folds ASCII only for both.
function isPrefixQuery(expr: CallExpr, args: CompiledValue[]): boolean {
  return (
    expr.name === "startsWith" &&
    args[0]?.field !== undefined &&
    args[1]?.constant !== undefined
  );
}

/** Arguments Elasticsearch requires to be constants. */
function checkConstantArguments(expr: CallExpr, args: CompiledValue[]): void {
  const constantFrom: Record<string, number> = { cidrMatch: 1, between: 3 };
  const first = constantFrom[expr.name];
  if (first === undefined) return;
  args.slice(first).forEach((arg, offset) => {
    if (arg.constant) return;
    verificationError(
      expr.args[first + offset]!,
      `argument ${first + offset + 1} of ${expr.name} must be a constant, ` +
        `not ${describe(expr.args[first + offset]!)}`,
    );
  });
}

const RULE_TYPES: Record<Exclude<ArgumentRule, "any">, StaticType[]> = {
  string: ["string"],
  integer: ["integer", "number"],
  number: ["integer", "float", "number"],
  boolean: ["boolean"],
  ip: ["ip", "string"],
};

/**
 * Rejects an argument whose type is known and wrong, as Elasticsearch's
 * verifier does; text fields without a keyword sub-field are always wrong.
 */
function checkRule(
  expr: Expr,
  value: CompiledValue,
  rule: ArgumentRule,
  operation: string,
): void {
  requireExact(expr, value);
  if (value.type === "object") {
    verificationError(
      expr,
      `${describe(expr)} is an object, not a value: name one of its fields`,
    );
  }
  if (rule === "any" || value.type === "unknown" || value.type === "null") {
    return;
  }
  const allowed = RULE_TYPES[rule];
  if (rule === "number" && isNumericType(value.type)) return;
  if (allowed.includes(value.type)) return;
  verificationError(
    expr,
    `${operation} needs a ${rule === "ip" ? "IP address" : rule} here, ` +
      `but ${describe(expr)} is ${withArticle(value.type)}`,
  );
}
