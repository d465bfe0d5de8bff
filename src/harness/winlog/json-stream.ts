import { WinlogRecordError } from "./errors.js";

/** One JSON value read from an input file, with where it starts. */
export interface JsonRecord {
  value: unknown;
  /** 1-based position of the record in the file. */
  record: number;
  /** 1-based line where the record starts. */
  line: number;
}

/**
 * Reads the records of a JSON export: a single object, a JSON array of
 * objects, NDJSON, or pretty-printed objects written one after another (the
 * way evtx_dump writes them). The elements of a top-level array are records.
 * Throws WinlogRecordError on invalid JSON.
 */
export function readJsonRecords(text: string, file: string): JsonRecord[] {
  const source = text.startsWith("\uFEFF") ? text.slice(1) : text;
  const records: JsonRecord[] = [];
  for (const chunk of splitJsonValues(source, file)) {
    const value = parseChunk(chunk, file, records.length + 1);
    const items = Array.isArray(value) ? value : [value];
    for (const item of items) {
      records.push({
        value: item,
        record: records.length + 1,
        line: chunk.line,
      });
    }
  }
  return records;
}

interface JsonChunk {
  text: string;
  line: number;
}

function parseChunk(chunk: JsonChunk, file: string, record: number): unknown {
  try {
    return JSON.parse(chunk.text);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new WinlogRecordError(
      file,
      record,
      null,
      `invalid JSON in the value that starts on line ${chunk.line}: ` +
        `${reason}. Export the events as JSON objects, one per record.`,
      { cause: error },
    );
  }
}

/**
 * Cuts the text into top-level JSON values by tracking strings and bracket
 * depth. JSON.parse checks each value afterwards, so this only has to find
 * where one value ends and the next begins.
 */
function splitJsonValues(text: string, file: string): JsonChunk[] {
  const chunks: JsonChunk[] = [];
  let index = 0;
  let line = 1;
  while (index < text.length) {
    const char = text[index];
    if (char === "\n") line += 1;
    if (/\s/.test(char ?? "")) {
      index += 1;
      continue;
    }
    const end = findValueEnd(text, index);
    if (end === null) {
      throw new WinlogRecordError(
        file,
        chunks.length + 1,
        null,
        `the JSON value that starts on line ${line} is not closed. ` +
          "Check that the file was written completely.",
      );
    }
    const chunkText = text.slice(index, end);
    chunks.push({ text: chunkText, line });
    line += countNewlines(chunkText);
    index = end;
  }
  return chunks;
}

/** Returns the index just past the value starting at `start`, or null. */
function findValueEnd(text: string, start: number): number | null {
  const first = text[start];
  if (first !== "{" && first !== "[") return scanScalarEnd(text, start);
  let depth = 0;
  let inString = false;
  for (let index = start; index < text.length; index += 1) {
    const char = text[index];
    if (inString) {
      if (char === "\\") index += 1;
      else if (char === '"') inString = false;
      continue;
    }
    if (char === '"') inString = true;
    else if (char === "{" || char === "[") depth += 1;
    else if (char === "}" || char === "]") {
      depth -= 1;
      if (depth === 0) return index + 1;
    }
  }
  return null;
}

/** Finds the end of a top-level scalar, which JSON.parse then checks. */
function scanScalarEnd(text: string, start: number): number {
  let index = start;
  if (text[index] === '"') {
    index += 1;
    while (index < text.length && text[index] !== '"') {
      index += text[index] === "\\" ? 2 : 1;
    }
    return Math.min(index + 1, text.length);
  }
  while (index < text.length && !/\s/.test(text[index] ?? "")) index += 1;
  return index;
}

function countNewlines(text: string): number {
  let count = 0;
  for (const char of text) if (char === "\n") count += 1;
  return count;
}
