import { describe, expect, it } from "vitest";
import type { LoadedEvent } from "../../src/harness/events.js";
import {
  eqlHits,
  eqlSearchBody,
  newNamespace,
  prepareDocuments,
  timeRangeFilter,
} from "../../src/harness/seeding.js";

const window = {
  from: "2026-12-04T16:30:00.000Z",
  to: "2026-12-04T16:45:00.000Z",
};

function event(id: string, document: LoadedEvent["document"]): LoadedEvent {
  return { id, index: "x", file: "e.ndjson", line: 3, document };
}

describe("newNamespace", () => {
  it("makes valid unique namespaces", () => {
    const first = newNamespace();
    expect(first).toMatch(/^verify[0-9a-f]{8}$/);
    expect(newNamespace()).not.toBe(first);
  });
});

describe("prepareDocuments", () => {
  const stream = {
    type: "logs",
    dataset: "system.security",
    namespace: "default",
  };

  it("keeps the original untouched", () => {
    const original = event("a", {
      data_stream: { ...stream },
      event: { id: "a" },
    });
    const [prepared] = prepareDocuments([original], "verifyab12", new Date(0));
    expect(prepared?.dataStream).toBe("logs-system.security-verifyab12");
    expect(original.document.data_stream).toEqual(stream);
  });

  it("rejects an event without a data stream", () => {
    expect(() => prepareDocuments([event("a", {})], "ns", new Date(0))).toThrow(
      "e.ndjson:3: event a has no data_stream.type, data_stream.dataset and data_stream.namespace, so it has no data stream on a live cluster. Add the data_stream fields.",
    );
  });

  it("rejects a repeated event id", () => {
    const events = [
      event("a", { data_stream: stream }),
      event("a", { data_stream: stream }),
    ];
    expect(() => prepareDocuments(events, "ns", new Date(0))).toThrow(
      'e.ndjson:3: event.id "a" is used by an earlier event. Live verification maps alerts to events by event.id, so each must be unique.',
    );
  });
});

describe("timeRangeFilter", () => {
  it("falls back to @timestamp", () => {
    expect(timeRangeFilter(window, "event.ingested", false)).toEqual({
      bool: {
        minimum_should_match: 1,
        should: [
          {
            range: {
              "event.ingested": {
                gte: window.from,
                lte: window.to,
                format: "strict_date_optional_time",
              },
            },
          },
          {
            bool: {
              filter: [
                {
                  range: {
                    "@timestamp": {
                      gte: window.from,
                      lte: window.to,
                      format: "strict_date_optional_time",
                    },
                  },
                },
                { bool: { must_not: { exists: { field: "event.ingested" } } } },
              ],
            },
          },
        ],
      },
    });
  });

  it("uses one field without fallback", () => {
    expect(timeRangeFilter(window, "event.ingested", true)).toEqual({
      range: {
        "event.ingested": {
          gte: window.from,
          lte: window.to,
          format: "strict_date_optional_time",
        },
      },
    });
    expect(timeRangeFilter(window, undefined, false)).toEqual({
      range: {
        "@timestamp": {
          gte: window.from,
          lte: window.to,
          format: "strict_date_optional_time",
        },
      },
    });
  });
});

describe("eqlSearchBody", () => {
  it("adds the namespace filter", () => {
    const body = eqlSearchBody(
      { query: "process where true", index: ["logs-*"] },
      window,
      "ns1",
      50,
    );
    expect(body.query).toBe("process where true");
    expect(body.size).toBe(50);
    expect(body.filter).toEqual({
      bool: {
        filter: [
          {
            range: {
              "@timestamp": {
                gte: window.from,
                lte: window.to,
                format: "strict_date_optional_time",
              },
            },
          },
          { term: { "data_stream.namespace": "ns1" } },
        ],
      },
    });
  });
});

describe("eqlHits", () => {
  it("collects events of sequences", () => {
    const response = {
      hits: {
        sequences: [
          {
            events: [
              { _id: "1", _index: "i" },
              { _id: "2", _index: "i" },
            ],
          },
          { events: [{ _id: "3", _index: "i" }] },
        ],
      },
    };
    expect(eqlHits(response).map((hit) => hit._id)).toEqual(["1", "2", "3"]);
  });
});
