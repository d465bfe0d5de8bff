import { EqlSyntaxError, type SourcePosition } from "./errors.js";
import { type Token, tokenize } from "./lexer.js";

/** Options that change what the parser accepts. */
export interface ParseOptions {
  /**
   * Accepts the operators of Elasticsearch's older EQL test suites on top of
   * the 8.x and 9.x grammar. These are `:` and `!:` as case-insensitive
   * equality of any expression with a constant (numbers included), and `-[`
   * to open a missing-event stage. Default false, because Elasticsearch 8.x
   * and 9.x reject these forms, and so does the parser.
   */
  legacySyntax?: boolean;
}

/**
 * Maximum nesting of one query: parentheses, function calls, `not`, signs
 * and chained arithmetic operators each add a level. The limit keeps the
 * recursive parser, printer and evaluator far from the end of the stack;
 * it is this tool's limit, not one of Elasticsearch.
 */
export const MAX_EQL_DEPTH = 200;

const nodePositions = new WeakMap<object, SourcePosition>();

/** Returns where the parser read a syntax-tree node, if it did. */
export function positionOf(node: object): SourcePosition | undefined {
  return nodePositions.get(node);
}

/** A cursor over the tokens of one query, with error helpers. */
export class TokenStream {
  private readonly tokens: Token[];
  private index = 0;
  private depth = 0;

  constructor(
    text: string,
    readonly options: ParseOptions,
  ) {
    this.tokens = tokenize(text);
  }

  peek(offset = 0): Token {
    const last = this.tokens.length - 1;
    return this.tokens[Math.min(this.index + offset, last)]!;
  }

  next(): Token {
    const token = this.peek();
    if (token.kind !== "eof") this.index++;
    return token;
  }

  /** True when the next token is the keyword or operator `value`. */
  isAt(value: string, offset = 0): boolean {
    const token = this.peek(offset);
    return (
      (token.kind === "keyword" || token.kind === "operator") &&
      token.value === value
    );
  }

  /** Consumes the keyword or operator `value` if it comes next. */
  accept(value: string): Token | undefined {
    return this.isAt(value) ? this.next() : undefined;
  }

  expect(value: string, context: string): Token {
    const token = this.accept(value);
    if (token === undefined) this.mismatch(`'${value}' ${context}`);
    return token;
  }

  /** Raises "mismatched input" at the next token, naming what was expected. */
  mismatch(expected: string, token: Token = this.peek()): never {
    const found = token.kind === "eof" ? "end of query" : `'${token.text}'`;
    this.fail(`mismatched input ${found}, expected ${expected}`, token);
  }

  fail(reason: string, at: Token | SourcePosition = this.peek()): never {
    const position = "position" in at ? at.position : at;
    throw new EqlSyntaxError(position, reason);
  }

  /** Opens one level of nesting at `at`; raises past MAX_EQL_DEPTH. */
  enter(at: Token = this.peek()): void {
    this.depth++;
    if (this.depth <= MAX_EQL_DEPTH) return;
    this.fail(
      `expression nested too deeply: more than ${MAX_EQL_DEPTH} levels of ` +
        "parentheses, function calls, not and operators; flatten the query",
      at,
    );
  }

  /** Closes `levels` levels of nesting opened with enter(). */
  leave(levels = 1): void {
    this.depth -= levels;
  }

  /** Records where `node` starts and returns it. */
  mark<T extends object>(node: T, at: Token | SourcePosition): T {
    nodePositions.set(node, "position" in at ? at.position : at);
    return node;
  }
}
