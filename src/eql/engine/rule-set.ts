/**
 * Many event-query rules evaluated on the same events, as a detection
 * harness runs them: the rules share field readers, and each field is read
 * once per event for all of them.
 */
import type { EqlQuery } from "../ast.js";
import { AccessorCache } from "./field-access.js";
import {
  type CompiledQuery,
  compileWithAccessors,
  type EngineOptions,
} from "./query.js";

export interface RuleSet {
  readonly queries: readonly CompiledQuery[];
  /**
   * Returns, for each query in order, whether the event matches it (for a
   * sequence or sample: whether the event matches one of its stages).
   */
  matching(event: unknown): boolean[];
}

/** Compiles queries that will be evaluated together, event by event. */
export function compileRuleSet(
  inputs: (EqlQuery | string)[],
  options: EngineOptions = {},
): RuleSet {
  const accessors = new AccessorCache(true);
  const queries = inputs.map((input) =>
    compileWithAccessors(input, options, accessors),
  );
  const tests = queries.map((query) => query.matches);
  return {
    queries,
    matching(event) {
      accessors.nextEvent();
      return tests.map((test) => test(event));
    },
  };
}
