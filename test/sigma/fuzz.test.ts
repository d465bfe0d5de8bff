/**
 * Property tests: random Sigma documents never crash the loader or the
 * converter. Each either converts or is rejected with a typed error whose
 * message starts with the file and a YAML path.
 */
import fc from "fast-check";
import yaml from "js-yaml";
import { describe, expect, it } from "vitest";
import { convertRuleText } from "../../src/eql/from-sigma.js";

const fieldNames = ["Image", "CommandLine", "User", "Hashes", "ProcessId", "process.name", "Nope", "", "IntegrityLevel"];
const modifierNames = ["contains", "startswith", "endswith", "all", "cased", "re", "i", "windash", "base64", "base64offset", "wide", "gt", "cidr", "exists", "neq", "fieldref", "bogus"];

/** Usually a valid value, sometimes any scalar. */
function mostly<T>(valid: fc.Arbitrary<T>): fc.Arbitrary<T | unknown> {
  return fc.oneof({ weight: 9, arbitrary: valid }, { weight: 1, arbitrary: scalar });
}

const scalar: fc.Arbitrary<unknown> = fc.oneof(
  fc.string({ maxLength: 8 }),
  fc.constantFrom("*", "\\*", "a?b", "(?i)x", "[", "^a$", "10.0.0.0/8", "SHA256=AB", "C:\\Windows\\", "%x%"),
  fc.integer(),
  fc.boolean(),
  fc.constant(null),
);

const itemKey = fc
  .tuple(
    fc.oneof({ weight: 3, arbitrary: fc.constantFrom("Image", "CommandLine") }, fc.constantFrom(...fieldNames)),
    fc.oneof(fc.constant([]), fc.array(fc.constantFrom(...modifierNames), { maxLength: 2 })),
  )
  .map(([name, modifiers]) => [name, ...modifiers].join("|"));

const itemValue = fc.oneof({ weight: 4, arbitrary: scalar }, fc.array(scalar, { maxLength: 3 }), fc.dictionary(fc.string({ maxLength: 3 }), scalar, { maxKeys: 2 }));

const search = fc.oneof(
  fc.dictionary(itemKey, itemValue, { minKeys: 0, maxKeys: 3 }),
  fc.array(fc.dictionary(itemKey, itemValue, { minKeys: 1, maxKeys: 2 }), { maxLength: 3 }),
  fc.array(scalar, { maxLength: 3 }),
  scalar,
);

const condition = fc.oneof(
  fc.constantFrom("sel", "sel and not filter", "1 of sel*", "all of them", "(sel", "sel |", "not", "sel or x", "1 of"),
  fc.string({ maxLength: 12 }),
  fc.array(fc.constantFrom("sel", "filter"), { maxLength: 2 }),
);

const detection = fc.record(
  { sel: search, filter: search, condition: fc.oneof({ weight: 3, arbitrary: fc.constant("sel") }, condition) },
  { requiredKeys: ["sel", "condition"] },
);

const document = fc.record(
  {
    title: mostly(fc.constant("Fuzzed rule")),
    id: mostly(fc.uuid()),
    status: mostly(fc.constantFrom("test", "stable")),
    level: mostly(fc.constantFrom("informational", "high")),
    date: mostly(fc.constant("2024-01-31")),
    tags: mostly(fc.oneof({ weight: 8, arbitrary: fc.constant(["attack.t1047"]) }, fc.constantFrom(["Attack"], ["a.b", "a.b"]))),
    logsource: mostly(
      fc.record({
        product: fc.constantFrom("windows", "linux"),
        category: fc.constantFrom("process_creation", "image_load", "dns_query", "x"),
      }),
    ),
    detection: mostly(detection),
  },
  { requiredKeys: ["title", "id", "logsource", "detection"] },
);

const outcomes = { converted: 0, rejected: 0 };
const reasons = new Map<string, number>();

function checkOutcome(text: string): void {
  const result = convertRuleText(text, "fuzz.yml");
  outcomes[result.status]++;
  if (result.status === "rejected") reasons.set(result.reason, (reasons.get(result.reason) ?? 0) + 1);
  if (result.status === "rejected") {
    expect(result.error.message).toMatch(/^fuzz\.yml(:\d+)?: \S/);
  } else {
    expect(result.converted.text).toMatch(/^\w+ where /);
  }
}

describe("convertRuleText", () => {
  it("never crashes on random rule documents", () => {
    fc.assert(
      fc.property(document, (doc) => {
        checkOutcome(yaml.dump(doc));
      }),
      { numRuns: 2000 },
    );
    expect(outcomes.converted, JSON.stringify([...reasons])).toBeGreaterThan(0);
  });

  it("never crashes on random text", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), (text) => {
        checkOutcome(text);
      }),
      { numRuns: 1000 },
    );
  });

  it("never crashes on deep conditions", () => {
    const opener = fc.constantFrom("(", "not ", "not (", "sel and (", "(sel or ");
    const rule = (condition: string): string =>
      "title: t\nid: 11111111-2222-4333-8444-555555555555\n" +
      "logsource:\n  product: windows\n  category: process_creation\n" +
      `detection:\n  sel:\n    Image: x\n  condition: ${JSON.stringify(condition)}\n`;
    fc.assert(
      fc.property(fc.array(opener, { maxLength: 400 }), (openers) => {
        const closers = openers.map((open) => (open.includes("(") ? ")" : "")).reverse();
        checkOutcome(rule(`${openers.join("")}sel${closers.join("")}`));
      }),
      { numRuns: 200 },
    );
  });
});

