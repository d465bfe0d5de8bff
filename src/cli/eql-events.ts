/**
 * Reads events for `detections eql`: NDJSON files line by line as a stream,
 * or a JSON array in one piece. Each event carries the `_index` and `_id`
 * that the command prints.
 */
import { createReadStream } from "node:fs";
import { open, readFile } from "node:fs/promises";
import path from "node:path";
import { createInterface } from "node:readline";
import { InputError } from "../errors.js";

export interface EventMeta {
  index: string;
  id: string;
}

export interface ReadEvent {
  source: unknown;
  meta: EventMeta;
}

/** Index of an event: `--index`, its data stream, or the file name. */
function indexOf(
  source: unknown,
  file: string,
  index: string | undefined,
): string {
  if (index !== undefined) return index;
  const record = source as Record<string, unknown>;
  const stream = record.data_stream as Record<string, unknown> | undefined;
  const parts = [stream?.type, stream?.dataset, stream?.namespace];
  if (parts.every((part) => typeof part === "string" && part !== "")) {
    return parts.join("-");
  }
  return path.basename(file).replace(/\.[^.]*$/, "");
}

function toEvent(
  value: unknown,
  file: string,
  line: number,
  index?: string,
): ReadEvent {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new InputError(
      `${file}:${line}: expected a JSON object for each event, got ` +
        `${Array.isArray(value) ? "an array" : value === null ? "null" : `a ${typeof value}`}`,
    );
  }
  return {
    source: value,
    meta: {
      index: indexOf(value, file, index),
      id: `${path.basename(file)}:${line}`,
    },
  };
}

/** Streams the events of one file; raises InputError with file:line. */
export async function* readEvents(
  file: string,
  index?: string,
): AsyncGenerator<ReadEvent> {
  let isArray: boolean;
  try {
    isArray = await startsWithArray(file);
  } catch (error) {
    throw new InputError(
      `${file}: cannot read the file (${(error as Error).message})`,
      {
        cause: error,
      },
    );
  }
  if (isArray) {
    yield* readArray(file, index);
    return;
  }
  const input = createReadStream(file, { encoding: "utf8" });
  const lines = createInterface({ input, crlfDelay: Infinity });
  let line = 0;
  for await (const text of lines) {
    line++;
    const trimmed = (line === 1 ? stripBom(text) : text).trim();
    if (trimmed === "") continue;
    let value: unknown;
    try {
      value = JSON.parse(trimmed);
    } catch (error) {
      throw new InputError(
        `${file}:${line}: invalid JSON (${(error as Error).message}); ` +
          "NDJSON needs one complete JSON object a line",
        { cause: error },
      );
    }
    yield toEvent(value, file, line, index);
  }
}

async function* readArray(
  file: string,
  index?: string,
): AsyncGenerator<ReadEvent> {
  let value: unknown;
  try {
    value = JSON.parse(stripBom(await readFile(file, "utf8")));
  } catch (error) {
    throw new InputError(
      `${file}: invalid JSON array (${(error as Error).message}); ` +
        "give a JSON array of event objects or NDJSON",
      { cause: error },
    );
  }
  if (!Array.isArray(value)) {
    throw new InputError(`${file}: expected a JSON array of event objects`);
  }
  for (let position = 0; position < value.length; position++) {
    yield toEvent(value[position], file, position + 1, index);
  }
}

function stripBom(text: string): string {
  return text.startsWith("\uFEFF") ? text.slice(1) : text;
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
