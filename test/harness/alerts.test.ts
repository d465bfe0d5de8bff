import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import {
  countUnmatchedAlerts,
  mapAlerts,
  sourceAncestor,
  verdictsFromAlerts,
  type AlertHit,
} from "../../src/harness/alerts.js";

function loadHits(name: string): AlertHit[] {
  const response = JSON.parse(
    readFileSync(`test/fixtures/alerts/${name}`, "utf8"),
  ) as { hits: { hits: AlertHit[] } };
  return response.hits.hits;
}

const argumentsRule = "2f5c3c1e-6a0b-4c55-9d3e-5f1a7b2c9d10";
const outsideRule = "8d0e4b6a-1c2f-4e8a-b7d9-3a5c6e7f8091";

const eventIdByDocumentId = new Map([
  ["verifyab12-endpoint-mof-argument", "endpoint-mof-argument"],
  ["verifyab12-crowdstrike-renamed-copy", "crowdstrike-renamed-copy"],
  ["verifyab12-security-mof-argument", "security-mof-argument"],
]);

const ruleKeyByUuid = new Map([
  [argumentsRule, "mofcomp_suspicious_arguments"],
  [outsideRule, "mofcomp_outside_system32"],
]);

describe("sourceAncestor", () => {
  it("reads the event ancestor", () => {
    const [hit] = loadHits("eql-alerts-9.x.json");
    expect(sourceAncestor(hit?._source ?? {})).toEqual({
      id: "verifyab12-endpoint-mof-argument",
      index: ".ds-logs-endpoint.events.process-verifyab12-2026.12.04-000001",
    });
  });

  it("skips alert ancestors", () => {
    const hit = loadHits("eql-alerts-8.19.json")[1];
    expect(sourceAncestor(hit?._source ?? {})).toEqual({
      id: "verifyab12-security-mof-argument",
      index: ".ds-logs-system.security-verifyab12-2026.12.04-000001",
    });
  });

  it("reads nested alert fields", () => {
    const source = {
      kibana: {
        alert: {
          ancestors: [{ id: "x1", type: "event", index: "i1", depth: 0 }],
        },
      },
    };
    expect(sourceAncestor(source)).toEqual({ id: "x1", index: "i1" });
  });

  it("returns null without an event ancestor", () => {
    const source = {
      "kibana.alert.ancestors": [{ id: "a", type: "signal", depth: 1 }],
    };
    expect(sourceAncestor(source)).toBeNull();
  });
});

describe("mapAlerts", () => {
  it("maps 9.x alerts to events", () => {
    const mapped = mapAlerts(
      loadHits("eql-alerts-9.x.json"),
      eventIdByDocumentId,
    );
    expect(
      mapped.map(({ ruleUuid, ruleId, eventId }) => ({
        ruleUuid,
        ruleId,
        eventId,
      })),
    ).toEqual([
      {
        ruleUuid: argumentsRule,
        ruleId: "5b910a7c-c899-400e-a025-1187cc3405c5",
        eventId: "endpoint-mof-argument",
      },
      {
        ruleUuid: outsideRule,
        ruleId: "0d3c7a34-6f0e-4a5b-8b1c-2e9f4d6a7c85",
        eventId: "crowdstrike-renamed-copy",
      },
      {
        ruleUuid: argumentsRule,
        ruleId: "5b910a7c-c899-400e-a025-1187cc3405c5",
        eventId: "crowdstrike-renamed-copy",
      },
      {
        ruleUuid: argumentsRule,
        ruleId: "5b910a7c-c899-400e-a025-1187cc3405c5",
        eventId: null,
      },
    ]);
  });

  it("maps 8.19 alerts to events", () => {
    const mapped = mapAlerts(
      loadHits("eql-alerts-8.19.json"),
      eventIdByDocumentId,
    );
    expect(mapped.map((alert) => alert.eventId)).toEqual([
      "security-mof-argument",
      "security-mof-argument",
    ]);
    expect(mapped[0]?.alertId).toBe(loadHits("eql-alerts-8.19.json")[0]?._id);
  });
});

describe("verdictsFromAlerts", () => {
  const mapped = mapAlerts(
    loadHits("eql-alerts-9.x.json"),
    eventIdByDocumentId,
  );
  const eventIds = [
    "endpoint-mof-argument",
    "crowdstrike-renamed-copy",
    "security-mof-argument",
  ];
  const verdicts = verdictsFromAlerts(mapped, ruleKeyByUuid, eventIds);

  it("marks events with alerts", () => {
    expect(
      Object.fromEntries(verdicts.get("endpoint-mof-argument") ?? []),
    ).toEqual({
      mofcomp_suspicious_arguments: "alert",
      mofcomp_outside_system32: "no_alert",
    });
    expect(
      Object.fromEntries(verdicts.get("crowdstrike-renamed-copy") ?? []),
    ).toEqual({
      mofcomp_suspicious_arguments: "alert",
      mofcomp_outside_system32: "alert",
    });
  });

  it("marks events without alerts", () => {
    expect(
      Object.fromEntries(verdicts.get("security-mof-argument") ?? []),
    ).toEqual({
      mofcomp_suspicious_arguments: "no_alert",
      mofcomp_outside_system32: "no_alert",
    });
  });

  it("ignores alerts of other rules", () => {
    const eightNineteen = mapAlerts(
      loadHits("eql-alerts-8.19.json"),
      eventIdByDocumentId,
    );
    const onlyOutside = new Map([[outsideRule, "mofcomp_outside_system32"]]);
    const result = verdictsFromAlerts(eightNineteen, onlyOutside, [
      "security-mof-argument",
    ]);
    expect(
      Object.fromEntries(result.get("security-mof-argument") ?? []),
    ).toEqual({
      mofcomp_outside_system32: "no_alert",
    });
  });
});

describe("countUnmatchedAlerts", () => {
  it("counts foreign events and rules", () => {
    const mapped = mapAlerts(
      loadHits("eql-alerts-9.x.json"),
      eventIdByDocumentId,
    );
    expect(countUnmatchedAlerts(mapped, ruleKeyByUuid)).toBe(1);
    const eightNineteen = mapAlerts(
      loadHits("eql-alerts-8.19.json"),
      eventIdByDocumentId,
    );
    expect(countUnmatchedAlerts(eightNineteen, ruleKeyByUuid)).toBe(1);
  });
});
