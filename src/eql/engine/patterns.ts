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
 * exactly one; every other character, backslash included, is literal,
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

/** Compiles exact equality, case-insensitive when asked. */
export function equalityTest(
  text: string,
  caseInsensitive: boolean,
): StringTest {
  if (!caseInsensitive) return (value) => value === text;
  const wanted = foldCase(text);
  return (value) => foldCase(value) === wanted;
}

/**
 * Compiles a Lucene regular expression that must match the whole value, as
 * Elasticsearch's `regexp` query does; raises on syntax it cannot read.
 */
export function regexTest(
  pattern: string,
  caseInsensitive: boolean,
): StringTest {
  const source = luceneToJsRegExpSource(pattern);
  const regexp = new RegExp(`^(?:${source})$`, caseInsensitive ? "isu" : "su");
  return (value) => regexp.test(value);
}

export function escapeRegExp(char: string): string {
  return /[\\^$.|?*+()[\]{}/-]/.test(char) ? `\\${char}` : char;
}
