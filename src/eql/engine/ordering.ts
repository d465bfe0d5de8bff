/**
 * Result order of Elasticsearch EQL: ascending timestamp, then the
 * tiebreaker field when the request names one, then the order in which the
 * events were read (Elasticsearch's implicit `_shard_doc` tiebreaker).
 * Events without a timestamp or tiebreaker sort first, as in Elasticsearch's
 * ascending order.
 */
import { compareScalars } from "./comparison.js";
import type { Accessor } from "./field-access.js";
import { toEpochMillis } from "./field-access.js";
import { type Scalar, scalarsOf } from "./values.js";

/** Sort position of an event. */
export interface OrderKey {
  timestamp: number | null;
  tiebreaker: Scalar | null;
  /** Position in the input, counting from 0. */
  position: number;
}

export function compareOrderKeys(a: OrderKey, b: OrderKey): number {
  if (a.timestamp !== b.timestamp) {
    if (a.timestamp === null) return -1;
    if (b.timestamp === null) return 1;
    return a.timestamp < b.timestamp ? -1 : 1;
  }
  if (a.tiebreaker !== b.tiebreaker) {
    if (a.tiebreaker === null) return -1;
    if (b.tiebreaker === null) return 1;
    const order = compareScalars(a.tiebreaker, b.tiebreaker);
    if (order !== null && order !== 0) return order;
  }
  return a.position - b.position;
}

/** Reads the order key of events from the timestamp and tiebreaker fields. */
export function orderKeyReader(
  readTimestamp: Accessor,
  readTiebreaker: Accessor | undefined,
): (event: unknown, position: number) => OrderKey {
  return (event, position) => ({
    timestamp: firstTimestamp(readTimestamp(event)),
    tiebreaker: readTiebreaker
      ? (scalarsOf(readTiebreaker(event))[0] ?? null)
      : null,
    position,
  });
}

function firstTimestamp(value: ReturnType<Accessor>): number | null {
  const first = scalarsOf(value)[0];
  return first === undefined ? null : toEpochMillis(first);
}

/**
 * Sorts events into result order, for callers that hold them all and must
 * feed a sequence, which needs ascending input.
 */
export function sortByOrder<T>(
  events: T[],
  keyOf: (event: T, position: number) => OrderKey,
): T[] {
  const keyed = events.map((event, position) => ({
    event,
    key: keyOf(event, position),
  }));
  keyed.sort((a, b) => compareOrderKeys(a.key, b.key));
  return keyed.map((item) => item.event);
}
