/**
 * Converts a validated Sigma rule into an EQL event query. The logsource
 * picks the event category, base condition, index patterns and field table.
 * Each search becomes an expression, and the condition combines them.
 */
import type { EqlQuery, Expr } from "./ast.js";
import { printEql } from "./print.js";
import type { DetectionsError } from "../errors.js";
import { SigmaRuleError, UnsupportedFeatureError } from "../sigma/errors.js";
import { parseSigmaRule } from "../sigma/parse.js";
import { decodeRuleText } from "../sigma/rule-text.js";
import { matchSearchNames } from "../sigma/detection.js";
import type { FieldTableName } from "../sigma/fields.js";
import { type BaseTerm, lookupLogsource } from "../sigma/logsources.js";
import { resolveItem } from "../sigma/modifiers.js";
import type { SigmaCondition, SigmaDetectionItem, SigmaRule, SigmaSearch } from "../sigma/model.js";
import { ErrorCollector, SigmaRuleErrors } from "../sigma/rule-errors.js";
import { and, collectFields, compare, field, inList, literal, not, or } from "./from-sigma/expr.js";
import { convertItem } from "./from-sigma/items.js";
import { checkEcsField } from "./from-sigma/typed-field.js";

/** A converted rule: the query, its text, and what Kibana needs beside it. */
export interface ConvertedRule {
  query: EqlQuery;
  text: string;
  category: string;
  indexPatterns: string[];
  /** ECS fields the query reads, sorted. */
  fields: string[];
}

/**
 * Converts `rule` to EQL. Throws UnsupportedFeatureError for constructs EQL
 * cannot express and SigmaRuleError for values that do not fit their field.
 */
export function convertSigmaRule(rule: SigmaRule): ConvertedRule {
  const lookup = lookupLogsource(rule.logsource);
  const logsourceWhere = { file: rule.file, path: "logsource", ...lineOf(rule, "logsource") };
  if (lookup.kind === "unsupported") {
    throw new UnsupportedFeatureError(logsourceWhere, "logsource", `${lookup.reason}.`);
  }
  const target = lookup.target;
  const base = target.base.map((term) => baseExpr(term, logsourceWhere));
  const problems = new ErrorCollector();
  const searches = new SearchConverter(rule, target.fields, problems);
  const condition = searches.convert(rule.detection.condition);
  problems.throwIfAny();
  const query: EqlQuery = {
    kind: "event",
    category: target.category,
    condition: and([...base, condition]),
    pipes: [],
  };
  const fields = new Set<string>();
  collectFields(query.condition, fields);
  return {
    query,
    text: printEql(query),
    category: target.category,
    indexPatterns: [...target.indexPatterns],
    fields: [...fields].sort(),
  };
}

/** Same as convertSigmaRule, returning only the query tree. */
export function convertToEql(rule: SigmaRule): EqlQuery {
  return convertSigmaRule(rule).query;
}

function lineOf(rule: SigmaRule, key: string): { line?: number } {
  const line = rule.lines[key];
  return line === undefined ? {} : { line };
}

function baseExpr(term: BaseTerm, where: { file: string; path: string }): Expr {
  checkEcsField(term.field, where);
  const matches =
    typeof term.equals === "string"
      ? compare("==", field(term.field), literal(term.equals))
      : inList(field(term.field), term.equals, false);
  if (!term.orMissing) return matches;
  const missing = compare("==", field(term.field), literal(null));
  return { kind: "or", operands: [matches, missing] };
}

class SearchConverter {
  private readonly cache = new Map<string, Expr>();
  private readonly names: string[];

  constructor(
    private readonly rule: SigmaRule,
    private readonly table: FieldTableName,
    /** Errors of single items; the other items are still converted. */
    private readonly problems: ErrorCollector,
  ) {
    this.names = [...rule.detection.searches.keys()];
  }

  convert(condition: SigmaCondition): Expr {
    switch (condition.kind) {
      case "ref":
        return this.search(condition.name);
      case "and":
        return and(condition.operands.map((operand) => this.convert(operand)));
      case "or":
        return or(condition.operands.map((operand) => this.convert(operand)));
      case "not":
        return not(this.convert(condition.operand));
      case "quantifier": {
        const exprs = matchSearchNames(condition.pattern, this.names).map((name) => this.search(name));
        return condition.quantity === "all" ? and(exprs) : or(exprs);
      }
    }
  }

  private search(name: string): Expr {
    const cached = this.cache.get(name);
    if (cached !== undefined) return cached;
    const search = this.rule.detection.searches.get(name)!;
    const expr = this.problems.attempt(() => this.convertSearch(search), literal(true));
    this.cache.set(name, expr);
    return expr;
  }

  private convertSearch(search: SigmaSearch): Expr {
    if (search.kind === "keywords") {
      throw new UnsupportedFeatureError(
        search.where,
        "keyword search without a field",
        "EQL compares fields, not whole events; name the field that holds the keyword",
      );
    }
    const convertOne = (item: SigmaDetectionItem): Expr =>
      this.problems.attempt(() => convertItem(resolveItem(item), this.table), literal(true));
    return or(search.alternatives.map((items) => and(items.map(convertOne))));
  }
}

/** Outcome of converting one rule file. */
export type ConversionResult =
  | { file: string; status: "converted"; rule: SigmaRule; converted: ConvertedRule }
  | { file: string; status: "rejected"; reason: string; error: DetectionsError };

/**
 * Parses and converts one rule file, given as text or as the file's bytes
 * (decoded as UTF-8). Invalid and unsupported rules come back as
 * `rejected` with a short reason; other errors are bugs and propagate.
 */
export function convertRuleText(
  content: string | Uint8Array,
  file: string,
): ConversionResult {
  try {
    const text =
      typeof content === "string" ? content : decodeRuleText(content, file);
    const rule = parseSigmaRule(text, file);
    return { file, status: "converted", rule, converted: convertSigmaRule(rule) };
  } catch (error) {
    if (error instanceof UnsupportedFeatureError) {
      return { file, status: "rejected", reason: error.feature, error };
    }
    if (error instanceof SigmaRuleError) {
      return { file, status: "rejected", reason: "invalid Sigma rule", error };
    }
    if (error instanceof SigmaRuleErrors) {
      const invalid = error.errors.some((each) => each instanceof SigmaRuleError);
      const first = error.errors.find((each) => each instanceof UnsupportedFeatureError);
      const reason = invalid || first === undefined ? "invalid Sigma rule" : first.feature;
      return { file, status: "rejected", reason, error };
    }
    throw error;
  }
}
