import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  foldAsciiCase,
  javaIgnoreCaseKey,
} from "../../../src/eql/engine/case-folding.js";
import { FoldCache } from "../../../src/eql/engine/fold-cache.js";
import {
  escapeRegExp,
  type StringTest,
} from "../../../src/eql/engine/patterns.js";
import { wildcardSetTest } from "../../../src/eql/engine/wildcard-set.js";

/**
 * Builds the general form of a wildcard list: one regular expression
 * anchored at both ends, with `.*` for `*` and `.` for `?`, run on the
 * ASCII-folded value when the test ignores case.
 */
function anchoredReference(
  patterns: string[],
  caseInsensitive: boolean,
): StringTest {
  const fold = caseInsensitive ? foldAsciiCase : (text: string) => text;
  const alternatives = patterns.map((pattern) =>
    Array.from(fold(pattern), (char) => {
      if (char === "*") return ".*";
      if (char === "?") return ".";
      return escapeRegExp(char);
    }).join(""),
  );
  const regexp = new RegExp(`^(?:${alternatives.join("|")})$`, "su");
  return (value) => regexp.test(fold(value));
}

/**
 * Characters where folding, line breaks or UTF-16 go wrong: German sharp
 * s, dotted and dotless i, long s, the Kelvin sign, Greek sigma, line
 * breaks, an emoji (a surrogate pair) and a lone surrogate.
 */
const trickyChars = [
  "a",
  "A",
  "s",
  "S",
  "k",
  "K",
  "i",
  "I",
  "ß",
  "ẞ",
  "İ",
  "ı",
  "ſ",
  "\u212a",
  "σ",
  "ς",
  "Σ",
  "é",
  "–",
  "\n",
  "\r",
  " ",
  ".",
  "\\",
  "😀",
  "\ud83d",
];

const text = fc
  .array(fc.constantFrom(...trickyChars), { maxLength: 8 })
  .map((chars) => chars.join(""));
const pattern = fc
  .array(fc.constantFrom(...trickyChars, "*", "*", "?"), { maxLength: 6 })
  .map((chars) => chars.join(""));
// Lists of two or more patterns with a wildcard compile to the regular
// expression without the `.*` and anchor pairs that this file checks.
const wildcardList = fc
  .array(pattern, { minLength: 2, maxLength: 5 })
  .filter((patterns) => patterns.some((item) => /[*?]/.test(item)));

describe("wildcardSetTest", () => {
  it("matches like the anchored form", () => {
    fc.assert(
      fc.property(
        wildcardList,
        fc.array(text, { maxLength: 6 }),
        fc.boolean(),
        (patterns, values, caseInsensitive) => {
          const fast = wildcardSetTest(patterns, caseInsensitive);
          const general = anchoredReference(patterns, caseInsensitive);
          for (const value of values) {
            expect(fast(value), JSON.stringify(value)).toBe(general(value));
          }
        },
      ),
      { numRuns: 3000 },
    );
  });

  it("shares one fold cache safely", () => {
    fc.assert(
      fc.property(
        fc.array(wildcardList, { minLength: 1, maxLength: 4 }),
        fc.array(text, { maxLength: 6 }),
        (lists, values) => {
          const cache = new FoldCache();
          const shared = lists.map((list) =>
            wildcardSetTest(list, true, cache),
          );
          const general = lists.map((list) => anchoredReference(list, true));
          for (const value of values) {
            for (let i = 0; i < lists.length; i++) {
              expect(shared[i]!(value)).toBe(general[i]!(value));
            }
          }
        },
      ),
      { numRuns: 1000 },
    );
  });

  const cases: [string[], boolean, string, boolean][] = [
    [["*cmd /c*", "*cmd /k*"], true, "C:\\CMD /C dir", true],
    [["*cmd /c*", "*cmd /k*"], true, "cmd\n/c", false],
    [["*a*", "*b"], true, "x\nA\ny", true],
    [["*a*", "b*"], true, "", false],
    [["*", "b*"], true, "", true],
    [["", "x*"], true, "", true],
    [["*s*", "x*"], true, "ſ", false],
    [["*ſ*", "x*"], true, "S", false],
    [["*S*", "x*"], true, "s", true],
    [["*ss*", "x*"], true, "ß", false],
    [["*ß*", "x*"], true, "ẞ", false],
    [["*i*", "x*"], true, "İ", false],
    [["*i*", "x*"], true, "ı", false],
    [["*I*", "x*"], true, "i", true],
    [["*k", "x*"], true, "\u212a", false],
    [["*σ", "x*"], true, "Σ", false],
    [["*σ", "x*"], true, "ς", false],
    [["*ａ*", "x*"], true, "Ａ", false],
    [["*é*", "x*"], true, "É", false],
    [["a?c", "x*"], true, "a😀c", true],
    [["a?c", "x*"], false, "a\nc", true],
    [["*\ude00*", "x*"], false, "😀", false],
    [["*A*", "x*"], false, "a", false],
    [["*a*b*", "x*"], true, "--A--\n--B--", true],
  ];
  it.each(cases)("tests %j (fold %s) on %j", (list, fold, value, expected) => {
    expect(wildcardSetTest(list, fold)(value)).toBe(expected);
    expect(anchoredReference(list, fold)(value)).toBe(expected);
  });

  it("folds single patterns like lists", () => {
    fc.assert(
      fc.property(pattern, text, (single, value) => {
        const alone = wildcardSetTest([single], true)(value);
        expect(alone).toBe(wildcardSetTest([single, single], true)(value));
        expect(alone).toBe(anchoredReference([single], true)(value));
      }),
      { numRuns: 3000 },
    );
  });

  const scriptCases: [string[], string, boolean][] = [
    [["s", "x"], "ſ", true],
    [["k", "x"], "\u212a", true],
    [["i", "x"], "İ", true],
    [["i", "x"], "ı", true],
    [["ß", "x"], "ẞ", true],
    [["ß", "x"], "ss", false],
    [["σ", "x"], "ς", true],
    [["ａ", "x"], "Ａ", true],
    [["*s*", "x"], "ſ", false],
    [["*s*", "s"], "ſ", true],
    [["y*", "s"], "Y", true],
  ];
  it.each(scriptCases)(
    "tests %j on %j with Java keys",
    (list, value, expected) => {
      const test = wildcardSetTest(
        list,
        true,
        new FoldCache(),
        javaIgnoreCaseKey,
      );
      expect(test(value)).toBe(expected);
    },
  );
});
