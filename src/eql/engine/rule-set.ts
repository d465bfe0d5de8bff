/**
 * Many event-query rules evaluated on the same events, as a detection
 * harness runs them. The rules share field readers, so each field is read
 * once per event for all of them. They also share the conditions they
 * have in common, so each of those is tested once per event.
 */
import type { EqlQuery } from "../ast.js";
import { parseEql } from "../parser.js";
import { AccessorCache } from "./field-access.js";
import {
  type CompiledQuery,
  compileWithAccessors,
  type EngineOptions,
} from "./query.js";
import { countConditions, SharedConditions } from "./shared-conditions.js";
import { categoryCondition } from "./stage.js";

export interface RuleSet {
  readonly queries: readonly CompiledQuery[];
  /**
   * Returns, for each query in order, whether the event matches it (for a
   * sequence or sample: whether the event matches one of its stages).
   */
  matching(event: unknown): boolean[];
  /**
   * Writes into `results`, for each query in order, whether the event
   * matches it, and returns the number of queries that match. It allocates
   * nothing when `results` already has one slot per query.
   */
  matchInto(event: unknown, results: boolean[]): number;
  /** Returns the number of queries that match the event. */
  countMatching(event: unknown): number;
}

/**
 * Compiles queries that will be evaluated together, event by event. The
 * compiled queries remember field values and condition results per event
 * object. Only the rule set's own methods start an event afresh, so pass
 * an event object whose contents changed to those, not to `queries`.
 */
export function compileRuleSet(
  inputs: (EqlQuery | string)[],
  options: EngineOptions = {},
): RuleSet {
  const legacy = options.legacySyntax ?? false;
  const parsed = inputs.map((input) =>
    typeof input === "string"
      ? parseEql(input, { legacySyntax: legacy })
      : input,
  );
  const categoryField = options.categoryField ?? "event.category";
  const occurrences = countConditions(parsed, legacy, (category) =>
    categoryCondition(category, categoryField),
  );
  const accessors = new AccessorCache(true);
  const shared = new SharedConditions(occurrences, accessors);
  const queries = parsed.map((query) =>
    compileWithAccessors(query, options, accessors, shared),
  );
  const tests = queries.map((query) => query.matches);
  const count = tests.length;
  const matchInto = (event: unknown, results: boolean[]): number => {
    accessors.nextEvent();
    let matched = 0;
    for (let i = 0; i < count; i++) {
      const result = tests[i]!(event);
      results[i] = result;
      if (result) matched++;
    }
    return matched;
  };
  return {
    queries,
    matching(event) {
      const results = new Array<boolean>(count);
      matchInto(event, results);
      return results;
    },
    matchInto,
    countMatching(event) {
      accessors.nextEvent();
      let matched = 0;
      for (let i = 0; i < count; i++) if (tests[i]!(event)) matched++;
      return matched;
    },
  };
}
