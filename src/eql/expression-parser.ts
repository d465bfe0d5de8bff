/**
 * Expressions of Elasticsearch EQL, by precedence from loosest to tightest:
 * `or`, `and`, `not`, one comparison, `+ -`, `* / %`, unary minus, then a
 * primary expression with an optional `in`, `:`, `like` or `regex` predicate.
 */
import type {
  CallExpr,
  CompareOperator,
  Expr,
  FieldExpr,
  LiteralExpr,
  MatchOperator,
} from "./ast.js";
import {
  findFunction,
  FUNCTION_NAMES,
  UNSUPPORTED_FUNCTIONS,
} from "./function-table.js";
import type { Token } from "./lexer.js";
import type { TokenStream } from "./token-stream.js";

const COMPARE_OPERATORS = new Set(["==", "!=", "<", "<=", ">", ">="]);
const MATCH_OPERATORS = new Set([":", "like", "like~", "regex", "regex~"]);

export function parseExpression(stream: TokenStream): Expr {
  const first = stream.peek();
  const operands = [parseAnd(stream)];
  while (stream.accept("or")) operands.push(parseAnd(stream));
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
    return stream.mark({ kind: "not", operand: parseNot(stream) }, start);
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
  while (stream.isAt("+") || stream.isAt("-")) {
    const op = stream.next().value as "+" | "-";
    const right = parseMultiplicative(stream);
    left = stream.mark({ kind: "arithmetic", op, left, right }, start);
  }
  return left;
}

function parseMultiplicative(stream: TokenStream): Expr {
  const start = stream.peek();
  let left = parseUnary(stream);
  while (stream.isAt("*") || stream.isAt("/") || stream.isAt("%")) {
    const op = stream.next().value as "*" | "/" | "%";
    const right = parseUnary(stream);
    left = stream.mark({ kind: "arithmetic", op, left, right }, start);
  }
  return left;
}

function parseUnary(stream: TokenStream): Expr {
  const start = stream.peek();
  if (stream.accept("+")) return parseUnary(stream);
  if (!stream.accept("-")) return parsePredicated(stream);
  const operand = parseUnary(stream);
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

function tryLiteral(stream: TokenStream): LiteralExpr | undefined {
  const token = stream.peek();
  let literal: LiteralExpr | undefined;
  if (token.kind === "string") {
    literal = { kind: "literal", value: token.value };
  } else if (token.kind === "integer" || token.kind === "decimal") {
    literal = { kind: "literal", value: parseNumber(stream, token) };
    if (token.kind === "decimal") literal.decimal = true;
  } else if (
    token.kind === "keyword" &&
    /^(true|false|null)$/.test(token.value)
  ) {
    const values = { true: true, false: false, null: null } as const;
    literal = { kind: "literal", value: values[token.value as "null"] };
  }
  if (literal === undefined) return undefined;
  stream.next();
  return stream.mark(literal, token);
}

function parseNumber(stream: TokenStream, token: Token): number {
  const value = Number(token.value);
  if (token.kind === "integer" && !Number.isSafeInteger(value)) {
    stream.fail(
      `number ${token.text} is too large for a 64-bit integer`,
      token,
    );
  }
  return value;
}

function parsePrimary(stream: TokenStream): Expr {
  const token = stream.peek();
  const literal = tryLiteral(stream);
  if (literal !== undefined) return literal;
  if (stream.accept("(")) {
    const inner = parseExpression(stream);
    stream.expect(")", "to close the parenthesis");
    return inner;
  }
  const isName =
    token.kind === "identifier" || token.kind === "tildeIdentifier";
  if (isName && stream.isAt("(", 1)) return parseCall(stream);
  if (token.kind === "tildeIdentifier") {
    stream.mismatch("'(' after a function name ending in ~", stream.peek(1));
  }
  if (stream.isAt("?") || token.kind === "identifier")
    return parseField(stream);
  if (token.kind === "quotedIdentifier") return parseField(stream);
  return stream.mismatch("an expression");
}

/** Parses `name`, `a.b.c`, `` `odd-name` `` or `?name` (optional field). */
function parseField(stream: TokenStream): FieldExpr {
  const start = stream.peek();
  const optional = stream.accept("?") !== undefined;
  const segments = [fieldSegment(stream)];
  for (;;) {
    if (stream.accept(".")) {
      segments.push(fieldSegment(stream));
    } else if (stream.isAt("[") && stream.peek(1).kind === "integer") {
      stream.fail(
        "array indexes such as [0] are not supported in Elasticsearch EQL",
      );
    } else {
      break;
    }
  }
  const path = segments.join(".");
  return stream.mark({ kind: "field", path, optional }, start);
}

function fieldSegment(stream: TokenStream): string {
  const token = stream.peek();
  if (token.kind === "identifier" || token.kind === "quotedIdentifier") {
    stream.next();
    return token.value;
  }
  if (token.kind === "keyword") {
    stream.fail(
      `'${token.text}' is a reserved word: write it in backquotes ` +
        `(\`${token.text}\`) to use it as a field name`,
    );
  }
  return stream.mismatch("a field name");
}

function parseCall(stream: TokenStream): CallExpr {
  const nameToken = stream.next();
  const caseInsensitive = nameToken.kind === "tildeIdentifier";
  const written = caseInsensitive
    ? nameToken.value.slice(0, -1)
    : nameToken.value;
  const signature = findFunction(written);
  if (signature === undefined) unknownFunction(stream, nameToken, written);
  if (caseInsensitive && !signature.caseInsensitive) {
    stream.fail(
      `function ${signature.name} has no case-insensitive form: ` +
        `remove the ~ after ${written}`,
      nameToken,
    );
  }
  stream.expect("(", "after the function name");
  const args: Expr[] = [];
  if (!stream.isAt(")")) {
    args.push(parseExpression(stream));
    while (stream.accept(",")) args.push(parseExpression(stream));
  }
  stream.expect(")", `to close the arguments of ${written}`);
  checkArgumentCount(stream, nameToken, signature.name, args.length);
  const call = {
    kind: "call" as const,
    name: signature.name,
    caseInsensitive,
    args,
  };
  return stream.mark(call, nameToken);
}

function unknownFunction(
  stream: TokenStream,
  token: Token,
  name: string,
): never {
  if (UNSUPPORTED_FUNCTIONS.has(name.toLowerCase())) {
    stream.fail(
      `function ${name} is not supported by Elasticsearch EQL`,
      token,
    );
  }
  const similar = FUNCTION_NAMES.filter((candidate) =>
    isSimilar(candidate.toLowerCase(), name.toLowerCase()),
  );
  const hint =
    similar.length > 0 ? `; did you mean ${similar.join(", ")}?` : "";
  stream.fail(`unknown function ${name}${hint}`, token);
}

function checkArgumentCount(
  stream: TokenStream,
  token: Token,
  name: string,
  count: number,
): void {
  const signature = findFunction(name)!;
  const { minArgs, maxArgs } = signature;
  if (count >= minArgs && count <= maxArgs) return;
  const expected =
    maxArgs === Infinity
      ? `at least ${minArgs}`
      : minArgs === maxArgs
        ? `${minArgs}`
        : `${minArgs} to ${maxArgs}`;
  stream.fail(
    `function ${name} takes ${expected} arguments, but ${count} were given`,
    token,
  );
}

/** True when the names differ by at most two single-character edits. */
function isSimilar(a: string, b: string): boolean {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let diagonal = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const above = row[j]!;
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      row[j] = Math.min(above + 1, row[j - 1]! + 1, diagonal + cost);
      diagonal = above;
    }
  }
  return row[b.length]! <= 2;
}
