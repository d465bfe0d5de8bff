/**
 * Sigma value modifiers (Sigma specification v2, modifiers appendix 2.1):
 * checks each chain and applies the transforming modifiers in the order
 * written, so converters receive ready-to-match values.
 */
import { SigmaRuleError, UnsupportedFeatureError, describeValue } from "./errors.js";
import type { SigmaDetectionItem, SigmaValue, SourceLocation } from "./model.js";
import {
  type SigmaString,
  concatStrings,
  hasWildcard,
  literalString,
  parseSigmaString,
  plainText,
  prefixAnyString,
  suffixAnyString,
} from "./sigma-string.js";
import { expandWindash } from "./windash.js";
import {
  base64,
  base64Offsets,
  latin1Text,
  utf16Bytes,
  utf16beBytes,
  utf16leBytes,
  utf8Bytes,
} from "./encoding.js";

export const supportedModifiers = [
  "contains",
  "startswith",
  "endswith",
  "all",
  "cased",
  "exists",
  "re",
  "i",
  "m",
  "s",
  "windash",
  "cidr",
  "base64",
  "base64offset",
  "wide",
  "utf16le",
  "utf16be",
  "utf16",
  "gt",
  "gte",
  "lt",
  "lte",
  "neq",
] as const;

export type SigmaModifier = (typeof supportedModifiers)[number];

/** Modifiers of the specification that no EQL query can express. */
const unsupportedModifiers: Record<string, string> = {
  expand: "placeholder expansion (expand modifier)",
  fieldref: "field reference (fieldref modifier)",
  minute: "date part modifier (minute)",
  hour: "date part modifier (hour)",
  day: "date part modifier (day)",
  week: "date part modifier (week)",
  month: "date part modifier (month)",
  year: "date part modifier (year)",
};

export type CompareModifier = "gt" | "gte" | "lt" | "lte";

/** One value ready for matching, after all modifiers. */
export type ValueMatch =
  | { kind: "string"; value: SigmaString }
  | { kind: "regex"; pattern: string; flags: RegexFlags }
  /** A number, and its text as written, which string fields match. */
  | { kind: "number"; value: number; text: string }
  | { kind: "compare"; op: CompareModifier; value: number }
  | { kind: "cidr"; cidr: string }
  | { kind: "boolean"; value: boolean }
  | { kind: "null" }
  | { kind: "exists"; exists: boolean };

export interface RegexFlags {
  ignoreCase: boolean;
  multiline: boolean;
  dotAll: boolean;
}

/**
 * A detection item after its modifiers. Each group comes from one value of
 * the rule and matches when any of its alternatives matches (`windash` and
 * `base64offset` expand one value into several). Groups are joined with OR,
 * or with AND under `all`.
 */
export interface ResolvedItem {
  field: string | null;
  groups: ValueMatch[][];
  matchAll: boolean;
  cased: boolean;
  /** True with `neq`: the item matches when its values do not. */
  negated: boolean;
  where: SourceLocation;
}

/** Applies the modifiers of one detection item to its values. */
export function resolveItem(item: SigmaDetectionItem): ResolvedItem {
  const modifiers = checkChain(item);
  const has = (name: SigmaModifier): boolean => modifiers.includes(name);
  const groups = item.values.map((value, index) =>
    resolveValue(value, modifiers, {
      ...item.where,
      path: item.values.length > 1 ? `${item.where.path}[${index}]` : item.where.path,
    }),
  );
  return {
    field: item.field,
    groups,
    matchAll: has("all"),
    cased: has("cased"),
    negated: has("neq"),
    where: item.where,
  };
}

function checkChain(item: SigmaDetectionItem): SigmaModifier[] {
  const seen = new Set<string>();
  for (const name of item.modifiers) {
    const unsupported = unsupportedModifiers[name];
    if (unsupported !== undefined) {
      throw new UnsupportedFeatureError(
        item.where,
        unsupported,
        `EQL cannot express the \`${name}\` modifier. Rewrite the item without it.`,
      );
    }
    if (!(supportedModifiers as readonly string[]).includes(name)) {
      throw modifierError(
        item,
        `unknown modifier "${name}"`,
        `Use one of: ${supportedModifiers.join(", ")}`,
      );
    }
    if (seen.has(name)) {
      throw modifierError(item, `modifier "${name}" appears twice`, "Remove the repeated modifier");
    }
    seen.add(name);
  }
  const modifiers = item.modifiers as SigmaModifier[];
  checkCombinations(item, modifiers);
  return modifiers;
}

