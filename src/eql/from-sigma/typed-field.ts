/**
 * Conversion of resolved Sigma values on one ECS field, by the field's type:
 * strings match with `:`/`like~`/`in~`/`regex`, numbers and IP addresses
 * compare with `==`/`in`/`<` (never `:`), IP ranges use `cidrMatch`.
 */
import type { Expr, FieldExpr } from "../ast.js";
import { SigmaRuleError, UnsupportedFeatureError } from "../../sigma/errors.js";
import { type FieldClass, classifyFieldType, ecsFieldType, elasticFieldType } from "../../sigma/ecs.js";
import type { ResolvedItem, ValueMatch } from "../../sigma/modifiers.js";
import type { SourceLocation } from "../../sigma/model.js";
import { type SigmaString, hasWildcard, plainText } from "../../sigma/sigma-string.js";
import { and, compare, field, inList, literal, match, not, or } from "./expr.js";
import { toLuceneRegex } from "./regex-lucene.js";
import { matchAnyString } from "./strings.js";

const compareOperators = { gt: ">", gte: ">=", lt: "<", lte: "<=" } as const;

/**
 * References a field. A field outside ECS is optional (`?field`), because
 * Elasticsearch rejects a query naming a field that no searched index maps,
 * and only some of the rule's data streams map it.
 */
function fieldOf(path: string): FieldExpr {
  return field(path, ecsFieldType(path) === undefined);
}

/** Returns the EQL class of an ECS field, rejecting fields EQL cannot search. */
export function checkEcsField(path: string, where: SourceLocation): FieldClass {
  const type = elasticFieldType(path);
  if (type === undefined) {
    throw new UnsupportedFeatureError(
      where,
      `field ${path} is not in ECS`,
      "Use a Sigma field of the logsource's field table or an ECS field name",
    );
  }
  const fieldClass = classifyFieldType(type);
  if (fieldClass === "text") {
    throw new UnsupportedFeatureError(
      where,
      `text field ${path}`,
      `ECS maps ${path} as ${type}, and EQL cannot search text fields; use its keyword parent field`,
    );
  }
  if (fieldClass === "other") {
    throw new UnsupportedFeatureError(
      where,
      `${type} field ${path}`,
      `EQL cannot compare a field of type ${type} with a value`,
    );
  }
  return fieldClass;
}

/** Converts an item whose values all apply to the ECS field `path`. */
export function convertOnField(path: string, item: ResolvedItem): Expr {
  const fieldClass = checkEcsField(path, item.where);
  const convertGroup = (matches: ValueMatch[]): Expr =>
    convertMatches(path, fieldClass, matches, item.cased, item.where);
  const expr = item.matchAll
    ? and(item.groups.map(convertGroup))
    : convertGroup(item.groups.flat());
  return item.negated ? not(expr) : expr;
}

/** Builds the OR of `matches` on one field. */
export function convertMatches(
  path: string,
  fieldClass: FieldClass,
  matches: ValueMatch[],
  cased: boolean,
  where: SourceLocation,
): Expr {
  const target = fieldOf(path);
  const strings: SigmaString[] = [];
  const numbers: number[] = [];
  const cidrs: string[] = [];
  const parts: Expr[] = [];
  for (const value of matches) {
    switch (value.kind) {
      case "string":
        strings.push(value.value);
        break;
      case "number":
        if (fieldClass === "string") strings.push({ parts: [{ kind: "text", text: value.text }] });
        else numbers.push(exactNumber(value, path, where));
        break;
      case "compare":
        requireClass(fieldClass, ["number", "date"], path, `modifier ${value.op}`, where);
        parts.push(compare(compareOperators[value.op], target, literal(value.value)));
        break;
      case "regex":
        requireClass(fieldClass, ["string"], path, "modifier re", where);
        parts.push(regexExpr(path, value, where));
        break;
      case "cidr":
        requireClass(fieldClass, ["ip"], path, "modifier cidr", where);
        cidrs.push(value.cidr);
        break;
      case "boolean":
        parts.push(booleanExpr(path, fieldClass, value.value, where));
        break;
      case "null":
        // `?` keeps the query valid when no index maps the field; EQL then
        // reads it as null, which is what a missing Sigma field means.
        parts.push(compare("==", field(path, true), literal(null)));
        break;
      case "exists":
        parts.push(compare(value.exists ? "!=" : "==", field(path, true), literal(null)));
        break;
    }
  }
  if (fieldClass === "number") {
    numbers.push(...strings.map((value) => numericText(plainString(path, fieldClass, value, where), path, where)));
    strings.length = 0;
  }
  if (strings.length > 0) parts.unshift(stringsExpr(path, fieldClass, strings, cased, where));
  if (numbers.length > 0) parts.unshift(numbersExpr(path, fieldClass, numbers, where));
  if (cidrs.length > 0) {
    parts.push({ kind: "call", name: "cidrMatch", caseInsensitive: false, args: [target, ...cidrs.map(literal)] });
  }
  return or(parts);
}

