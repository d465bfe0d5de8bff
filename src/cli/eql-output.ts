/**
 * Output of `detections eql`: the response body of Elasticsearch's
 * `_eql/search` for `--json`, or a short text listing.
 */
import type { Hit, QueryResult } from "../eql/engine/index.js";
import type { EventMeta } from "./eql-events.js";

interface EventBody {
  _index: string;
  _id: string;
  _source: unknown;
  missing?: true;
}

/** Builds the `_eql/search` response body Elasticsearch would return. */
export function searchResponse(
  result: QueryResult<EventMeta>,
  tookMs: number,
): Record<string, unknown> {
  const hits =
    result.kind === "events"
      ? {
          total: { value: result.events.length, relation: "eq" },
          events: result.events.map(eventBody),
        }
      : {
          total: { value: groupsOf(result).length, relation: "eq" },
          sequences: groupsOf(result).map((group) => ({
            join_keys: group.joinKeys,
            events: group.events.map((hit) =>
              hit ? eventBody(hit) : missingEvent(),
            ),
          })),
        };
  return {
    is_partial: false,
    is_running: false,
    took: tookMs,
    timed_out: false,
    hits,
  };
}

function groupsOf(result: Exclude<QueryResult<EventMeta>, { kind: "events" }>) {
  return result.kind === "sequences" ? result.sequences : result.samples;
}

function eventBody(hit: Hit<EventMeta>): EventBody {
  return { _index: hit.meta.index, _id: hit.meta.id, _source: hit.source };
}

/** A missing-event slot, which Elasticsearch returns empty and flagged. */
function missingEvent(): EventBody {
  return { _index: "", _id: "", _source: {}, missing: true };
}

/** Formats results as text: one line per event, sequences indented. */
export function formatText(result: QueryResult<EventMeta>): string[] {
  if (result.kind === "events") {
    const count = result.events.length;
    return [
      `${count} ${count === 1 ? "event" : "events"}`,
      ...result.events.map((hit) => eventLine(hit, "")),
    ];
  }
  const groups = groupsOf(result);
  const noun = result.kind === "sequences" ? "sequence" : "sample";
  const lines = [`${groups.length} ${noun}${groups.length === 1 ? "" : "s"}`];
  groups.forEach((group, index) => {
    lines.push(
      `${noun} ${index + 1}, join keys ${JSON.stringify(group.joinKeys)}`,
    );
    for (const hit of group.events) {
      lines.push(hit ? eventLine(hit, "  ") : "  (missing event)");
    }
  });
  return lines;
}

function eventLine(hit: Hit<EventMeta>, indent: string): string {
  return `${indent}${hit.meta.index} ${hit.meta.id} ${JSON.stringify(hit.source)}`;
}
