/**
 * Writes the benchmark's NDJSON event file: process starts from a fixed seed,
 * spread over the four data sources.
 */
import { createWriteStream } from "node:fs";
import { once } from "node:events";
import {
  crowdstrikeEvent,
  defenderEvent,
  endpointEvent,
  securityEvent,
  type EcsDocument,
} from "./event-shapes.js";
import { SeededRandom } from "./prng.js";
import { ProcessStartSource, type ProcessStart } from "./process-start.js";

type Shaper = (start: ProcessStart, id: string) => EcsDocument;

/** Shares of the event stream per data source, summing to 1. */
const sourceMix: ReadonlyArray<[number, Shaper]> = [
  [0.4, endpointEvent],
  [0.2, defenderEvent],
  [0.2, crowdstrikeEvent],
  [0.2, securityEvent],
];

export interface GeneratedFile {
  path: string;
  events: number;
  bytes: number;
}

/** Writes `count` events to `path`, the same bytes for the same seed. */
export async function generateEvents(
  path: string,
  count: number,
  seed: number,
): Promise<GeneratedFile> {
  const starts = new ProcessStartSource(seed);
  const sourcePicker = new SeededRandom(seed ^ 0x5bd1e995);
  const output = createWriteStream(path);
  let buffered: string[] = [];
  let bufferedLength = 0;
  let bytes = 0;
  for (let index = 0; index < count; index++) {
    const shape = pickShaper(sourcePicker.next());
    const id = `bench-${index.toString(36).padStart(6, "0")}`;
    const line = JSON.stringify(shape(starts.next(), id)) + "\n";
    buffered.push(line);
    bufferedLength += line.length;
    if (bufferedLength >= 1 << 20) {
      bytes += await write(output, buffered.join(""));
      buffered = [];
      bufferedLength = 0;
    }
  }
  bytes += await write(output, buffered.join(""));
  output.end();
  await once(output, "close");
  return { path, events: count, bytes };
}

function pickShaper(draw: number): Shaper {
  let total = 0;
  for (const [share, shaper] of sourceMix) {
    total += share;
    if (draw < total) return shaper;
  }
  return endpointEvent;
}

async function write(
  output: NodeJS.WritableStream,
  text: string,
): Promise<number> {
  if (!output.write(text)) {
    await once(output, "drain");
  }
  return Buffer.byteLength(text);
}
