/**
 * Results of a query run: events, or sequences and samples of events, each
 * event with the metadata its reader attached (index and id).
 */
import type { OrderKey } from "./ordering.js";
import type { Value } from "./values.js";

/** One event in the results. */
export interface Hit<Meta> {
  source: unknown;
  meta: Meta;
  order: OrderKey;
}

/** A matched sequence or sample: one slot per stage, null for a missing event. */
export interface HitGroup<Meta> {
  joinKeys: Value[];
  events: (Hit<Meta> | null)[];
}

export type QueryResult<Meta> =
  | { kind: "events"; events: Hit<Meta>[] }
  | { kind: "sequences"; sequences: HitGroup<Meta>[] }
  | { kind: "samples"; samples: HitGroup<Meta>[] };

/** A run of one compiled query over a stream of events. */
export interface QueryRun<Meta> {
  /**
   * Adds the next event. Sequences need events in result order (timestamp,
   * then tiebreaker); event queries and samples take any order.
   */
  push(source: unknown, meta: Meta): void;
  /** Ends the stream and returns the results the pipes and size select. */
  finish(): QueryResult<Meta>;
}
