import {
  mkdirSync,
  readdirSync,
  readFileSync,
  type Stats,
  statSync,
  writeFileSync,
} from "node:fs";
import path from "node:path";
import type { Command } from "commander";
import { InputError } from "../errors.js";
import {
  type DeployIo,
  type DeployReport,
  applyPlan,
  planAgainstKibana,
} from "../kibana/apply.js";
import { DeployIncompleteError } from "../kibana/errors.js";
import {
  type DeployPlan,
  isDriftLeftAlone,
  type PlanStep,
} from "../kibana/plan.js";
import { validateBuiltRules } from "../kibana/built-rules.js";
import { VERSION_LOCK_PATH } from "../kibana/lock.js";
import type { KibanaRule } from "../kibana/rule.js";
import { type CommandContext, ExitCode } from "./context.js";
import { addConnectionOptions, connect } from "./kibana-options.js";
import { formatPlan, type PlanCommandOptions, planSummary } from "./plan.js";

export { addConnectionOptions, connect } from "./kibana-options.js";

const lockFile = path.basename(VERSION_LOCK_PATH);

/**
 * Reads and validates the rule bodies that `detections build` wrote to
 * `dir`. Throws BuiltRulesError listing every invalid file, and InputError
 * when the folder is missing or contains no rules.
 */
export function readBuiltRules(dir: string): KibanaRule[] {
  let names: string[];
  try {
    if (!statSync(dir).isDirectory())
      throw new InputError(
        `--rules ${dir}: is a file, not a folder. Pass the folder that detections build wrote, such as kibana.`,
      );
    names = readdirSync(dir)
      .filter((name) => name.endsWith(".json") && name !== lockFile)
      .sort();
  } catch (error) {
    if (error instanceof InputError) throw error;
    throw new InputError(
      `--rules ${dir}: folder not found. Run detections build first, or pass the folder it wrote.`,
      { cause: error },
    );
  }
  if (names.length === 0)
    throw new InputError(
      `--rules ${dir}: no built rules (*.json). Run detections build first; --rules takes the built rules, not the Sigma rules.`,
    );
  return validateBuiltRules(
    names.map((name) => {
      const file = path.join(dir, name);
      return { file, text: readFileSync(file, "utf8") };
    }),
  );
}

interface DeployCommandOptions extends PlanCommandOptions {
  dryRun: boolean;
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

/** Builds the deploy report as one JSON document, for `deploy --json`. */
export function reportDocument(
  report: DeployReport,
  space: string,
  drifted: PlanStep[],
  requestError?: string,
): object {
  return {
    kibana_version: report.kibanaVersion,
    space,
    complete: report.failed.length === 0,
    applied: report.applied.map((item) => ({
      action: item.action,
      rule_id: item.ruleId,
    })),
    failed: report.failed.map((item) => ({
      action: item.action,
      rule_id: item.ruleId,
      outcome: item.message.startsWith("outcome unknown")
        ? "unknown"
        : "not applied",
      message: item.message,
    })),
    drift_left_alone: drifted.map((step) => step.ruleId),
    ...(requestError ? { request_error: requestError } : {}),
    ...(report.backupFile ? { backup_file: report.backupFile } : {}),
  };
}

function printReport(report: DeployReport, context: CommandContext): void {
  if (report.applied.length === 0 && report.failed.length === 0) {
    context.out("applied: nothing to change");
    return;
  }
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

function driftLine(step: PlanStep): string {
  if (step.action === "orphan")
    return `drift: ${step.ruleId} (${step.name}) is gone from the rules folder but was changed in Kibana since the last deploy, so --prune left it alone; deploy --prune --force deletes it`;
  return `drift: ${step.ruleId} (${step.name}) was changed in Kibana since the last deploy and was left alone; deploy --force overwrites it`;
}

function logOrphans(plan: DeployPlan, context: CommandContext): void {
  for (const step of plan.steps) {
    if (step.action === "orphan" && !step.drifted)
      context.log(
        `kept: ${step.ruleId} (${step.name}) is managed but gone from the rules folder; --prune deletes it`,
      );
  }
}

/** Returns the file's stats, or undefined when it or a parent is missing or a file. */
function statOrUndefined(file: string): Stats | undefined {
  try {
    return statSync(file);
  } catch {
    return undefined;
  }
}

/** Checks before any request that the backup folder can be created. */
function checkBackupDir(option: string, dir: string): void {
  let current = dir;
  for (;;) {
    const stats = statOrUndefined(current);
    if (stats) {
      if (stats.isDirectory()) return;
      throw new InputError(
        `--backup ${option}: ${current} is a file, not a folder. Pass a folder for the backup file.`,
      );
    }
    const parent = path.dirname(current);
    if (parent === current) return;
    current = parent;
  }
}

async function runDeploy(
  options: DeployCommandOptions,
  context: CommandContext,
): Promise<void> {
  const local = readBuiltRules(path.resolve(context.root, options.rules));
  if (options.backup)
    checkBackupDir(options.backup, path.resolve(context.root, options.backup));
  const client = connect(options, context);
  try {
    const planned = await planAgainstKibana(client, local, {
      prune: options.prune,
      force: options.force,
    });
    const space = client.connection.space ?? "default";
    const { plan } = planned;
    if (options.dryRun) {
      const lines = formatPlan(plan, planned.version.text, space, options);
      for (const line of lines) context.out(line);
      return;
    }
    context.log(planSummary(plan, planned.version.text, space, options.prune));
    logOrphans(plan, context);
    const drifted = plan.steps.filter((step) =>
      isDriftLeftAlone(step, options.prune),
    );
    const report = await applyPlan(
      client,
      planned,
      {
        prune: options.prune,
        force: options.force,
        ...(options.backup ? { backupDir: options.backup } : {}),
      },
      deployIo(context),
    ).catch((error: unknown) => {
      if (options.json && error instanceof DeployIncompleteError)
        context.out(
          JSON.stringify(
            reportDocument(
              error.report as DeployReport,
              space,
              drifted,
              error.requestError,
            ),
            null,
            2,
          ),
        );
      throw error;
    });
    if (options.json)
      context.out(
        JSON.stringify(reportDocument(report, space, drifted), null, 2),
      );
    else printReport(report, context);
    for (const step of drifted)
      (options.json ? context.log : context.out)(driftLine(step));
    if (drifted.length > 0) context.setExitCode(ExitCode.checkFailed);
  } finally {
    await client.close();
  }
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
        "_import, delete with --prune, then read back and confirm. Checks every " +
        "built rule and that the space exists before the first write.",
    )
    .option(
      "--rules <dir>",
      "folder of built rules that detections build wrote",
      "kibana",
    )
    .option("--dry-run", "print the plan and write nothing", false)
    .option(
      "--prune",
      "delete managed rules that are gone from the rules folder, unless they were changed in Kibana",
      false,
    )
    .option(
      "--force",
      "overwrite or, with --prune, delete managed rules changed in Kibana since the last deploy, and deploy versions lower than Kibana's",
      false,
    )
    .option(
      "--backup <dir>",
      "before the first write, export the managed rules to <dir>/managed-rules-<UTC time>.ndjson; creates <dir>; writes no file when the plan has no writes",
    )
    .option(
      "--json",
      "print the plan (with --dry-run) or the deploy report as JSON",
      false,
    );
  addConnectionOptions(command).action((options: DeployCommandOptions) =>
    runDeploy(options, context),
  );
}
