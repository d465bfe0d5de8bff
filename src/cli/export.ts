import { writeFileSync } from "node:fs";
import path from "node:path";
import type { Command } from "commander";
import { exportRules, getKibanaVersion } from "../kibana/api.js";
import type { ConnectionOptions } from "../kibana/connection.js";
import { parseNdjson } from "../kibana/ndjson.js";
import { type CommandContext, ExitCode } from "./context.js";
import { addConnectionOptions, connect } from "./deploy.js";

interface ExportCommandOptions extends ConnectionOptions {
  ruleId?: string[];
  out: string;
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
    )
    .requiredOption("--out <file>", "NDJSON file to write");
  addConnectionOptions(command).action(
    async (options: ExportCommandOptions) => {
      const client = connect(options, context);
      try {
        await getKibanaVersion(client);
        const ndjson = await exportRules(client, options.ruleId ?? []);
        const url = client.urlFor("/api/detection_engine/rules/_export").href;
        const document = parseNdjson(ndjson, url);
        const out = path.resolve(context.root, options.out);
        writeFileSync(out, ndjson);
        context.out(
          `exported ${document.rules.length} rules to ${options.out}`,
        );
        const missing = document.summary?.missing_rules ?? [];
        for (const rule of missing)
          context.log(`not found in Kibana: rule_id ${rule.rule_id}`);
        if (missing.length > 0) context.setExitCode(ExitCode.checkFailed);
      } finally {
        await client.close();
      }
    },
  );
}
