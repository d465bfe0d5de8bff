import { describe, expect, it } from "vitest";
import { parseSigmaRule } from "../../src/sigma/parse.js";
import { SigmaRuleError, UnsupportedFeatureError } from "../../src/sigma/errors.js";
import { SigmaRuleErrors } from "../../src/sigma/rule-errors.js";

const valid = `title: Mofcomp execution
id: 0b7a6c4e-3f51-4f7a-9d43-0a2f7e1c9b11
status: test
description: Detects mofcomp.exe
references:
    - https://example.com/mofcomp
author: Detection team
date: 2025-01-31
modified: 2025-02-01
tags:
    - attack.execution
    - attack.t1047
logsource:
    product: windows
    category: process_creation
detection:
    selection:
        Image|endswith: '\\mofcomp.exe'
    condition: selection
falsepositives:
    - Software installers
level: informational
`;

function parse(text: string): ReturnType<typeof parseSigmaRule> {
  return parseSigmaRule(text, "rules/test.yml");
}

function errorOf(text: string): string {
  try {
    parse(text);
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error("expected the rule to be rejected");
}

describe("parseSigmaRule", () => {
  it("reads a valid rule", () => {
    const rule = parse(valid);
    expect(rule.title).toBe("Mofcomp execution");
    expect(rule.id).toBe("0b7a6c4e-3f51-4f7a-9d43-0a2f7e1c9b11");
    expect(rule.level).toBe("informational");
    expect(rule.status).toBe("test");
    expect(rule.date).toBe("2025-01-31");
    expect(rule.tags).toEqual(["attack.execution", "attack.t1047"]);
    expect(rule.falsepositives).toEqual(["Software installers"]);
    expect(rule.logsource).toEqual({ product: "windows", category: "process_creation" });
    expect(rule.lines["detection"]).toBe(16);
    expect(rule.detection.conditionText).toBe("selection");
  });

  it("keeps item locations", () => {
    const rule = parse(valid);
    const search = rule.detection.searches.get("selection")!;
    expect(search.kind).toBe("maps");
    const item = search.kind === "maps" ? search.alternatives[0]![0]! : null;
    expect(item).toEqual({
      field: "Image",
      modifiers: ["endswith"],
      values: [{ kind: "string", text: "\\mofcomp.exe" }],
      matchAll: false,
      where: { file: "rules/test.yml", line: 18, path: "detection.selection.Image|endswith" },
    });
  });

  const errors: Array<[string, string, string]> = [
    [
      "rejects a rule without id",
      valid.replace(/^id: .*\n/m, ""),
      "rules/test.yml:1: id: missing required field id. Add `id:` with a new random UUID (for example from `uuidgen`); Kibana uses it as the rule_id",
    ],
    [
      "rejects an id that is not a UUID",
      valid.replace(/^id: .*$/m, "id: None"),
      'rules/test.yml:2: id: invalid value "None". Use a UUID such as 929a690e-bef0-4204-a928-ef5e620d6fcc',
    ],
    [
      "rejects a rule without title",
      valid.replace(/^title: .*\n/m, ""),
      "rules/test.yml:1: title: missing required field title. Add title to the rule",
    ],
    [
      "rejects a title over 256 characters",
      valid.replace(/^title: .*$/m, `title: ${"x".repeat(257)}`),
      `rules/test.yml:1: title: invalid value "${"x".repeat(199)}... (259 characters). Shorten it to at most 256 characters`,
    ],
    [
      "rejects an unknown status",
      valid.replace("status: test", "status: production"),
      'rules/test.yml:3: status: invalid value "production". Use one of: stable, test, experimental, deprecated, unsupported',
    ],
    [
      "rejects an unknown level",
      valid.replace("level: informational", "level: severe"),
      'rules/test.yml:22: level: invalid value "severe". Use one of: informational, low, medium, high, critical',
    ],
    [
      "rejects an impossible date",
      valid.replace("date: 2025-01-31", "date: 2025-02-30"),
      'rules/test.yml:8: date: invalid value "2025-02-30". Write the date as YYYY-MM-DD, such as 2024-08-08',
    ],
    [
      "rejects a date in another format",
      valid.replace("modified: 2025-02-01", "modified: 2025/02/01"),
      'rules/test.yml:9: modified: invalid value "2025/02/01". Write the date as YYYY-MM-DD, such as 2024-08-08',
    ],
    [
      "rejects an invalid tag",
      valid.replace("- attack.t1047", "- Attack T1047"),
      'rules/test.yml:12: tags[1]: invalid value "Attack T1047". Write tags as namespace.name in lower case, such as attack.t1047 or attack.execution',
    ],
    [
      "rejects references that are not a list",
      valid.replace("references:\n    - https://example.com/mofcomp", "references: https://example.com/mofcomp"),
      'rules/test.yml:5: references: invalid value "https://example.com/mofcomp". Use a list of strings',
    ],
    [
      "rejects a missing logsource",
      valid.replace("logsource:\n    product: windows\n    category: process_creation\n", ""),
      "rules/test.yml:1: logsource: missing required field logsource. Add logsource with product and category, such as product: windows, category: process_creation",
    ],
    [
      "rejects a missing condition",
      valid.replace("    condition: selection\n", ""),
      "rules/test.yml:16: detection: missing required field condition. Add a condition such as `condition: selection`",
    ],
    [
      "rejects invalid YAML with its line",
      valid.replace("    condition: selection", "    condition: [selection"),
      "rules/test.yml:20: (document): invalid YAML: missed comma between flow collection entries. Fix the YAML syntax at that line",
    ],
    [
      "rejects an unknown modifier",
      valid.replace("Image|endswith:", "Image|endwith:"),
      'rules/test.yml:18: detection.selection.Image|endwith: unknown modifier "endwith". Use one of: contains, startswith, endswith, all, cased, exists, re, i, m, s, windash, cidr, base64, base64offset, wide, utf16le, utf16be, utf16, gt, gte, lt, lte, neq',
    ],
    [
      "rejects a condition naming an undefined search",
      valid.replace("condition: selection", "condition: selection and not filter"),
      'rules/test.yml:19: detection.condition: condition "selection and not filter" names the undefined search identifier "filter". Define filter under detection, or use one of: selection',
    ],
    [
      "rejects a condition with a dangling operator",
      valid.replace("condition: selection", "condition: selection and"),
      'rules/test.yml:19: detection.condition: invalid condition "selection and": expected a search identifier at column 14, found the end. Use search identifiers joined by `and`, `or`, `not`, parentheses, `1 of <pattern>` or `all of <pattern>`',
    ],
    [
      "rejects an unclosed parenthesis",
      valid.replace("condition: selection", "condition: (selection or selection"),
      'rules/test.yml:19: detection.condition: invalid condition "(selection or selection": expected `)` at column 24, found the end. Use search identifiers joined by `and`, `or`, `not`, parentheses, `1 of <pattern>` or `all of <pattern>`',
    ],
    [
      "rejects a pattern matching no search",
      valid.replace("condition: selection", "condition: 1 of filter*"),
      'rules/test.yml:19: detection.condition: condition "1 of filter*": the pattern "filter*" matches no search identifier. Fix the pattern or define a matching search identifier',
    ],
    [
      "rejects an exists value that is not boolean",
      valid.replace("Image|endswith: '\\mofcomp.exe'", "Image|exists: 'yes'"),
      'rules/test.yml:18: detection.selection.Image|exists: invalid value "yes" for modifier "exists". Use true or false',
    ],
    [
      "rejects re combined with contains",
      valid.replace("Image|endswith:", "Image|contains|re:"),
      'rules/test.yml:18: detection.selection.Image|contains|re: modifier "re" cannot be combined with contains. Write the whole match as the regular expression, with i, m or s flags only',
    ],
    [
      "rejects i without re",
      valid.replace("Image|endswith:", "Image|i:"),
      'rules/test.yml:18: detection.selection.Image|i: modifier "i" needs "re" before it. Write the item as Field|re|i',
    ],
    [
      "rejects two position modifiers",
      valid.replace("Image|endswith:", "Image|startswith|endswith:"),
      "rules/test.yml:18: detection.selection.Image|startswith|endswith: modifiers startswith and endswith exclude each other. Keep one of contains, startswith and endswith",
    ],
    [
      "rejects an invalid cidr",
      valid.replace("Image|endswith: '\\mofcomp.exe'", "Image|cidr: '10.0.0.0/33'"),
      'rules/test.yml:18: detection.selection.Image|cidr: invalid value "10.0.0.0/33" for modifier "cidr". Use a network in CIDR notation, such as 10.0.0.0/8 or 2001:db8::/32',
    ],
    [
      "rejects a non-numeric gt",
      valid.replace("Image|endswith: '\\mofcomp.exe'", "Image|gt: 'ten'"),
      'rules/test.yml:18: detection.selection.Image|gt: invalid value "ten" for modifier "gt". Use a number',
    ],
    [
      "rejects base64 of a wildcard",
      valid.replace("Image|endswith:", "Image|contains|base64:"),
      'rules/test.yml:18: detection.selection.Image|contains|base64: invalid value "*\\\\mofcomp.exe*" for modifier "base64": encoding a wildcard is not possible. Put contains, startswith or endswith after base64, or escape the wildcard with a backslash',
    ],
    [
      "rejects base64offset without contains",
      valid.replace("Image|endswith: '\\mofcomp.exe'", "CommandLine|base64offset: 'abc'"),
      'rules/test.yml:18: detection.selection.CommandLine|base64offset: modifier "base64offset" needs "contains" after it. Write the item as CommandLine|base64offset|contains',
    ],
    [
      "rejects contains before base64offset",
      valid.replace("Image|endswith: '\\mofcomp.exe'", "CommandLine|contains|base64offset: 'abc'"),
      'rules/test.yml:18: detection.selection.CommandLine|contains|base64offset: modifier "base64offset" needs "contains" after it. Write the item as CommandLine|base64offset|contains',
    ],
    [
      "rejects a search that is a number",
      valid.replace("    selection:\n        Image|endswith: '\\mofcomp.exe'", "    selection:\n        - [1, 2]"),
      "rules/test.yml:17: detection.selection: invalid search [[1,2]]. Write a search as a map of fields to values, a list of such maps, or a list of keywords",
    ],
    [
      "rejects a map value",
      valid.replace("Image|endswith: '\\mofcomp.exe'", "Image:\n            nested: 1"),
      'rules/test.yml:18: detection.selection.Image: invalid value {"nested":1}. Use a string, a number, a boolean or null',
    ],
    [
      "names a duplicate key and its path",
      valid.replace("Image|endswith: '\\mofcomp.exe'", "Image: a\n        Image: b"),
      'rules/test.yml:19: detection.selection.Image: duplicate key "Image". Remove one of the two keys, or merge their values',
    ],
    [
      "rejects two documents with a line",
      `${valid}---\n${valid}`,
      "rules/test.yml:23: (document): the file contains more than one YAML document. Put each rule in its own file. Sigma rule collections (action: global) are not supported",
    ],
    [
      "rejects an empty file",
      "",
      "rules/test.yml:1: (document): the file is empty. A Sigma rule is a YAML map with title, id, logsource and detection",
    ],
    [
      "rejects a file of comments",
      "# nothing here\n",
      "rules/test.yml:1: (document): the file contains no YAML document. A Sigma rule is a YAML map with title, id, logsource and detection",
    ],
    [
      "rejects a YAML merge key",
      valid.replace("Image|endswith: '\\mofcomp.exe'", "<<: {Image: a}"),
      "rules/test.yml:18: detection.selection.<<: YAML merge keys (<<) are not supported. Write the merged fields out in this map",
    ],
    [
      "reports .inf as infinity",
      valid.replace("Image|endswith: '\\mofcomp.exe'", "FileVersion: [1, .inf]"),
      "rules/test.yml:18: detection.selection.FileVersion[1]: invalid value .inf: YAML reads it as infinity. Quote it ('.inf') to match the text, or use a finite number",
    ],
    [
      "reports .nan as not a number",
      valid.replace("Image|endswith: '\\mofcomp.exe'", "FileVersion: .NaN"),
      "rules/test.yml:18: detection.selection.FileVersion: invalid value .NaN: YAML reads it as not a number (NaN). Quote it ('.NaN') to match the text, or use a finite number",
    ],
    [
      "names a nested list",
      valid.replace("Image|endswith: '\\mofcomp.exe'", "Image: [a, [b]]"),
      'rules/test.yml:18: detection.selection.Image[1]: invalid value: nested list ["b"]. Write the values as one flat list',
    ],
    [
      "rejects a condition without searches",
      valid.replace("    selection:\n        Image|endswith: '\\mofcomp.exe'\n", ""),
      'rules/test.yml:17: detection.condition: condition "selection" names the undefined search identifier "selection". Define selection under detection',
    ],
  ];
  for (const [name, text, message] of errors) {
    it(name, () => {
      expect(() => parse(text)).toThrow(SigmaRuleError);
      expect(errorOf(text)).toBe(message);
    });
  }

  it("rejects an aggregation as unsupported", () => {
    const text = valid.replace("condition: selection", "condition: selection | count() > 5");
    expect(() => parse(text)).toThrow(UnsupportedFeatureError);
    expect(errorOf(text)).toBe(
      'rules/test.yml:19: detection.condition: unsupported: aggregation in condition. The condition "selection | count() > 5" has an aggregation after `|` at column 11; EQL event queries cannot count. Remove the aggregation or write a Sigma correlation rule.',
    );
  });

  it("rejects a correlation rule as unsupported", () => {
    const text = `${valid}correlation:\n    type: event_count\n`;
    expect(errorOf(text)).toBe(
      "rules/test.yml:23: correlation: unsupported: Sigma correlation rule. Only single Sigma detection rules convert to EQL event queries",
    );
  });

  it("rejects timeframe as unsupported", () => {
    const text = valid.replace("    condition: selection", "    timeframe: 5m\n    condition: selection");
    expect(errorOf(text)).toBe(
      "rules/test.yml:19: detection.timeframe: unsupported: timeframe. EQL event queries have no time window; remove timeframe or write a Sigma correlation rule",
    );
  });
});

describe("parseSigmaRule YAML limits", () => {
  it("rejects an alias bomb briefly", () => {
    const anchors = ["a: &a [x, x, x, x, x, x, x, x, x]"];
    for (let level = 1; level <= 7; level++) {
      const previous = String.fromCharCode(96 + level);
      const name = String.fromCharCode(97 + level);
      anchors.push(`${name}: &${name} [${Array(9).fill(`*${previous}`).join(", ")}]`);
    }
    const text = valid.replace("Image|endswith: '\\mofcomp.exe'", "Image: *h").replace("references:", `x-anchors:\n    ${anchors.join("\n    ")}\nreferences:`);
    expect(errorOf(text)).toBe(
      "rules/test.yml:1: (document): YAML aliases expand to more than 1000000 values. Write the values out instead of repeating them through aliases (*name)",
    );
  });
  it("cuts a long value in messages", () => {
    const text = valid.replace("Image|endswith: '\\mofcomp.exe'", `Image:\n            nested: "${"y".repeat(5000)}"`);
    const message = errorOf(text);
    expect(message).toBe(
      `rules/test.yml:18: detection.selection.Image: invalid value {"nested":"${"y".repeat(189)}... (5013 characters). Use a string, a number, a boolean or null`,
    );
  });
});


describe("parseSigmaRule error list", () => {
  it("reports every problem sorted by line", () => {
    const text = valid
      .replace("date: 2025-01-31", "date: 2025-02-30")
      .replace("status: test", "status: done")
      .replace("- attack.t1047", "- Attack T1047")
      .replace("Image|endswith: '\\mofcomp.exe'", "Image|endwith: 'x'\n        CommandLine|base64offset: 'abc'")
      .replace("level: informational", "level: severe");
    expect(() => parse(text)).toThrow(SigmaRuleErrors);
    expect(errorOf(text).split("\n")).toEqual([
      'rules/test.yml:3: status: invalid value "done". Use one of: stable, test, experimental, deprecated, unsupported',
      'rules/test.yml:8: date: invalid value "2025-02-30". Write the date as YYYY-MM-DD, such as 2024-08-08',
      'rules/test.yml:12: tags[1]: invalid value "Attack T1047". Write tags as namespace.name in lower case, such as attack.t1047 or attack.execution',
      'rules/test.yml:18: detection.selection.Image|endwith: unknown modifier "endwith". Use one of: contains, startswith, endswith, all, cased, exists, re, i, m, s, windash, cidr, base64, base64offset, wide, utf16le, utf16be, utf16, gt, gte, lt, lte, neq',
      'rules/test.yml:19: detection.selection.CommandLine|base64offset: modifier "base64offset" needs "contains" after it. Write the item as CommandLine|base64offset|contains',
      'rules/test.yml:23: level: invalid value "severe". Use one of: informational, low, medium, high, critical',
    ]);
  });
});
