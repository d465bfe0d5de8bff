/**
 * Translates a parsed Sigma regular expression into Lucene's regular
 * expression syntax, which Elasticsearch's EQL `regex` and `regex~` use.
 * A Lucene regexp has no anchors and must match the whole value, so an
 * unanchored Sigma pattern gets `.*` on each open side. A `^` or `$` at the
 * edge of the pattern (or of a leading or trailing group) closes that side.
 * Every literal character other than a letter, digit, space or non-ASCII
 * character is backslash-escaped, because Elasticsearch enables all Lucene
 * operators (`# @ & < > ~` and `"` quoting among them).
 */
import { UnsupportedFeatureError, describeValue } from "../../sigma/errors.js";
import type { SourceLocation } from "../../sigma/model.js";
import type { RegexFlags } from "../../sigma/modifiers.js";
import { type ClassItem, type RegexNode, type Shorthand, parseRegex } from "./regex-parse.js";

/** A Lucene pattern and whether it must match case-insensitively. */
export interface LuceneRegex {
  pattern: string;
  ignoreCase: boolean;
}

/** PCRE `\s`: space, tab, line feed, vertical tab, form feed, carriage return. */
const whitespace = " \t\n\v\f\r";
const shorthandSets: Record<"d" | "w" | "s", string> = {
  d: "0-9",
  w: "0-9A-Za-z_",
  s: whitespace,
};

interface EmitContext {
  dotAll: boolean;
  ignoreCase: boolean;
  multiline: boolean;
  where: SourceLocation;
  pattern: string;
}

/** Translates Sigma's `pattern` with its `re` sub-modifier flags. */
export function toLuceneRegex(pattern: string, flags: RegexFlags, where: SourceLocation): LuceneRegex {
  const parsed = parseRegex(pattern, where);
  const context: EmitContext = {
    dotAll: flags.dotAll || parsed.inlineFlags.dotAll,
    ignoreCase: flags.ignoreCase || parsed.inlineFlags.ignoreCase,
    multiline: flags.multiline || parsed.inlineFlags.multiline,
    where,
    pattern,
  };
  const body = emitAlternatives(parsed.alternatives, context, true, true);
  return { pattern: body, ignoreCase: context.ignoreCase };
}

function emitAlternatives(
  alternatives: RegexNode[][],
  context: EmitContext,
  openStart: boolean,
  openEnd: boolean,
): string {
  return alternatives.map((sequence) => emitSequence(sequence, context, openStart, openEnd)).join("|");
}

/**
 * Emits a sequence. `openStart` means the text before it is unconstrained
 * (Sigma's search semantics), so it needs a `.*` prefix unless it begins
 * with `^`. `openEnd` means the same for the end.
 */
function emitSequence(nodes: RegexNode[], context: EmitContext, openStart: boolean, openEnd: boolean): string {
  if (nodes.length === 0) {
    return openStart || openEnd ? ".*" : "()";
  }
  const parts: string[] = [];
  let start = 0;
  let end = nodes.length;
  let prefix = openStart ? ".*" : "";
  let suffix = openEnd ? ".*" : "";
  const first = nodes[0]!;
  const last = nodes[nodes.length - 1]!;
  if (openStart && first.kind === "start") {
    prefix = context.multiline ? `(.*${"\n"})?` : "";
    start = 1;
  } else if (openStart && first.kind === "group" && containsAnchor(first)) {
    const onlyNode = nodes.length === 1;
    parts.push(`(${emitAlternatives(first.alternatives, context, true, openEnd && onlyNode)})`);
    prefix = "";
    start = 1;
    if (onlyNode) suffix = "";
  }
  // NOTE: `$` matches only at the very end of the value, as in JavaScript
  // and RE2; PCRE would also match before a final line feed.
  if (end > start && openEnd && last.kind === "end") {
    suffix = context.multiline ? `(${"\n"}.*)?` : "";
    end -= 1;
  } else if (end > start && openEnd && last.kind === "group" && containsAnchor(last)) {
    const trailing = `(${emitAlternatives(last.alternatives, context, false, true)})`;
    const middle = nodes.slice(start, end - 1).map((node) => emitNode(node, context));
    return prefix + [...parts, ...middle, trailing].join("");
  }
  const middle = nodes.slice(start, end).map((node) => emitNode(node, context));
  return prefix + [...parts, ...middle].join("") + suffix;
}

function containsAnchor(node: RegexNode): boolean {
  switch (node.kind) {
    case "start":
    case "end":
      return true;
    case "group":
      return node.alternatives.some((sequence) => sequence.some(containsAnchor));
    case "repeat":
      return containsAnchor(node.node);
    default:
      return false;
  }
}

