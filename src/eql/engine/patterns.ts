/**
 * String matchers compiled once per query: exact, wildcard (`*` and `?`,
 * for `:` and `like`) and Lucene regular expressions (for `regex`), each
 * case-sensitive or case-insensitive. Case-insensitive matchers fold ASCII
 * letters only, as Elasticsearch's case-insensitive queries do (see
 * case-folding.ts), unless the caller passes another folding for exact
 * values.
 */
import { foldAsciiCase } from "./case-folding.js";
import { FoldCache } from "./fold-cache.js";
import { luceneToJsRegExpSource } from "./lucene-regexp.js";

/** Folding of a whole value for exact comparison, such as `foldAsciiCase`. */
export type FoldFunction = (text: string) => string;

export type StringTest = (value: string) => boolean;

/**
 * Compiles a wildcard pattern. `*` matches any run of characters and `?`
 * exactly one. Every other character, backslash included, is literal,
 * because Elasticsearch EQL has no escape for `*` or `?`. A case-insensitive
 * test folds the value with `foldAsciiCase`, through `cache` when given, or
 * with `exactFold` when the pattern has no wildcard and `exactFold` is set.
 */
export function wildcardTest(
  pattern: string,
  caseInsensitive: boolean,
  cache: FoldCache = new FoldCache(),
  exactFold?: FoldFunction,
): StringTest {
  if (!/[*?]/.test(pattern) && caseInsensitive && exactFold !== undefined) {
    const wanted = exactFold(pattern);
    return (value) => exactFold(value) === wanted;
  }
  const wanted = caseInsensitive ? foldAsciiCase(pattern) : pattern;
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
 * end of the value and back for each alternative. A case-insensitive
 * expression spells each ASCII letter as a class of both cases (`[sS]`)
 * instead of using the `i` flag, whose Unicode folding would also let `s`
 * match `ſ`.
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
      return caseInsensitive ? asciiCaseClass(char) : escapeRegExp(char);
    }).join("");
    const start = /^\*/.test(pattern) ? "" : "^";
    const end = /\*$/.test(pattern) ? "" : "$";
    return `${start}${source}${end}`;
  });
  return new RegExp(`(?:${alternatives.join("|")})`, "su");
}

/** Spells an ASCII letter as a class of both its cases, else escapes it. */
export function asciiCaseClass(char: string): string {
  if (!/^[a-zA-Z]$/.test(char)) return escapeRegExp(char);
  return `[${char.toLowerCase()}${char.toUpperCase()}]`;
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
    (pattern) => `(?:${luceneToJsRegExpSource(pattern, caseInsensitive)})`,
  );
  const regexp = new RegExp(`^(?:${sources.join("|")})$`, "su");
  return (value) => regexp.test(value);
}
