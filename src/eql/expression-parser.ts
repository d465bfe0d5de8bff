/**
 * Expressions of Elasticsearch EQL, by precedence from loosest to tightest:
 * `or`, `and`, `not`, one comparison, `+ -`, `* / %`, unary minus, then a
 * primary expression with an optional `in`, `:`, `like` or `regex` predicate.
 */
import type {
  CompareOperator,
  Expr,
  LiteralExpr,
  MatchOperator,
} from "./ast.js";
import type { Token } from "./lexer.js";
import { parsePrimary, tryLiteral } from "./primary-parser.js";
import type { TokenStream } from "./token-stream.js";

const COMPARE_OPERATORS = new Set(["==", "!=", "<", "<=", ">", ">="]);
const MATCH_OPERATORS = new Set([":", "like", "like~", "regex", "regex~"]);

export function parseExpression(stream: TokenStream): Expr {
  const first = stream.peek();
  stream.enter(first);
  const operands = [parseAnd(stream)];
  while (stream.accept("or")) operands.push(parseAnd(stream));
  stream.leave();
  if (operands.length === 1) return operands[0]!;
  return stream.mark({ kind: "or", operands }, first);
}

function parseAnd(stream: TokenStream): Expr {
  const first = stream.peek();
  const operands = [parseNot(stream)];
  while (stream.accept("and")) operands.push(parseNot(stream));
  if (operands.length === 1) return operands[0]!;
  return stream.mark({ kind: "and", operands }, first);
}

function parseNot(stream: TokenStream): Expr {
  const start = stream.peek();
  if (stream.accept("not")) {
    stream.enter(start);
    const operand = parseNot(stream);
    stream.leave();
    return stream.mark({ kind: "not", operand }, start);
  }
  if (start.kind === "identifier" && stream.isAt("of", 1)) {
    stream.fail(
      `'${start.text} of' is not supported: Elasticsearch EQL has no ` +
        "process lineage (child of, descendant of, event of)",
    );
  }
  return parseComparison(stream);
}

function parseComparison(stream: TokenStream): Expr {
  const start = stream.peek();
  const left = parseAdditive(stream);
  const operator = stream.peek();
  if (operator.kind !== "operator") return left;

  if (operator.value === "=") {
    stream.fail("'=' is not an operator in EQL: use == or :", operator);
  }
  if (operator.value === "!:" && !stream.options.legacySyntax) {
    stream.fail(
      "'!:' is not an operator in Elasticsearch 8.x and 9.x: " +
        "write 'not a : b'",
      operator,
    );
  }
  const legacyMatch =
    stream.options.legacySyntax &&
    (operator.value === ":" || operator.value === "!:");
  if (!COMPARE_OPERATORS.has(operator.value) && !legacyMatch) return left;

  stream.next();
  const right = parseAdditive(stream);
  const result = legacyMatch
    ? legacyEquality(stream, operator, left, right, start)
    : stream.mark(
        {
          kind: "compare" as const,
          op: operator.value as CompareOperator,
          left,
          right,
        },
        start,
      );

  const chained = stream.peek();
  if (COMPARE_OPERATORS.has(chained.value) && chained.kind === "operator") {
    stream.fail(
      "comparisons cannot be chained: join them with 'and', " +
        "as in 'a < b and b < c'",
      chained,
    );
  }
  return result;
}

/** Builds `a : b` and `a !: b` as older test suites write them. */
function legacyEquality(
  stream: TokenStream,
  operator: Token,
  left: Expr,
  right: Expr,
  start: Token,
): Expr {
  const match = stream.mark(
    {
      kind: "match" as const,
      op: ":" as const,
      field: left,
      patterns: [right],
    },
    start,
  );
  if (operator.value === ":") return match;
  return stream.mark({ kind: "not", operand: match }, start);
}

