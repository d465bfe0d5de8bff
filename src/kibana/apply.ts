/**
 * Runs a deploy against Kibana: reads the managed rules, plans, backs up,
 * writes creates and updates through `_import`, deletes through
 * `_bulk_action`, reads back, and reports per rule what was applied. A
 * failure part-way stops further writes; the read-back then decides which
 * rules Kibana really holds, so a rerun plans only what is still missing.
 */
import path from "node:path";
import {
  checkSpaceExists,
  exportRules,
  findRulesByTag,
  getKibanaVersion,
  type KibanaVersion,
  type RemoteRule,
} from "./api.js";
import type { KibanaClient } from "./client.js";
import { InputError } from "../errors.js";
import { DeployIncompleteError, KibanaError } from "./errors.js";
import {
  bodyToDeploy,
  type DeployPlan,
  deployHash,
  diffRules,
  findVersionRegressions,
  type PlanOptions,
  planDeploy,
  type PlanStep,
  recordedHash,
} from "./plan.js";
import { MANAGED_TAG, type KibanaRule } from "./rule.js";
import {
  deleteSteps,
  importSteps,
  type RuleFailure,
  type WriteState,
  writes,
} from "./write-steps.js";

export type { RuleFailure } from "./write-steps.js";

/** File system and clock, passed in so the core stays testable. */
export interface DeployIo {
  log: (line: string) => void;
  writeFile: (file: string, text: string) => void;
  mkdir: (dir: string) => void;
  now: () => Date;
}

export interface DeployOptions extends PlanOptions {
  /** Export the managed rules to NDJSON in this directory before writing. */
  backupDir?: string;
}

export interface DeployReport {
  kibanaVersion: string;
  plan: DeployPlan;
  applied: { action: string; ruleId: string }[];
  failed: RuleFailure[];
  backupFile?: string;
}

/** Reads the managed rules and plans the deploy; sends only GET requests. */
export async function planAgainstKibana(
  client: KibanaClient,
  local: readonly KibanaRule[],
  options: PlanOptions,
): Promise<{ version: KibanaVersion; remote: RemoteRule[]; plan: DeployPlan }> {
  const version = await getKibanaVersion(client);
  await checkSpaceExists(client);
  const remote = await findRulesByTag(client, MANAGED_TAG);
  const regressions = findVersionRegressions(local, remote);
  if (regressions.length > 0 && !options.force) {
    const lines = regressions.map(
      (item) =>
        `  ${item.ruleId}: version ${item.local} in the rules folder, ${item.remote} in Kibana`,
    );
    throw new InputError(
      [
        `${regressions.length} built rule(s) have a lower version than in Kibana, and versions only grow:`,
        ...lines,
        "Rebuild with detections build from an up-to-date version lock, or pass --force to deploy the lower versions.",
      ].join("\n"),
    );
  }
  return { version, remote, plan: planDeploy(local, remote, options) };
}

/** Writes a backup of the managed rules; returns the file path. */
export async function backupManagedRules(
  client: KibanaClient,
  remote: RemoteRule[],
  dir: string,
  io: DeployIo,
): Promise<string> {
  const ndjson = await exportRules(
    client,
    remote.map((rule) => rule.rule_id),
  );
  io.mkdir(dir);
  const stamp = io.now().toISOString().replaceAll(":", "-");
  const file = path.join(dir, `managed-rules-${stamp}.ndjson`);
  // An empty list would export every rule in the space, not none.
  io.writeFile(file, remote.length > 0 ? ndjson : "");
  io.log(`backed up ${remote.length} managed rules to ${file}`);
  return file;
}

/** Says that the backup step failed and that nothing was written. */
function backupError(error: unknown, dir: string): Error {
  const nothing = "so nothing was written to Kibana";
  if (error instanceof KibanaError) {
    return new KibanaError(
      `the backup before the deploy failed, ${nothing}: ${error.message}`,
      { cause: error },
    );
  }
  const code = (error as { code?: unknown })?.code;
  if (typeof code === "string") {
    return new InputError(
      `--backup ${dir}: cannot write the backup (${code}), ${nothing}. Pass a folder that you can create and write to.`,
      { cause: error },
    );
  }
  return error as Error;
}

function confirmStep(
  step: PlanStep,
  remote: RemoteRule | undefined,
): string | undefined {
  if (step.action === "delete")
    return remote ? "the rule still exists in Kibana" : undefined;
  if (
    step.action !== "create" &&
    step.action !== "update" &&
    step.action !== "drift"
  )
    return undefined;
  if (!remote) return "the rule is missing in Kibana";
  const sent = bodyToDeploy(step.rule);
  const changes = diffRules(remote, sent as never);
  if (changes.length > 0)
    return `Kibana holds other values for ${changes.map((change) => change.field).join(", ")}`;
  if (recordedHash(remote) !== deployHash(remote))
    return "Kibana did not keep the deploy record in meta";
  return undefined;
}

