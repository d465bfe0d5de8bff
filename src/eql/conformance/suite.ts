/**
 * Runs Elasticsearch's EQL conformance queries on the embedded engine and
 * compares the event ids with the ids Elasticsearch returned. Pure: the
 * caller loads the files (see load.ts).
 */
import { DetectionsError } from "../../errors.js";
import type { EqlQuery } from "../ast.js";
import {
  compileQuery,
  type EngineOptions,
  type QueryResult,
  type Schema,
  sortByOrder,
} from "../engine/index.js";
import { parseEql } from "../parser.js";
import { toCaseInsensitive } from "./case-insensitive.js";

export interface ConformanceQuery {
  name: string;
  query: string;
  /** Event ids in result order; -1 marks a missing event of a sequence. */
  expectedIds: number[];
  /** Join keys of all sequences, flattened, when the suite lists them. */
  joinKeys?: string[];
  /**
   * Set for queries marked `case_insensitive` only: Elasticsearch 7.10 ran
   * them with the `case_sensitive: false` request option, which newer
   * versions replaced with `~` forms.
   */
  caseInsensitive: boolean;
  /** The query must be rejected with an error instead of returning results. */
  expectError: boolean;
}

export interface Suite {
  file: string;
  events: unknown[];
  schema: Schema;
  /** Field whose value identifies an event in `expectedIds`. */
  idField: string;
  tiebreakerField: string;
  legacySyntax: boolean;
  queries: ConformanceQuery[];
  /** Queries the suite lists but does not run, with the reason. */
  skipped: { name: string; reason: string }[];
}

export interface Outcome {
  file: string;
  name: string;
  passed: boolean;
  /** Description of the result: the ids returned, or the error raised. */
  detail: string;
}

/** Result size of Elasticsearch's conformance runs. */
const REQUEST_SIZE = 50;

export function runSuite(suite: Suite): Outcome[] {
  const options: EngineOptions = {
    schema: suite.schema,
    categoryField: "event.category",
    timestampField: "@timestamp",
    tiebreakerField: suite.tiebreakerField,
    size: REQUEST_SIZE,
    legacySyntax: suite.legacySyntax,
  };
  const orderProbe = compileQuery("any where true", options);
  const events = sortByOrder(suite.events, (event, position) =>
    orderProbe.orderOf(event, position),
  );
  return suite.queries.map((query) => ({
    file: suite.file,
    name: query.name,
    ...runQuery(query, events, options, suite.idField),
  }));
}

function runQuery(
  spec: ConformanceQuery,
  events: unknown[],
  options: EngineOptions,
  idField: string,
): { passed: boolean; detail: string } {
  let result: QueryResult<null>;
  try {
    const parsed = parseEql(spec.query, { legacySyntax: options.legacySyntax });
    const query: EqlQuery = spec.caseInsensitive
      ? toCaseInsensitive(parsed)
      : parsed;
    const compiled = compileQuery(query, options);
    const run = compiled.run<null>();
    for (const event of events) run.push(event, null);
    result = run.finish();
  } catch (error) {
    if (!(error instanceof DetectionsError)) throw error;
    return {
      passed: spec.expectError,
      detail: `rejected: ${error.message}`,
    };
  }
  const { ids, joinKeys } = idsOf(result, idField);
  const detail = `returned [${ids.join(", ")}]`;
  if (spec.expectError) return { passed: false, detail: `accepted, ${detail}` };
  const idsMatch = JSON.stringify(ids) === JSON.stringify(spec.expectedIds);
  const keysMatch =
    spec.joinKeys === undefined ||
    JSON.stringify(joinKeys) === JSON.stringify(spec.joinKeys);
  const keyDetail = keysMatch ? "" : `, join keys [${joinKeys.join(", ")}]`;
  return {
    passed: idsMatch && keysMatch,
    detail: `${detail}${keyDetail}, expected [${spec.expectedIds.join(", ")}]`,
  };
}

function idsOf(
  result: QueryResult<null>,
  idField: string,
): { ids: number[]; joinKeys: string[] } {
  const idOf = (source: unknown): number =>
    Number((source as Record<string, unknown>)[idField]);
  if (result.kind === "events") {
    return { ids: result.events.map((hit) => idOf(hit.source)), joinKeys: [] };
  }
  const groups =
    result.kind === "sequences" ? result.sequences : result.samples;
  return {
    ids: groups.flatMap((group) =>
      group.events.map((hit) => (hit === null ? -1 : idOf(hit.source))),
    ),
    joinKeys: groups.flatMap((group) => group.joinKeys.map(String)),
  };
}
