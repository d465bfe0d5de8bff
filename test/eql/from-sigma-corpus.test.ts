/**
 * The SigmaHQ process_creation corpus: every rule converts to EQL that the
 * EQL parser accepts, with valid Lucene regexps and ECS fields EQL can
 * search, or is rejected for a reason listed in
 * test/fixtures/sigma/sigmahq-rejected.tsv.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { expect, it } from "vitest";
import type { Expr } from "../../src/eql/ast.js";
import { luceneToJsRegExpSource } from "../../src/eql/engine/lucene-regexp.js";
import { parseEql } from "../../src/eql/parser.js";
import { printEql } from "../../src/eql/print.js";
import { classifyFieldType, elasticFieldType } from "../../src/sigma/ecs.js";
import { convertRuleTree } from "../../src/cli/convert.js";
import {
  describeWithSharedData,
  hasSharedData,
  sharedDataPath,
} from "../shared-data.js";

const corpus = sharedDataPath("sigmahq", "rules");
const results = hasSharedData ? convertRuleTree(corpus, corpus) : [];
const converted = results.flatMap((result) => (result.status === "converted" ? [result] : []));

function regexPatterns(expr: Expr, into: string[]): string[] {
  if (expr.kind === "match" && expr.op.startsWith("regex")) {
    for (const pattern of expr.patterns) {
      if (pattern.kind === "literal" && typeof pattern.value === "string") into.push(pattern.value);
    }
  }
  if (expr.kind === "and" || expr.kind === "or") expr.operands.forEach((operand) => regexPatterns(operand, into));
  if (expr.kind === "not") regexPatterns(expr.operand, into);
  return into;
}

describeWithSharedData("convertRuleTree over the SigmaHQ corpus", () => {
  it("reads all 715 rules", () => {
    expect(results).toHaveLength(715);
  });

  it("converts at least 97 percent", () => {
    expect(converted.length / results.length).toBeGreaterThanOrEqual(0.97);
  });

  it("rejects exactly the listed rules", () => {
    const listed = readFileSync(path.join("test", "fixtures", "sigma", "sigmahq-rejected.tsv"), "utf8")
      .trim()
      .split("\n")
      .slice(1)
      .map((line) => line.split("\t"));
    const rejected = results.flatMap((result) =>
      result.status === "rejected" ? [[result.file, result.reason]] : [],
    );
    expect(rejected).toEqual(listed);
  });

  it("produces queries the EQL parser reads back", () => {
    const failures: string[] = [];
    for (const result of converted) {
      try {
        const query = parseEql(result.converted.text);
        if (printEql(query) !== result.converted.text) failures.push(`${result.file}: printing again differs`);
      } catch (error) {
        failures.push(`${result.file}: ${(error as Error).message}`);
      }
    }
    expect(failures).toEqual([]);
  });

  it("produces valid Lucene regular expressions", () => {
    const failures: string[] = [];
    let count = 0;
    for (const result of converted) {
      if (result.converted.query.kind !== "event") continue;
      for (const pattern of regexPatterns(result.converted.query.condition, [])) {
        count++;
        try {
          luceneToJsRegExpSource(pattern);
        } catch (error) {
          failures.push(`${result.file}: ${(error as Error).message}`);
        }
      }
    }
    expect(failures).toEqual([]);
    expect(count).toBeGreaterThan(20);
  });

  it("uses only Elastic fields EQL can search", () => {
    const failures: string[] = [];
    for (const result of converted) {
      for (const field of result.converted.fields) {
        const type = elasticFieldType(field);
        if (type === undefined || ["text", "other"].includes(classifyFieldType(type))) {
          failures.push(`${result.file}: ${field} (${type})`);
        }
      }
    }
    expect(failures).toEqual([]);
  });

  it("limits every query to Windows process starts", () => {
    for (const result of converted) {
      const query = result.converted.query;
      expect(query.kind === "event" && query.category).toBe("process");
      const condition = query.kind === "event" ? query.condition : null;
      const base = condition?.kind === "and" ? condition.operands.slice(0, 2) : [];
      expect(base.map((expr) => printEql({ kind: "event", category: "any", condition: expr, pipes: [] }))).toEqual([
        'any where event.type == "start"',
        'any where host.os.type == "windows" or host.os.type == null',
      ]);
    }
  });
});
