/**
 * Candidate field values for event synthesis: values that make an atom of a
 * condition hold, and values close to a given one that may make it fail.
 * Candidates are only proposals. The synthesizer checks each one on the
 * embedded engine, so EQL's own semantics (letter case, wildcards, arrays,
 * missing fields) decide which value is used.
 */
import { EcsFlat } from "@elastic/ecs";
import type { EqlValue, Expr } from "../../eql/ast.js";
import { sampleRegex } from "./lucene-regex.js";

/** A field value, or `absent` for a field the event does not have. */
export type FieldValue = EqlValue | EqlValue[] | typeof absent;

/** Marks a field that the synthesized event leaves out. */
export const absent: unique symbol = Symbol("absent");

/** Returns the field path an atom reads, or null when it reads none or several. */
export function fieldOf(atom: Expr): string | null {
  switch (atom.kind) {
    case "field":
      return atom.path;
    case "match":
    case "in":
      return atom.field.kind === "field" ? atom.field.path : null;
    case "compare":
      return singleField([atom.left, atom.right]);
    case "call":
      return singleField(atom.args);
    default:
      return null;
  }
}

/** Returns the field of a list of operands when exactly one operand reads a field. */
function singleField(operands: Expr[]): string | null {
  const fields = operands.flatMap((operand) => {
    const inner = operand.kind === "call" ? operand.args : [operand];
    return inner.filter((expr) => expr.kind === "field");
  });
  if (fields.length !== 1) return null;
  const field = fields[0];
  return field?.kind === "field" ? field.path : null;
}

/** Returns whether ECS defines the field as an array (`normalize: array`). */
export function isArrayField(path: string): boolean {
  const definition = EcsFlat[path as keyof typeof EcsFlat] as
    { normalize?: string[] } | undefined;
  return definition?.normalize?.includes("array") ?? false;
}

/** Returns the ECS type of a field, or undefined for a field outside ECS. */
export function ecsTypeOf(path: string): string | undefined {
  const definition = EcsFlat[path as keyof typeof EcsFlat] as
    { type?: string } | undefined;
  return definition?.type;
}

/**
 * Returns a value unrelated to any pattern, of the field's ECS type, so
 * that Elasticsearch can index it: a number, an IP address from the
 * documentation range 192.0.2.0/24, a date, a boolean, or a string.
 */
export function otherValue(field: string): EqlValue {
  switch (ecsTypeOf(field)) {
    case "long":
    case "integer":
    case "short":
    case "byte":
    case "float":
    case "double":
    case "scaled_float":
      return 0;
    case "ip":
      return "192.0.2.1";
    case "date":
      return "2025-01-01T00:00:00.000Z";
    case "boolean":
      return false;
    default:
      return "synthesized-other";
  }
}

/** Returns whether ECS types the field as a number. */
export function isNumericField(path: string): boolean {
  return [
    "long",
    "integer",
    "short",
    "byte",
    "float",
    "double",
    "scaled_float",
  ].includes(ecsTypeOf(path) ?? "");
}

function literalValues(exprs: Expr[]): EqlValue[] {
  return exprs.flatMap((expr) => (expr.kind === "literal" ? [expr.value] : []));
}

/**
 * Returns values that make the atom hold, best first: examples built from
 * its patterns, values or bounds. Returns an empty list when the atom has a
 * form this module cannot invert (the synthesizer then reports the branch).
 */
export function satisfyingValues(atom: Expr): FieldValue[] {
  switch (atom.kind) {
    case "field":
      return [true];
    case "match":
      return literalValues(atom.patterns).flatMap((pattern) =>
        typeof pattern !== "string"
          ? []
          : atom.op.startsWith("regex")
            ? sampleRegex(pattern)
            : wildcardExamples(pattern),
      );
    case "in":
      return atom.negated ? ["synthesized-other"] : literalValues(atom.values);
    case "compare":
      return compareValues(atom.op, atom.left, atom.right);
    case "call":
      return callValues(atom.name, atom.args);
    default:
      return [];
  }
}

