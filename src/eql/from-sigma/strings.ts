/**
 * String matching in EQL for Sigma string values. Sigma matches
 * case-insensitively unless `cased` is set, so values become `:`, `in~` and
 * `like~` (or `==`, `in` and `like` with `cased`). EQL's `*` and `?` are
 * always wildcards in `:` and `like` patterns and have no escape, because
 * the Elasticsearch EQL parser turns them into LIKE wildcards
 * unconditionally. So a value with a literal `*` or `?` uses equality when
 * it has no wildcard, and a Lucene regular expression when it has both.
 */
import type { Expr, FieldExpr } from "../ast.js";
import type { SigmaString } from "../../sigma/sigma-string.js";
import { hasWildcard, plainText } from "../../sigma/sigma-string.js";
import { escapeChar } from "./regex-lucene.js";
import { compare, inList, literal, match, or } from "./expr.js";

/** Builds an expression true when `target` matches any of `values`. */
export function matchAnyString(target: FieldExpr, values: SigmaString[], cased: boolean): Expr {
  const likeSafe: SigmaString[] = [];
  const literalOnly: string[] = [];
  const regexes: string[] = [];
  for (const value of unique(values)) {
    const literalStar = value.parts.some((part) => part.kind === "text" && /[*?]/.test(part.text));
    if (!literalStar) likeSafe.push(value);
    else if (!hasWildcard(value)) literalOnly.push(plainText(value));
    else regexes.push(wildcardToLucene(value));
  }
  const parts: Expr[] = [];
  if (likeSafe.length > 0) parts.push(likeExpr(target, likeSafe, cased));
  if (literalOnly.length > 0) parts.push(equalsExpr(target, literalOnly, cased));
  if (regexes.length > 0) parts.push(match(cased ? "regex" : "regex~", target, regexes));
  return or(parts);
}

function likeExpr(target: FieldExpr, values: SigmaString[], cased: boolean): Expr {
  const texts = values.map(plainText);
  if (!values.some(hasWildcard)) return equalsExpr(target, texts, cased);
  if (!cased && texts.length === 1) return match(":", target, texts);
  return match(cased ? "like" : "like~", target, texts);
}

/**
 * Builds exact matches. A single case-insensitive value uses `:`, unless it
 * contains a `*` or `?`, which `:` would read as a wildcard.
 */
function equalsExpr(target: FieldExpr, texts: string[], cased: boolean): Expr {
  if (texts.length === 1) {
    const text = texts[0]!;
    if (cased) return compare("==", target, literal(text));
    if (!/[*?]/.test(text)) return match(":", target, [text]);
  }
  return inList(target, texts, !cased);
}

/** Translates a wildcard value into a Lucene regexp for the whole value. */
export function wildcardToLucene(value: SigmaString): string {
  return value.parts
    .map((part) => {
      if (part.kind === "wildcard") return part.char === "*" ? ".*" : ".";
      return Array.from(part.text).map(escapeChar).join("");
    })
    .join("");
}

function unique(values: SigmaString[]): SigmaString[] {
  const seen = new Set<string>();
  return values.filter((value) => {
    const key = JSON.stringify(value.parts);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
