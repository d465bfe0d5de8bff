/**
 * Loads Elasticsearch's EQL conformance data (the `qa/common` resources of
 * its EQL plugin): events, index mappings and the TOML query suites.
 */
import { readFile } from "node:fs/promises";
import path from "node:path";
import { parse as parseToml } from "smol-toml";
import { schemaFromMapping } from "../engine/index.js";
import type { ConformanceQuery, Suite } from "./suite.js";

/** Milliseconds from 1601-01-01 (Windows FILETIME epoch) to 1970-01-01. */
const FILETIME_EPOCH_OFFSET_MS = 11_644_473_600_000n;
/** FILETIME counts 100-nanosecond ticks. */
const FILETIME_TICKS_PER_MS = 10_000n;

interface TomlQuery {
  name: string;
  query: string;
  expected_event_ids: number[];
  join_keys?: string[];
  case_sensitive?: boolean;
  case_insensitive?: boolean;
}

/** Loads the four suites from a directory laid out as Elasticsearch's. */
export async function loadSuites(directory: string): Promise<Suite[]> {
  const read = (name: string): Promise<string> =>
    readFile(path.join(directory, name), "utf8");
  const unsupported = queriesOf(await read("test_queries_unsupported.toml"));
  const unsupportedTexts = new Set(unsupported.map((q) => q.query.trim()));

  const mainEvents = parseFiletimeEvents(await read("test_data.json"));
  const mainSchema = schemaFromMapping(
    JSON.parse(await read("mapping-default.json")),
    mainEvents,
  );
  const main = queriesOf(await read("test_queries.toml"));
  const mainSuite: Suite = {
    file: "test_queries.toml",
    events: mainEvents,
    schema: mainSchema,
    idField: "serial_event_id",
    tiebreakerField: "serial_event_id",
    legacySyntax: true,
    queries: main
      .filter((q) => !unsupportedTexts.has(q.query.trim()))
      .map((q) => toSpec(q, false)),
    skipped: main
      .filter((q) => unsupportedTexts.has(q.query.trim()))
      .map((q) => ({
        name: q.name,
        reason: "its query is listed in test_queries_unsupported.toml",
      })),
  };
  // Elasticsearch 8.x and 9.x decide what is rejected, so these queries
  // are read with the current syntax.
  const unsupportedSuite: Suite = {
    ...mainSuite,
    file: "test_queries_unsupported.toml",
    legacySyntax: false,
    queries: unsupported.map((q) => toSpec(q, true)),
    skipped: [],
  };
  return [
    mainSuite,
    await auxiliarySuite(read, "test_extra.toml", "extra", false),
    await auxiliarySuite(
      read,
      "test_missing_events.toml",
      "missing-events",
      true,
    ),
    unsupportedSuite,
  ];
}

async function auxiliarySuite(
  read: (name: string) => Promise<string>,
  file: string,
  dataName: string,
  legacySyntax: boolean,
): Promise<Suite> {
  const events = parseDataFile(await read(`data/${dataName}.data`));
  const mapping = JSON.parse(await read(`data/${dataName}.mapping`));
  return {
    file,
    events,
    schema: schemaFromMapping(mapping, events),
    idField: "sequence",
    tiebreakerField: "sequence",
    legacySyntax,
    queries: queriesOf(await read(file)).map((q) => toSpec(q, false)),
    skipped: [],
  };
}

/** Parses a `.data` file: a JSON array that may contain `//` comment lines. */
export function parseDataFile(text: string): object[] {
  const json = text
    .split("\n")
    .filter((line) => !line.trimStart().startsWith("//"))
    .join("\n");
  return JSON.parse(json) as object[];
}

/**
 * Parses the main events and adds `@timestamp` in Unix milliseconds from
 * the FILETIME `timestamp`, as Elasticsearch's conformance loader does
 * before indexing. FILETIME values exceed 2^53, so they are read as text
 * and converted with BigInt.
 */
function parseFiletimeEvents(text: string): object[] {
  const quoted = text.replace(/("timestamp"\s*:\s*)(\d+)/g, '$1"$2"');
  const events = JSON.parse(quoted) as Record<string, unknown>[];
  return events.map((event) => {
    const filetime = event.timestamp;
    if (typeof filetime !== "string") return event;
    const millis =
      BigInt(filetime) / FILETIME_TICKS_PER_MS - FILETIME_EPOCH_OFFSET_MS;
    return {
      ...event,
      timestamp: Number(filetime),
      "@timestamp": Number(millis),
    };
  });
}

function queriesOf(text: string): TomlQuery[] {
  const parsed = parseToml(text) as { queries?: TomlQuery[] };
  return parsed.queries ?? [];
}

function toSpec(query: TomlQuery, expectError: boolean): ConformanceQuery {
  const spec: ConformanceQuery = {
    name: query.name,
    query: query.query,
    expectedIds: query.expected_event_ids.map(Number),
    caseInsensitive:
      query.case_insensitive === true && query.case_sensitive !== true,
    expectError,
  };
  if (query.join_keys !== undefined) spec.joinKeys = query.join_keys;
  return spec;
}
