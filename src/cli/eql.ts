/**
 * `detections eql QUERY --events FILE...`: runs any EQL query over event
 * files on the embedded engine and prints the hits, or with `--json` the
 * body of Elasticsearch's `_eql/search` response.
 */
import { readFile } from "node:fs/promises";
import type { Command } from "commander";
import {
  compareOrderKeys,
  compileQuery,
  type CompiledQuery,
  ecsSchema,
  type OrderKey,
  type QueryResult,
  type Schema,
  schemaFromMapping,
  sortByOrder,
} from "../eql/engine/index.js";
import { EqlVerificationError } from "../eql/errors.js";
import { InputError } from "../errors.js";
import type { CommandContext } from "./context.js";
import { type EventMeta, type ReadEvent, readEvents } from "./eql-events.js";
import { fieldTracker } from "./eql-fields.js";
import { formatText, searchResponse } from "./eql-output.js";

/** Events between progress lines on stderr. */
const PROGRESS_INTERVAL = 250_000;

interface EqlOptions {
  events: string[];
  mapping?: string;
  size: string;
  json: boolean;
  index?: string;
  eventCategoryField: string;
  timestampField: string;
  tiebreakerField?: string;
}

/** Registers `detections eql`. */
export function registerEqlCommand(
  program: Command,
  context: CommandContext,
): void {
  program
    .command("eql")
    .description(
      "Run an EQL query over event files on the embedded engine and print " +
        "the matching events, sequences or samples, as Elasticsearch would.",
    )
    .argument(
      "<query>",
      "EQL query, such as 'process where process.name : \"mofcomp.exe\"'",
    )
    .requiredOption("--events <files...>", "NDJSON or JSON-array event files")
    .option(
      "--mapping <file>",
      "Elasticsearch index mapping (JSON) that types the fields (default: ECS field types, then the values' own types)",
    )
    .option(
      "--size <n>",
      "maximum number of events or sequences returned",
      "10",
    )
    .option(
      "--json",
      "print the response body of Elasticsearch's _eql/search",
      false,
    )
    .option(
      "--index <name>",
      "_index of every event (default: its data_stream fields, else the file name)",
    )
    .option(
      "--event-category-field <field>",
      "field holding the event category",
      "event.category",
    )
    .option(
      "--timestamp-field <field>",
      "field holding the event time",
      "@timestamp",
    )
    .option(
      "--tiebreaker-field <field>",
      "field that orders events with equal timestamps",
    )
    .action(async (query: string, options: EqlOptions) => {
      await runEql(query, options, context);
    });
}

async function runEql(
  text: string,
  options: EqlOptions,
  context: CommandContext,
): Promise<void> {
  const started = Date.now();
  const size = Number(options.size);
  if (!Number.isInteger(size) || size < 1) {
    throw new InputError(
      `--size: invalid value "${options.size}"; give a whole number of 1 or more`,
    );
  }
  const schema = options.mapping
    ? await loadMapping(options.mapping)
    : ecsSchema();
  const compiled = compileQuery(text, {
    schema,
    size,
    categoryField: options.eventCategoryField,
    timestampField: options.timestampField,
    ...(options.tiebreakerField
      ? { tiebreakerField: options.tiebreakerField }
      : {}),
  });
  const tracker = fieldTracker(compiled, schema);
  let result = await streamRun(compiled, options, tracker.observe, context);
  if (result === undefined) {
    context.log(
      "eql: events are not in timestamp order; sorting them in memory",
    );
    result = await sortedRun(compiled, options);
  }
  const unknown = tracker.unknownFields();
  if (unknown.length > 0) {
    throw new EqlVerificationError(
      undefined,
      `unknown field ${unknown.join(", ")}: no event has it and the mapping ` +
        "does not define it; check the name, or prefix it with ? to treat it as optional",
    );
  }
  if (options.json) {
    context.out(
      JSON.stringify(searchResponse(result, Date.now() - started), null, 2),
    );
  } else {
    for (const line of formatText(result)) context.out(line);
  }
}

async function loadMapping(file: string): Promise<Schema> {
  let mapping: unknown;
  try {
    mapping = JSON.parse(await readFile(file, "utf8"));
  } catch (error) {
    throw new InputError(
      `${file}: cannot read the mapping (${(error as Error).message}); give an index mapping as JSON`,
      { cause: error },
    );
  }
  return schemaFromMapping(mapping);
}

/**
 * Streams every file through one run. Returns undefined when a sequence
 * meets an event older than the one before, since sequences need order.
 */
async function streamRun(
  compiled: CompiledQuery,
  options: EqlOptions,
  observe: (event: unknown) => void,
  context: CommandContext,
): Promise<QueryResult<EventMeta> | undefined> {
  const run = compiled.run<EventMeta>();
  const needsOrder = compiled.query.kind === "sequence";
  let previous: OrderKey | undefined;
  let count = 0;
  for await (const event of allEvents(options)) {
    observe(event.source);
    if (needsOrder) {
      const order = compiled.orderOf(event.source, count);
      if (previous && compareOrderKeys(order, previous) < 0) return undefined;
      previous = order;
    }
    run.push(event.source, event.meta);
    if (++count % PROGRESS_INTERVAL === 0)
      context.log(`eql: ${count} events read`);
  }
  return run.finish();
}

async function sortedRun(
  compiled: CompiledQuery,
  options: EqlOptions,
): Promise<QueryResult<EventMeta>> {
  const events: ReadEvent[] = [];
  for await (const event of allEvents(options)) events.push(event);
  const sorted = sortByOrder(events, (event, position) =>
    compiled.orderOf(event.source, position),
  );
  const run = compiled.run<EventMeta>();
  for (const event of sorted) run.push(event.source, event.meta);
  return run.finish();
}

async function* allEvents(options: EqlOptions): AsyncGenerator<ReadEvent> {
  for (const file of options.events) yield* readEvents(file, options.index);
}