function emitNode(node: RegexNode, context: EmitContext): string {
  switch (node.kind) {
    case "char":
      return escapeChar(node.char);
    case "any":
      return context.dotAll ? "." : `[^${"\n"}]`;
    case "shorthand":
      return emitShorthand(node.name);
    case "class":
      return emitClass(node.negated, node.items, context);
    case "group":
      return `(${emitAlternatives(node.alternatives, context, false, false)})`;
    case "repeat":
      return emitNode(node.node, context) + emitQuantifier(node.min, node.max);
    case "start":
    case "end":
      throw new UnsupportedFeatureError(
        context.where,
        `regular expression anchor ${node.kind === "start" ? "^" : "$"} inside the pattern`,
        `Lucene regular expressions have no anchors, so only a ^ at the start or a $ at the end can be translated (pattern ${describeValue(context.pattern)}).`,
      );
  }
}

function emitQuantifier(min: number, max: number | null): string {
  if (min === 0 && max === null) return "*";
  if (min === 1 && max === null) return "+";
  if (min === 0 && max === 1) return "?";
  if (max === null) return `{${min},}`;
  return min === max ? `{${min}}` : `{${min},${max}}`;
}

function emitShorthand(name: Shorthand): string {
  const lower = name.toLowerCase() as "d" | "w" | "s";
  const negated = name !== lower;
  return `[${negated ? "^" : ""}${escapeClassSet(shorthandSets[lower])}]`;
}

function emitClass(negated: boolean, items: ClassItem[], context: EmitContext): string {
  const shorthands = items.filter(
    (item): item is ClassItem & { kind: "shorthand" } => item.kind === "shorthand",
  );
  const negatedShorthands = shorthands.filter((item) => item.name === item.name.toUpperCase());
  if (negatedShorthands.length === 0) {
    return `[${negated ? "^" : ""}${items.map((item) => emitClassItem(item, context)).join("")}]`;
  }
  const complements = new Set(shorthands.map((item) => item.name.toLowerCase() + (item.name === item.name.toUpperCase() ? "!" : "")));
  const coversAll = ["d", "w", "s"].some((name) => complements.has(name) && complements.has(`${name}!`));
  if (coversAll && !negated) return ".";
  if (negated) {
    throw new UnsupportedFeatureError(
      context.where,
      "negated character class with \\D, \\W or \\S",
      `Lucene cannot subtract a negated shorthand inside [^...]; list the allowed characters instead (pattern ${describeValue(context.pattern)}).`,
    );
  }
  const rest = items.filter((item) => !(negatedShorthands as ClassItem[]).includes(item));
  const branches = negatedShorthands.map((item) => emitShorthand(item.name));
  if (rest.length > 0) branches.unshift(`[${rest.map((item) => emitClassItem(item, context)).join("")}]`);
  return `(${branches.join("|")})`;
}

function emitClassItem(item: ClassItem, context: EmitContext): string {
  switch (item.kind) {
    case "char":
      return escapeChar(item.char);
    case "range": {
      const range = `${escapeChar(item.from)}-${escapeChar(item.to)}`;
      return context.ignoreCase ? range + otherCaseRanges(item.from, item.to) : range;
    }
    case "shorthand":
      return escapeClassSet(shorthandSets[item.name as "d" | "w" | "s"]);
  }
}

/**
 * Spells out the other case of the ASCII letters in a range, because
 * Lucene's case-insensitive flag (ASCII_CASE_INSENSITIVE, which `regex~`
 * sets) folds single characters but not ranges: `[a-c]` never matches `B`.
 */
function otherCaseRanges(from: string, to: string): string {
  const low = from.codePointAt(0)!;
  const high = to.codePointAt(0)!;
  let ranges = "";
  for (const [first, last, shift] of [[0x61, 0x7a, -0x20], [0x41, 0x5a, 0x20]] as const) {
    const start = Math.max(low, first);
    const end = Math.min(high, last);
    if (start > end) continue;
    ranges += `${String.fromCharCode(start + shift)}-${String.fromCharCode(end + shift)}`;
  }
  return ranges;
}

/** Escapes the characters of a set written as in `shorthandSets`. */
function escapeClassSet(set: string): string {
  return set.replace(/[^-0-9A-Za-z]/g, (char) => escapeChar(char));
}

/** Escapes a literal character for Lucene, inside or outside a class. */
export function escapeChar(char: string): string {
  if (/^[0-9A-Za-z_ \t\n\r\v\f]$/.test(char)) return char;
  if (char.codePointAt(0)! >= 0x80) return char;
  if (char.codePointAt(0)! < 0x20 || char === "\x7f") return char;
  return `\\${char}`;
}