function checkCombinations(item: SigmaDetectionItem, modifiers: SigmaModifier[]): void {
  const has = (name: SigmaModifier): boolean => modifiers.includes(name);
  const positions = ["contains", "startswith", "endswith"].filter((name) =>
    has(name as SigmaModifier),
  );
  if (positions.length > 1) {
    throw modifierError(
      item,
      `modifiers ${positions.join(" and ")} exclude each other`,
      "Keep one of contains, startswith and endswith",
    );
  }
  // Offset fragments are trimmed base64 that only match inside a longer
  // value, so Sigma allows base64offset only with contains after it.
  if (
    has("base64offset") &&
    modifiers.indexOf("contains") < modifiers.indexOf("base64offset")
  ) {
    const field = item.field ?? "";
    throw modifierError(
      item,
      'modifier "base64offset" needs "contains" after it',
      `Write the item as ${field}|base64offset|contains`,
    );
  }
  for (const flag of ["i", "m", "s"] as const) {
    if (has(flag) && (!has("re") || modifiers.indexOf(flag) < modifiers.indexOf("re"))) {
      throw modifierError(
        item,
        `modifier "${flag}" needs "re" before it`,
        `Write the item as Field|re|${flag}`,
      );
    }
  }
  const alone: SigmaModifier[] = ["exists", "cidr", "gt", "gte", "lt", "lte"];
  const allowedWithRe = new Set<SigmaModifier>(["re", "i", "m", "s", "all", "neq"]);
  for (const name of alone) {
    const others = modifiers.filter((other) => other !== name && other !== "all");
    if (has(name) && others.length > 0) {
      throw modifierError(
        item,
        `modifier "${name}" cannot be combined with ${others.join(", ")}`,
        `Use ${name} alone`,
      );
    }
  }
  if (has("re")) {
    const others = modifiers.filter((name) => !allowedWithRe.has(name));
    if (others.length > 0) {
      throw modifierError(
        item,
        `modifier "re" cannot be combined with ${others.join(", ")}`,
        "Write the whole match as the regular expression, with i, m or s flags only",
      );
    }
  }
}

function modifierError(item: SigmaDetectionItem, problem: string, fix: string): SigmaRuleError {
  return new SigmaRuleError(item.where, problem, fix);
}

type Stage = { kind: "string"; value: SigmaString } | { kind: "bytes"; bytes: Uint8Array };

function resolveValue(
  value: SigmaValue,
  modifiers: SigmaModifier[],
  where: SourceLocation,
): ValueMatch[] {
  const first = modifiers.find((name) => name !== "all" && name !== "neq" && name !== "cased");
  switch (first) {
    case "exists":
      return [resolveExists(value, where)];
    case "re":
      return [resolveRegex(value, modifiers, where)];
    case "cidr":
      return [resolveCidr(value, where)];
    case "gt":
    case "gte":
    case "lt":
    case "lte":
      return [{ kind: "compare", op: first, value: numberOf(value, first, where) }];
    default:
      break;
  }
  if (value.kind === "null") {
    if (first !== undefined) {
      throw new SigmaRuleError(
        where,
        `invalid value null for modifier "${first}"`,
        "Use a string, or write the item without modifiers to match a missing field",
      );
    }
    return [{ kind: "null" }];
  }
  if (value.kind === "boolean" && first === undefined) {
    return [{ kind: "boolean", value: value.value }];
  }
  if (value.kind === "number" && first === undefined) {
    return [{ kind: "number", value: value.value, text: value.text ?? String(value.value) }];
  }
  return applyStringModifiers(stringOf(value, first, where), modifiers, where);
}

function stringOf(value: SigmaValue, modifier: string | undefined, where: SourceLocation): string {
  if (value.kind === "string") return value.text;
  if (value.kind === "number") return value.text ?? String(value.value);
  throw new SigmaRuleError(
    where,
    `invalid value ${describeValue(value.kind === "boolean" ? value.value : null)} for modifier "${modifier}"`,
    "Use a string value",
  );
}

function applyStringModifiers(
  raw: string,
  modifiers: SigmaModifier[],
  where: SourceLocation,
): ValueMatch[] {
  let stages: Stage[] = [{ kind: "string", value: parseSigmaString(raw) }];
  for (const name of modifiers) {
    stages = stages.flatMap((stage) => applyStringModifier(name, stage, where));
  }
  return stages.map((stage) => ({
    kind: "string",
    value: stage.kind === "string" ? stage.value : literalString(latin1Text(stage.bytes)),
  }));
}

