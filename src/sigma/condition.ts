/**
 * Parser of Sigma conditions. Precedence from loosest to tightest: `or`,
 * `and`, `not`, `1 of`/`all of`, parentheses (Sigma specification v2,
 * "Condition"). Keywords are case-insensitive, as in pySigma.
 */
import { MAX_QUOTED_LENGTH, SigmaRuleError, UnsupportedFeatureError } from "./errors.js";
import type { SigmaCondition, SourceLocation } from "./model.js";

interface Token {
  kind: "word" | "(" | ")" | "|" | "end";
  text: string;
  /** 1-based column in the condition text. */
  column: number;
}

const keywords = new Set(["and", "or", "not", "of", "them", "all", "any"]);

/**
 * Maximum nesting of parentheses and `not` in one condition. Deeper
 * conditions are rejected before any recursive step can exhaust the stack;
 * SigmaHQ rules nest at most a few levels.
 */
export const MAX_CONDITION_DEPTH = 100;

/**
 * Quotes a condition for a message, cut after MAX_QUOTED_LENGTH characters
 * so that a huge condition does not flood the output.
 */
export function quoteCondition(text: string): string {
  if (text.length <= MAX_QUOTED_LENGTH) return `"${text}"`;
  return `"${text.slice(0, MAX_QUOTED_LENGTH)}..." (${text.length} characters)`;
}

/**
 * Parses `text` into a condition tree. Throws SigmaRuleError on a syntax
 * error and UnsupportedFeatureError on an aggregation (`| count() > 5`).
 */
export function parseCondition(
  text: string,
  location: SourceLocation,
): SigmaCondition {
  const parser = new ConditionParser(tokenize(text, location), text, location);
  return parser.parse();
}

function tokenize(text: string, location: SourceLocation): Token[] {
  const tokens: Token[] = [];
  const pattern = /\s+|[()|]|[^\s()|]+/gy;
  let match: RegExpExecArray | null;
  while ((match = pattern.exec(text)) !== null) {
    const word = match[0];
    if (/^\s+$/.test(word)) continue;
    const kind = word === "(" || word === ")" || word === "|" ? word : "word";
    tokens.push({ kind, text: word, column: match.index + 1 });
  }
  if (tokens.length === 0) {
    throw new SigmaRuleError(
      location,
      "empty condition",
      "Write a condition such as `selection and not filter`",
    );
  }
  tokens.push({ kind: "end", text: "", column: text.length + 1 });
  return tokens;
}

class ConditionParser {
  private position = 0;
  private depth = 0;

  constructor(
    private readonly tokens: Token[],
    private readonly text: string,
    private readonly location: SourceLocation,
  ) {}

  parse(): SigmaCondition {
    const condition = this.parseOr();
    const token = this.peek();
    if (token.kind === "|") {
      throw new UnsupportedFeatureError(
        this.location,
        "aggregation in condition",
        `The condition ${quoteCondition(this.text)} has an aggregation after \`|\` at ` +
          "column " +
          `${token.column}; EQL event queries cannot count. Remove the ` +
          "aggregation or write a Sigma correlation rule.",
      );
    }
    if (token.kind !== "end") this.fail(token, "expected `and`, `or` or the end");
    return condition;
  }

  private parseOr(): SigmaCondition {
    const operands = [this.parseAnd()];
    while (this.isKeyword(this.peek(), "or")) {
      this.position++;
      operands.push(this.parseAnd());
    }
    return operands.length === 1 ? operands[0]! : { kind: "or", operands };
  }

  private parseAnd(): SigmaCondition {
    const operands = [this.parseNot()];
    while (this.isKeyword(this.peek(), "and")) {
      this.position++;
      operands.push(this.parseNot());
    }
    return operands.length === 1 ? operands[0]! : { kind: "and", operands };
  }

  private parseNot(): SigmaCondition {
    const token = this.peek();
    if (this.isKeyword(token, "not")) {
      this.position++;
      this.enter(token);
      const operand = this.parseNot();
      this.depth--;
      return { kind: "not", operand };
    }
    return this.parsePrimary();
  }

  private parsePrimary(): SigmaCondition {
    const token = this.next();
    if (token.kind === "(") {
      this.enter(token);
      const inner = this.parseOr();
      const close = this.next();
      if (close.kind !== ")") this.fail(close, "expected `)`");
      this.depth--;
      return inner;
    }
    if (token.kind !== "word") this.fail(token, "expected a search identifier");
    const lower = token.text.toLowerCase();
    if (lower === "1" || lower === "all" || lower === "any") {
      if (this.isKeyword(this.peek(), "of")) return this.parseQuantifier(token);
    }
    if (keywords.has(lower)) this.fail(token, "expected a search identifier");
    return { kind: "ref", name: token.text };
  }

  private parseQuantifier(quantity: Token): SigmaCondition {
    this.position++;
    const target = this.next();
    if (target.kind !== "word") {
      this.fail(target, "expected `them` or an identifier pattern after `of`");
    }
    const lower = target.text.toLowerCase();
    if (keywords.has(lower) && lower !== "them") {
      this.fail(target, "expected `them` or an identifier pattern after `of`");
    }
    return {
      kind: "quantifier",
      quantity: quantity.text.toLowerCase() === "all" ? "all" : "1",
      pattern: lower === "them" ? "them" : target.text,
    };
  }

  /** Counts one level of nesting opened by `token`, within the maximum. */
  private enter(token: Token): void {
    this.depth++;
    if (this.depth <= MAX_CONDITION_DEPTH) return;
    throw new SigmaRuleError(
      this.location,
      `condition nested too deeply: more than ${MAX_CONDITION_DEPTH} ` +
        `levels of parentheses and \`not\` at column ${token.column}`,
      "Flatten the condition, for example with `1 of` or `all of` over " +
        "several search identifiers",
    );
  }

  private peek(): Token {
    return this.tokens[this.position]!;
  }

  private next(): Token {
    const token = this.tokens[this.position]!;
    if (token.kind !== "end") this.position++;
    return token;
  }

  private isKeyword(token: Token, keyword: string): boolean {
    return token.kind === "word" && token.text.toLowerCase() === keyword;
  }

  private fail(token: Token, expected: string): never {
    const found = token.kind === "end" ? "the end" : `\`${token.text}\``;
    throw new SigmaRuleError(
      this.location,
      `invalid condition ${quoteCondition(this.text)}: ${expected} at column ` +
        `${token.column}, found ${found}`,
      "Use search identifiers joined by `and`, `or`, `not`, parentheses, " +
        "`1 of <pattern>` or `all of <pattern>`",
    );
  }
}
