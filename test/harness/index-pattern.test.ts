import { describe, expect, it } from "vitest";
import { matchesIndexPatterns } from "../../src/harness/index-pattern.js";

const RULE_INDEX = [
  "logs-endpoint.events.process-*",
  "logs-m365_defender.event-*",
  "logs-crowdstrike.fdr-*",
  "logs-system.security-*",
];

describe("matchesIndexPatterns", () => {
  it("matches each source's data stream", () => {
    expect(
      matchesIndexPatterns("logs-endpoint.events.process-default", RULE_INDEX),
    ).toBe(true);
    expect(
      matchesIndexPatterns("logs-m365_defender.event-default", RULE_INDEX),
    ).toBe(true);
    expect(matchesIndexPatterns("logs-crowdstrike.fdr-prod", RULE_INDEX)).toBe(
      true,
    );
    expect(
      matchesIndexPatterns("logs-system.security-default", RULE_INDEX),
    ).toBe(true);
  });

  it("rejects other data streams", () => {
    expect(
      matchesIndexPatterns(
        "logs-windows.sysmon_operational-default",
        RULE_INDEX,
      ),
    ).toBe(false);
    expect(
      matchesIndexPatterns("logs-endpoint.events.file-default", RULE_INDEX),
    ).toBe(false);
  });

  it("treats dots literally", () => {
    expect(
      matchesIndexPatterns("logs-systemXsecurity-default", [
        "logs-system.security-*",
      ]),
    ).toBe(false);
  });

  it("compares case-sensitively", () => {
    expect(
      matchesIndexPatterns("logs-System.security-default", [
        "logs-system.security-*",
      ]),
    ).toBe(false);
  });

  it("splits comma-separated entries", () => {
    expect(matchesIndexPatterns("b-1", ["a-*,b-*"])).toBe(true);
  });

  it("applies later exclusions", () => {
    expect(matchesIndexPatterns("logs-x-test", ["logs-*", "-*-test"])).toBe(
      false,
    );
    expect(matchesIndexPatterns("logs-x-prod", ["logs-*", "-*-test"])).toBe(
      true,
    );
  });

  it("ignores an exclusion before inclusions", () => {
    expect(matchesIndexPatterns("logs-x-test", ["-*-test", "logs-*"])).toBe(
      true,
    );
  });

  it("matches exact names", () => {
    expect(matchesIndexPatterns("events", ["events"])).toBe(true);
    expect(matchesIndexPatterns("events-1", ["events"])).toBe(false);
  });
});