/**
 * Returns examples of an EQL wildcard pattern. Each `?` becomes one
 * character. Each `*` becomes a filler character first, because that reads
 * like a real value, and then nothing.
 */
export function wildcardExamples(pattern: string): string[] {
  const filled = pattern.replaceAll("*", "x").replaceAll("?", "b");
  const shortest = pattern.replaceAll("*", "").replaceAll("?", "a");
  return shortest === filled ? [filled] : [filled, shortest];
}

/** Returns whether an atom matches with EQL wildcards (`:`, `like`, `like~`). */
function isWildcardMatch(atom: Expr): atom is Extract<Expr, { kind: "match" }> {
  return atom.kind === "match" && !atom.op.startsWith("regex");
}

/**
 * Returns strings that meet several wildcard matches on one field at once.
 * Choice i takes the i-th pattern of each match, cycling through shorter
 * lists, and splits each at `*`. The value is the longest fixed start, every
 * inner part in order, then the longest fixed end. Returns nothing when an
 * atom is not a wildcard match. The engine still checks each value.
 */
export function combinedWildcardValues(
  atoms: readonly Expr[],
  maxChoices = 8,
): string[] {
  const lists: string[][] = [];
  for (const atom of atoms) {
    if (!isWildcardMatch(atom)) return [];
    const patterns = literalValues(atom.patterns).filter(
      (value): value is string => typeof value === "string",
    );
    if (patterns.length === 0) return [];
    lists.push(patterns);
  }
  const widest = Math.min(
    maxChoices,
    Math.max(...lists.map((list) => list.length)),
  );
  const values: string[] = [];
  for (let choice = 0; choice < widest; choice += 1) {
    const picked = lists.map((list) => list[choice % list.length] ?? "");
    const value = combinePatterns(picked);
    if (value !== null && !values.includes(value)) values.push(value);
  }
  return values;
}

/** Builds one string that every pattern matches, or null when their fixed ends clash. */
function combinePatterns(patterns: readonly string[]): string | null {
  let start = "";
  let end = "";
  const inner: string[] = [];
  for (const pattern of patterns) {
    const parts = pattern.replaceAll("?", "a").split("*");
    // A pattern without `*` allows only its own text; the engine checks the rest.
    if (parts.length === 1) return parts[0] ?? "";
    const first = parts[0] ?? "";
    const last = parts[parts.length - 1] ?? "";
    if (!first.startsWith(start) && !start.startsWith(first)) return null;
    if (!last.endsWith(end) && !end.endsWith(last)) return null;
    if (first.length > start.length) start = first;
    if (last.length > end.length) end = last;
    inner.push(...parts.slice(1, -1).filter((part) => part !== ""));
  }
  return [start, ...inner, end].join(" ");
}

function compareValues(op: string, left: Expr, right: Expr): FieldValue[] {
  const fieldOnLeft = left.kind === "field" || left.kind === "call";
  const fieldSide = fieldOnLeft ? left : right;
  const other = fieldOnLeft ? right : left;
  if (other.kind !== "literal") return [];
  // Mirror the operator when the field is on the right: 3 < x is x > 3.
  const mirrored: Record<string, string> = {
    "<": ">",
    "<=": ">=",
    ">": "<",
    ">=": "<=",
  };
  const operator = fieldOnLeft ? op : (mirrored[op] ?? op);
  const bound = other.value;
  if (fieldSide.kind === "call" && fieldSide.name.toLowerCase() === "length") {
    return typeof bound === "number"
      ? numberValues(operator, bound).map((length) =>
          "x".repeat(Math.max(0, length)),
        )
      : [];
  }
  if (fieldSide.kind !== "field") return [];
  if (bound === null)
    return operator === "==" ? [absent] : [otherValue(fieldSide.path)];
  if (typeof bound === "number") return numberValues(operator, bound);
  if (typeof bound === "string") return stringValues(operator, bound);
  return operator === "==" ? [bound] : [!bound];
}

