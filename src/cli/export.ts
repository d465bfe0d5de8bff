import { type Stats, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import { type Command, InvalidArgumentError } from "commander";
import { InputError } from "../errors.js";
import {
  checkSpaceExists,
  exportRules,
  getKibanaVersion,
} from "../kibana/api.js";
import { parseNdjson } from "../kibana/ndjson.js";
import { type CommandContext, ExitCode } from "./context.js";
import {
  addConnectionOptions,
  connect,
  type KibanaCommandOptions,
} from "./kibana-options.js";

interface ExportCommandOptions extends KibanaCommandOptions {
  ruleId?: string[];
  out: string;
}

/** Checks the output path before any request; `-` means stdout. */
function checkOutPath(out: string, file: string): void {
  if (out === "-") return;
  const dir = path.dirname(file);
  let folder: Stats | undefined;
  try {
    folder = statSync(dir);
  } catch {
    folder = undefined;
  }
  if (!folder?.isDirectory())
    throw new InputError(
      `--out ${out}: ${dir} is not an existing folder. Create the folder first or pass a path in an existing folder.`,
    );
  if (statSync(file, { throwIfNoEntry: false })?.isDirectory())
    throw new InputError(
      `--out ${out}: is a folder. Pass a file name such as ${path.join(out, "rules.ndjson")}.`,
    );
}

/** Collects --rule-id values; rejects an option name taken as a value. */
function collectRuleId(value: string, previous: string[] = []): string[] {
  if (value.startsWith("-"))
    throw new InvalidArgumentError(
      `${JSON.stringify(value)} is an option, not a rule_id. Give at least one rule_id, such as --rule-id ID --out FILE.`,
    );
  return previous.includes(value) ? previous : [...previous, value];
}

async function runExport(
  options: ExportCommandOptions,
  context: CommandContext,
): Promise<void> {
  const ids = options.ruleId ?? [];
  const out = path.resolve(context.root, options.out);
  checkOutPath(options.out, out);
  const client = connect(options, context);
  try {
    await getKibanaVersion(client);
    await checkSpaceExists(client);
    const ndjson = await exportRules(client, ids);
    const url = client.urlFor("/api/detection_engine/rules/_export").href;
    const document = parseNdjson(ndjson, url);
    const count = document.rules.length;
    const noun = count === 1 ? "rule" : "rules";
    if (options.out === "-") {
      process.stdout.write(ndjson);
      context.log(`exported ${count} ${noun} to stdout`);
    } else {
      writeFileSync(out, ndjson);
      context.out(`exported ${count} ${noun} to ${options.out}`);
    }
    const missing = document.summary?.missing_rules ?? [];
    for (const rule of missing)
      context.log(`not found in Kibana: rule_id ${rule.rule_id}`);
    if (missing.length > 0) context.setExitCode(ExitCode.checkFailed);
  } finally {
    await client.close();
  }
}

/** Registers `detections export`. */
export function registerExportCommand(
  program: Command,
  context: CommandContext,
): void {
  const command = program
    .command("export")
    .description(
      "Download rules from Kibana as NDJSON (Kibana's _export format). Exits 1 " +
        "when a requested rule_id does not exist.",
    )
    .option(
      "--rule-id <ids...>",
      "rule_ids to export (default: every rule in the space)",
      collectRuleId,
    )
    .requiredOption(
      "--out <file>",
      "NDJSON file to write, or - for stdout (required)",
    );
  addConnectionOptions(command).action((options: ExportCommandOptions) =>
    runExport(options, context),
  );
}
