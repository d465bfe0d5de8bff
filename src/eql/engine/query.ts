/**
 * Compiles a whole EQL query once and runs it over streams of events:
 * `matches(event)` for a quick per-event verdict, `run()` for the results
 * an Elasticsearch `_eql/search` request returns.
 */
import type { EqlQuery } from "../ast.js";
import { parseEql } from "../parser.js";
import type { CompileContext } from "./compile-context.js";
import { eventQuery, type RunSettings } from "./event-query.js";
import { AccessorCache, fieldAccessor } from "./field-access.js";
import { type OrderKey, orderKeyReader } from "./ordering.js";
import { sampleQuery, sequenceQuery } from "./join-queries.js";
import type { QueryRun } from "./results.js";
import type { SharedConditions } from "./shared-conditions.js";
import { ecsSchema, type Schema } from "./schema.js";

export interface EngineOptions {
  /** Field types; default: the ECS catalogue, open to other fields. */
  schema?: Schema;
  /** Field holding the event category. Default `event.category`. */
  categoryField?: string;
  /** Field holding the event time. Default `@timestamp`. */
  timestampField?: string;
  /** Field that orders events with equal timestamps. Default: none. */
  tiebreakerField?: string;
  /** Maximum number of events or sequences returned. Default 10. */
  size?: number;
  /** Samples returned per join key. Default 1. */
  maxSamplesPerKey?: number;
  /** Reads the older operators of Elasticsearch's test suites. */
  legacySyntax?: boolean;
}

export interface CompiledQuery {
  readonly query: EqlQuery;
  /**
   * Fields the query reads without `?`. A caller that has seen all events
   * can report the ones no event had, as Elasticsearch reports unknown
   * fields.
   */
  readonly referencedFields: ReadonlySet<string>;
  /**
   * True when one event passes an event query's category and condition.
   * For sequences and samples: when it matches any of their stages.
   */
  matches(event: unknown): boolean;
  /** Starts a run; events may carry metadata such as index and id. */
  run<Meta>(): QueryRun<Meta>;
  /** Returns where an event sorts, by the timestamp and tiebreaker fields. */
  orderOf(event: unknown, position: number): OrderKey;
}

/** Parses (if needed) and compiles a query; raises EqlSyntaxError or EqlVerificationError. */
export function compileQuery(
  input: EqlQuery | string,
  options: EngineOptions = {},
): CompiledQuery {
  return compileWithAccessors(input, options, new AccessorCache(false));
}

/**
 * Compiles a query whose field readers come from `accessors`, and whose
 * repeated conditions come from `shared` when given.
 */
export function compileWithAccessors(
  input: EqlQuery | string,
  options: EngineOptions,
  accessors: AccessorCache,
  shared?: SharedConditions,
): CompiledQuery {
  const legacy = options.legacySyntax ?? false;
  const query =
    typeof input === "string"
      ? parseEql(input, { legacySyntax: legacy })
      : input;
  const schema = options.schema ?? ecsSchema();
  const context: CompileContext = {
    schema,
    legacy,
    referencedFields: new Set(),
    accessors,
    shared,
  };
  const categoryField = options.categoryField ?? "event.category";
  const timestampField = options.timestampField ?? "@timestamp";
  const readOrder = orderKeyReader(
    fieldAccessor(
      timestampField,
      schema.lookup(timestampField),
      schema.dynamicStrings,
    ),
    options.tiebreakerField === undefined
      ? undefined
      : fieldAccessor(
          options.tiebreakerField,
          schema.lookup(options.tiebreakerField),
          schema.dynamicStrings,
        ),
  );
  const settings: RunSettings = {
    size: options.size ?? 10,
    maxSamplesPerKey: options.maxSamplesPerKey ?? 1,
    readOrder,
  };
  switch (query.kind) {
    case "event":
      return eventQuery(query, categoryField, context, settings);
    case "sequence":
      return sequenceQuery(query, categoryField, context, settings);
    case "sample":
      return sampleQuery(query, categoryField, context, settings);
  }
}