function numberValues(op: string, bound: number): number[] {
  switch (op) {
    case "==":
    case "<=":
    case ">=":
      return [bound];
    case "<":
      return [bound - 1];
    case ">":
      return [bound + 1];
    default:
      return [bound + 1, bound - 1];
  }
}

function stringValues(op: string, bound: string): string[] {
  switch (op) {
    case "==":
    case "<=":
    case ">=":
      return [bound];
    case "<":
      return bound === "" ? [] : [bound.slice(0, -1)];
    case ">":
      return [`${bound}x`];
    default:
      return [`${bound}x`, ""];
  }
}

function callValues(name: string, args: Expr[]): FieldValue[] {
  const strings = literalValues(args.slice(1)).filter(
    (value): value is string => typeof value === "string",
  );
  switch (name.toLowerCase()) {
    case "startswith":
      return strings.map((text) => `${text}x`);
    case "endswith":
      return strings.map((text) => `x${text}`);
    case "stringcontains":
      return strings.map((text) => `x${text}x`);
    case "cidrmatch":
      return strings.flatMap(cidrExample);
    default:
      return [];
  }
}

/** Returns an address inside an IPv4 or IPv6 CIDR block: the network address plus one. */
function cidrExample(cidr: string): string[] {
  const [address = "", prefix = ""] = cidr.split("/");
  if (address.includes(":"))
    return [address.endsWith("::") ? `${address}1` : address];
  const octets = address.split(".").map(Number);
  if (octets.length !== 4 || octets.some((octet) => Number.isNaN(octet)))
    return [];
  const bits = prefix === "" ? 32 : Number(prefix);
  if (bits >= 31) return [address];
  const last = octets[3] ?? 0;
  return [[...octets.slice(0, 3), last + 1].join(".")];
}

/**
 * Returns values close to `value` that may break a condition it meets,
 * closest first. A string gets another letter case, one character changed
 * near the end or the start, a character added at either end, an empty
 * string, and last the field left out. Numbers get their neighbours,
 * booleans their opposite.
 */
export function nearValues(value: EqlValue): Array<EqlValue | typeof absent> {
  if (typeof value === "number") return [value + 1, value - 1, absent];
  if (typeof value === "boolean") return [!value, absent];
  if (value === null) return ["synthesized-other"];
  const candidates: Array<EqlValue | typeof absent> = [];
  const swapped = swapCase(value);
  if (swapped !== value) candidates.push(swapped);
  for (const position of editPositions(value.length)) {
    candidates.push(replaceAt(value, position));
  }
  candidates.push(`${value}x`, `x${value}`, "", absent);
  return candidates;
}

/** Character positions to edit: the last eight, then the first four. */
function editPositions(length: number): number[] {
  const positions: number[] = [];
  for (let offset = 1; offset <= Math.min(8, length); offset += 1) {
    positions.push(length - offset);
  }
  for (let position = 0; position < Math.min(4, length); position += 1) {
    if (!positions.includes(position)) positions.push(position);
  }
  return positions;
}

function replaceAt(text: string, position: number): string {
  const char = text[position] ?? "";
  let replacement = "x";
  if (/[a-y]/i.test(char))
    replacement = String.fromCharCode(char.charCodeAt(0) + 1);
  else if (/[zZ]/.test(char)) replacement = char === "z" ? "a" : "A";
  else if (/[0-8]/.test(char)) replacement = String(Number(char) + 1);
  else if (char === "9") replacement = "0";
  return text.slice(0, position) + replacement + text.slice(position + 1);
}

function swapCase(text: string): string {
  const upper = text.toUpperCase();
  return upper !== text ? upper : text.toLowerCase();
}
