import { InputError } from "../errors.js";

/** A place in the query text: 1-based line and column. */
export interface SourcePosition {
  line: number;
  column: number;
}

/**
 * Invalid EQL text: a token the lexer cannot read or a construct the grammar
 * of Elasticsearch EQL does not allow. The message starts with
 * `line L:C:`, as Elasticsearch's parsing errors do.
 */
export class EqlSyntaxError extends InputError {
  constructor(
    readonly position: SourcePosition,
    readonly reason: string,
  ) {
    super(`line ${position.line}:${position.column}: ${reason}`);
  }
}

/**
 * A query that parses but that Elasticsearch would reject before searching:
 * an unknown field, a text field in a comparison, a type mismatch, an
 * unsupported function or pipe. Elasticsearch reports these as a
 * `verification_exception`.
 */
export class EqlVerificationError extends InputError {
  constructor(
    readonly position: SourcePosition | undefined,
    readonly reason: string,
  ) {
    const where = position ? `line ${position.line}:${position.column}: ` : "";
    super(`${where}${reason}`);
  }
}
