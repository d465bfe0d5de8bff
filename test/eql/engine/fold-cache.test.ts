import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { FoldCache } from "../../../src/eql/engine/fold-cache.js";
import { wildcardTest } from "../../../src/eql/engine/patterns.js";
import { wildcardSetTest } from "../../../src/eql/engine/wildcard-set.js";
import { foldAsciiCase } from "../../../src/eql/engine/case-folding.js";

const trickyText = fc
  .array(
    fc.constantFrom("a", "A", "ß", "ẞ", "İ", "ı", "ſ", "Σ", "\n", "😀", "*"),
    { maxLength: 6 },
  )
  .map((chars) => chars.join(""));

describe("FoldCache", () => {
  it("folds like foldAsciiCase", () => {
    fc.assert(
      fc.property(fc.array(trickyText, { maxLength: 10 }), (texts) => {
        const cache = new FoldCache();
        for (const text of texts) {
          expect(cache.fold(text)).toBe(foldAsciiCase(text));
        }
      }),
    );
  });

  it("keeps shared tests independent", () => {
    fc.assert(
      fc.property(
        fc.array(trickyText, { minLength: 1, maxLength: 4 }),
        fc.array(trickyText, { maxLength: 6 }),
        (patterns, values) => {
          const cache = new FoldCache();
          const shared = [
            ...patterns.map((pattern) => wildcardTest(pattern, true, cache)),
            wildcardSetTest(patterns, true, cache),
          ];
          const own = [
            ...patterns.map((pattern) => wildcardTest(pattern, true)),
            wildcardSetTest(patterns, true),
          ];
          for (const value of values) {
            const expected = own.map((test) => test(value));
            expect(shared.map((test) => test(value))).toEqual(expected);
          }
        },
      ),
    );
  });

  it.each([
    ["ẞ", "ẞ"],
    ["İ", "İ"],
    ["ΑΣ", "ΑΣ"],
    ["CMD.EXE ſ \u212a", "cmd.exe ſ \u212a"],
    ["", ""],
  ])("folds %j to %j", (text, expected) => {
    const cache = new FoldCache();
    expect(cache.fold(text)).toBe(expected);
    expect(cache.fold(text)).toBe(expected);
  });
});
