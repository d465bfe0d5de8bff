import { mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import type { Command } from "commander";
import { InputError } from "../errors.js";
import {
  type DeployIo,
  type DeployReport,
  applyPlan,
  planAgainstKibana,
} from "../kibana/apply.js";
import { KibanaClient } from "../kibana/client.js";
import {
  type ConnectionOptions,
  resolveKibanaConnection,
} from "../kibana/connection.js";
import { KibanaRuleError, type RuleIssue } from "../kibana/errors.js";
import { VERSION_LOCK_PATH } from "../kibana/lock.js";
import type { KibanaRule } from "../kibana/rule.js";
import { validateRuleBody } from "../kibana/schema.js";
import { type CommandContext, ExitCode } from "./context.js";
import { formatPlan, type PlanCommandOptions, planSummary } from "./plan.js";

/** Adds the Kibana connection options, which plan, deploy and export share. */
export function addConnectionOptions(command: Command): Command {
  return command
    .option("--kibana-url <url>", "Kibana base URL (default: $KIBANA_URL)")
    .option(
      "--space <id>",
      "Kibana space id; rules go to /s/<id>/api/... (default: $KIBANA_SPACE or the default space)",
    )
    .option(
      "--ca-cert <file>",
      "PEM file of an extra CA to trust for Kibana's TLS certificate",
    )
    .option(
      "--kibana-config <file>",
      "JSON file with url, space, api_key or username and password, ca_cert",
    );
}

/** Opens a client from the options, the environment and the config file. */
export function connect(
  options: ConnectionOptions,
  context: CommandContext,
): KibanaClient {
  const connection = resolveKibanaConnection(options, process.env, (file) =>
    readFileSync(path.resolve(context.root, file), "utf8"),
  );
  return new KibanaClient(connection, {
    log: context.log,
    debug: context.debug,
  });
}

const lockFile = path.basename(VERSION_LOCK_PATH);

/**
 * Reads the rule bodies that `detections build` wrote to `dir`. Throws
 * KibanaRuleError for an invalid body and InputError when there are none.
 */
export function readBuiltRules(dir: string): KibanaRule[] {
  let names: string[];
  try {
    names = readdirSync(dir)
      .filter((name) => name.endsWith(".json") && name !== lockFile)
      .sort();
  } catch {
    throw new InputError(
      `${dir}: cannot read the built rules. Run detections build first.`,
    );
  }
  if (names.length === 0)
    throw new InputError(
      `${dir}: no built rules (*.json). Run detections build first.`,
    );
  return names.map((name) => {
    const file = path.join(dir, name);
    let body: unknown;
    try {
      body = JSON.parse(readFileSync(file, "utf8"));
    } catch (error) {
      throw new InputError(
        `${file}: invalid JSON (${(error as Error).message}). Rebuild with detections build.`,
      );
    }
    const issues: RuleIssue[] = validateRuleBody(body);
    if (issues.length > 0) throw new KibanaRuleError(file, issues);
    return body as KibanaRule;
  });
}

interface DeployCommandOptions extends PlanCommandOptions {
  dryRun: boolean;
  force: boolean;
  backup?: string;
}

function deployIo(context: CommandContext): DeployIo {
  return {
    log: context.log,
    writeFile: (file, text) =>
      writeFileSync(path.resolve(context.root, file), text),
    mkdir: (dir) =>
      mkdirSync(path.resolve(context.root, dir), { recursive: true }),
    now: () => new Date(),
  };
}

function printReport(report: DeployReport, context: CommandContext): void {
  const counts = new Map<string, number>();
  for (const item of report.applied)
    counts.set(item.action, (counts.get(item.action) ?? 0) + 1);
  const created = counts.get("create") ?? 0;
  const updated = (counts.get("update") ?? 0) + (counts.get("drift") ?? 0);
  const deleted = counts.get("delete") ?? 0;
  context.out(
    `applied: ${created} created, ${updated} updated, ${deleted} deleted; read back and confirmed`,
  );
  if (report.backupFile) context.out(`backup: ${report.backupFile}`);
}

/** Registers `detections deploy`. */
export function registerDeployCommand(
  program: Command,
  context: CommandContext,
): void {
  const command = program
    .command("deploy")
    .description(
      "Apply the plan: create and update the rules of kibana/ in Kibana through " +
        "_import, delete with --prune, then read back and confirm. Exits 1 when " +
        "managed rules drifted and were left alone, 3 when Kibana failed.",
    )
    .option("--rules <dir>", "folder of built rules", "kibana")
    .option("--dry-run", "print the plan and write nothing", false)
    .option(
      "--prune",
      "delete managed rules that are gone from the rules folder",
      false,
    )
    .option(
      "--force",
      "overwrite managed rules that were changed in Kibana since the last deploy",
      false,
    )
    .option(
      "--backup <dir>",
      "export the managed rules to NDJSON in this folder before any write",
    )
    .option("--json", "with --dry-run, print the plan as JSON", false);
  addConnectionOptions(command).action(
    async (options: DeployCommandOptions) => {
      const local = readBuiltRules(path.resolve(context.root, options.rules));
      const client = connect(options, context);
      try {
        const planned = await planAgainstKibana(client, local, {
          prune: options.prune,
          force: options.force,
        });
        const space = client.connection.space ?? "default";
        if (options.dryRun) {
          for (const line of formatPlan(
            planned.plan,
            planned.version.text,
            space,
            options.json,
          ))
            context.out(line);
          return;
        }
        context.log(planSummary(planned.plan, planned.version.text, space));
        const report = await applyPlan(
          client,
          planned,
          {
            prune: options.prune,
            force: options.force,
            ...(options.backup ? { backupDir: options.backup } : {}),
          },
          deployIo(context),
        );
        printReport(report, context);
        const drifted = planned.plan.steps.filter(
          (step) => step.action === "drift" && !step.overwrite,
        );
        for (const step of drifted) {
          context.out(
            `drift: ${step.ruleId} (${step.name}) was changed in Kibana since the last deploy and was left alone; deploy --force overwrites it`,
          );
        }
        if (drifted.length > 0) context.setExitCode(ExitCode.checkFailed);
      } finally {
        await client.close();
      }
    },
  );
}
