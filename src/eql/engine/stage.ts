/**
 * One filter of a query: `category where condition`, plus its join keys
 * when it is a stage of a sequence or a sample.
 */
import type { Expr, FieldExpr, QueryStage } from "../ast.js";
import { type CompileContext, verificationError } from "./compile-context.js";
import { compileCondition, type Predicate } from "./condition.js";
import { compileValue } from "./expression.js";
import { type Value } from "./values.js";

export interface CompiledFilter {
  matches: Predicate;
}

/** Compiles `category where condition` with the category as a term query. */
export function compileFilter(
  category: string,
  condition: Expr,
  categoryField: string,
  context: CompileContext,
): Predicate {
  const test = compileCondition(condition, context);
  if (category === "any") return test;
  const categoryTest = compileCondition(
    categoryCondition(category, categoryField),
    context,
  );
  return (event) => categoryTest(event) && test(event);
}

/** Returns the term query on the category field that a filter adds. */
export function categoryCondition(
  category: string,
  categoryField: string,
): Expr {
  return {
    kind: "compare",
    op: "==",
    left: { kind: "field", path: categoryField, optional: false },
    right: { kind: "literal", value: category },
  };
}

/** Join key values of an event, or undefined when it cannot join. */
export type KeyReader = (event: unknown) => Value[] | undefined;

/**
 * Compiles join keys. A non-optional key must have a value for the event
 * to join; an optional key (`?field`) may be null.
 */
export function compileKeys(keys: Expr[], context: CompileContext): KeyReader {
  const readers = keys.map((key) => {
    if (key.kind !== "field") {
      verificationError(key, "a join key must be a field");
    }
    const value = compileValue(key, context);
    return { read: value.evaluate, optional: (key as FieldExpr).optional };
  });
  if (readers.length === 0) return () => [];
  return (event) => {
    const values: Value[] = [];
    for (const reader of readers) {
      const value = reader.read(event);
      if (value === null && !reader.optional) return undefined;
      values.push(value);
    }
    return values;
  };
}

/** A stage with its filter and keys, one per `runs` repetition. */
export interface CompiledStage {
  matches: Predicate;
  keys: KeyReader;
  missing: boolean;
}

export function compileStages(
  stages: QueryStage[],
  shared: Expr[],
  categoryField: string,
  context: CompileContext,
): CompiledStage[] {
  const compiled: CompiledStage[] = [];
  for (const stage of stages) {
    const matches = compileFilter(
      stage.category,
      stage.condition,
      categoryField,
      context,
    );
    const keys = compileKeys([...shared, ...stage.by], context);
    for (let run = 0; run < stage.runs; run++) {
      compiled.push({ matches, keys, missing: stage.missing });
    }
  }
  return compiled;
}

/** Joins key values into one map key; types stay apart (`1` vs `"1"`). */
export function keyString(values: Value[]): string {
  return values.length === 0 ? "" : JSON.stringify(values);
}
