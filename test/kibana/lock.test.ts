import { describe, expect, it } from "vitest";
import {
  applyVersionLock,
  formatVersionLock,
  hashRuleBody,
  isLockStale,
  parseVersionLock,
  type VersionLock,
} from "../../src/kibana/lock.js";
import { kibanaRule } from "./rule-fixture.js";

describe("applyVersionLock", () => {
  const rules = [kibanaRule(1), kibanaRule(2)];

  it("starts new rules at version 1", () => {
    const result = applyVersionLock(rules, {});
    expect(result.rules.map((rule) => rule.version)).toEqual([1, 1]);
    expect(result.changed).toEqual([rules[0]!.rule_id, rules[1]!.rule_id]);
    expect(result.lock[rules[0]!.rule_id]).toEqual({
      name: "Generated rule 0001",
      sha256: hashRuleBody(rules[0]!),
      version: 1,
    });
  });

  it("keeps versions when nothing changed", () => {
    const first = applyVersionLock(rules, {});
    const second = applyVersionLock(rules, first.lock);
    expect(second.changed).toEqual([]);
    expect(second.lock).toEqual(first.lock);
  });

  it("raises the version of a changed rule only", () => {
    const first = applyVersionLock(rules, {});
    const edited = [
      rules[0]!,
      { ...rules[1]!, query: 'process where process.name : "x.exe"' },
    ];
    const second = applyVersionLock(edited, first.lock);
    expect(second.rules.map((rule) => rule.version)).toEqual([1, 2]);
    expect(second.changed).toEqual([rules[1]!.rule_id]);
  });

  it("ignores version and meta in the hash", () => {
    expect(hashRuleBody({ ...rules[0]!, version: 9, meta: { a: 1 } })).toBe(
      hashRuleBody(rules[0]!),
    );
  });

  it("ignores key order in the hash", () => {
    const reordered = Object.fromEntries(Object.entries(rules[0]!).reverse());
    expect(hashRuleBody(reordered as never)).toBe(hashRuleBody(rules[0]!));
  });

  it("keeps entries of removed rules", () => {
    const first = applyVersionLock(rules, {});
    const second = applyVersionLock([rules[0]!], first.lock);
    expect(Object.keys(second.lock)).toEqual(Object.keys(first.lock));
  });

  it("continues versions of a returning rule", () => {
    const lock: VersionLock = {
      [rules[0]!.rule_id]: { name: "old", sha256: "0".repeat(64), version: 5 },
    };
    expect(applyVersionLock([rules[0]!], lock).rules[0]!.version).toBe(6);
  });
});

describe("isLockStale", () => {
  const rules = [kibanaRule(1)];

  it("detects a stale lock", () => {
    expect(isLockStale(rules, {})).toBe(true);
  });

  it("accepts a current lock", () => {
    expect(isLockStale(rules, applyVersionLock(rules, {}).lock)).toBe(false);
  });
});

describe("parseVersionLock", () => {
  it("round-trips a formatted lock", () => {
    const { lock } = applyVersionLock([kibanaRule(2), kibanaRule(1)], {});
    const text = formatVersionLock(lock);
    expect(parseVersionLock(text, "kibana/version.lock.json")).toEqual(lock);
    expect(Object.keys(JSON.parse(text))).toEqual(Object.keys(lock).sort());
  });

  it("rejects a bad version", () => {
    const text = JSON.stringify({
      a: { name: "x", sha256: "0".repeat(64), version: 0 },
    });
    expect(() => parseVersionLock(text, "kibana/version.lock.json")).toThrow(
      "kibana/version.lock.json: a.version: Too small: expected number to be >=1. Each entry needs name (string), sha256 (64 hex digits) and version (integer >= 1).",
    );
  });
});
