/**
 * Sigma's `Hashes` field is Sysmon's `MD5=...,SHA256=...,IMPHASH=...` text.
 * ECS (and Elastic's Windows integration) stores one field per algorithm, so
 * each value maps to the field its `ALGORITHM=` prefix names. A value that
 * may continue (`contains` or `startswith`) and is shorter than a full hash
 * becomes a prefix pattern. Any other value is an exact, case-insensitive
 * match.
 */
import type { Expr } from "../ast.js";
import { UnsupportedFeatureError } from "../../sigma/errors.js";
import type { ResolvedItem, ValueMatch } from "../../sigma/modifiers.js";
import type { SourceLocation } from "../../sigma/model.js";
import { and, field, not, or } from "./expr.js";
import { checkEcsField, convertMatches } from "./typed-field.js";
import { matchAnyString } from "./strings.js";

const hexLengths: Record<string, number> = {
  MD5: 32,
  SHA1: 40,
  SHA256: 64,
  SHA384: 96,
  SHA512: 128,
  IMPHASH: 32,
};

/** Converts an item on `Hashes` with the algorithm-to-field table `fields`. */
export function convertHashesItem(item: ResolvedItem, fields: Record<string, string>): Expr {
  const convertGroup = (matches: ValueMatch[]): Expr => {
    const byField = new Map<string, string[]>();
    const others: Expr[] = [];
    for (const value of matches) {
      if (value.kind !== "string") {
        if (value.kind !== "null" && value.kind !== "exists") unsupportedHash(item.where, "a non-string value");
        // A missing Hashes means every hash field is missing.
        const all = [...new Set(Object.values(fields))].map((path) =>
          convertMatches(path, "string", [value], false, item.where),
        );
        const present = value.kind === "exists" && value.exists;
        others.push(present ? or(all) : and(all));
        continue;
      }
      const { path, pattern } = hashTarget(value, fields, item.where);
      byField.set(path, [...(byField.get(path) ?? []), pattern]);
    }
    const terms = [...byField].map(([path, patterns]) => {
      checkEcsField(path, item.where);
      return matchAnyString(
        field(path),
        patterns.map((pattern) => ({
          parts: pattern.endsWith("*")
            ? [{ kind: "text" as const, text: pattern.slice(0, -1) }, { kind: "wildcard" as const, char: "*" as const }]
            : [{ kind: "text" as const, text: pattern }],
        })),
        item.cased,
      );
    });
    return or([...terms, ...others]);
  };
  const expr = item.matchAll ? and(item.groups.map(convertGroup)) : convertGroup(item.groups.flat());
  return item.negated ? not(expr) : expr;
}

function hashTarget(
  value: ValueMatch & { kind: "string" },
  fields: Record<string, string>,
  where: SourceLocation,
): { path: string; pattern: string } {
  const parts = [...value.value.parts];
  const first = parts[0];
  const last = parts[parts.length - 1];
  if (first?.kind === "wildcard" && first.char === "*") parts.shift();
  const openEnd = last?.kind === "wildcard" && last.char === "*" && parts.length > 1;
  if (openEnd) parts.pop();
  const body = parts.length === 1 && parts[0]!.kind === "text" ? parts[0]!.text : null;
  const match = body === null ? null : /^([A-Za-z0-9]+)=([0-9A-Fa-f]+)$/.exec(body);
  if (match === null) {
    return unsupportedHash(where, "a value without the form ALGORITHM=hex");
  }
  const algorithm = match[1]!.toUpperCase();
  const path = fields[algorithm];
  if (path === undefined) return unsupportedHash(where, `hash algorithm ${match[1]}`);
  const hex = match[2]!;
  const partial = openEnd && hex.length < (hexLengths[algorithm] ?? 0);
  return { path, pattern: partial ? `${hex}*` : hex };
}

function unsupportedHash(where: SourceLocation, what: string): never {
  throw new UnsupportedFeatureError(
    where,
    `Hashes with ${what}`,
    "Write each Hashes value as ALGORITHM=hex, such as SHA256=..., with MD5, SHA1, SHA256, SHA384, SHA512 or IMPHASH",
  );
}
