/**
 * Runs built Kibana rules on the embedded EQL engine: a rule sees only the
 * events whose index its `index` patterns cover, as in Elasticsearch.
 */
import {
  compileQuery,
  type CompiledQuery,
  type HitGroup,
  type QueryResult,
  sortByOrder,
} from "../eql/engine/index.js";
import { InputError } from "../errors.js";
import type { LoadedEvent } from "./events.js";
import { matchesIndexPatterns } from "./index-pattern.js";

/** A built rule as verification needs it. */
export interface BuiltRule {
  /** The Sigma file name without `.yml`: the verdict column and result key. */
  key: string;
  ruleId: string;
  name: string;
  query: string;
  index: string[];
  /** The rule body file it was read from. */
  file: string;
}

/**
 * Reads the fields verification needs from a Kibana rule body. Throws
 * InputError naming the file and the field when one is missing or of the
 * wrong type.
 */
export function parseBuiltRule(
  value: unknown,
  file: string,
  key: string,
): BuiltRule {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new InputError(
      `${file}: expected a Kibana rule object. Rebuild it with "detections build".`,
    );
  }
  const body = value as Record<string, unknown>;
  const text = (field: string): string => {
    const found = body[field];
    if (typeof found === "string" && found !== "") return found;
    throw new InputError(
      `${file}: ${field} is ${JSON.stringify(found) ?? "missing"}; expected a non-empty string. Rebuild it with "detections build".`,
    );
  };
  if (body.language !== "eql") {
    throw new InputError(
      `${file}: language is ${JSON.stringify(body.language) ?? "missing"}; only EQL rules run on the embedded engine.`,
    );
  }
  const index = body.index;
  if (
    !Array.isArray(index) ||
    index.length === 0 ||
    !index.every((entry) => typeof entry === "string")
  ) {
    throw new InputError(
      `${file}: index must be a non-empty list of index patterns. Rebuild it with "detections build".`,
    );
  }
  return {
    key,
    ruleId: text("rule_id"),
    name: text("name"),
    query: text("query"),
    index,
    file,
  };
}

/**
 * Returns the ids of the events on which the rule alerts: every event an
 * event query returns, and every event of each sequence or sample it
 * returns. The rule sees only events whose index its patterns cover, fed in
 * Elasticsearch's result order, with no limit on the number of results.
 * Throws InputError naming the rule file when its query does not compile.
 */
export function runRuleEmbedded(
  rule: BuiltRule,
  events: readonly LoadedEvent[],
): ReadonlySet<string> {
  const visible = events.filter((event) =>
    matchesIndexPatterns(event.index, rule.index),
  );
  const compiled = compileRule(rule, visible.length);
  const run = compiled.run<LoadedEvent>();
  const ordered = sortByOrder([...visible], (event, position) =>
    compiled.orderOf(event.document, position),
  );
  for (const event of ordered) run.push(event.document, event);
  return new Set(alertedEvents(run.finish()).map((event) => event.id));
}

function compileRule(rule: BuiltRule, eventCount: number): CompiledQuery {
  try {
    return compileQuery(rule.query, { size: Math.max(eventCount, 1) });
  } catch (error) {
    if (!(error instanceof InputError)) throw error;
    throw new InputError(
      `${rule.file}: query: ${error.message}. Fix the Sigma rule and run "detections build".`,
      { cause: error },
    );
  }
}

function alertedEvents(result: QueryResult<LoadedEvent>): LoadedEvent[] {
  switch (result.kind) {
    case "events":
      return result.events.map((hit) => hit.meta);
    case "sequences":
      return result.sequences.flatMap(eventsOfGroup);
    case "samples":
      return result.samples.flatMap(eventsOfGroup);
  }
}

function eventsOfGroup(group: HitGroup<LoadedEvent>): LoadedEvent[] {
  return group.events.flatMap((hit) => (hit === null ? [] : [hit.meta]));
}
