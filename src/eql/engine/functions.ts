/**
 * The EQL functions of Elasticsearch 8.x and 9.x, on single values. A null
 * argument gives a null result, as Elasticsearch documents for each one.
 */
import type { StaticType } from "./compile-context.js";
import { cidrContains, parseCidr, parseIp } from "./ip.js";
import {
  foldCase,
  kindOfNumber,
  type NumberKind,
  type Scalar,
  scalarToString,
} from "./values.js";

export type Argument = Scalar | null;

/** Type rule for an argument whose type is known before evaluation. */
export type ArgumentRule =
  "string" | "integer" | "number" | "boolean" | "ip" | "any";

export interface FunctionDefinition {
  /** Expected type of each argument; the last rule repeats. */
  rules: ArgumentRule[];
  returns: (argumentTypes: StaticType[]) => StaticType;
  call: (args: Argument[], context: CallContext) => Argument;
}

export interface CallContext {
  caseInsensitive: boolean;
  /**
   * Case folding of a `~` call's strings; `foldCase` when absent. Only
   * `startsWith~`, `endsWith~` and `stringContains~` read it.
   */
  fold?: (text: string) => string;
  /** Number kind of each argument when known before evaluation. */
  kinds: (NumberKind | undefined)[];
}

const asString = (value: Argument): string | null =>
  typeof value === "string" ? value : null;
const asNumber = (value: Argument): number | null =>
  typeof value === "number" ? value : null;

function numericResult(types: StaticType[]): StaticType {
  if (types.includes("float")) return "float";
  if (types.every((type) => type === "integer")) return "integer";
  return "number";
}

function isIntegerArgument(args: Argument[], context: CallContext): boolean {
  return args.every((arg, index) => {
    const kind = context.kinds[index] ?? kindOfNumber(arg as number);
    return kind === "integer";
  });
}

/** Applies a numeric operation; both arguments must be numbers. */
function arithmetic(
  operate: (left: number, right: number, integer: boolean) => number | null,
): FunctionDefinition["call"] {
  return (args, context) => {
    const left = asNumber(args[0]!);
    const right = asNumber(args[1]!);
    if (left === null || right === null) return null;
    return operate(left, right, isIntegerArgument(args, context));
  };
}

/**
 * Arithmetic as Elasticsearch computes it: two longs give a long, with
 * division and remainder truncated toward zero, as in Java.
 */
export const ARITHMETIC: Record<
  "+" | "-" | "*" | "/" | "%",
  FunctionDefinition["call"]
> = {
  "+": arithmetic((a, b) => a + b),
  "-": arithmetic((a, b) => a - b),
  "*": arithmetic((a, b) => a * b),
  // NOTE: Elasticsearch fails the search on an integer division by zero;
  // the engine returns null instead.
  "/": arithmetic((a, b, integer) => {
    if (!integer) return a / b;
    return b === 0 ? null : Math.trunc(a / b);
  }),
  "%": arithmetic((a, b, integer) => (integer && b === 0 ? null : a % b)),
};

function indexIn(
  haystack: string,
  needle: string,
  ci: boolean,
  from = 0,
): number {
  return ci
    ? foldCase(haystack).indexOf(foldCase(needle), from)
    : haystack.indexOf(needle, from);
}

function lastIndexIn(haystack: string, needle: string, ci: boolean): number {
  return ci
    ? foldCase(haystack).lastIndexOf(foldCase(needle))
    : haystack.lastIndexOf(needle);
}

function between(args: Argument[], context: CallContext): Argument {
  const [source, left, right] = args.map(asString);
  if (source == null || left == null || right == null) return null;
  const greedy = args[3] === true;
  const ci = context.caseInsensitive;
  const leftAt = indexIn(source, left, ci);
  if (leftAt < 0) return "";
  const start = leftAt + left.length;
  const end = greedy
    ? lastIndexIn(source, right, ci)
    : indexIn(source, right, ci, start);
  if (end < start) return "";
  return source.slice(start, end);
}

function indexOf(args: Argument[], context: CallContext): Argument {
  const source = asString(args[0]!);
  const needle = asString(args[1]!);
  if (source === null || needle === null) return null;
  let start = 0;
  if (args.length > 2) {
    const from = asNumber(args[2]!);
    if (from === null) return null;
    start = Math.max(0, Math.trunc(from));
  }
  if (start > source.length) return null;
  const found = indexIn(source, needle, context.caseInsensitive, start);
  return found < 0 ? null : found;
}

