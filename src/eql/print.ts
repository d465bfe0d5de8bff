/**
 * Prints the EQL syntax tree as query text that Elasticsearch 8.11 to 9.x
 * parses back to the same tree. Output is deterministic: an expression that
 * fits in 80 columns stays on one line, a longer `and`/`or` puts each operand
 * on its own line, and a longer value list puts each value on its own line.
 */
import type {
  EqlQuery,
  EqlValue,
  Expr,
  Pipe,
  QueryStage,
  TimeSpan,
} from "./ast.js";
import { KEYWORDS } from "./lexer.js";

const maxWidth = 80;
/** Binding strength passed to the operands of an `or`. */
const orOperand = 2;
const indentStep = 2;

/** Prints a whole query: event query, sequence or sample, then its pipes. */
export function printEql(query: EqlQuery): string {
  const pipes = query.pipes.map(printPipe);
  switch (query.kind) {
    case "event": {
      const head = `${printCategory(query.category)} where `;
      const body = printExpr(query.condition, head.length, indentStep, 0);
      return [head + body, ...pipes].join("\n");
    }
    case "sequence": {
      const options: string[] = [];
      if (query.by.length > 0) options.push(`by ${printList(query.by)}`);
      if (query.maxspan)
        options.push(`with maxspan=${printSpan(query.maxspan)}`);
      const head = ["sequence", ...options].join(" ");
      const stages = query.stages.map((stage) => `  ${printStage(stage)}`);
      const until = query.until ? [`until ${printStage(query.until)}`] : [];
      return [head, ...stages, ...until, ...pipes].join("\n");
    }
    case "sample": {
      const head =
        query.by.length > 0 ? `sample by ${printList(query.by)}` : "sample";
      const stages = query.stages.map((stage) => `  ${printStage(stage)}`);
      return [head, ...stages, ...pipes].join("\n");
    }
  }
}

/** Prints an expression on one line, with the parentheses it needs. */
export function printExprFlat(expr: Expr): string {
  return flat(expr, 0);
}

const ESCAPED_CHARACTER = /^[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]$/u;

/**
 * Quotes a string as an EQL string literal. Backslash, double quote, line
 * feed, carriage return and tab get their short escapes. Other control
 * characters, invisible format characters (Unicode category Cf, such as a
 * zero-width space or a right-to-left override) and the line and paragraph
 * separators get `\u{XX}`, which Elasticsearch's EQL lexer reads as a code
 * point of 2 to 8 hex digits. A reader then sees the value as it is.
 */
export function quoteString(value: string): string {
  let quoted = '"';
  for (const char of value) {
    const code = char.codePointAt(0)!;
    if (char === "\\") quoted += "\\\\";
    else if (char === '"') quoted += '\\"';
    else if (char === "\n") quoted += "\\n";
    else if (char === "\r") quoted += "\\r";
    else if (char === "\t") quoted += "\\t";
    else if (ESCAPED_CHARACTER.test(char)) {
      quoted += `\\u{${code.toString(16).toUpperCase().padStart(2, "0")}}`;
    } else quoted += char;
  }
  return `${quoted}"`;
}

/** Prints a field path, with backquotes around segments EQL cannot read bare. */
export function printFieldPath(path: string, optional = false): string {
  const segments = path
    .split(".")
    .map((segment) =>
      /^[A-Za-z_@][A-Za-z0-9_]*$/.test(segment) && !isKeyword(segment)
        ? segment
        : `\`${segment.replace(/`/g, "``")}\``,
    );
  return `${optional ? "?" : ""}${segments.join(".")}`;
}

// `runs` is not reserved by the lexer, but quoting it keeps a field segment
// named `runs` from being read as part of `with runs=`. Quoting is harmless.
const keywords: ReadonlySet<string> = new Set([...KEYWORDS, "runs"]);

function isKeyword(word: string): boolean {
  return keywords.has(word.toLowerCase());
}

/** Binding strength: a child binding looser than its parent needs parentheses. */
function precedence(expr: Expr): number {
  switch (expr.kind) {
    case "or":
      return 1;
    case "and":
      return 2;
    case "not":
      return 3;
    case "compare":
    case "match":
    case "in":
      return 4;
    case "arithmetic":
      return expr.op === "+" || expr.op === "-" ? 5 : 6;
    case "negate":
      return 7;
    default:
      return 8;
  }
}

function printExpr(
  expr: Expr,
  column: number,
  indent: number,
  parent: number,
): string {
  const oneLine = flat(expr, parent);
  if (column + oneLine.length <= maxWidth) return oneLine;
  const needsParens = needsParentheses(expr, parent);
  const open = needsParens ? 1 : 0;
  let body: string | null = null;
  if (expr.kind === "and" || expr.kind === "or") {
    body = printJunction(
      expr.kind,
      expr.operands,
      column + open,
      indent + open,
    );
  } else if (expr.kind === "not") {
    body = `not ${printExpr(expr.operand, column + open + 4, indent + open, notOperand(expr.operand))}`;
  } else if (expr.kind === "in" || expr.kind === "match") {
    body = printLongList(expr, column + open, indent + open);
  }
  if (body === null) return oneLine;
  return needsParens ? `(${body})` : body;
}

