/**
 * String matchers compiled once per query: exact, wildcard (`*` and `?`,
 * for `:` and `like`) and Lucene regular expressions (for `regex`), each
 * case-sensitive or case-insensitive.
 */
import { luceneToJsRegExpSource } from "./lucene-regexp.js";
import { FoldCache } from "./fold-cache.js";
import { foldCase } from "./values.js";

export type StringTest = (value: string) => boolean;

/**
 * Compiles a wildcard pattern. `*` matches any run of characters and `?`
 * exactly one. Every other character, backslash included, is literal,
 * because Elasticsearch EQL has no escape for `*` or `?`. A case-insensitive
 * test folds the value with `foldCase`, through `cache` when given.
 */
export function wildcardTest(
  pattern: string,
  caseInsensitive: boolean,
  cache: FoldCache = new FoldCache(),
): StringTest {
  const wanted = caseInsensitive ? foldCase(pattern) : pattern;
  const fold = caseInsensitive
    ? (value: string) => cache.fold(value)
    : (value: string) => value;
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
  const regexp = wildcardRegExp([pattern], caseInsensitive);
  return (value) => regexp.test(value);
}

/**
 * Compiles wildcard patterns into one regular expression that matches a
 * whole value when any pattern does. The `s` flag lets `.` match line
 * breaks, so a pattern's leading `*` is the same as leaving it unanchored
 * at the start, and a trailing `*` the same at the end. Dropping the `.*`
 * with the anchor keeps the meaning and spares the matcher scanning to the
 * end of the value and back for each alternative.
 */
export function wildcardRegExp(
  patterns: string[],
  caseInsensitive: boolean,
): RegExp {
  const alternatives = patterns.map((pattern) => {
    const body = pattern.replace(/^\*+/, "").replace(/\*+$/, "");
    const source = Array.from(body, (char) => {
      if (char === "*") return ".*";
      if (char === "?") return ".";
      return escapeRegExp(char);
    }).join("");
    const start = /^\*/.test(pattern) ? "" : "^";
    const end = /\*$/.test(pattern) ? "" : "$";
    return `${start}${source}${end}`;
  });
  return new RegExp(
    `(?:${alternatives.join("|")})`,
    caseInsensitive ? "isu" : "su",
  );
}

export function escapeRegExp(char: string): string {
  // `-` is literal outside a character class, and escaping it is a syntax
  // error under the `u` flag these expressions use.
  return /[\\^$.|?*+()[\]{}/]/.test(char) ? `\\${char}` : char;
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
