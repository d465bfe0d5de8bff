/** Small constructors for the EQL syntax tree used by the Sigma converter. */
import type { CompareOperator, EqlValue, Expr, FieldExpr, MatchOperator } from "../ast.js";

export function field(path: string, optional = false): FieldExpr {
  return { kind: "field", path, optional };
}

export function literal(value: EqlValue): Expr {
  return { kind: "literal", value };
}

export function compare(op: CompareOperator, left: Expr, right: Expr): Expr {
  return { kind: "compare", op, left, right };
}

export function match(op: MatchOperator, target: Expr, patterns: string[]): Expr {
  return { kind: "match", op, field: target, patterns: patterns.map((text) => literal(text)) };
}

export function inList(target: Expr, values: EqlValue[], caseInsensitive: boolean): Expr {
  return {
    kind: "in",
    field: target,
    values: values.map((value) => literal(value)),
    caseInsensitive,
    negated: false,
  };
}

/** Joins with `and`, flattening nested `and`s; one operand stays as is. */
export function and(operands: Expr[]): Expr {
  const flat = operands.flatMap((operand) => (operand.kind === "and" ? operand.operands : [operand]));
  return flat.length === 1 ? flat[0]! : { kind: "and", operands: flat };
}

/** Joins with `or`, flattening nested `or`s; one operand stays as is. */
export function or(operands: Expr[]): Expr {
  const flat = operands.flatMap((operand) => (operand.kind === "or" ? operand.operands : [operand]));
  return flat.length === 1 ? flat[0]! : { kind: "or", operands: flat };
}

/**
 * Negates an expression. A double negation cancels, which is also true in EQL's
 * three-valued logic, so a chain of Sigma `not`s adds no depth.
 */
export function not(operand: Expr): Expr {
  if (operand.kind === "not") return operand.operand;
  return { kind: "not", operand };
}

/** Collects the field paths an expression reads. */
export function collectFields(expr: Expr, into: Set<string>): void {
  switch (expr.kind) {
    case "field":
      into.add(expr.path);
      return;
    case "literal":
      return;
    case "and":
    case "or":
      for (const operand of expr.operands) collectFields(operand, into);
      return;
    case "not":
    case "negate":
      collectFields(expr.operand, into);
      return;
    case "compare":
    case "arithmetic":
      collectFields(expr.left, into);
      collectFields(expr.right, into);
      return;
    case "match":
      collectFields(expr.field, into);
      expr.patterns.forEach((pattern) => collectFields(pattern, into));
      return;
    case "in":
      collectFields(expr.field, into);
      expr.values.forEach((value) => collectFields(value, into));
      return;
    case "call":
      expr.args.forEach((arg) => collectFields(arg, into));
      return;
  }
}