function printJunction(
  op: "and" | "or",
  operands: Expr[],
  column: number,
  indent: number,
): string {
  const own = op === "or" ? 1 : 2;
  const lines = operands.map((operand, index) => {
    const start = index === 0 ? column : indent;
    return printExpr(operand, start, indent, own + 1);
  });
  return lines.join(` ${op}\n${" ".repeat(indent)}`);
}

function printLongList(
  expr: Expr & { kind: "in" | "match" },
  column: number,
  indent: number,
): string | null {
  const items = expr.kind === "in" ? expr.values : expr.patterns;
  if (items.length < 2) return null;
  const head = `${flat(expr.field, 5)} ${operatorOf(expr)} (`;
  const inner = " ".repeat(indent + indentStep);
  const values = items.map((item) => inner + flat(item, 0)).join(",\n");
  return `${head}\n${values}\n${" ".repeat(indent)})`;
}

function operatorOf(expr: Expr & { kind: "in" | "match" }): string {
  if (expr.kind === "match") return expr.op;
  return `${expr.negated ? "not " : ""}in${expr.caseInsensitive ? "~" : ""}`;
}

function flat(expr: Expr, parent: number): string {
  const text = flatBody(expr);
  return needsParentheses(expr, parent) ? `(${text})` : text;
}

/**
 * True when `expr` under a parent of binding strength `parent` needs
 * parentheses. An `and` under an `or` gets them too: EQL does not need
 * them there, but readers of mixed `and`/`or` lines do.
 */
function needsParentheses(expr: Expr, parent: number): boolean {
  return (
    precedence(expr) < parent || (expr.kind === "and" && parent === orOperand)
  );
}

/**
 * Binding strength for the operand of `not`. A nested `not` needs no
 * parentheses (`not not x`), which keeps the printed text as deep as the
 * tree, within the parser's nesting limit.
 */
function notOperand(operand: Expr): number {
  return operand.kind === "not" ? precedence(operand) : 4;
}

function flatBody(expr: Expr): string {
  switch (expr.kind) {
    case "literal":
      return printLiteral(expr.value, expr.decimal === true);
    case "field":
      return printFieldPath(expr.path, expr.optional);
    case "and":
    case "or": {
      const own = precedence(expr);
      return expr.operands
        .map((operand) => flat(operand, own + 1))
        .join(` ${expr.kind} `);
    }
    case "not":
      return `not ${flat(expr.operand, notOperand(expr.operand))}`;
    case "compare":
      return `${flat(expr.left, 5)} ${expr.op} ${flat(expr.right, 5)}`;
    case "match":
    case "in": {
      const items = expr.kind === "in" ? expr.values : expr.patterns;
      const list =
        expr.kind === "match" && items.length === 1
          ? flat(items[0]!, 5)
          : `(${items.map((item) => flat(item, 0)).join(", ")})`;
      return `${flat(expr.field, 5)} ${operatorOf(expr)} ${list}`;
    }
    case "call":
      return `${expr.name}${expr.caseInsensitive ? "~" : ""}(${printList(expr.args)})`;
    case "arithmetic": {
      const own = precedence(expr);
      return `${flat(expr.left, own)} ${expr.op} ${flat(expr.right, own + 1)}`;
    }
    case "negate":
      return `-${flat(expr.operand, 7)}`;
  }
}

function printLiteral(value: EqlValue, decimal: boolean): string {
  if (value === null) return "null";
  if (typeof value === "string") return quoteString(value);
  if (typeof value === "boolean") return String(value);
  if (!Number.isFinite(value)) {
    throw new RangeError(`EQL has no literal for the number ${value}`);
  }
  // A decimal literal keeps its point: `4.0 / 3` divides as a double in
  // Elasticsearch, while `4 / 3` is integer division.
  if (decimal && Number.isInteger(value)) return `${value}.0`;
  return String(value);
}

function printList(exprs: Expr[]): string {
  return exprs.map((expr) => flat(expr, 0)).join(", ");
}

function printCategory(category: string): string {
  if (category === "any") return "any";
  return /^[A-Za-z_][A-Za-z0-9_]*$/.test(category) && !isKeyword(category)
    ? category
    : quoteString(category);
}

function printStage(stage: QueryStage): string {
  let text = `${stage.missing ? "!" : ""}[${printCategory(stage.category)} where ${flat(stage.condition, 0)}]`;
  if (stage.by.length > 0) text += ` by ${printList(stage.by)}`;
  if (stage.runs !== 1) text += ` with runs=${stage.runs}`;
  return text;
}

function printSpan(span: TimeSpan): string {
  return `${span.value}${span.unit}`;
}

function printPipe(pipe: Pipe): string {
  switch (pipe.kind) {
    case "head":
    case "tail":
      return `| ${pipe.kind} ${pipe.count}`;
    case "filter":
      return `| filter ${flat(pipe.condition, 0)}`;
  }
}
