/**
 * Lexer for Elasticsearch EQL, following the token rules of the EqlBase.g4
 * grammar of Elasticsearch 8.x and 9.x: lowercase keywords, `~` suffixes,
 * backquoted identifiers, double-quoted strings with escapes, raw strings in
 * triple double quotes, and `//` and nested `/* *\/` comments.
 */
import { EqlSyntaxError, type SourcePosition } from "./errors.js";
import { scanString } from "./string-literal.js";

export type TokenKind =
  | "identifier"
  | "quotedIdentifier"
  | "tildeIdentifier"
  | "keyword"
  | "string"
  | "integer"
  | "decimal"
  | "operator"
  | "eof";

export interface Token {
  kind: TokenKind;
  /** Keyword or operator text, identifier name, or decoded string value. */
  value: string;
  /** The token exactly as written in the query. */
  text: string;
  position: SourcePosition;
}

/** Reserved words. Elasticsearch matches them in lowercase only. */
export const KEYWORDS: ReadonlySet<string> = new Set([
  "and",
  "any",
  "by",
  "false",
  "in",
  "join",
  "like",
  "maxspan",
  "not",
  "null",
  "of",
  "or",
  "regex",
  "sample",
  "sequence",
  "true",
  "until",
  "where",
  "with",
]);

/** Keywords that take a `~` suffix to become case-insensitive. */
const TILDE_KEYWORDS = new Set(["in", "like", "regex"]);

/** Operators, longest first so that `==` wins over `=`. */
const OPERATORS = [
  "==",
  "!=",
  "<=",
  ">=",
  "![",
  "!:",
  "<",
  ">",
  "=",
  ":",
  "+",
  "-",
  "*",
  "/",
  "%",
  ".",
  ",",
  "[",
  "]",
  "(",
  ")",
  "|",
  "?",
];

/** Splits EQL text into tokens; raises EqlSyntaxError on invalid text. */
export function tokenize(text: string): Token[] {
  return new Lexer(text).run();
}

class Lexer {
  private index = 0;
  private line = 1;
  private lineStart = 0;
  private readonly tokens: Token[] = [];

  constructor(private readonly text: string) {}

  run(): Token[] {
    for (;;) {
      this.skipSpaceAndComments();
      if (this.index >= this.text.length) break;
      this.tokens.push(this.readToken());
    }
    this.tokens.push({
      kind: "eof",
      value: "<EOF>",
      text: "<EOF>",
      position: this.position(),
    });
    return this.tokens;
  }

  private position(at = this.index): SourcePosition {
    return { line: this.line, column: at - this.lineStart + 1 };
  }

  private fail(reason: string, at = this.index): never {
    throw new EqlSyntaxError(this.position(at), reason);
  }

  private advance(count: number): void {
    for (let i = 0; i < count; i++) {
      if (this.text[this.index] === "\n") {
        this.line++;
        this.lineStart = this.index + 1;
      }
      this.index++;
    }
  }

  private skipSpaceAndComments(): void {
    for (;;) {
      const char = this.text[this.index];
      if (char === " " || char === "\t" || char === "\r" || char === "\n") {
        this.advance(1);
      } else if (this.text.startsWith("//", this.index)) {
        const end = this.text.indexOf("\n", this.index);
        this.advance((end < 0 ? this.text.length : end) - this.index);
      } else if (this.text.startsWith("/*", this.index)) {
        this.skipBlockComment();
      } else {
        return;
      }
    }
  }

  /** Skips a `/* ... *\/` comment; these nest, as in the ANTLR grammar. */
  private skipBlockComment(): void {
    const start = this.index;
    let depth = 0;
    while (this.index < this.text.length) {
      if (this.text.startsWith("/*", this.index)) {
        depth++;
        this.advance(2);
      } else if (this.text.startsWith("*/", this.index)) {
        depth--;
        this.advance(2);
        if (depth === 0) return;
      } else {
        this.advance(1);
      }
    }
    this.fail("unterminated comment: add the closing */", start);
  }

  private readToken(): Token {
    const start = this.index;
    const char = this.text[start]!;
    if (char === '"' || char === "'") return this.readString(start);
    if (char === "?" && /["']/.test(this.text[start + 1] ?? "")) {
      return this.readString(start);
    }
    if (char === "`") return this.readQuotedIdentifier(start);
    if (/[0-9]/.test(char) || (char === "." && /[0-9]/.test(this.peek(1)))) {
      return this.readNumber(start);
    }
    if (/[A-Za-z_@]/.test(char)) return this.readWord(start);
    const operator = OPERATORS.find((op) => this.text.startsWith(op, start));
    if (operator === undefined) {
      this.fail(`invalid character '${char}'`);
    }
    const position = this.position(start);
    this.advance(operator.length);
    return { kind: "operator", value: operator, text: operator, position };
  }

  private peek(offset: number): string {
    return this.text[this.index + offset] ?? "";
  }

  private readWord(start: number): Token {
    const match = /^[A-Za-z_@][A-Za-z0-9_]*/.exec(this.text.slice(start))!;
    const word = match[0];
    const position = this.position(start);
    this.advance(word.length);
    const tilde = this.text[this.index] === "~" && /^[A-Za-z]/.test(word);
    if (tilde) {
      this.advance(1);
      const kind = TILDE_KEYWORDS.has(word) ? "keyword" : "tildeIdentifier";
      return { kind, value: `${word}~`, text: `${word}~`, position };
    }
    const kind = KEYWORDS.has(word) ? "keyword" : "identifier";
    return { kind, value: word, text: word, position };
  }

  private readNumber(start: number): Token {
    const rest = this.text.slice(start);
    const match = /^(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?/.exec(
      rest,
    )!;
    const literal = match[0];
    const position = this.position(start);
    this.advance(literal.length);
    const kind = /[.eE]/.test(literal) ? "decimal" : "integer";
    return { kind, value: literal, text: literal, position };
  }

  private readQuotedIdentifier(start: number): Token {
    let name = "";
    let i = start + 1;
    for (;;) {
      const char = this.text[i];
      if (char === undefined) {
        this.fail("unterminated backquoted name: add the closing `", start);
      }
      if (char === "`") {
        if (this.text[i + 1] !== "`") break;
        name += "`";
        i += 2;
      } else {
        name += char;
        i++;
      }
    }
    const position = this.position(start);
    this.advance(i + 1 - start);
    const text = this.text.slice(start, this.index);
    return { kind: "quotedIdentifier", value: name, text, position };
  }

  private readString(start: number): Token {
    const scanned = scanString(this.text, start, (reason, at) =>
      this.fail(reason, at),
    );
    const position = this.position(start);
    const text = this.text.slice(start, scanned.end);
    this.advance(scanned.end - start);
    return { kind: "string", value: scanned.value, text, position };
  }
}
