/**
 * Syntax tree of Elasticsearch EQL. The Sigma converter builds it, the
 * printer turns it into query text, the embedded engine evaluates it, and
 * the event synthesizer walks it. Node shapes follow the EQL grammar of
 * Elasticsearch 8.11 to 9.x.
 */

/** A whole query: an event query, a sequence or a sample, then its pipes. */
export type EqlQuery = EventQuery | SequenceQuery | SampleQuery;

/** `<category> where <condition>`, for example `process where true`. */
export interface EventQuery {
  kind: "event";
  /** Event category matched against `event.category`, or "any". */
  category: string;
  condition: Expr;
  pipes: Pipe[];
}

/** One stage of a sequence or sample: `[category where condition] by keys`. */
export interface QueryStage {
  category: string;
  condition: Expr;
  /** Join keys of this stage alone, appended after the shared `by` keys. */
  by: Expr[];
  /** `with runs=N`: the stage repeats N times in a row. Default 1. */
  runs: number;
  /** `!` marks a missing-event stage: no such event may occur there. */
  missing: boolean;
}

/**
 * `sequence [by keys] [with maxspan=N<unit>] [stage]... [until [stage]]`.
 */
export interface SequenceQuery {
  kind: "sequence";
  /** Keys shared by every stage (`sequence by ...`). */
  by: Expr[];
  /** Maximum time between the first and last event, or null. */
  maxspan: TimeSpan | null;
  stages: QueryStage[];
  until: QueryStage | null;
  pipes: Pipe[];
}

/** `sample by keys [stage]...`. */
export interface SampleQuery {
  kind: "sample";
  by: Expr[];
  stages: QueryStage[];
  pipes: Pipe[];
}

/** A duration as written in the query, such as `5m`. */
export interface TimeSpan {
  value: number;
  unit: "ms" | "s" | "m" | "h" | "d";
}

/** `| head N`, `| tail N` or `| filter condition`. */
export type Pipe =
  | { kind: "head"; count: number }
  | { kind: "tail"; count: number }
  | { kind: "filter"; condition: Expr };

/** A value of an EQL expression at evaluation time. */
export type EqlValue = string | number | boolean | null;

/** Operators that take a field on the left and one pattern or a list. */
export type MatchOperator = ":" | "like" | "like~" | "regex" | "regex~";

export type CompareOperator = "==" | "!=" | "<" | "<=" | ">" | ">=";

export type ArithmeticOperator = "+" | "-" | "*" | "/" | "%";

export type Expr =
  | LiteralExpr
  | FieldExpr
  | AndExpr
  | OrExpr
  | NotExpr
  | CompareExpr
  | MatchExpr
  | InExpr
  | CallExpr
  | ArithmeticExpr
  | NegateExpr;

/** `"text"`, `42`, `1.5`, `true`, `false` or `null`. */
export interface LiteralExpr {
  kind: "literal";
  value: EqlValue;
  /**
   * True for a number written with a decimal point or an exponent (`4.0`,
   * `1e3`). Elasticsearch types such a literal as a double, so arithmetic
   * with it is floating-point: `4.0 / 3` is 1.333..., `4 / 3` is 1.
   */
  decimal?: boolean;
}

/** `process.name`, or `?process.name` when `optional` is true. */
export interface FieldExpr {
  kind: "field";
  /** Dotted path as written, with any backquotes removed. */
  path: string;
  optional: boolean;
}

export interface AndExpr {
  kind: "and";
  operands: Expr[];
}

export interface OrExpr {
  kind: "or";
  operands: Expr[];
}

export interface NotExpr {
  kind: "not";
  operand: Expr;
}

/** `left == right` and the other comparisons, case-sensitive on strings. */
export interface CompareExpr {
  kind: "compare";
  op: CompareOperator;
  left: Expr;
  right: Expr;
}

/**
 * `field : "pattern"`, `field like~ ("a*", "b?")`, `field regex "[a-z]+"`.
 * `:` and the `~` forms are case-insensitive; `:`, `like` and `like~` treat
 * `*` and `?` as wildcards. A list matches when any pattern matches.
 */
export interface MatchExpr {
  kind: "match";
  op: MatchOperator;
  field: Expr;
  patterns: Expr[];
}

/** `field in ("a", "b")`, `field in~ (...)`, `field not in (...)`. */
export interface InExpr {
  kind: "in";
  field: Expr;
  values: Expr[];
  caseInsensitive: boolean;
  negated: boolean;
}

/** `startsWith~(process.name, "mof")`: a function call. */
export interface CallExpr {
  kind: "call";
  /** Function name as Elasticsearch documents it, without the `~`. */
  name: string;
  caseInsensitive: boolean;
  args: Expr[];
}

export interface ArithmeticExpr {
  kind: "arithmetic";
  op: ArithmeticOperator;
  left: Expr;
  right: Expr;
}

/** Unary minus: `-field`. */
export interface NegateExpr {
  kind: "negate";
  operand: Expr;
}
