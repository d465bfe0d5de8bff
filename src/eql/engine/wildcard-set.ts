/**
 * A list of wildcard patterns compiled into one test, as `:`, `like` and
 * `like~` apply a list: the value matches when any pattern does.
 */
import { foldAsciiCase } from "./case-folding.js";
import { FoldCache } from "./fold-cache.js";
import {
  type FoldFunction,
  type StringTest,
  wildcardRegExp,
  wildcardTest,
} from "./patterns.js";

const hasWildcard = (pattern: string): boolean => /[*?]/.test(pattern);

/**
 * Compiles a list of wildcard patterns into one test: a set lookup when no
 * pattern has a wildcard, the single pattern's own test, or else one
 * regular expression for the whole list. `exactFold`, when set, folds the
 * patterns without a wildcard and the value compared with them, in place
 * of the ASCII folding of the other patterns.
 *
 * The regular expression runs on the value as it is, with each ASCII
 * letter spelled in both cases when the test ignores case. In a
 * micro-benchmark on Node.js 20 (the machine bench/README.md describes),
 * one such expression, then written with the `i` flag, tested a
 * 170-character command line against seven `*text*` patterns about five
 * times faster than seven `includes` calls on the folded value.
 */
export function wildcardSetTest(
  patterns: string[],
  caseInsensitive: boolean,
  cache: FoldCache = new FoldCache(),
  exactFold?: FoldFunction,
): StringTest {
  if (patterns.length === 1) {
    return wildcardTest(patterns[0]!, caseInsensitive, cache, exactFold);
  }
  if (!caseInsensitive) {
    if (patterns.some(hasWildcard)) return wildcardRegExpTest(patterns, false);
    const wanted = new Set(patterns);
    return (value) => wanted.has(value);
  }
  if (exactFold !== undefined) {
    return splitListTest(patterns, cache, exactFold);
  }
  if (patterns.some(hasWildcard)) return wildcardRegExpTest(patterns, true);
  const wanted = new Set(patterns.map(foldAsciiCase));
  return (value) => wanted.has(cache.fold(value));
}

function wildcardRegExpTest(
  patterns: string[],
  caseInsensitive: boolean,
): StringTest {
  const regexp = wildcardRegExp(patterns, caseInsensitive);
  return (value) => regexp.test(value);
}

/**
 * Tests the exact values of a list with `exactFold` and its wildcard
 * patterns with one ASCII-folding regular expression.
 */
function splitListTest(
  patterns: string[],
  cache: FoldCache,
  exactFold: FoldFunction,
): StringTest {
  const exact = new Set(
    patterns.filter((pattern) => !hasWildcard(pattern)).map(exactFold),
  );
  const wildcards = patterns.filter(hasWildcard);
  if (wildcards.length === 0) return (value) => exact.has(exactFold(value));
  const matchesWildcard = wildcardSetTest(wildcards, true, cache);
  if (exact.size === 0) return matchesWildcard;
  return (value) => exact.has(exactFold(value)) || matchesWildcard(value);
}