function parseAdditive(stream: TokenStream): Expr {
  const start = stream.peek();
  let left = parseMultiplicative(stream);
  let levels = 0;
  while (
    stream.isAt("+") ||
    (stream.isAt("-") && !isLegacyMissingStage(stream))
  ) {
    // Each operator of a chain deepens the left-nested tree by one level.
    stream.enter();
    levels++;
    const op = stream.next().value as "+" | "-";
    const right = parseMultiplicative(stream);
    left = stream.mark({ kind: "arithmetic", op, left, right }, start);
  }
  stream.leave(levels);
  return left;
}

/** `-[` opens a missing-event stage in the legacy syntax, not a subtraction. */
function isLegacyMissingStage(stream: TokenStream): boolean {
  return stream.options.legacySyntax === true && stream.isAt("[", 1);
}

function parseMultiplicative(stream: TokenStream): Expr {
  const start = stream.peek();
  let left = parseUnary(stream);
  let levels = 0;
  while (stream.isAt("*") || stream.isAt("/") || stream.isAt("%")) {
    stream.enter();
    levels++;
    const op = stream.next().value as "*" | "/" | "%";
    const right = parseUnary(stream);
    left = stream.mark({ kind: "arithmetic", op, left, right }, start);
  }
  stream.leave(levels);
  return left;
}

function parseUnary(stream: TokenStream): Expr {
  const start = stream.peek();
  if (stream.isAt("+") || stream.isAt("-")) {
    stream.enter(start);
    const sign = stream.next().value;
    const operand = parseUnary(stream);
    stream.leave();
    return sign === "+" ? operand : negate(stream, operand, start);
  }
  return parsePredicated(stream);
}

function negate(stream: TokenStream, operand: Expr, start: Token): Expr {
  if (operand.kind === "literal" && typeof operand.value === "number") {
    const negated: LiteralExpr = { kind: "literal", value: -operand.value };
    if (operand.decimal) negated.decimal = true;
    return stream.mark(negated, start);
  }
  return stream.mark({ kind: "negate", operand }, start);
}

/** Parses a primary expression and the `in`, `:`, `like` or `regex` after it. */
function parsePredicated(stream: TokenStream): Expr {
  const start = stream.peek();
  const primary = parsePrimary(stream);
  if (stream.isAt("not") && (stream.isAt("in", 1) || stream.isAt("in~", 1))) {
    stream.next();
    return parseIn(stream, primary, true, start);
  }
  if (stream.isAt("in") || stream.isAt("in~")) {
    return parseIn(stream, primary, false, start);
  }
  const operator = stream.peek();
  const isMatch =
    MATCH_OPERATORS.has(operator.value) &&
    (operator.kind === "keyword" || operator.kind === "operator") &&
    !(operator.value === ":" && stream.options.legacySyntax);
  if (!isMatch) return primary;
  stream.next();
  const patterns = stream.isAt("(")
    ? parseConstantList(stream)
    : [parseConstant(stream)];
  const op = operator.value as MatchOperator;
  return stream.mark({ kind: "match", op, field: primary, patterns }, start);
}

function parseIn(
  stream: TokenStream,
  field: Expr,
  negated: boolean,
  start: Token,
): Expr {
  const caseInsensitive = stream.next().value === "in~";
  stream.expect("(", "to open the list after 'in'");
  const values = [parseExpression(stream)];
  while (stream.accept(",")) values.push(parseExpression(stream));
  stream.expect(")", "to close the list after 'in'");
  return stream.mark(
    { kind: "in", field, values, caseInsensitive, negated },
    start,
  );
}

function parseConstantList(stream: TokenStream): Expr[] {
  stream.expect("(", "to open the pattern list");
  const values = [parseConstant(stream)];
  while (stream.accept(",")) values.push(parseConstant(stream));
  stream.expect(")", "to close the pattern list");
  return values;
}

function parseConstant(stream: TokenStream): Expr {
  const literal = tryLiteral(stream);
  if (literal === undefined) {
    stream.mismatch("a string, number, boolean or null");
  }
  return literal;
}