function applyStringModifier(name: SigmaModifier, stage: Stage, where: SourceLocation): Stage[] {
  switch (name) {
    case "contains":
      return [{ kind: "string", value: prefixAnyString(suffixAnyString(asString(stage))) }];
    case "startswith":
      return [{ kind: "string", value: suffixAnyString(asString(stage)) }];
    case "endswith":
      return [{ kind: "string", value: prefixAnyString(asString(stage)) }];
    case "windash":
      return expandWindash(asString(stage)).map((value) => ({ kind: "string", value }));
    case "wide":
    case "utf16le":
      return [{ kind: "bytes", bytes: utf16leBytes(encodableText(stage, name, where)) }];
    case "utf16be":
      return [{ kind: "bytes", bytes: utf16beBytes(encodableText(stage, name, where)) }];
    case "utf16":
      return [{ kind: "bytes", bytes: utf16Bytes(encodableText(stage, name, where)) }];
    case "base64":
      return [{ kind: "string", value: literalString(base64(bytesOf(stage, name, where))) }];
    case "base64offset":
      return base64Offsets(bytesOf(stage, name, where)).map((text) => ({
        kind: "string",
        value: literalString(text),
      }));
    default:
      return [stage];
  }
}

function asString(stage: Stage): SigmaString {
  return stage.kind === "string" ? stage.value : literalString(latin1Text(stage.bytes));
}

function encodableText(stage: Stage, name: string, where: SourceLocation): string {
  if (stage.kind === "bytes") return latin1Text(stage.bytes);
  if (hasWildcard(stage.value)) {
    throw new SigmaRuleError(
      where,
      `invalid value ${describeValue(plainText(stage.value))} for modifier "${name}": encoding a wildcard is not possible`,
      `Put contains, startswith or endswith after ${name}, or escape the wildcard with a backslash`,
    );
  }
  return plainText(stage.value);
}

function bytesOf(stage: Stage, name: string, where: SourceLocation): Uint8Array {
  if (stage.kind === "bytes") return stage.bytes;
  return utf8Bytes(encodableText(stage, name, where));
}

function resolveExists(value: SigmaValue, where: SourceLocation): ValueMatch {
  if (value.kind !== "boolean") {
    throw new SigmaRuleError(
      where,
      `invalid value ${describeSigmaValue(value)} for modifier "exists"`,
      "Use true or false",
    );
  }
  return { kind: "exists", exists: value.value };
}

function resolveRegex(value: SigmaValue, modifiers: SigmaModifier[], where: SourceLocation): ValueMatch {
  if (value.kind !== "string") {
    throw new SigmaRuleError(
      where,
      `invalid value ${describeSigmaValue(value)} for modifier "re"`,
      "Quote the regular expression as a string",
    );
  }
  return {
    kind: "regex",
    pattern: value.text,
    flags: {
      ignoreCase: modifiers.includes("i"),
      multiline: modifiers.includes("m"),
      dotAll: modifiers.includes("s"),
    },
  };
}

function resolveCidr(value: SigmaValue, where: SourceLocation): ValueMatch {
  if (value.kind === "string" && isCidr(value.text)) return { kind: "cidr", cidr: value.text };
  throw new SigmaRuleError(
    where,
    `invalid value ${describeSigmaValue(value)} for modifier "cidr"`,
    "Use a network in CIDR notation, such as 10.0.0.0/8 or 2001:db8::/32",
  );
}

function isCidr(text: string): boolean {
  const match = /^([^/]+)\/(\d{1,3})$/.exec(text);
  if (!match) return false;
  const prefix = Number(match[2]);
  const address = match[1]!;
  if (/^\d{1,3}(\.\d{1,3}){3}$/.test(address)) {
    return prefix <= 32 && address.split(".").every((octet) => Number(octet) <= 255);
  }
  return address.includes(":") && /^[0-9a-fA-F:.]+$/.test(address) && prefix <= 128;
}

function numberOf(value: SigmaValue, modifier: string, where: SourceLocation): number {
  if (value.kind === "number") return value.value;
  if (value.kind === "string" && /^-?\d+(\.\d+)?$/.test(value.text.trim())) {
    return Number(value.text);
  }
  throw new SigmaRuleError(
    where,
    `invalid value ${describeSigmaValue(value)} for modifier "${modifier}"`,
    "Use a number",
  );
}

function describeSigmaValue(value: SigmaValue): string {
  switch (value.kind) {
    case "string":
      return describeValue(value.text);
    case "number":
      return value.text ?? describeValue(value.value);
    case "boolean":
      return describeValue(value.value);
    case "null":
      return "null";
  }
}

export { concatStrings };
