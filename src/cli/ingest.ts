import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { type Command, Option } from "commander";
import { InputError } from "../errors.js";
import {
  type EcsDocument,
  formatNdjson,
  ingestWinlogJson,
  type SkippedRecord,
} from "../harness/winlog.js";
import type { CommandContext } from "./context.js";

interface IngestOptions {
  from: "winlog-json";
  out?: string;
  namespace: string;
  skipUnsupported: boolean;
}

/** Registers `detections ingest`. */
export function registerIngestCommand(
  program: Command,
  context: CommandContext,
): void {
  program
    .command("ingest")
    .description(
      "Convert Windows event log records exported as JSON (Sysmon event 1, " +
        "Security event 4688) to ECS documents as NDJSON, mapped the way " +
        "Elastic's Windows and System integrations map them.",
    )
    .argument(
      "<files...>",
      "JSON files: one object, an array, NDJSON or concatenated objects",
    )
    .addOption(
      new Option("--from <format>", "input format")
        .choices(["winlog-json"])
        .makeOptionMandatory(),
    )
    .option("--out <file>", "write the NDJSON to this file instead of stdout")
    .option(
      "--namespace <name>",
      "data_stream.namespace of the documents",
      "default",
    )
    .option(
      "--skip-unsupported",
      "skip records of other event types instead of failing",
      false,
    )
    .action((files: string[], options: IngestOptions) => {
      runIngest(files, options, context);
    });
}

function runIngest(
  files: string[],
  options: IngestOptions,
  context: CommandContext,
): void {
  checkNamespace(options.namespace);
  const documents: EcsDocument[] = [];
  const skipped: SkippedRecord[] = [];
  for (const file of files) {
    const result = ingestWinlogJson(readInput(file), file, {
      namespace: options.namespace,
    });
    documents.push(...result.documents);
    skipped.push(...result.skipped);
  }
  if (skipped.length > 0 && !options.skipUnsupported) {
    throw new InputError(unsupportedMessage(skipped));
  }
  writeOutput(documents, options.out, context);
  const skippedNote =
    skipped.length > 0
      ? `, skipped ${count(skipped.length, "record")} of other event types`
      : "";
  context.log(
    `ingested ${count(documents.length, "record")} from ` +
      `${count(files.length, "file")}${skippedNote}`,
  );
}

/** Namespace rules of Elasticsearch index names plus the data stream ones. */
function checkNamespace(namespace: string): void {
  const valid =
    namespace !== "" &&
    namespace.length <= 100 &&
    namespace === namespace.toLowerCase() &&
    !/[\\/*?"<>| ,#:-]/.test(namespace);
  if (valid) return;
  throw new InputError(
    `--namespace: invalid value ${JSON.stringify(namespace)}. Use up to 100 ` +
      'lowercase characters without "-", spaces or \\ / * ? " < > | , # :.',
  );
}

function readInput(file: string): string {
  try {
    return readFileSync(path.resolve(file), "utf8");
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code ?? String(error);
    throw new InputError(
      `${file}: cannot read the file (${reason}). Check the path.`,
      {
        cause: error,
      },
    );
  }
}

function unsupportedMessage(skipped: SkippedRecord[]): string {
  const listed = skipped
    .slice(0, 5)
    .map((entry) => `${entry.file} record ${entry.record}: ${entry.reason}`);
  const more =
    skipped.length > listed.length
      ? [`... and ${skipped.length - listed.length} more`]
      : [];
  return [
    `${count(skipped.length, "record")} without an ECS mapping:`,
    ...listed,
    ...more,
    "Pass --skip-unsupported to convert the others.",
  ].join("\n");
}

function writeOutput(
  documents: EcsDocument[],
  out: string | undefined,
  context: CommandContext,
): void {
  if (out === undefined) {
    for (const document of documents) context.out(JSON.stringify(document));
    return;
  }
  try {
    writeFileSync(path.resolve(out), formatNdjson(documents));
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code ?? String(error);
    throw new InputError(
      `--out ${out}: cannot write the file (${reason}). Check the path.`,
      {
        cause: error,
      },
    );
  }
}

function count(amount: number, noun: string): string {
  return `${amount} ${noun}${amount === 1 ? "" : "s"}`;
}
