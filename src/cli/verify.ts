import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import type { Command } from "commander";
import { InputError } from "../errors.js";
import {
  type BuiltRule,
  parseBuiltRule,
  runRuleEmbedded,
} from "../harness/embedded.js";
import { type LoadedEvent, readEventFile } from "../harness/events.js";
import { type Expectations, parseExpectations } from "../harness/expect.js";
import {
  formatVerifyJson,
  formatVerifyTable,
  type VerifyReport,
  verifyRules,
} from "../harness/verify.js";
import { type CommandContext, ExitCode } from "./context.js";
import { runTargetVerify, type TargetOptions } from "./verify-target.js";

/** Folder of the bundled event fixtures, relative to the project root. */
const FIXTURE_DIR = "test/fixtures/events";
const FIXTURE_EXPECT = `${FIXTURE_DIR}/expected.tsv`;
/** Files in kibana/ that are not rule bodies. */
const NON_RULE_FILES = new Set(["version.lock.json"]);

interface VerifyOptions extends TargetOptions {
  events?: string[];
  expect?: string;
  index?: string;
  json: boolean;
}

/** Registers `detections verify`. */
export function registerVerifyCommand(
  program: Command,
  context: CommandContext,
): void {
  program
    .command("verify")
    .description(
      "Run the built rules in kibana/ over events on the embedded EQL engine " +
        "and compare each verdict with the expected one. Exits 1 on any difference.",
    )
    .option(
      "--events <files...>",
      `NDJSON or JSON-array event files (default: every file in ${FIXTURE_DIR}/)`,
    )
    .option(
      "--expect <file>",
      `TSV of expected verdicts: column event.id and one column per rule (default with the bundled events: ${FIXTURE_EXPECT})`,
    )
    .option(
      "--index <name>",
      "index of every event read, instead of the data stream its data_stream fields name",
    )
    .option("--json", "print the results as JSON instead of a table", false)
    .option(
      "--target <target>",
      "where the rules run: embedded (in-process engine), live (Elasticsearch and Kibana's detection engine) or elasticsearch (_eql/search)",
      "embedded",
    )
    .option(
      "--es-url <url>",
      "Elasticsearch URL for --target live or elasticsearch (default: ES_URL)",
    )
    .option(
      "--kibana-url <url>",
      "Kibana URL for --target live (default: KIBANA_URL)",
    )
    .option(
      "--keep",
      "keep the space, data streams and index templates of a live run",
      false,
    )
    .option(
      "--wait-timeout <seconds>",
      "maximum time to wait for rule runs with --target live",
      "300",
    )
    .option(
      "--no-synthesize",
      "with --target live or elasticsearch, add no events synthesized from the rules' queries",
    )
    .action(async (options: VerifyOptions) => {
      await runVerify(options, context);
    });
}

async function runVerify(
  options: VerifyOptions,
  context: CommandContext,
): Promise<void> {
  const rules = loadBuiltRules(context.root);
  const eventFiles = options.events ?? listFixtureFiles(context.root);
  const events = await readEvents(eventFiles, options.index);
  const expectFile =
    options.expect ??
    (options.events ? undefined : path.join(context.root, FIXTURE_EXPECT));
  const expectations = expectFile
    ? readExpectations(expectFile, rules)
    : undefined;
  context.log(
    `verifying ${count(rules.length, "rule")} on ${count(events.length, "event")} ` +
      `from ${count(eventFiles.length, "file")}` +
      (expectFile ? ` against ${expectFile}` : ", no expected verdicts given"),
  );
  if (options.target !== "embedded") {
    await runTargetVerify({ rules, events, expectations }, options, context);
    return;
  }
  const report = verifyRules(rules, events, expectations, runRuleEmbedded);
  printReport(report, options.json, context);
  if (report.mismatches > 0 || report.unreadExpectations.length > 0) {
    context.setExitCode(ExitCode.checkFailed);
  }
}

function count(value: number, noun: string): string {
  return `${value} ${noun}${value === 1 ? "" : "s"}`;
}

function printReport(
  report: VerifyReport,
  json: boolean,
  context: CommandContext,
): void {
  if (json) {
    context.out(formatVerifyJson(report));
  } else {
    for (const line of formatVerifyTable(report)) context.out(line);
  }
  if (report.unreadExpectations.length > 0) {
    context.log(
      `error: ${report.unreadExpectations.length} events have expected verdicts but were not read: ` +
        `${report.unreadExpectations.join(", ")}. Pass their event files with --events.`,
    );
  }
}

/** Reads every rule body in kibana/, keyed by file name without `.json`. */
function loadBuiltRules(root: string): BuiltRule[] {
  const directory = path.join(root, "kibana");
  const files = listFiles(directory, ".json").filter(
    (file) => !NON_RULE_FILES.has(path.basename(file)),
  );
  if (files.length === 0) {
    throw new InputError(
      `${directory}: no built rules (*.json). Run "detections build" first.`,
    );
  }
  return files.map((file) => {
    const key = path.basename(file, ".json");
    return parseBuiltRule(readJson(file), file, key);
  });
}

function readJson(file: string): unknown {
  const text = readFileSync(file, "utf8");
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new InputError(
      `${file}: invalid JSON (${(error as Error).message}). Rebuild it with "detections build".`,
      { cause: error },
    );
  }
}

function listFixtureFiles(root: string): string[] {
  const directory = path.join(root, FIXTURE_DIR);
  const files = listFilesDeep(directory).filter((file) =>
    /\.(nd)?json$/.test(file),
  );
  if (files.length === 0) {
    throw new InputError(`${directory}: no event files (*.ndjson, *.json).`);
  }
  return files;
}

function listFiles(directory: string, extension: string): string[] {
  let names: string[];
  try {
    names = readdirSync(directory);
  } catch (error) {
    throw new InputError(
      `${directory}: cannot read the folder (${(error as Error).message}).`,
      {
        cause: error,
      },
    );
  }
  return names
    .filter((name) => name.endsWith(extension))
    .sort()
    .map((name) => path.join(directory, name));
}

function listFilesDeep(directory: string): string[] {
  return listFiles(directory, "").flatMap((file) =>
    statSync(file).isDirectory() ? listFilesDeep(file) : [file],
  );
}

async function readEvents(
  files: string[],
  index: string | undefined,
): Promise<LoadedEvent[]> {
  const events: LoadedEvent[] = [];
  for (const file of files) {
    events.push(
      ...(await readEventFile(file, index === undefined ? {} : { index })),
    );
  }
  return events;
}

function readExpectations(
  file: string,
  rules: readonly BuiltRule[],
): Expectations {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (error) {
    throw new InputError(
      `${file}: cannot read the expectations (${(error as Error).message}).`,
      {
        cause: error,
      },
    );
  }
  return parseExpectations(
    text,
    file,
    rules.map((rule) => rule.key),
  );
}
