/**
 * Hash-consing of conditions across the queries of a rule set. Rules
 * converted from Sigma repeat the same tests, such as the category and
 * `event.type == "start"`. A condition that occurs more than once compiles
 * once, and its result is remembered for the current event, so each rule
 * after the first reads it instead of testing again.
 */
import type { EqlQuery, Expr } from "../ast.js";
import type { CompileContext } from "./compile-context.js";
import type { Condition, Predicate, Truth } from "./condition.js";
import type { AccessorCache } from "./field-access.js";

interface SharedEntry {
  condition: Condition;
  /** Non-optional fields the condition reads, for `referencedFields`. */
  fields: string[];
}

/**
 * Compiles conditions through a table keyed by their printed form. Only
 * conditions that occur at least twice in the rule set enter the table,
 * because remembering a result costs a little on every event.
 */
export class SharedConditions {
  private readonly entries = new Map<string, SharedEntry>();

  constructor(
    private readonly occurrences: ReadonlyMap<string, number>,
    private readonly accessors: AccessorCache,
  ) {}

  /** Returns the shared compiled form of `expr`, building it on first use. */
  condition(
    expr: Expr,
    context: CompileContext,
    build: (expr: Expr, context: CompileContext) => Condition,
  ): Condition {
    const key = conditionKey(expr, context.legacy);
    if ((this.occurrences.get(key) ?? 0) < 2) return build(expr, context);
    let entry = this.entries.get(key);
    if (entry === undefined) {
      // Compiled with a set of its own, so a later query that reuses the
      // entry can still list the fields it reads.
      const fields = new Set<string>();
      const condition = build(expr, { ...context, referencedFields: fields });
      entry = {
        condition: rememberPerEvent(condition, this.accessors),
        fields: [...fields],
      };
      this.entries.set(key, entry);
    }
    for (const field of entry.fields) context.referencedFields.add(field);
    return entry.condition;
  }
}

/**
 * Counts how often each sub-expression of the queries' conditions occurs,
 * by printed form. `categoryTest` gives the comparison a stage adds for
 * its event category, which counts too.
 */
export function countConditions(
  queries: EqlQuery[],
  legacy: boolean,
  categoryTest: (category: string) => Expr,
): Map<string, number> {
  const counts = new Map<string, number>();
  const count = (expr: Expr): void => {
    const key = conditionKey(expr, legacy);
    counts.set(key, (counts.get(key) ?? 0) + 1);
  };
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) {
      for (const item of node) visit(item);
      return;
    }
    if (typeof node !== "object" || node === null) return;
    const record = node as Record<string, unknown>;
    if (typeof record.category === "string" && record.category !== "any") {
      count(categoryTest(record.category));
    }
    if (typeof record.kind === "string") count(node as Expr);
    for (const value of Object.values(record)) visit(value);
  };
  visit(queries);
  return counts;
}

/**
 * Prints an expression as JSON, the dialect first. Numbers print as
 * objects, so `-0`, `NaN` and `Infinity` keep apart from `0` and `null`,
 * and no number equals a string.
 */
function conditionKey(expr: Expr, legacy: boolean): string {
  const printed = JSON.stringify(expr, (_key, value: unknown) =>
    typeof value === "number"
      ? { number: Object.is(value, -0) ? "-0" : String(value) }
      : value,
  );
  return `${legacy ? "legacy" : "current"} ${printed}`;
}

/**
 * Wraps a condition so it tests each event once. The result is kept for
 * the event number of `accessors` and the event object, so a caller that
 * skips `nextEvent()` still gets a fresh result for another object.
 */
function rememberPerEvent(
  condition: Condition,
  accessors: AccessorCache,
): Condition {
  const remember = <T>(evaluate: (event: unknown) => T) => {
    let eventNumber = -1;
    let subject: unknown = undefined;
    let result: T;
    return (event: unknown): T => {
      const current = accessors.eventNumber;
      if (current !== eventNumber || event !== subject) {
        result = evaluate(event);
        eventNumber = current;
        subject = event;
      }
      return result;
    };
  };
  const test: Predicate = remember(condition.test);
  const truth: Truth =
    condition.truth === condition.test ? test : remember(condition.truth);
  return { test, truth, script: condition.script };
}
