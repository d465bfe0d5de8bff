import { describe, expect, it } from "vitest";
import { toLuceneRegex } from "../../../src/eql/from-sigma/regex-lucene.js";
import { luceneToJsRegExpSource } from "../../../src/eql/engine/lucene-regexp.js";

const where = { file: "r.yml", line: 8, path: "detection.selection.CommandLine|re" };
const noFlags = { ignoreCase: false, multiline: false, dotAll: false };
const lucene = (pattern: string, flags = noFlags): string => toLuceneRegex(pattern, flags, where).pattern;

describe("toLuceneRegex", () => {
  const cases: Array<[string, string]> = [
    ["abc", ".*abc.*"],
    ["^abc", "abc.*"],
    ["abc$", ".*abc"],
    ["^abc$", "abc"],
    ["a|^b|c$", ".*a.*|b.*|.*c"],
    ["(^|\\s)x", "(|.*[ \t\n\u000b\f\r])x.*"],
    ["x(\\.exe|$)", ".*x(\\.exe.*|)"],
    ["\\d+\\w*\\s?", ".*[0-9]+[0-9A-Za-z_]*[ \t\n\u000b\f\r]?.*"],
    ["\\D\\W\\S", ".*[^0-9][^0-9A-Za-z_][^ \t\n\u000b\f\r].*"],
    ["[a-z_\\d]", ".*[a-z_0-9].*"],
    ["[^\\\\]+", ".*[^\\\\]+.*"],
    ["[\\s\\S]", ".*..*"],
    ["[a\\D]", ".*([a]|[^0-9]).*"],
    ["a.b", ".*a[^\n]b.*"],
    ["a+?b{2,}c{,3}d{4}", ".*a+b{2,}c{0,3}d{4}.*"],
    ["(?:x)(?P<n>y)(?<m>z)", ".*(x)(y)(z).*"],
    ["@#&<>~\"", ".*\\@\\#\\&\\<\\>\\~\\\".*"],
    ["\\t\\x41\\u0042", ".*\tAB.*"],
    ["", ".*"],
    ["a{x}", ".*a\\{x\\}.*"],
  ];
  for (const [pattern, expected] of cases) {
    it(`translates ${JSON.stringify(pattern)}`, () => {
      expect(lucene(pattern)).toBe(expected);
      expect(() => luceneToJsRegExpSource(expected)).not.toThrow();
    });
  }

  it("lets dot match newlines with s", () => {
    expect(lucene("a.b", { ...noFlags, dotAll: true })).toBe(".*a.b.*");
  });
  it("matches line starts and ends with m", () => {
    expect(lucene("^a$", { ...noFlags, multiline: true })).toBe("(.*\n)?a(\n.*)?");
  });
  it("moves a leading (?i) to case-insensitive matching", () => {
    expect(toLuceneRegex("(?i)evil", noFlags, where)).toEqual({ pattern: ".*evil.*", ignoreCase: true });
  });
  it("keeps i as case-insensitive matching", () => {
    expect(toLuceneRegex("evil", { ...noFlags, ignoreCase: true }, where)).toEqual({
      pattern: ".*evil.*",
      ignoreCase: true,
    });
  });

  const unsupported: Array<[string, string]> = [
    ["a(?=b)", "r.yml:8: detection.selection.CommandLine|re: unsupported: regular expression lookahead (?=. Lucene regular expressions have no such construct (pattern \"a(?=b)\")."],
    ["(?<!a)b", "r.yml:8: detection.selection.CommandLine|re: unsupported: regular expression lookbehind (?<. Lucene regular expressions have no such construct (pattern \"(?<!a)b\")."],
    ["\\bword\\b", "r.yml:8: detection.selection.CommandLine|re: unsupported: regular expression word boundary \\b. Lucene regular expressions have no word boundaries; match the neighbouring characters instead (pattern \"\\\\bword\\\\b\")."],
    ["a^b", "r.yml:8: detection.selection.CommandLine|re: unsupported: regular expression anchor ^ inside the pattern. Lucene regular expressions have no anchors, so only a ^ at the start or a $ at the end can be translated (pattern \"a^b\")."],
    ["a*+", "r.yml:8: detection.selection.CommandLine|re: unsupported: possessive quantifier. Use a greedy quantifier; Lucene has no possessive ones (pattern \"a*+\")."],
    ["(?x)a", "r.yml:8: detection.selection.CommandLine|re: unsupported: inline flag (?x). Remove the flag; only i, m and s have an equivalent (pattern \"(?x)a\")."],
    ["[^a\\D]", "r.yml:8: detection.selection.CommandLine|re: unsupported: negated character class with \\D, \\W or \\S. Lucene cannot subtract a negated shorthand inside [^...]; list the allowed characters instead (pattern \"[^a\\\\D]\")."],
  ];
  for (const [pattern, message] of unsupported) {
    it(`rejects ${JSON.stringify(pattern)}`, () => {
      expect(() => lucene(pattern)).toThrow(message);
    });
  }

  it("rejects an invalid pattern", () => {
    expect(() => lucene("a(b")).toThrow(
      'r.yml:8: detection.selection.CommandLine|re: invalid regular expression "a(b": missing `)`. Fix the regular expression; Sigma uses PCRE syntax',
    );
    expect(() => lucene("*a")).toThrow(
      'r.yml:8: detection.selection.CommandLine|re: invalid regular expression "*a": quantifier `*` with nothing to repeat. Fix the regular expression; Sigma uses PCRE syntax',
    );
  });
});

describe("toLuceneRegex nesting limit", () => {
  it("accepts 100 nested groups", () => {
    expect(() => lucene(`${"(".repeat(100)}a${")".repeat(100)}`)).not.toThrow();
  });
  it("rejects 5000 nested groups briefly", () => {
    const pattern = `${"(".repeat(5000)}a${")".repeat(5000)}`;
    expect(() => lucene(pattern)).toThrow(
      `r.yml:8: detection.selection.CommandLine|re: invalid regular expression "${"(".repeat(199)}... (10003 characters): ` +
        "groups nested more than 100 levels deep. Fix the regular expression; Sigma uses PCRE syntax",
    );
  });
});

describe("toLuceneRegex on line ends", () => {
  it.fails("matches $ before a final line feed as PCRE does", () => {
    const pattern = lucene("abc$");
    const regexp = new RegExp(`^(?:${luceneToJsRegExpSource(pattern)})$`, "s");
    expect(regexp.test("xabc\n")).toBe(true);
  });
});
