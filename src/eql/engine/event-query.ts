/**
 * Event queries: one filter, with results sorted and limited by the pipes.
 */
import type { EqlQuery, Pipe } from "../ast.js";
import type { CompileContext } from "./compile-context.js";
import { compileCondition, type Predicate } from "./condition.js";
import { compareOrderKeys, type OrderKey } from "./ordering.js";
import { applyLimits, BoundedSelection, limitsOf } from "./pipes.js";
import type { CompiledQuery } from "./query.js";
import type { Hit, QueryResult, QueryRun } from "./results.js";
import { compileFilter } from "./stage.js";

export interface RunSettings {
  size: number;
  maxSamplesPerKey: number;
  readOrder: (event: unknown, position: number) => OrderKey;
}

export function eventQuery(
  query: Extract<EqlQuery, { kind: "event" }>,
  categoryField: string,
  context: CompileContext,
  settings: RunSettings,
): CompiledQuery {
  const filter = compileFilter(
    query.category,
    query.condition,
    categoryField,
    context,
  );
  const { leading, later } = splitFilterPipes(query.pipes, context);
  const matches: Predicate =
    leading.length === 0
      ? filter
      : (event) => filter(event) && leading.every((test) => test(event));
  const limits = limitsOf(query.pipes, settings.size);
  return {
    query,
    referencedFields: context.referencedFields,
    matches,
    orderOf: settings.readOrder,
    run<Meta>(): QueryRun<Meta> {
      const selection = new BoundedSelection<Hit<Meta>>(
        limits[0]!.count,
        limits[0]!.kind,
        byOrder,
      );
      let position = 0;
      return {
        push(source, meta) {
          const order = settings.readOrder(source, position++);
          if (matches(source)) selection.add({ source, meta, order });
        },
        finish(): QueryResult<Meta> {
          let events = selection.sorted(byOrder);
          events = applyPipesAfterFirst(events, query.pipes, later, limits);
          return { kind: "events", events };
        },
      };
    },
  };
}

function byOrder<Meta>(a: Hit<Meta>, b: Hit<Meta>): number {
  return compareOrderKeys(a.order, b.order);
}

/**
 * Splits `filter` pipes (which only a hand-built syntax tree can contain,
 * since Elasticsearch rejects them) into those before the first limit, which
 * join the condition, and those after it.
 */
function splitFilterPipes(
  pipes: Pipe[],
  context: CompileContext,
): { leading: Predicate[]; later: Map<Pipe, Predicate> } {
  const leading: Predicate[] = [];
  const later = new Map<Pipe, Predicate>();
  let limited = false;
  for (const pipe of pipes) {
    if (pipe.kind !== "filter") {
      limited = true;
      continue;
    }
    const test = compileCondition(pipe.condition, context);
    if (limited) later.set(pipe, test);
    else leading.push(test);
  }
  return { leading, later };
}

function applyPipesAfterFirst<Meta>(
  events: Hit<Meta>[],
  pipes: Pipe[],
  later: Map<Pipe, Predicate>,
  limits: ReturnType<typeof limitsOf>,
): Hit<Meta>[] {
  if (later.size === 0) return applyLimits(events, limits);
  let result = events;
  let limitIndex = 1;
  for (const pipe of pipes) {
    if (pipe.kind === "filter") {
      const test = later.get(pipe);
      if (test) result = result.filter((hit) => test(hit.source));
    } else {
      result = applyLimits(result, [limits[0]!, limits[limitIndex++]!]);
    }
  }
  return result;
}
