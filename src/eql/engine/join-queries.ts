/**
 * Sequence and sample queries: several filters joined by key, run by the
 * sequence matcher or the sample collector.
 */
import type { EqlQuery, TimeSpan } from "../ast.js";
import { type CompileContext, verificationError } from "./compile-context.js";
import type { RunSettings } from "./event-query.js";
import { compareOrderKeys, type OrderKey } from "./ordering.js";
import { applyLimits, BoundedSelection, limitsOf } from "./pipes.js";
import type { CompiledQuery } from "./query.js";
import type { HitGroup, QueryResult, QueryRun } from "./results.js";
import { SampleCollector } from "./sample.js";
import { SequenceMatcher } from "./sequence.js";
import { compileStages } from "./stage.js";

const UNIT_MS: Record<TimeSpan["unit"], number> = {
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
};

function rejectFilterPipes(query: EqlQuery): void {
  const filter = query.pipes.find((pipe) => pipe.kind === "filter");
  if (filter) {
    verificationError(
      filter,
      `the filter pipe is not supported after a ${query.kind}`,
    );
  }
}

export function sequenceQuery(
  query: Extract<EqlQuery, { kind: "sequence" }>,
  categoryField: string,
  context: CompileContext,
  settings: RunSettings,
): CompiledQuery {
  rejectFilterPipes(query);
  const stages = compileStages(query.stages, query.by, categoryField, context);
  const [until] = query.until
    ? compileStages([query.until], query.by, categoryField, context)
    : [null];
  const maxspanMs = query.maxspan
    ? query.maxspan.value * UNIT_MS[query.maxspan.unit]
    : null;
  const limits = limitsOf(query.pipes, settings.size);
  return {
    query,
    referencedFields: context.referencedFields,
    matches: (event) => stages.some((stage) => stage.matches(event)),
    orderOf: settings.readOrder,
    run<Meta>(): QueryRun<Meta> {
      type Found = { group: HitGroup<Meta>; first: OrderKey };
      const selection = new BoundedSelection<Found>(
        limits[0]!.count,
        limits[0]!.kind,
        (a, b) => compareOrderKeys(a.first, b.first),
      );
      const matcher = new SequenceMatcher<Meta>(
        { stages, until: until ?? null, maxspanMs },
        (group, first) => selection.add({ group, first }),
      );
      let position = 0;
      return {
        push(source, meta) {
          const order = settings.readOrder(source, position++);
          matcher.push({ source, meta, order });
        },
        finish(): QueryResult<Meta> {
          matcher.finish();
          const found = selection.sorted((a, b) =>
            compareOrderKeys(a.first, b.first),
          );
          const sequences = applyLimits(found, limits).map(
            (item) => item.group,
          );
          return { kind: "sequences", sequences };
        },
      };
    },
  };
}

export function sampleQuery(
  query: Extract<EqlQuery, { kind: "sample" }>,
  categoryField: string,
  context: CompileContext,
  settings: RunSettings,
): CompiledQuery {
  rejectFilterPipes(query);
  const stages = compileStages(query.stages, query.by, categoryField, context);
  const limits = limitsOf(query.pipes, settings.size);
  return {
    query,
    referencedFields: context.referencedFields,
    matches: (event) => stages.some((stage) => stage.matches(event)),
    orderOf: settings.readOrder,
    run<Meta>(): QueryRun<Meta> {
      const collector = new SampleCollector<Meta>(
        stages,
        settings.maxSamplesPerKey,
      );
      let position = 0;
      return {
        push(source, meta) {
          const order = settings.readOrder(source, position++);
          collector.push({ source, meta, order });
        },
        finish(): QueryResult<Meta> {
          const all = collector.samples();
          const first = limits[0]!;
          const window =
            first.kind === "head"
              ? all.slice(0, first.count)
              : all.slice(Math.max(0, all.length - first.count));
          return { kind: "samples", samples: applyLimits(window, limits) };
        },
      };
    },
  };
}
