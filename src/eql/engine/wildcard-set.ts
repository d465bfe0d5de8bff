/**
 * A list of wildcard patterns compiled into one test, as `:`, `like` and
 * `like~` apply a list: the value matches when any pattern does.
 */
import { FoldCache } from "./fold-cache.js";
import { type StringTest, wildcardRegExp, wildcardTest } from "./patterns.js";
import { foldCase } from "./values.js";

/** Patterns that plain string methods can test, by where the text sits. */
interface PlainPatterns {
  exact: Set<string>;
  contains: string[];
  prefixes: string[];
  suffixes: string[];
  /** Patterns the plain methods cannot test; they need a regular expression. */
  others: string[];
}

/**
 * Compiles a list of wildcard patterns into one test: a set lookup when no
 * pattern has a wildcard, the single pattern's own test, or else string
 * methods for the patterns that are a plain text with `*` at either end,
 * and one regular expression for the rest.
 *
 * The list's regular expression compares case-insensitively by Unicode
 * simple case folding (the `iu` flags), which differs from `foldCase`
 * outside ASCII (`ſ` matches `s`, `İ` does not match `i`). So the
 * case-insensitive string methods run only when the value and the
 * pattern's text are both ASCII, where the two foldings agree, and any
 * other value goes to the regular expression of the whole list.
 */
export function wildcardSetTest(
  patterns: string[],
  caseInsensitive: boolean,
  cache: FoldCache = new FoldCache(),
): StringTest {
  if (patterns.length === 1) {
    return wildcardTest(patterns[0]!, caseInsensitive, cache);
  }
  if (patterns.every((pattern) => !/[*?]/.test(pattern))) {
    const wanted = new Set(caseInsensitive ? patterns.map(foldCase) : patterns);
    return caseInsensitive
      ? (value) => wanted.has(cache.fold(value))
      : (value) => wanted.has(value);
  }
  const plain = splitPlainPatterns(patterns, caseInsensitive);
  const testPlain = plainTest(plain, caseInsensitive);
  if (!caseInsensitive) return testPlain;
  const whole = wildcardRegExp(patterns, true);
  return (value) =>
    cache.isAscii(value) ? testPlain(cache.fold(value)) : whole.test(value);
}

/**
 * Sorts patterns by shape. A pattern is plain when, after removing the `*`
 * at its ends, its text has no wildcard and can be compared code unit by
 * code unit with the regular expression's result: ASCII text when the test
 * folds case, and text without surrogates otherwise (a regular expression
 * with the `u` flag never matches half of a surrogate pair).
 */
function splitPlainPatterns(
  patterns: string[],
  caseInsensitive: boolean,
): PlainPatterns {
  const plain: PlainPatterns = {
    exact: new Set(),
    contains: [],
    prefixes: [],
    suffixes: [],
    others: [],
  };
  const comparable = caseInsensitive ? /^[\x00-\x7f]*$/ : /^[^\ud800-\udfff]*$/;
  for (const pattern of patterns) {
    const text = pattern.replace(/^\*+/, "").replace(/\*+$/, "");
    if (/[*?]/.test(text) || !comparable.test(text)) {
      plain.others.push(pattern);
      continue;
    }
    const key = caseInsensitive ? foldCase(text) : text;
    const open = { start: pattern.startsWith("*"), end: pattern.endsWith("*") };
    if (open.start && open.end) plain.contains.push(key);
    else if (open.end) plain.prefixes.push(key);
    else if (open.start) plain.suffixes.push(key);
    else plain.exact.add(key);
  }
  return plain;
}

/**
 * Tests a value against the sorted patterns. A case-insensitive caller
 * passes the ASCII value already folded.
 */
function plainTest(plain: PlainPatterns, caseInsensitive: boolean): StringTest {
  const { exact, contains, prefixes, suffixes } = plain;
  const others =
    plain.others.length === 0
      ? undefined
      : wildcardRegExp(plain.others, caseInsensitive);
  return (value) => {
    if (exact.size !== 0 && exact.has(value)) return true;
    for (let i = 0; i < contains.length; i++) {
      if (value.includes(contains[i]!)) return true;
    }
    for (let i = 0; i < prefixes.length; i++) {
      if (value.startsWith(prefixes[i]!)) return true;
    }
    for (let i = 0; i < suffixes.length; i++) {
      if (value.endsWith(suffixes[i]!)) return true;
    }
    return others !== undefined && others.test(value);
  };
}
