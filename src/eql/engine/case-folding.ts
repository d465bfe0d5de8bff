/**
 * The ways Elasticsearch 8.x and 9.x ignore case in EQL. Which one applies
 * depends on the operator and on whether Elasticsearch runs the condition
 * as a Query DSL query on a field or as a script:
 *
 * - `foldAsciiCase` for queries and script patterns. On a keyword field,
 *   `:`, `like~`, `regex~`, `in~` and `startsWith~` become `term`,
 *   `wildcard`, `regexp` and `prefix` queries with `case_insensitive: true`,
 *   which pair only code points up to U+0080 with their other case
 *   (Elasticsearch's `AutomatonQueries.toCaseInsensitiveChar`, Lucene's
 *   `RegExp.ASCII_CASE_INSENSITIVE`). In a script, `like~`, `regex~` and `:`
 *   with wildcards run Java regular expressions with
 *   `Pattern.CASE_INSENSITIVE` and without `UNICODE_CASE`, which also fold
 *   A-Z only.
 * - `javaIgnoreCaseKey` for `:` and `in~` without wildcards in a script,
 *   which compare with Java's `String.compareToIgnoreCase`.
 * - `foldCase` in values.ts for the `~` functions in a script, which
 *   lowercase both strings with Java's `String.toLowerCase(Locale.ROOT)`.
 */
// NOTE: Elasticsearch's main branch replaced the ASCII-only folding of
// these queries with Lucene 10.5's Unicode simple case folding in July 2026
// (elastic/elasticsearch pull request 153513), so that `s` matches `ſ`.
// Which release first ships it is unchecked, and the engine folds ASCII.

const NON_ASCII = /[^\x00-\x7f]/;
const ASCII_UPPERCASE_RUN = /[A-Z]+/g;

/** Lowercases the ASCII letters A-Z and leaves every other character. */
export function foldAsciiCase(text: string): string {
  if (!NON_ASCII.test(text)) return text.toLowerCase();
  return text.replace(ASCII_UPPERCASE_RUN, (run) => run.toLowerCase());
}

const IGNORE_CASE_KEYS = new Map<string, string>();

/**
 * Maps a string to a key that two strings share exactly when Java's
 * `compareToIgnoreCase` finds them equal. That method compares code point
 * by code point after `Character.toUpperCase` and then
 * `Character.toLowerCase`, which are simple (one code point to one) case
 * mappings: `ſ` equals `s`, `ı` and `İ` equal `i`, `ẞ` equals `ß`, but `ß`
 * does not equal `SS`.
 */
export function javaIgnoreCaseKey(text: string): string {
  if (!NON_ASCII.test(text)) return text.toLowerCase();
  let key = "";
  for (const char of text) {
    let folded = IGNORE_CASE_KEYS.get(char);
    if (folded === undefined) {
      folded = simpleLowercase(simpleUppercase(char));
      IGNORE_CASE_KEYS.set(char, folded);
    }
    key += folded;
  }
  return key;
}

// JavaScript only has full case mappings, which may turn one code point
// into several (`ß` to `SS`). Where they do, these helpers keep the code
// point itself, which is its simple mapping except for `İ` (simple
// lowercase `i`) and the Greek letters with a ypogegrammeni (`ᾳ`, simple
// uppercase `ᾼ`). Those Greek letters still get Java's key, because the
// lowercase step leads both ways to the same letter.
function simpleUppercase(char: string): string {
  const upper = char.toUpperCase();
  return isOneCodePoint(upper) ? upper : char;
}

function simpleLowercase(char: string): string {
  if (char === "\u0130") return "i";
  const lower = char.toLowerCase();
  return isOneCodePoint(lower) ? lower : char;
}

function isOneCodePoint(text: string): boolean {
  const first = text.codePointAt(0);
  return first !== undefined && text.length === (first > 0xffff ? 2 : 1);
}
