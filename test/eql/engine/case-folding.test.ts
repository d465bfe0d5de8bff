import { describe, expect, it } from "vitest";
import {
  foldAsciiCase,
  javaIgnoreCaseKey,
} from "../../../src/eql/engine/case-folding.js";
import { compileQuery } from "../../../src/eql/engine/index.js";

/**
 * One event per letter whose case folding differs between ASCII folding,
 * Java's simple case mappings and full lowercasing: long s, the Kelvin
 * sign, dotted and dotless i, sharp s, Greek sigma and full-width letters.
 */
const letters = [
  "s", // 1
  "ſ", // 2 long s
  "S", // 3
  "k", // 4
  "\u212a", // 5 Kelvin sign
  "i", // 6
  "İ", // 7 capital I with dot above
  "ı", // 8 dotless i
  "I", // 9
  "ß", // 10
  "ẞ", // 11 capital sharp s
  "ss", // 12
  "σ", // 13
  "ς", // 14 final sigma
  "Σ", // 15
  "ａ", // 16 full-width a
  "Ａ", // 17 full-width A
  "a", // 18
  "A", // 19
];

const events = letters.map((name, index) => ({
  id: index + 1,
  "@timestamp": index + 1,
  event: { category: ["process"] },
  process: { name },
}));

/** Ids of the events that `process where CONDITION` returns. */
function ids(condition: string): number[] {
  const run = compileQuery(`process where ${condition}`, { size: 100 }).run();
  for (const event of events) run.push(event, null);
  const result = run.finish();
  if (result.kind !== "events") throw new Error("not an event query");
  return result.events.map((hit) => (hit.source as { id: number }).id);
}

describe("foldAsciiCase", () => {
  it.each([
    ["CMD.exe", "cmd.exe"],
    ["ſ\u212aİıẞΣＡ", "ſ\u212aİıẞΣＡ"],
    ["ÀB", "Àb"],
    ["", ""],
  ])("folds %j to %j", (text, expected) => {
    expect(foldAsciiCase(text)).toBe(expected);
  });
});

describe("javaIgnoreCaseKey", () => {
  it.each([
    ["s", "ſ", true],
    ["k", "\u212a", true],
    ["i", "İ", true],
    ["i", "ı", true],
    ["ß", "ẞ", true],
    ["ß", "ss", false],
    ["σ", "ς", true],
    ["Σ", "ς", true],
    ["ａ", "Ａ", true],
    ["a", "ａ", false],
    ["😀", "😀", true],
  ])("compares %j and %j as %s", (left, right, expected) => {
    expect(javaIgnoreCaseKey(left) === javaIgnoreCaseKey(right)).toBe(expected);
  });
});

// A field compared with constants becomes a Query DSL query with
// `case_insensitive: true`, which folds A-Z only.
describe("compileQuery case folding on a field", () => {
  it.each([
    ['process.name : "s"', [1, 3]],
    ['process.name : "ſ"', [2]],
    ['process.name : ("s", "y")', [1, 3]],
    ['process.name : "*s*"', [1, 3, 12]],
    ['process.name : ("*s*", "y*")', [1, 3, 12]],
    ['process.name : "k"', [4]],
    ['process.name : ("k", "y*")', [4]],
    ['process.name : "i"', [6, 9]],
    ['process.name : ("i*", "y*")', [6, 9]],
    ['process.name : "İ"', [7]],
    ['process.name : "ß"', [10]],
    ['process.name : ("ß", "y*")', [10]],
    ['process.name : "σ"', [13]],
    ['process.name : ("*σ", "y*")', [13]],
    ['process.name : "ａ"', [16]],
    ['process.name : ("ａ*", "y*")', [16]],
    ['process.name like~ "s"', [1, 3]],
    ['process.name like~ ("*s", "y*")', [1, 3, 12]],
    ['process.name like~ ("İ", "ı")', [7, 8]],
    ['process.name regex~ "s"', [1, 3]],
    ['process.name regex~ ("s", "y.*")', [1, 3]],
    ['process.name regex~ "[ab]"', [18, 19]],
    ['process.name regex~ "[a-b]"', [18]],
    [
      'process.name regex~ "[^a]"',
      [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 14, 15, 16, 17],
    ],
    ['process.name regex~ "\\"S\\""', [1, 3]],
    ['process.name regex~ "ς"', [14]],
    ['process.name in~ ("s", "σ")', [1, 3, 13]],
    ['process.name in~ ("i", "ß")', [6, 9, 10]],
    [
      'process.name not in~ ("s", "S", "a")',
      [2, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17],
    ],
    ['process.name == "s"', [1]],
    ['process.name in ("s", "ſ")', [1, 2]],
    ['startsWith~(process.name, "s")', [1, 3, 12]],
    ['startsWith~(process.name, "k")', [4]],
    ['startsWith~(process.name, "ß")', [10]],
  ])("%s", (condition, expected) => {
    expect(ids(condition)).toEqual(expected);
  });
});

// Any other expression runs in a script: `:` and `in~` without wildcards
// compare with Java's compareToIgnoreCase, patterns run as Java regular
// expressions that fold A-Z only, and the `~` functions lowercase with
// toLowerCase(Locale.ROOT).
describe("compileQuery case folding in a script", () => {
  it.each([
    ['concat(process.name, "") : "s"', [1, 2, 3]],
    ['concat(process.name, "") : "k"', [4, 5]],
    ['concat(process.name, "") : "i"', [6, 7, 8, 9]],
    ['concat(process.name, "") : "ß"', [10, 11]],
    ['concat(process.name, "") : "σ"', [13, 14, 15]],
    ['concat(process.name, "") : "ａ"', [16, 17]],
    ['concat(process.name, "") : ("s", "y*")', [1, 2, 3]],
    ['concat(process.name, "") : "*s*"', [1, 3, 12]],
    ['concat(process.name, "") : ("*s*", "k")', [1, 3, 4, 5, 12]],
    ['concat(process.name, "") in~ ("s", "ß")', [1, 2, 3, 10, 11]],
    ['concat(process.name, "") like~ "s"', [1, 3]],
    ['concat(process.name, "") regex~ "s"', [1, 3]],
    ['endsWith~(process.name, "s")', [1, 3, 12]],
    ['endsWith~(process.name, "k")', [4, 5]],
    ['endsWith~(process.name, "ß")', [10, 11]],
    ['endsWith~(process.name, "σ")', [13, 15]],
    ['endsWith~(process.name, "ａ")', [16, 17]],
    ['stringContains~(process.name, "i")', [6, 7, 9]],
    ['indexOf~(process.name, "k") == 0', [4, 5]],
    ['startsWith~(concat(process.name, ""), "k")', [4, 5]],
  ])("%s", (condition, expected) => {
    expect(ids(condition)).toEqual(expected);
  });
});

describe("compileQuery case folding gaps", () => {
  // Elasticsearch runs startsWith~ as a prefix query only where the call
  // is a condition of its own, and lowercases in a script elsewhere.
  it.fails("lowercases startsWith~ used as an operand", () => {
    expect(ids('startsWith~(process.name, "k") == true')).toEqual([4, 5]);
  });
});
