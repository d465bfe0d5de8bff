import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { convertSigmaRule } from "../../src/eql/from-sigma.js";
import { parseEql } from "../../src/eql/parser.js";
import { compileQuery } from "../../src/eql/engine/index.js";
import { parseSigmaRule } from "../../src/sigma/parse.js";
import { SigmaRuleError, UnsupportedFeatureError } from "../../src/sigma/errors.js";

const fixtures = path.join("test", "fixtures", "convert");

function convertFixture(name: string): ReturnType<typeof convertSigmaRule> {
  const file = path.join(fixtures, name, "rule.yml");
  return convertSigmaRule(parseSigmaRule(readFileSync(file, "utf8"), file));
}

function convertText(yaml: string): string {
  return convertSigmaRule(parseSigmaRule(yaml, "rule.yml")).text;
}

const header = `title: Test rule
id: 11111111-2222-4333-8444-555555555555
logsource:
    product: windows
    category: process_creation
`;

describe("convertSigmaRule", () => {
  const cases = readdirSync(fixtures).filter((name) =>
    readdirSync(path.join(fixtures, name)).includes("expected.eql"),
  );
  for (const name of cases) {
    it(`converts the ${name} fixture`, () => {
      const expected = readFileSync(path.join(fixtures, name, "expected.eql"), "utf8");
      const converted = convertFixture(name);
      expect(converted.text).toBe(expected.trimEnd());
      expect(parseEql(converted.text)).toEqual(converted.query);
    });
  }

  it("reports category, index patterns and fields", () => {
    const converted = convertFixture("cased-value-list");
    expect(converted.category).toBe("process");
    expect(converted.indexPatterns).toEqual([
      "logs-endpoint.events.process-*",
      "logs-m365_defender.event-*",
      "logs-crowdstrike.fdr-*",
      "logs-system.security-*",
    ]);
    expect(converted.fields).toEqual([
      "event.type",
      "host.os.type",
      "process.command_line",
      "process.parent.executable",
    ]);
  });

  it("compares numbers with lt", () => {
    const yaml = `${header}detection:
    selection:
        ProcessId|lt: 5
    condition: selection
`;
    expect(convertText(yaml).split("\n").pop()).toBe("  process.pid < 5");
  });

  it("escapes control characters in values", () => {
    const yaml = `${header}detection:
    selection:
        CommandLine: "a\\x01b\\rc"
    condition: selection
`;
    expect(convertText(yaml).split("\n").pop()).toBe('  process.command_line : "a\\u{01}b\\rc"');
  });

  it("rejects a keyword selection without a field", () => {
    const yaml = `${header}detection:
    keywords:
        - 'mimikatz'
        - 'sekurlsa'
    condition: keywords
`;
    expect(() => convertText(yaml)).toThrow(UnsupportedFeatureError);
    expect(() => convertText(yaml)).toThrow(
      "rule.yml:7: detection.keywords: unsupported: keyword search without a field. " +
        "EQL compares fields, not whole events; name the field that holds the keyword",
    );
  });

  it("rejects the fieldref modifier", () => {
    const yaml = `${header}detection:
    selection:
        User|fieldref: ParentUser
    condition: selection
`;
    expect(() => convertText(yaml)).toThrow(
      "rule.yml:8: detection.selection.User|fieldref: unsupported: field reference (fieldref modifier). " +
        "EQL cannot express the `fieldref` modifier. Rewrite the item without it.",
    );
  });

  it("rejects the expand modifier with a placeholder", () => {
    const yaml = `${header}detection:
    selection:
        User|expand: '%Administrators%'
    condition: selection
`;
    expect(() => convertText(yaml)).toThrow(
      "rule.yml:8: detection.selection.User|expand: unsupported: placeholder expansion (expand modifier). " +
        "EQL cannot express the `expand` modifier. Rewrite the item without it.",
    );
  });

  it("rejects a field without an ECS equivalent", () => {
    const yaml = `${header}detection:
    selection:
        ParentIntegrityLevel: 'High'
    condition: selection
`;
    expect(() => convertText(yaml)).toThrow(
      "rule.yml:8: detection.selection.ParentIntegrityLevel: unsupported: Sigma field ParentIntegrityLevel has no ECS equivalent. " +
        "Remove the field or rewrite the rule with fields ECS defines",
    );
  });

  it("maps IntegrityLevel to the Elastic Defend field", () => {
    const yaml = `${header}detection:
    selection:
        IntegrityLevel: ['High', 'System']
    condition: selection
`;
    const converted = convertSigmaRule(parseSigmaRule(yaml, "rule.yml"));
    expect(converted.text).toBe(
      'process where event.type == "start" and\n' +
        '  (host.os.type == "windows" or host.os.type == null) and\n' +
        '  ?process.Ext.token.integrity_level_name in~ ("High", "System")',
    );
    expect(converted.fields).toContain("process.Ext.token.integrity_level_name");
    const event = {
      event: { category: ["process"], type: ["start"] },
      host: { os: { type: "windows" } },
      process: { Ext: { token: { integrity_level_name: "SYSTEM" } } },
    };
    expect(compileQuery(converted.text).matches(event)).toBe(true);
    expect(compileQuery(converted.text).matches({ ...event, process: {} })).toBe(false);
  });

  it("rejects an unknown Sigma field", () => {
    const yaml = `${header}detection:
    selection:
        Imagee|endswith: '\\cmd.exe'
    condition: selection
`;
    expect(() => convertText(yaml)).toThrow(
      "rule.yml:8: detection.selection.Imagee|endswith: unsupported: Sigma field Imagee has no ECS mapping. " +
        "The process_creation field table lacks Imagee, and it is not an ECS field name",
    );
  });

  it("rejects a text-typed ECS field", () => {
    const yaml = `${header}detection:
    selection:
        process.command_line.text: 'whoami'
    condition: selection
`;
    expect(() => convertText(yaml)).toThrow(
      "rule.yml:8: detection.selection.process.command_line.text: unsupported: text field process.command_line.text. " +
        "ECS maps process.command_line.text as match_only_text, and EQL cannot search text fields; use its keyword parent field",
    );
  });

  it("rejects a wildcard on a numeric field", () => {
    const yaml = `${header}detection:
    selection:
        ProcessId|startswith: '12'
    condition: selection
`;
    expect(() => convertText(yaml)).toThrow(
      "rule.yml:8: detection.selection.ProcessId|startswith: unsupported: wildcard on number field process.pid. " +
        "EQL matches wildcards only on keyword fields; process.pid holds number values",
    );
  });

  it("rejects an unsupported logsource", () => {
    const yaml = `title: Test rule
id: 11111111-2222-4333-8444-555555555555
logsource:
    product: windows
    category: process_access
detection:
    selection:
        GrantedAccess: '0x1410'
    condition: selection
`;
    expect(() => convertText(yaml)).toThrow(
      "rule.yml:3: logsource: unsupported: logsource. ECS has no fields for the accessed process or the granted access.",
    );
  });

  it("rejects a regular expression lookahead", () => {
    const yaml = `${header}detection:
    selection:
        CommandLine|re: 'a(?=b)'
    condition: selection
`;
    expect(() => convertText(yaml)).toThrow(
      'rule.yml:8: detection.selection.CommandLine|re: unsupported: regular expression lookahead (?=. ' +
        'Lucene regular expressions have no such construct (pattern "a(?=b)").',
    );
  });

  it("rejects a regular expression backreference", () => {
    const yaml = `${header}detection:
    selection:
        CommandLine|re: '(a)\\1'
    condition: selection
`;
    expect(() => convertText(yaml)).toThrow(
      "rule.yml:8: detection.selection.CommandLine|re: unsupported: regular expression backreference. " +
        'Lucene regular expressions cannot refer to an earlier group (pattern "(a)\\\\1").',
    );
  });

  it("rejects cidr on a keyword field", () => {
    const yaml = `${header}detection:
    selection:
        CommandLine|cidr: '10.0.0.0/8'
    condition: selection
`;
    expect(() => convertText(yaml)).toThrow(SigmaRuleError);
    expect(() => convertText(yaml)).toThrow(
      "rule.yml:8: detection.selection.CommandLine|cidr: modifier cidr does not apply to process.command_line, a string field. " +
        "Use modifier cidr only on ip fields",
    );
  });
});

