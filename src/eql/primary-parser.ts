/**
 * Primary expressions of Elasticsearch EQL: literals, parenthesized
 * expressions, field references and function calls.
 */
import type { CallExpr, Expr, FieldExpr, LiteralExpr } from "./ast.js";
import { parseExpression } from "./expression-parser.js";
import {
  findFunction,
  FUNCTION_NAMES,
  UNSUPPORTED_FUNCTIONS,
} from "./function-table.js";
import type { Token } from "./lexer.js";
import type { TokenStream } from "./token-stream.js";

export function tryLiteral(stream: TokenStream): LiteralExpr | undefined {
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

export function parsePrimary(stream: TokenStream): Expr {
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