/** Python-style slice with negative offsets from the end, as documented. */
function substring(args: Argument[]): Argument {
  const source = asString(args[0]!);
  const startArg = asNumber(args[1]!);
  if (source === null || startArg === null) return null;
  const length = source.length;
  const endArg = args.length > 2 ? asNumber(args[2]!) : length;
  if (endArg === null) return null;
  let start = Math.trunc(startArg);
  let end = Math.trunc(endArg);
  if (start < 0) start = Math.max(0, start + length);
  if (end < 0) end += length;
  end = Math.min(end, length);
  return start >= end ? "" : source.slice(start, end);
}

/** Parses a number; `0x` selects base 16. Invalid text gives null. */
function toNumber(args: Argument[]): Argument {
  const text = asString(args[0]!);
  if (text === null) return null;
  const trimmed = text.trim();
  const baseArg = args.length > 1 ? args[1] : null;
  const hex = /^[+-]?0x/i.test(trimmed);
  let base = hex ? 16 : 10;
  if (typeof baseArg === "number") base = baseArg;
  // NOTE: Elasticsearch fails the search when the text is not a number in
  // that base; the engine returns null instead.
  if (base === 10 && /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(trimmed)) {
    return Number(trimmed);
  }
  const digits = base === 16 ? trimmed.replace(/^([+-]?)0x/i, "$1") : trimmed;
  const valid = new RegExp(`^[+-]?[${digitsOf(base)}]+$`, "i");
  if (base < 2 || base > 36 || !valid.test(digits)) return null;
  return Number.parseInt(digits, base);
}

function digitsOf(base: number): string {
  return "0123456789abcdefghijklmnopqrstuvwxyz".slice(0, base);
}

function cidrMatch(args: Argument[]): Argument {
  const address = asString(args[0]!);
  if (address === null) return null;
  const ip = parseIp(address);
  let matched = false;
  for (const arg of args.slice(1)) {
    const text = asString(arg);
    if (text === null) return null;
    const block = parseCidr(text);
    if (ip !== undefined && block !== undefined && cidrContains(block, ip)) {
      matched = true;
    }
  }
  return matched;
}

function stringTest(
  test: (source: string, needle: string) => boolean,
): FunctionDefinition["call"] {
  return (args, context) => {
    let source = asString(args[0]!);
    let needle = asString(args[1]!);
    if (source === null || needle === null) return null;
    if (context.caseInsensitive) {
      const fold = context.fold ?? foldCase;
      source = fold(source);
      needle = fold(needle);
    }
    return test(source, needle);
  };
}

const returns = (type: StaticType) => (): StaticType => type;

export const FUNCTIONS: Record<string, FunctionDefinition> = {
  add: { rules: ["number"], returns: numericResult, call: ARITHMETIC["+"] },
  subtract: {
    rules: ["number"],
    returns: numericResult,
    call: ARITHMETIC["-"],
  },
  multiply: {
    rules: ["number"],
    returns: numericResult,
    call: ARITHMETIC["*"],
  },
  divide: { rules: ["number"], returns: numericResult, call: ARITHMETIC["/"] },
  modulo: { rules: ["number"], returns: numericResult, call: ARITHMETIC["%"] },
  between: {
    rules: ["string", "string", "string", "boolean"],
    returns: returns("string"),
    call: between,
  },
  cidrMatch: {
    rules: ["ip", "string"],
    returns: returns("boolean"),
    call: cidrMatch,
  },
  concat: {
    rules: ["any"],
    returns: returns("string"),
    call: (args, context) => {
      if (args.some((arg) => arg === null)) return null;
      return args
        .map((arg, i) => scalarToString(arg!, context.kinds[i]))
        .join("");
    },
  },
  endsWith: {
    rules: ["string"],
    returns: returns("boolean"),
    call: stringTest((source, needle) => source.endsWith(needle)),
  },
  indexOf: {
    rules: ["string", "string", "integer"],
    returns: returns("integer"),
    call: indexOf,
  },
  length: {
    rules: ["string"],
    returns: returns("integer"),
    call: (args) => {
      const text = asString(args[0]!);
      return text === null ? null : text.length;
    },
  },
  number: {
    rules: ["string", "integer"],
    returns: returns("number"),
    call: toNumber,
  },
  startsWith: {
    rules: ["string"],
    returns: returns("boolean"),
    call: stringTest((source, needle) => source.startsWith(needle)),
  },
  string: {
    rules: ["any"],
    returns: returns("string"),
    call: (args, context) =>
      args[0] === null ? null : scalarToString(args[0]!, context.kinds[0]),
  },
  // NOTE: An empty substring counts as contained, as in Java's
  // String.contains, but Elasticsearch's function reference documents false.
  stringContains: {
    rules: ["string"],
    returns: returns("boolean"),
    call: stringTest((source, needle) => source.includes(needle)),
  },
  substring: {
    rules: ["string", "integer"],
    returns: returns("string"),
    call: substring,
  },
};
