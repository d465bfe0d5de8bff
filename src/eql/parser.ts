/**
 * Parser for Elasticsearch EQL (8.11 to 9.x): event queries, sequences and
 * samples, with the `head` and `tail` pipes. It builds the shared syntax
 * tree of `ast.ts` and rejects, with a `line L:C:` message, the constructs
 * that Elasticsearch rejects at parse time.
 */
import type {
  EqlQuery,
  EventQuery,
  Expr,
  Pipe,
  QueryStage,
  SampleQuery,
  SequenceQuery,
  TimeSpan,
} from "./ast.js";
import { parseExpression } from "./expression-parser.js";
import type { Token } from "./lexer.js";
import { type ParseOptions, positionOf, TokenStream } from "./token-stream.js";

export { positionOf, type ParseOptions } from "./token-stream.js";

/** Maximum `with runs=N`, as in Elasticsearch. */
const MAX_RUNS = 100;

/** Pipes of the original EQL that Elasticsearch parses but rejects. */
const UNSUPPORTED_PIPES = new Set([
  "count",
  "filter",
  "sort",
  "unique",
  "unique_count",
]);

const TIME_UNITS = new Set(["ms", "s", "m", "h", "d"]);

/** Parses EQL text into a syntax tree; raises EqlSyntaxError. */
export function parseEql(text: string, options: ParseOptions = {}): EqlQuery {
  const stream = new TokenStream(text, options);
  const query = parseQuery(stream);
  while (stream.isAt("|")) query.pipes.push(parsePipe(stream));
  if (stream.peek().kind !== "eof") stream.mismatch("'|' or end of query");
  return query;
}

function parseQuery(stream: TokenStream): EqlQuery {
  const start = stream.peek();
  if (stream.isAt("sequence")) return parseSequence(stream);
  if (stream.isAt("sample")) return parseSample(stream);
  if (stream.isAt("join")) {
    stream.fail("join is not supported by Elasticsearch EQL: use sequence");
  }
  const { category, condition } = parseEventFilter(stream);
  const query: EventQuery = { kind: "event", category, condition, pipes: [] };
  return stream.mark(query, start);
}

/** `category where condition`, with `any` or a quoted category allowed. */
function parseEventFilter(stream: TokenStream): {
  category: string;
  condition: Expr;
} {
  const token = stream.peek();
  let category: string;
  if (stream.accept("any")) {
    category = "any";
  } else if (token.kind === "identifier" || token.kind === "string") {
    category = stream.next().value;
  } else {
    return stream.mismatch("an event category, 'any', 'sequence' or 'sample'");
  }
  stream.expect("where", "after the event category");
  return { category, condition: parseExpression(stream) };
}

function parseSequence(stream: TokenStream): SequenceQuery {
  const start = stream.next();
  let by: Expr[] = [];
  let maxspan: TimeSpan | null = null;
  if (stream.isAt("by")) {
    by = parseJoinKeys(stream);
    if (stream.isAt("with")) maxspan = parseMaxspan(stream);
  } else if (stream.isAt("with")) {
    maxspan = parseMaxspan(stream);
    if (stream.isAt("by")) {
      stream.fail("write sequence 'by' before 'with maxspan', not after");
    }
  }
  const stages: QueryStage[] = [];
  while (isStageStart(stream)) stages.push(parseStage(stream, true));
  if (
    !stream.isAt("until") &&
    !stream.isAt("|") &&
    stream.peek().kind !== "eof"
  ) {
    stream.mismatch("'[', 'until', '|' or end of query");
  }
  let until: QueryStage | null = null;
  const untilToken = stream.accept("until");
  if (untilToken) {
    until = parseStage(stream, true);
    if (until.missing) {
      stream.fail("the until stage cannot be a missing event", untilToken);
    }
  }
  checkSequenceStages(stream, start, stages);
  checkJoinKeyCounts(stream, by, until ? [...stages, until] : stages);
  const query: SequenceQuery = {
    kind: "sequence",
    by,
    maxspan,
    stages,
    until,
    pipes: [],
  };
  return stream.mark(query, start);
}

function checkSequenceStages(
  stream: TokenStream,
  start: Token,
  stages: QueryStage[],
): void {
  if (stages.length === 0) stream.mismatch("'[' to start a sequence stage");
  const events = stages.reduce((sum, stage) => sum + stage.runs, 0);
  if (events < 2) {
    stream.fail(
      `a sequence needs at least 2 stages, found ${events}: ` +
        "add a stage or 'with runs=2'",
      start,
    );
  }
  if (stages.every((stage) => stage.missing)) {
    stream.fail(
      "a sequence needs at least one stage that is not a missing event",
      start,
    );
  }
}

function parseSample(stream: TokenStream): SampleQuery {
  const start = stream.next();
  const by = stream.isAt("by") ? parseJoinKeys(stream) : [];
  const stages: QueryStage[] = [];
  while (isStageStart(stream)) stages.push(parseStage(stream, false));
  if (stages.length < 2) {
    stream.fail(
      `a sample needs at least 2 stages, found ${stages.length}`,
      stages.length === 0 ? stream.peek() : start,
    );
  }
  checkJoinKeyCounts(stream, by, stages);
  return stream.mark({ kind: "sample", by, stages, pipes: [] }, start);
}