function stringsExpr(
  path: string,
  fieldClass: FieldClass,
  values: SigmaString[],
  cased: boolean,
  where: SourceLocation,
): Expr {
  if (fieldClass === "string") return matchAnyString(fieldOf(path), values, cased);
  const texts = values.map((value) => plainString(path, fieldClass, value, where));
  if (fieldClass === "boolean") {
    return or(texts.map((text) => booleanExpr(path, fieldClass, booleanText(text, path, where), where)));
  }
  return texts.length === 1
    ? compare("==", fieldOf(path), literal(texts[0]!))
    : inList(fieldOf(path), texts, false);
}

/** Returns the text of a value, rejecting wildcards outside keyword fields. */
function plainString(path: string, fieldClass: FieldClass, value: SigmaString, where: SourceLocation): string {
  if (!hasWildcard(value)) return plainText(value);
  throw new UnsupportedFeatureError(
    where,
    `wildcard on ${fieldClass} field ${path}`,
    `EQL matches wildcards only on keyword fields; ${path} holds ${fieldClass} values` +
      (fieldClass === "ip" ? ", so use the cidr modifier for address ranges" : ""),
  );
}

function numbersExpr(path: string, fieldClass: FieldClass, values: number[], where: SourceLocation): Expr {
  requireClass(fieldClass, ["number"], path, "a number", where);
  const distinct = [...new Set(values)];
  return distinct.length === 1
    ? compare("==", fieldOf(path), literal(distinct[0]!))
    : inList(fieldOf(path), distinct, false);
}

function booleanExpr(path: string, fieldClass: FieldClass, value: boolean, where: SourceLocation): Expr {
  if (fieldClass === "string") return match(":", fieldOf(path), [String(value)]);
  requireClass(fieldClass, ["boolean"], path, "a boolean", where);
  return compare("==", fieldOf(path), literal(value));
}

function regexExpr(path: string, value: ValueMatch & { kind: "regex" }, where: SourceLocation): Expr {
  const lucene = toLuceneRegex(value.pattern, value.flags, where);
  return match(lucene.ignoreCase ? "regex~" : "regex", fieldOf(path), [lucene.pattern]);
}

function numericText(text: string, path: string, where: SourceLocation): number {
  if (/^-?\d+(\.\d+)?$/.test(text.trim())) return Number(text);
  throw new SigmaRuleError(where, `invalid value ${JSON.stringify(text)} for the numeric field ${path}`, "Use a number");
}

function booleanText(text: string, path: string, where: SourceLocation): boolean {
  const lower = text.toLowerCase();
  if (lower === "true" || lower === "false") return lower === "true";
  throw new SigmaRuleError(where, `invalid value ${JSON.stringify(text)} for the boolean field ${path}`, "Use true or false");
}

function requireClass(
  fieldClass: FieldClass,
  allowed: FieldClass[],
  path: string,
  what: string,
  where: SourceLocation,
): void {
  if (allowed.includes(fieldClass)) return;
  throw new SigmaRuleError(
    where,
    `${what} does not apply to ${path}, a ${fieldClass} field`,
    `Use ${what} only on ${allowed.join(" or ")} fields`,
  );
}

/**
 * Returns the value of a number for a numeric field. An integer past 2^53
 * has no exact double, so the query would search for a nearby number.
 */
function exactNumber(value: { value: number; text: string }, path: string, where: SourceLocation): number {
  if (!Number.isInteger(value.value) || Number.isSafeInteger(value.value)) return value.value;
  throw new SigmaRuleError(
    where,
    `invalid value ${value.text} for the numeric field ${path}: it is beyond the integers a query can write exactly (2^53)`,
    "Use a smaller number",
  );
}
