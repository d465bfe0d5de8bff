import { describe, expect, it } from "vitest";
import { splitUserPattern } from "../../../src/eql/from-sigma/user.js";
import { compileCondition } from "../../../src/eql/engine/condition.js";
import { ecsSchema } from "../../../src/eql/engine/schema.js";
import { convertSigmaRule } from "../../../src/eql/from-sigma.js";
import { parseSigmaRule } from "../../../src/sigma/parse.js";
import { formatSigmaString, parseSigmaString } from "../../../src/sigma/sigma-string.js";

function splits(pattern: string): Array<[string | null, string | null]> {
  return splitUserPattern(parseSigmaString(pattern)).map((split) => [
    split.domain && formatSigmaString(split.domain),
    split.name && formatSigmaString(split.name),
  ]);
}

function matchesUser(item: string, user: Record<string, string>): boolean {
  const yaml = `title: User rule
id: 11111111-2222-4333-8444-555555555555
logsource:
    product: windows
    category: process_creation
detection:
    selection:
        ${item}
    condition: selection
`;
  const query = convertSigmaRule(parseSigmaRule(yaml, "user.yml")).query;
  if (query.kind !== "event") throw new Error("expected an event query");
  const test = compileCondition(query.condition, { schema: ecsSchema(), legacy: false, referencedFields: new Set() });
  return test({ event: { type: "start" }, host: { os: { type: "windows" } }, user });
}

describe("splitUserPattern", () => {
  it("splits at a literal backslash", () => {
    expect(splits("CORP\\alice")).toEqual([["CORP", "alice"]]);
    expect(splits("*\\SYSTEM")).toEqual([[null, "SYSTEM"]]);
  });
  it("tries every star for a value without a backslash", () => {
    expect(splits("*AUTHORI*")).toEqual([
      [null, "*AUTHORI*"],
      ["*AUTHORI*", null],
      [null, "*AUTHORI*"],
    ]);
  });
  it("lets a question mark stand for the backslash", () => {
    expect(splits("NT?SYSTEM")).toEqual([
      ["NT", "SYSTEM"],
      [null, "NT?SYSTEM"],
    ]);
  });
  it("finds no split for two backslashes", () => {
    expect(splits("a\\b\\c")).toEqual([]);
  });
});

describe("convertSigmaRule on User", () => {
  const system = { domain: "NT AUTHORITY", name: "SYSTEM" };
  it("matches DOMAIN\\name values", () => {
    expect(matchesUser("User: 'nt authority\\system'", system)).toBe(true);
    expect(matchesUser("User|endswith: '\\SYSTEM'", system)).toBe(true);
    expect(matchesUser("User|contains: 'AUTHORI'", system)).toBe(true);
    expect(matchesUser("User|startswith: 'NT AUTHORITY\\SYS'", system)).toBe(true);
    expect(matchesUser("User|endswith: '\\LOCAL SERVICE'", system)).toBe(false);
  });
  it.fails("does not match a bare name against a domain user", () => {
    expect(matchesUser("User: 'SYSTEM'", system)).toBe(false);
  });
});
