/**
 * The functions of Elasticsearch EQL 8.x and 9.x, with their argument counts
 * and whether a `~` suffix (case-insensitive matching) is allowed.
 */
export interface FunctionSignature {
  /** Name as Elasticsearch documents it. */
  name: string;
  minArgs: number;
  maxArgs: number;
  caseInsensitive: boolean;
}

const SIGNATURES: FunctionSignature[] = [
  { name: "add", minArgs: 2, maxArgs: 2, caseInsensitive: false },
  { name: "between", minArgs: 3, maxArgs: 4, caseInsensitive: true },
  { name: "cidrMatch", minArgs: 2, maxArgs: Infinity, caseInsensitive: false },
  { name: "concat", minArgs: 1, maxArgs: Infinity, caseInsensitive: false },
  { name: "divide", minArgs: 2, maxArgs: 2, caseInsensitive: false },
  { name: "endsWith", minArgs: 2, maxArgs: 2, caseInsensitive: true },
  { name: "indexOf", minArgs: 2, maxArgs: 3, caseInsensitive: true },
  { name: "length", minArgs: 1, maxArgs: 1, caseInsensitive: false },
  { name: "modulo", minArgs: 2, maxArgs: 2, caseInsensitive: false },
  { name: "multiply", minArgs: 2, maxArgs: 2, caseInsensitive: false },
  { name: "number", minArgs: 1, maxArgs: 2, caseInsensitive: false },
  { name: "startsWith", minArgs: 2, maxArgs: 2, caseInsensitive: true },
  { name: "string", minArgs: 1, maxArgs: 1, caseInsensitive: false },
  { name: "stringContains", minArgs: 2, maxArgs: 2, caseInsensitive: true },
  { name: "substring", minArgs: 2, maxArgs: 3, caseInsensitive: false },
  { name: "subtract", minArgs: 2, maxArgs: 2, caseInsensitive: false },
];

/**
 * Functions of the original Endgame EQL that Elasticsearch does not
 * implement; a query that calls one is rejected with a clear message.
 */
export const UNSUPPORTED_FUNCTIONS: ReadonlySet<string> = new Set([
  "arraycontains",
  "arraycount",
  "arraysearch",
  "match",
  "matchlite",
  "safe",
  "wildcard",
]);

const byLowercaseName = new Map(
  SIGNATURES.map((signature) => [signature.name.toLowerCase(), signature]),
);

/**
 * Returns the signature of a function. Elasticsearch resolves function names
 * without regard to letter case, so `STARTSWITH` finds `startsWith`.
 */
export function findFunction(name: string): FunctionSignature | undefined {
  return byLowercaseName.get(name.toLowerCase());
}

/** Every supported function name, for "did you mean" hints. */
export const FUNCTION_NAMES: readonly string[] = SIGNATURES.map((s) => s.name);
