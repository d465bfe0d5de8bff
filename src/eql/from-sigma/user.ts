/**
 * Sigma's `User` field contains `DOMAIN\name` (Sysmon writes `NT AUTHORITY\SYSTEM`),
 * while ECS keeps the parts apart in `user.domain` and `user.name`, as
 * Elastic's Windows integration splits them. A Sigma pattern is matched
 * against `domain\name` by trying every place the separating backslash can
 * fall: at a literal backslash of the pattern, at a `?`, or inside a `*`.
 * Each place gives a domain pattern and a name pattern; a side that is only
 * `*` adds no condition. A pattern without a backslash is also compared
 * with the name alone, for sources that report no domain.
 */
import type { Expr } from "../ast.js";
import { UnsupportedFeatureError } from "../../sigma/errors.js";
import type { ResolvedItem, ValueMatch } from "../../sigma/modifiers.js";
import { type SigmaString, type StringPart, concatStrings } from "../../sigma/sigma-string.js";
import { and, compare, field, literal, not, or } from "./expr.js";
import { checkEcsField, convertMatches } from "./typed-field.js";
import { matchAnyString } from "./strings.js";

interface Split {
  domain: SigmaString | null;
  name: SigmaString | null;
}

const any: StringPart = { kind: "wildcard", char: "*" };

/** Converts an item on a Sigma user field. */
export function convertUserItem(
  item: ResolvedItem,
  sigmaField: string,
  nameField: string,
  domainField: string | null,
): Expr {
  checkEcsField(nameField, item.where);
  if (domainField !== null) checkEcsField(domainField, item.where);
  const convertGroup = (matches: ValueMatch[]): Expr =>
    or(matches.map((value) => convertUserValue(value, item, sigmaField, nameField, domainField)));
  const expr = item.matchAll ? and(item.groups.map(convertGroup)) : convertGroup(item.groups.flat());
  return item.negated ? not(expr) : expr;
}

function convertUserValue(
  value: ValueMatch,
  item: ResolvedItem,
  sigmaField: string,
  nameField: string,
  domainField: string | null,
): Expr {
  if (value.kind === "regex") {
    throw new UnsupportedFeatureError(
      item.where,
      `regular expression on ${sigmaField}`,
      `ECS splits ${sigmaField} into domain and name fields, so one regular expression cannot match both`,
    );
  }
  if (value.kind !== "string") return convertMatches(nameField, "string", [value], item.cased, item.where);
  const splits = splitUserPattern(value.value);
  if (splits.some((split) => split.domain === null && split.name === null)) {
    return compare("!=", field(nameField, true), literal(null));
  }
  const alternatives = splits.map((split) => {
    if (split.domain !== null && domainField === null) {
      throw new UnsupportedFeatureError(
        item.where,
        `domain part of ${sigmaField}`,
        `The value needs the user's domain, and ECS has no domain field beside ${nameField}`,
      );
    }
    const terms: Expr[] = [];
    if (split.domain !== null) terms.push(matchAnyString(field(domainField!), [split.domain], item.cased));
    if (split.name !== null) terms.push(matchAnyString(field(nameField), [split.name], item.cased));
    return and(terms);
  });
  return or(dedupe(alternatives));
}

/** Lists every domain/name split of a `domain\name` pattern. */
export function splitUserPattern(pattern: SigmaString): Split[] {
  const parts = pattern.parts;
  const backslashes = parts.reduce(
    (count, part) => count + (part.kind === "text" ? part.text.split("\\").length - 1 : 0),
    0,
  );
  if (backslashes > 1) return [];
  const splits: Split[] = [];
  parts.forEach((part, index) => {
    const before: SigmaString = { parts: parts.slice(0, index) };
    const after: SigmaString = { parts: parts.slice(index + 1) };
    if (part.kind === "text") {
      const at = part.text.indexOf("\\");
      if (at < 0) return;
      const left = concatStrings(before, text(part.text.slice(0, at)));
      const right = concatStrings(text(part.text.slice(at + 1)), after);
      splits.push(makeSplit(left, right));
    } else if (backslashes === 0 && part.char === "?") {
      splits.push(makeSplit(before, after));
    } else if (backslashes === 0) {
      splits.push(makeSplit(concatStrings(before, { parts: [any] }), concatStrings({ parts: [any] }, after)));
    }
  });
  // NOTE: a value without a backslash also matches the name of a user who
  // has a domain, so `User: SYSTEM` matches NT AUTHORITY\SYSTEM.
  if (backslashes === 0) splits.push({ domain: null, name: pattern });
  return splits;
}

function text(value: string): SigmaString {
  return { parts: value === "" ? [] : [{ kind: "text", text: value }] };
}

function makeSplit(domain: SigmaString, name: SigmaString): Split {
  return { domain: isAnything(domain) ? null : domain, name: isAnything(name) ? null : name };
}

function isAnything(value: SigmaString): boolean {
  return value.parts.length > 0 && value.parts.every((part) => part.kind === "wildcard" && part.char === "*");
}

function dedupe(exprs: Expr[]): Expr[] {
  const seen = new Set<string>();
  return exprs.filter((expr) => {
    const key = JSON.stringify(expr);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