describe("convertSigmaRule at the nesting limit", () => {
  const rule = (condition: string): string =>
    `${header}detection:
    sel:
        Image|endswith: '\\mofcomp.exe'
    other:
        CommandLine|contains: '.mof'
    condition: ${condition}
`;
  const event = {
    event: { category: ["process"], type: ["start"] },
    host: { os: { type: "windows" } },
    process: { executable: "C:\\Windows\\mofcomp.exe", command_line: "x.mof" },
  };

  it("converts nested parentheses and not to parseable EQL", () => {
    // 50 levels of "not (" make 100 levels, the maximum Sigma accepts.
    const condition = `${"not (sel and ".repeat(49)}not (other${")".repeat(50)}`;
    const text = convertText(rule(condition));
    expect(parseEql(text).kind).toBe("event");
    // The innermost not is false, and each outer level flips it: 50 levels.
    expect(compileQuery(text).matches(event)).toBe(true);
  });
  it("cancels a chain of 100 not", () => {
    const text = convertText(rule(`${"not ".repeat(100)}sel`));
    expect(text).toBe(convertText(rule("sel")));
    expect(compileQuery(text).matches(event)).toBe(true);
  });
});

describe("convertSigmaRule with YAML numbers", () => {
  const rule = (selection: string): string =>
    `${header}detection:\n    sel:\n${selection}    condition: sel\n`;
  const base =
    'process where event.type == "start" and\n' +
    '  (host.os.type == "windows" or host.os.type == null) and\n';

  it("keeps numbers as written on string fields", () => {
    const text = convertText(
      rule("        FileVersion: [1.0, 10.10, 0x10, 0o17, 12345678901234567890, 1e3]\n        Image: 017\n"),
    );
    expect(text).toBe(
      base +
        '  process.pe.file_version in~ (\n    "1.0",\n    "10.10",\n    "0x10",\n    "0o17",\n' +
        '    "12345678901234567890",\n    "1e3"\n  ) and\n  process.executable : "017"',
    );
  });
  it("uses the value on numeric fields", () => {
    expect(convertText(rule("        ProcessId: 0x10\n        ParentProcessId|gte: 1.50\n"))).toBe(
      `${base}  process.pid == 16 and\n  process.parent.pid >= 1.5`,
    );
  });
  it("keeps the text under string modifiers", () => {
    expect(convertText(rule("        FileVersion|startswith: 10.10\n"))).toBe(
      `${base}  process.pe.file_version : "10.10*"`,
    );
  });
  it("rejects an inexact integer on a numeric field", () => {
    expect(() => convertText(rule("        ProcessId: 12345678901234567890\n"))).toThrow(
      "rule.yml:8: detection.sel.ProcessId: invalid value 12345678901234567890 for the numeric field process.pid: " +
        "it is beyond the integers a query can write exactly (2^53). Use a smaller number",
    );
  });
});

describe("convertSigmaRule error list", () => {
  it("reports every unsupported item", () => {
    const yaml = `${header}detection:
    sel:
        ParentIntegrityLevel: 'High'
        Image|endswith: '\\\\x.exe'
        LogonId: '0x3e7'
    condition: sel
`;
    expect(() => convertText(yaml)).toThrow(
      "rule.yml:8: detection.sel.ParentIntegrityLevel: unsupported: Sigma field ParentIntegrityLevel has no ECS equivalent. " +
        "Remove the field or rewrite the rule with fields ECS defines\n" +
        "rule.yml:10: detection.sel.LogonId: unsupported: Sigma field LogonId has no ECS equivalent. " +
        "Remove the field or rewrite the rule with fields ECS defines",
    );
  });
});
