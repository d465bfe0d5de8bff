/**
 * Reads the ECS events that verification runs the rules over, from NDJSON
 * (one JSON object a line, read as a stream) or from a JSON array. Each event
 * belongs to the data stream its `data_stream` fields name, or to an index
 * the user gives.
 */
import { createReadStream } from "node:fs";
import { open, readFile } from "node:fs/promises";
import { createInterface } from "node:readline";
import { InputError } from "../errors.js";
import type { EcsDocument } from "./winlog.js";

/** One event with the index it belongs to and the place it was read from. */
export interface LoadedEvent {
  /** `event.id`, or `<file>:<line>` for an event without one. */
  id: string;
  /** Index or data stream name, such as `logs-system.security-default`. */
  index: string;
  document: EcsDocument;
  file: string;
  /** 1-based line of an NDJSON event, or position of an array element. */
  line: number;
}

/** How to place the events of a file. */
export interface EventReadOptions {
  /** Index for every event of the file, instead of its data_stream fields. */
  index?: string;
}

/** An event file that cannot be read as events. The message names file:line. */
export class EventFileError extends InputError {
  constructor(
    readonly file: string,
    readonly line: number | null,
    readonly problem: string,
    options?: { cause?: unknown },
  ) {
    super(`${line === null ? file : `${file}:${line}`}: ${problem}`, options);
  }
}

/**
 * Returns the value at a dotted ECS path, whether the document nests objects
 * (`{"event": {"id": ...}}`) or uses dotted keys (`{"event.id": ...}`), as
 * Elasticsearch accepts both.
 */
export function getField(document: EcsDocument, path: string): unknown {
  if (Object.hasOwn(document, path)) return document[path];
  let dot = path.indexOf(".");
  while (dot !== -1) {
    const value = document[path.slice(0, dot)];
    if (isDocument(value)) {
      const found = getField(value, path.slice(dot + 1));
      if (found !== undefined) return found;
    }
    dot = path.indexOf(".", dot + 1);
  }
  return undefined;
}

function isDocument(value: unknown): value is EcsDocument {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

const dataStreamParts = ["type", "dataset", "namespace"] as const;

/**
 * Returns `<type>-<dataset>-<namespace>` from the document's data_stream
 * fields, the name of the data stream Elasticsearch writes it to, or null
 * when any of the three is missing or not a string.
 */
export function dataStreamOf(document: EcsDocument): string | null {
  const parts: string[] = [];
  for (const part of dataStreamParts) {
    const value = getField(document, `data_stream.${part}`);
    if (typeof value !== "string" || value === "") return null;
    parts.push(value);
  }
  return parts.join("-");
}

/**
 * Turns one parsed JSON value into a LoadedEvent. Throws EventFileError when
 * the value is not an object or no index can be determined.
 */
export function toLoadedEvent(
  value: unknown,
  file: string,
  line: number,
  options: EventReadOptions = {},
): LoadedEvent {
  if (!isDocument(value)) {
    throw new EventFileError(
      file,
      line,
      `expected a JSON object, got ${describeJson(value)}. Each event must be one ECS document.`,
    );
  }
  const index = options.index ?? dataStreamOf(value);
  if (index === null) {
    throw new EventFileError(
      file,
      line,
      "the event has no data_stream.type, data_stream.dataset and data_stream.namespace, so its data stream is unknown. Add them, or pass --index to name the index.",
    );
  }
  const id = getField(value, "event.id");
  return {
    id: typeof id === "string" && id !== "" ? id : `${file}:${line}`,
    index,
    document: value,
    file,
    line,
  };
}

function describeJson(value: unknown): string {
  if (Array.isArray(value)) return "an array";
  if (value === null) return "null";
  return `a ${typeof value}`;
}

/** Parses one NDJSON line; returns null for a blank line. */
export function parseEventLine(
  text: string,
  file: string,
  line: number,
  options: EventReadOptions = {},
): LoadedEvent | null {
  const trimmed = text.trim();
  if (trimmed === "") return null;
  let value: unknown;
  try {
    value = JSON.parse(trimmed);
  } catch (error) {
    throw new EventFileError(
      file,
      line,
      `invalid JSON (${(error as Error).message}). NDJSON needs one complete JSON object a line.`,
      { cause: error },
    );
  }
  return toLoadedEvent(value, file, line, options);
}

/** Reads NDJSON events from a stream of lines, one at a time. */
export async function* readEventLines(
  lines: AsyncIterable<string>,
  file: string,
  options: EventReadOptions = {},
): AsyncGenerator<LoadedEvent> {
  let line = 0;
  for await (const text of lines) {
    line += 1;
    const event = parseEventLine(
      line === 1 ? stripBom(text) : text,
      file,
      line,
      options,
    );
    if (event) yield event;
  }
}

/**
 * Parses a JSON array of events. Array elements have no line of their own,
 * so `line` is the 1-based element position.
 */
export function parseEventArray(
  text: string,
  file: string,
  options: EventReadOptions = {},
): LoadedEvent[] {
  let value: unknown;
  try {
    value = JSON.parse(stripBom(text));
  } catch (error) {
    throw new EventFileError(
      file,
      null,
      `invalid JSON array (${(error as Error).message}). Give a JSON array of event objects or NDJSON.`,
      { cause: error },
    );
  }
  if (!Array.isArray(value)) {
    throw new EventFileError(
      file,
      null,
      "expected a JSON array of event objects.",
    );
  }
  return value.map((element, position) =>
    toLoadedEvent(element, file, position + 1, options),
  );
}

function stripBom(text: string): string {
  return text.startsWith("\uFEFF") ? text.slice(1) : text;
}

/**
 * Reads every event of a file: a JSON array when the first character other
 * than white space is `[`, NDJSON otherwise (streamed line by line).
 * Throws EventFileError when the file cannot be read or contains no events.
 */
export async function readEventFile(
  file: string,
  options: EventReadOptions = {},
): Promise<LoadedEvent[]> {
  const events: LoadedEvent[] = [];
  try {
    if (await startsWithArray(file)) {
      events.push(
        ...parseEventArray(await readFile(file, "utf8"), file, options),
      );
    } else {
      const input = createReadStream(file, { encoding: "utf8" });
      const lines = createInterface({ input, crlfDelay: Infinity });
      for await (const event of readEventLines(lines, file, options))
        events.push(event);
    }
  } catch (error) {
    if (error instanceof EventFileError) throw error;
    throw new EventFileError(
      file,
      null,
      `cannot read the file (${(error as Error).message}).`,
      {
        cause: error,
      },
    );
  }
  if (events.length === 0) {
    throw new EventFileError(file, null, "the file contains no events.");
  }
  return events;
}

async function startsWithArray(file: string): Promise<boolean> {
  const handle = await open(file, "r");
  try {
    const buffer = Buffer.alloc(4096);
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0);
    const head = stripBom(buffer.subarray(0, bytesRead).toString("utf8"));
    return head.trimStart().startsWith("[");
  } finally {
    await handle.close();
  }
}
