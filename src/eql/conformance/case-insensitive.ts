/**
 * Rewrites a query into the case-insensitive request mode of Elasticsearch
 * 7.10 (`case_sensitive: false`), which later versions replaced with the `~`
 * forms: string functions become `startsWith~` and the like, and `in`
 * becomes `in~`. Conformance queries marked `case_insensitive` were written
 * for that mode.
 */
import type { EqlQuery, Expr, QueryStage } from "../ast.js";
import { findFunction } from "../function-table.js";

export function toCaseInsensitive(query: EqlQuery): EqlQuery {
  switch (query.kind) {
    case "event":
      return { ...query, condition: rewrite(query.condition) };
    case "sequence":
      return {
        ...query,
        stages: query.stages.map(rewriteStage),
        until: query.until ? rewriteStage(query.until) : null,
      };
    case "sample":
      return { ...query, stages: query.stages.map(rewriteStage) };
  }
}

function rewriteStage(stage: QueryStage): QueryStage {
  return { ...stage, condition: rewrite(stage.condition) };
}

function rewrite(expr: Expr): Expr {
  switch (expr.kind) {
    case "literal":
    case "field":
      return expr;
    case "and":
    case "or":
      return { ...expr, operands: expr.operands.map(rewrite) };
    case "not":
    case "negate":
      return { ...expr, operand: rewrite(expr.operand) };
    case "compare":
    case "arithmetic":
      return { ...expr, left: rewrite(expr.left), right: rewrite(expr.right) };
    case "match":
      return {
        ...expr,
        field: rewrite(expr.field),
        patterns: expr.patterns.map(rewrite),
      };
    case "in":
      return {
        ...expr,
        field: rewrite(expr.field),
        values: expr.values.map(rewrite),
        caseInsensitive: true,
      };
    case "call":
      return {
        ...expr,
        args: expr.args.map(rewrite),
        caseInsensitive: findFunction(expr.name)?.caseInsensitive === true,
      };
  }
}
