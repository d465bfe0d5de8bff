/**
 * Prepares verification events for a live cluster, and builds the EQL
 * search that Kibana's detection engine sends for a rule. Pure: the
 * Elasticsearch calls live in elasticsearch-target.ts.
 */
import { randomBytes } from "node:crypto";
import { InputError } from "../errors.js";
import { dataStreamOf, type LoadedEvent } from "./events.js";
import type { EcsDocument } from "./winlog.js";

/** An event ready for the bulk API: its data stream, `_id` and document. */
export interface PreparedDocument {
  eventId: string;
  /** Data stream name, `logs-<dataset>-<namespace>`. */
  dataStream: string;
  /** `_id` given to Elasticsearch, so alerts and hits map back to the event. */
  documentId: string;
  document: EcsDocument;
}

/**
 * Returns a fresh namespace such as `verify3fa2c1d0`: lowercase letters and
 * digits, as data stream namespaces require, and unique per run, so runs
 * against the same cluster never share data streams.
 */
export function newNamespace(): string {
  return `verify${randomBytes(4).toString("hex")}`;
}

/**
 * Copies each event into the run's namespace and sets `@timestamp` and
 * `event.ingested` to `now`, so that a rule looking back minutes sees it.
 * Throws InputError for an event without data_stream fields or an event id
 * used twice, because both would make alerts impossible to map back.
 */
export function prepareDocuments(
  events: readonly LoadedEvent[],
  namespace: string,
  now: Date,
): PreparedDocument[] {
  const seen = new Set<string>();
  return events.map((event) => {
    if (dataStreamOf(event.document) === null) {
      throw new InputError(
        `${event.file}:${event.line}: event ${event.id} has no data_stream.type, data_stream.dataset and data_stream.namespace, so it has no data stream on a live cluster. Add the data_stream fields.`,
      );
    }
    if (seen.has(event.id)) {
      throw new InputError(
        `${event.file}:${event.line}: event.id ${JSON.stringify(event.id)} is used by an earlier event. Live verification maps alerts to events by event.id, so each must be unique.`,
      );
    }
    seen.add(event.id);
    const document = structuredClone(event.document);
    const dataStream = document.data_stream as EcsDocument;
    dataStream.namespace = namespace;
    document["@timestamp"] = now.toISOString();
    const eventFields = (document.event ??= {}) as EcsDocument;
    eventFields.ingested = now.toISOString();
    return {
      eventId: event.id,
      dataStream: dataStreamOf(document) ?? "",
      documentId: `${namespace}-${event.id}`,
      document,
    };
  });
}

/** Builds the body lines of a `_bulk` request that creates every document. */
export function bulkOperations(
  documents: readonly PreparedDocument[],
): object[] {
  return documents.flatMap((prepared) => [
    { create: { _index: prepared.dataStream, _id: prepared.documentId } },
    prepared.document,
  ]);
}

/** The time range of one rule run, as absolute ISO timestamps. */
export interface TimeWindow {
  from: string;
  to: string;
}

/**
 * Builds the time filter Kibana 8.11 to 9.x adds to a rule's search. The
 * timestamp override field must fall in the window. Unless the fallback is
 * disabled, a document that lacks that field matches when its `@timestamp`
 * falls in the window.
 */
export function timeRangeFilter(
  window: TimeWindow,
  timestampOverride: string | undefined,
  fallbackDisabled: boolean,
): object {
  const range = (field: string) => ({
    range: {
      [field]: {
        gte: window.from,
        lte: window.to,
        format: "strict_date_optional_time",
      },
    },
  });
  const primary = timestampOverride ?? "@timestamp";
  if (primary === "@timestamp" || fallbackDisabled) return range(primary);
  return {
    bool: {
      minimum_should_match: 1,
      should: [
        range(primary),
        {
          bool: {
            filter: [
              range("@timestamp"),
              { bool: { must_not: { exists: { field: primary } } } },
            ],
          },
        },
      ],
    },
  };
}

/** The rule fields the EQL search needs. */
export interface EqlRuleSearch {
  query: string;
  index: readonly string[];
  timestamp_override?: string;
  timestamp_override_fallback_disabled?: boolean;
}

/**
 * Builds the `_eql/search` body Kibana's detection engine sends for a rule,
 * plus a filter on the run's namespace, so that other data in the same
 * data streams never pushes the run's events past `size`. Kibana also sends
 * `allow_partial_search_results: true`, which is the default of clusters
 * that know it and an unknown parameter before Elasticsearch 8.18, so it is
 * left out.
 */
export function eqlSearchBody(
  rule: EqlRuleSearch,
  window: TimeWindow,
  namespace: string,
  size: number,
): Record<string, unknown> {
  const time = timeRangeFilter(
    window,
    rule.timestamp_override,
    rule.timestamp_override_fallback_disabled ?? false,
  );
  return {
    query: rule.query,
    size,
    filter: {
      bool: {
        filter: [time, { term: { "data_stream.namespace": namespace } }],
      },
    },
    fields: [{ field: "*", include_unmapped: true }],
  };
}

/** An EQL search hit: the matched document's `_id`, for events or sequences. */
export interface EqlHit {
  _id: string;
  _index: string;
}

/** Returns every event hit of an `_eql/search` response, sequences included. */
export function eqlHits(response: Record<string, unknown>): EqlHit[] {
  const hits = (response.hits ?? {}) as {
    events?: EqlHit[];
    sequences?: Array<{ events?: EqlHit[] }>;
  };
  const sequenceEvents = (hits.sequences ?? []).flatMap(
    (sequence) => sequence.events ?? [],
  );
  return [...(hits.events ?? []), ...sequenceEvents];
}

/** Returns the event id of each prepared document, by `_id`. */
export function eventIdsByDocumentId(
  documents: readonly PreparedDocument[],
): Map<string, string> {
  return new Map(documents.map((doc) => [doc.documentId, doc.eventId]));
}
