/**
 * String matchers compiled once per query: exact, wildcard (`*` and `?`,
 * for `:` and `like`) and Lucene regular expressions (for `regex`), each
 * case-sensitive or case-insensitive.
 */
import { luceneToJsRegExpSource } from "./lucene-regexp.js";
import { foldCase } from "./values.js";

export type StringTest = (value: string) => boolean;

/**
 * Compiles a wildcard pattern. `*` matches any run of characters and `?`
 * exactly one. Every other character, backslash included, is literal,
 * because Elasticsearch EQL has no escape for `*` or `?`.
 */
export function wildcardTest(
  pattern: string,
  caseInsensitive: boolean,
): StringTest {
  const wanted = caseInsensitive ? foldCase(pattern) : pattern;
  const fold = caseInsensitive ? foldCase : (value: string) => value;
  if (!/[*?]/.test(pattern)) return (value) => fold(value) === wanted;
  const inner = wanted.slice(1, -1);
  if (/^\*[^*?]*\*$/.test(wanted) && wanted.length >= 2) {
    return (value) => fold(value).includes(inner);
  }
  if (/^[^*?]*\*$/.test(wanted)) {
    const prefix = wanted.slice(0, -1);
    return (value) => fold(value).startsWith(prefix);
  }
  if (/^\*[^*?]*$/.test(wanted)) {
    const suffix = wanted.slice(1);
    return (value) => fold(value).endsWith(suffix);
  }
  const source = Array.from(pattern, (char) => {
    if (char === "*") return ".*";
    if (char === "?") return ".";
    return escapeRegExp(char);
  }).join("");
  const regexp = new RegExp(`^(?:${source})$`, caseInsensitive ? "isu" : "su");
  return (value) => regexp.test(value);
}

export function escapeRegExp(char: string): string {
  // `-` is literal outside a character class, and escaping it is a syntax
  // error under the `u` flag these expressions use.
  return /[\\^$.|?*+()[\]{}/]/.test(char) ? `\\${char}` : char;
}

/**
 * Compiles a list of wildcard patterns into one test: a set lookup when no
 * pattern has a wildcard, the single pattern's own test, or else one
 * regular expression with an alternative per pattern.
 */
export function wildcardSetTest(
  patterns: string[],
  caseInsensitive: boolean,
): StringTest {
  if (patterns.length === 1) return wildcardTest(patterns[0]!, caseInsensitive);
  if (patterns.every((pattern) => !/[*?]/.test(pattern))) {
    const fold = caseInsensitive ? foldCase : (value: string) => value;
    const wanted = new Set(patterns.map(fold));
    return (value) => wanted.has(fold(value));
  }
  const alternatives = patterns.map((pattern) =>
    Array.from(pattern, (char) => {
      if (char === "*") return ".*";
      if (char === "?") return ".";
      return escapeRegExp(char);
    }).join(""),
  );
  const regexp = new RegExp(
    `^(?:${alternatives.join("|")})$`,
    caseInsensitive ? "isu" : "su",
  );
  return (value) => regexp.test(value);
}

/** Compiles a list of Lucene regular expressions into one test. */
export function regexSetTest(
  patterns: string[],
  caseInsensitive: boolean,
): StringTest {
  const sources = patterns.map(
    (pattern) => `(?:${luceneToJsRegExpSource(pattern)})`,
  );
  const regexp = new RegExp(
    `^(?:${sources.join("|")})$`,
    caseInsensitive ? "isu" : "su",
  );
  return (value) => regexp.test(value);
}
