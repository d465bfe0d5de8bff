/**
 * Streams an NDJSON file as batches of lines, so the caller's per-event loop
 * stays synchronous and no promise is created per line.
 */
import { createReadStream } from "node:fs";

/** Yields the file's non-empty lines in order, one batch per read chunk. */
export async function* readLineBatches(path: string): AsyncGenerator<string[]> {
  const stream = createReadStream(path, {
    encoding: "utf8",
    highWaterMark: 1 << 20,
  });
  let rest = "";
  for await (const chunk of stream as AsyncIterable<string>) {
    const text = rest + chunk;
    const lines = text.split("\n");
    rest = lines.pop() ?? "";
    yield lines.filter((line) => line !== "");
  }
  if (rest !== "") {
    yield [rest];
  }
}