function isStageStart(stream: TokenStream): boolean {
  if (stream.isAt("[") || stream.isAt("![")) return true;
  if (!stream.isAt("-") || !stream.isAt("[", 1)) return false;
  if (!stream.options.legacySyntax) {
    stream.fail("open a missing-event stage with ![, not -[");
  }
  return true;
}

/** `[category where condition] [by keys] [with runs=N]`, or `![...]`. */
function parseStage(stream: TokenStream, inSequence: boolean): QueryStage {
  const start = stream.peek();
  const missing = stream.accept("![") !== undefined || legacyMissing(stream);
  if (!missing) stream.expect("[", "to open a stage");
  if (missing && !inSequence) {
    stream.fail(
      "missing events (![...]) are only allowed in a sequence",
      start,
    );
  }
  const { category, condition } = parseEventFilter(stream);
  stream.expect("]", "to close the stage");
  const by = stream.isAt("by") ? parseJoinKeys(stream) : [];
  let runs = 1;
  if (stream.isAt("with") && !stream.isAt("maxspan", 1)) {
    if (!inSequence) stream.fail("'with runs' is only allowed in a sequence");
    runs = parseRuns(stream);
  }
  const stage: QueryStage = { category, condition, by, runs, missing };
  return stream.mark(stage, start);
}

function legacyMissing(stream: TokenStream): boolean {
  if (!stream.options.legacySyntax || !stream.isAt("-")) return false;
  if (!stream.isAt("[", 1)) return false;
  stream.next();
  stream.next();
  return true;
}

function parseRuns(stream: TokenStream): number {
  stream.expect("with", "before runs");
  const key = stream.next();
  if (key.kind !== "identifier" || key.value !== "runs") {
    stream.fail(`unknown stage option '${key.text}': expected runs`, key);
  }
  stream.expect("=", "after runs");
  const value = stream.next();
  const runs = Number(value.value);
  if (value.kind !== "integer" || runs < 1 || runs > MAX_RUNS) {
    stream.fail(
      `runs must be an integer from 1 to ${MAX_RUNS}, found '${value.text}'`,
      value,
    );
  }
  return runs;
}

function parseJoinKeys(stream: TokenStream): Expr[] {
  stream.expect("by", "before join keys");
  const keys = [parseJoinKey(stream)];
  while (stream.accept(",")) keys.push(parseJoinKey(stream));
  return keys;
}

function parseJoinKey(stream: TokenStream): Expr {
  const start = stream.peek();
  const key = parseExpression(stream);
  if (key.kind !== "field") {
    stream.fail(
      "a join key must be a field: Elasticsearch does not support " +
        "expressions or functions after 'by'",
      start,
    );
  }
  return key;
}

function checkJoinKeyCounts(
  stream: TokenStream,
  shared: Expr[],
  stages: QueryStage[],
): void {
  const expected = stages[0]?.by.length ?? 0;
  for (const stage of stages) {
    if (stage.by.length === expected) continue;
    stream.fail(
      `inconsistent number of join keys: expected ${expected} after the ` +
        `shared ${shared.length}, found ${stage.by.length}`,
      positionOf(stage) ?? stream.peek().position,
    );
  }
}

/** `with maxspan=N<unit>`, with unit ms, s, m, h or d. */
function parseMaxspan(stream: TokenStream): TimeSpan {
  stream.expect("with", "before maxspan");
  stream.expect("maxspan", "after 'with'");
  stream.expect("=", "after maxspan");
  const number = stream.next();
  if (number.kind === "decimal") {
    stream.fail(
      `maxspan must be a whole number, found ${number.text}: ` +
        "use a smaller unit, such as 1500ms for 1.5s",
      number,
    );
  }
  if (number.kind !== "integer") stream.mismatch("a number", number);
  const value = Number(number.value);
  if (value <= 0) {
    stream.fail(`maxspan must be positive, found ${number.text}`, number);
  }
  const unit = stream.peek();
  if (unit.kind !== "identifier" || !TIME_UNITS.has(unit.value)) {
    const found = unit.kind === "identifier" ? `'${unit.text}'` : "none";
    stream.fail(
      `maxspan needs a time unit (ms, s, m, h or d), found ${found}: ` +
        `write for example ${number.text}s`,
      unit.kind === "identifier" ? unit : number,
    );
  }
  stream.next();
  return { value, unit: unit.value as TimeSpan["unit"] };
}

function parsePipe(stream: TokenStream): Pipe {
  stream.expect("|", "before a pipe");
  const name = stream.next();
  if (name.kind !== "identifier") stream.mismatch("a pipe name", name);
  if (UNSUPPORTED_PIPES.has(name.value)) {
    stream.fail(
      `pipe ${name.value} is not supported by Elasticsearch EQL: ` +
        "only head and tail are",
      name,
    );
  }
  if (name.value !== "head" && name.value !== "tail") {
    stream.fail(`unknown pipe ${name.value}: expected head or tail`, name);
  }
  const count = stream.next();
  if (count.kind !== "integer") {
    stream.fail(
      `pipe ${name.value} needs a whole number of results, ` +
        `found ${count.kind === "eof" ? "none" : `'${count.text}'`}`,
      count,
    );
  }
  return { kind: name.value, count: Number(count.value) };
}
