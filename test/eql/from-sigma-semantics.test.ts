/**
 * Property tests: for random values and modifiers, the converted query
 * matches a generated event exactly when Sigma's semantics match it.
 * The embedded EQL engine evaluates the query; a JavaScript RegExp built
 * from the Sigma value is the reference. Letters are ASCII, because
 * Elasticsearch folds case for `regex~` in ASCII only.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { Expr } from "../../src/eql/ast.js";
import { compileCondition } from "../../src/eql/engine/condition.js";
import { ecsSchema } from "../../src/eql/engine/schema.js";
import { convertSigmaRule } from "../../src/eql/from-sigma.js";
import { parseSigmaRule } from "../../src/sigma/parse.js";
import { parseSigmaString } from "../../src/sigma/sigma-string.js";

// TODO: add "-" once the engine's wildcard matcher stops escaping it as
// `\-`, which a Unicode-mode JavaScript RegExp rejects.
const alphabet = ["a", "B", "c", "\\", "*", "?", ".", "/", " ", '"', "'", "\t", "€", "$", "(", "[", "^"];
const char = fc.constantFrom(...alphabet);
const plainText = fc.array(char, { maxLength: 6 }).map((chars) => chars.join(""));

/** A Sigma raw value: literal runs (escaped) and wildcards. */
const sigmaValue = fc
  .array(
    fc.oneof(
      { weight: 3, arbitrary: plainText.map((text) => text.replace(/[*?\\]/g, "\\$&")) },
      { weight: 1, arbitrary: fc.constantFrom("*", "?") },
    ),
    { maxLength: 4 },
  )
  .map((parts) => parts.join(""))
  .filter((raw) => !raw.endsWith("\\"));

function yamlQuote(text: string): string {
  return JSON.stringify(text);
}

function ruleWith(item: string): string {
  return `title: Property rule
id: 11111111-2222-4333-8444-555555555555
logsource:
    product: windows
    category: process_creation
detection:
    selection:
        ${item}
    condition: selection
`;
}

function conditionOf(yaml: string): Expr {
  const query = convertSigmaRule(parseSigmaRule(yaml, "property.yml")).query;
  if (query.kind !== "event") throw new Error("expected an event query");
  return query.condition;
}

function evaluate(condition: Expr, commandLine: string): boolean {
  const test = compileCondition(condition, { schema: ecsSchema(), legacy: false, referencedFields: new Set() });
  return test({ event: { type: "start" }, host: { os: { type: "windows" } }, process: { command_line: commandLine } });
}

/** Sigma's meaning of a wildcard value as an anchored JavaScript RegExp. */
function referenceRegExp(raw: string, cased: boolean): RegExp {
  const source = parseSigmaString(raw)
    .parts.map((part) =>
      part.kind === "wildcard"
        ? part.char === "*"
          ? "[\\s\\S]*"
          : "[\\s\\S]"
        : part.text.replace(/[\\^$.*+?()[\]{}|/-]/g, "\\$&"),
    )
    .join("");
  return new RegExp(`^${source}$`, cased ? "" : "i");
}

/** Events that often match: the value with wildcards filled in, or noise. */
function eventFor(raw: string): fc.Arbitrary<string> {
  const filled = fc.array(plainText, { minLength: 8, maxLength: 8 }).map((fills) => {
    let index = 0;
    const pieces = parseSigmaString(raw).parts.map((part) => {
      if (part.kind === "text") return part.text;
      const fill = fills[index++]!;
      return part.char === "*" ? fill : (fill[0] ?? "x");
    });
    return pieces.join("");
  });
  const recased = filled.map((text) => text.toUpperCase());
  return fc.oneof(filled, recased, plainText);
}

const modifiers = fc.constantFrom("", "|contains", "|startswith", "|endswith");

describe("convertSigmaRule semantics", () => {
  it("matches string values as Sigma does", () => {
    fc.assert(
      fc.property(
        sigmaValue,
        modifiers,
        fc.boolean(),
        (raw, modifier, cased) => {
          const item = `CommandLine${modifier}${cased ? "|cased" : ""}: ${yamlQuote(raw)}`;
          const condition = conditionOf(ruleWith(item));
          let pattern = raw;
          if (modifier === "|contains" || modifier === "|endswith") pattern = `*${pattern}`;
          if (modifier === "|contains" || modifier === "|startswith") pattern = `${pattern}*`;
          const reference = referenceRegExp(pattern, cased);
          fc.assert(
            fc.property(eventFor(pattern), (value) => {
              expect(evaluate(condition, value), `${item} on ${JSON.stringify(value)}`).toBe(reference.test(value));
            }),
            { numRuns: 20 },
          );
        },
      ),
      { numRuns: 150 },
    );
  });

  it("matches regular expressions as JavaScript does", () => {
    const atom = fc.oneof(
      fc.constantFrom("a", "B", "\\.", "\\\\", "-", " ", "\\d", "\\w", "\\s", ".", "[a-c]", "[^a]", "\\t"),
      fc.constantFrom("(a|B)", "(?:c|)", "[\\d_]"),
    );
    const quantified = fc.tuple(atom, fc.constantFrom("", "", "*", "+", "?", "{1,2}", "+?")).map(([a, q]) => a + q);
    const regex = fc
      .tuple(fc.boolean(), fc.array(quantified, { minLength: 1, maxLength: 4 }), fc.boolean())
      .map(([start, body, end]) => `${start ? "^" : ""}${body.join("")}${end ? "$" : ""}`);
    const value = fc.array(fc.constantFrom("a", "B", "c", ".", "\\", "-", " ", "1", "_", "\t", "\n", "x"), { maxLength: 8 }).map((c) => c.join(""));
    fc.assert(
      fc.property(regex, fc.constantFrom("", "|i", "|s", "|m"), fc.array(value, { minLength: 10, maxLength: 10 }), (pattern, flag, values) => {
        const condition = conditionOf(ruleWith(`CommandLine|re${flag}: ${yamlQuote(pattern)}`));
        const reference = new RegExp(pattern, flag.slice(1));
        for (const text of values) {
          expect(evaluate(condition, text), `${pattern}${flag} on ${JSON.stringify(text)}`).toBe(reference.test(text));
        }
      }),
      { numRuns: 300 },
    );
  });
});