function isWrite(step: PlanStep): boolean {
  return (
    step.action === "create" ||
    step.action === "update" ||
    step.action === "delete" ||
    (step.action === "drift" && step.overwrite)
  );
}

/**
 * Applies the plan. Returns the report when every planned write is
 * confirmed; throws DeployIncompleteError listing applied and failed rules
 * otherwise.
 */
export async function applyPlan(
  client: KibanaClient,
  context: { version: KibanaVersion; remote: RemoteRule[]; plan: DeployPlan },
  options: DeployOptions,
  io: DeployIo,
): Promise<DeployReport> {
  const { plan } = context;
  const report: DeployReport = {
    kibanaVersion: context.version.text,
    plan,
    applied: [],
    failed: [],
  };
  const planned = plan.steps.filter(isWrite);
  if (planned.length === 0) return report;
  if (options.backupDir)
    report.backupFile = await backupManagedRules(
      client,
      context.remote,
      options.backupDir,
      io,
    ).catch((error: unknown) => {
      throw backupError(error, options.backupDir!);
    });

  const state: WriteState = { failed: new Map() };
  await importSteps(client, writes(plan, "create"), false, state, io);
  await importSteps(client, writes(plan, "update"), true, state, io);
  await deleteSteps(
    client,
    plan.steps.filter(
      (step): step is Extract<PlanStep, { action: "delete" }> =>
        step.action === "delete",
    ),
    state,
    io,
  );

  const readBack = await findRulesByTag(client, MANAGED_TAG).catch(
    (error: unknown) => error as Error,
  );
  for (const step of planned) sortStep(step, readBack, state, report);
  if (report.failed.length === 0) return report;
  throw incompleteError(
    report,
    readBack instanceof Error ? readBack : undefined,
    state.stopped,
  );
}

/**
 * Files one planned write under applied or failed. With a read-back, the rules in
 * Kibana decide, so a write whose response was lost still counts as
 * applied. A timed-out write that the read-back does not show is reported
 * as unknown, because Kibana may still be applying it.
 */
function sortStep(
  step: PlanStep,
  readBack: RemoteRule[] | Error,
  state: WriteState,
  report: DeployReport,
): void {
  const failure = state.failed.get(step.ruleId);
  const applied = { action: step.action, ruleId: step.ruleId };
  if (readBack instanceof Error) {
    if (failure) report.failed.push(failure);
    else report.applied.push(applied);
    return;
  }
  const remote = readBack.find((rule) => rule.rule_id === step.ruleId);
  const problem = confirmStep(step, remote);
  if (!problem) {
    report.applied.push(applied);
    return;
  }
  if (failure?.timedOut) {
    report.failed.push({
      ...failure,
      message: `outcome unknown: the request timed out and the read-back does not show the change yet; run detections plan to see whether Kibana applied it`,
    });
    return;
  }
  report.failed.push(
    failure ?? {
      ruleId: step.ruleId,
      action: step.action,
      message: `not confirmed: ${problem}`,
    },
  );
}

function incompleteError(
  report: DeployReport,
  readBackError: Error | undefined,
  requestError: Error | undefined,
): DeployIncompleteError {
  const total = report.applied.length + report.failed.length;
  const lines = [
    `deploy incomplete: ${report.applied.length} of ${total} planned changes were applied.`,
  ];
  if (requestError)
    lines.push(
      `A write request failed, so later writes were not attempted: ${requestError.message}`,
    );
  if (readBackError)
    lines.push(
      `The read-back failed too, so "applied" lists what Kibana acknowledged: ${readBackError.message}`,
    );
  for (const item of report.applied)
    lines.push(`  applied: ${item.action} ${item.ruleId}`);
  for (const item of report.failed) {
    const label = item.message.startsWith("outcome unknown")
      ? "unknown"
      : "not applied";
    lines.push(`  ${label}: ${item.action} ${item.ruleId}: ${item.message}`);
  }
  lines.push(
    "Fix the cause and rerun detections deploy; it plans only what is still missing.",
  );
  const unknown = report.failed.filter((item) =>
    item.message.startsWith("outcome unknown"),
  );
  return new DeployIncompleteError(
    lines.join("\n"),
    report.applied.map((item) => item.ruleId),
    report.failed.map((item) => ({
      ruleId: item.ruleId,
      message: item.message,
    })),
    report.failed
      .filter((item) => item.message.startsWith("not attempted"))
      .map((item) => item.ruleId),
    unknown.map((item) => item.ruleId),
    requestError?.message,
    report,
  );
}
