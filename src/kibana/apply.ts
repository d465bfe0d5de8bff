/**
 * Runs a deploy against Kibana: reads the managed rules, plans, backs up,
 * writes creates and updates through `_import`, deletes through
 * `_bulk_action`, reads back, and reports per rule what was applied. A
 * failure part-way stops further writes; the read-back then decides which
 * rules Kibana really holds, so a rerun plans only what is still missing.
 */
import path from "node:path";
import {
  exportRules,
  findRulesByTag,
  getKibanaVersion,
  type KibanaVersion,
  type RemoteRule,
} from "./api.js";
import type { KibanaClient } from "./client.js";
import { DeployIncompleteError } from "./errors.js";
import {
  bodyToDeploy,
  type DeployPlan,
  deployHash,
  diffRules,
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
  const remote = await findRulesByTag(client, MANAGED_TAG);
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
    );

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
  for (const step of planned) {
    const problem =
      readBack instanceof Error
        ? undefined
        : confirmStep(
            step,
            readBack.find((rule) => rule.rule_id === step.ruleId),
          );
    const failure = state.failed.get(step.ruleId);
    if (readBack instanceof Error ? !failure : !problem)
      report.applied.push({ action: step.action, ruleId: step.ruleId });
    else
      report.failed.push(
        failure ?? {
          ruleId: step.ruleId,
          action: step.action,
          message: `not confirmed: ${problem}`,
        },
      );
  }
  if (report.failed.length === 0) return report;
  throw incompleteError(
    report,
    readBack instanceof Error ? readBack : undefined,
  );
}

function incompleteError(
  report: DeployReport,
  readBackError: Error | undefined,
): DeployIncompleteError {
  const total = report.applied.length + report.failed.length;
  const lines = [
    `deploy incomplete: ${report.applied.length} of ${total} planned changes were applied.`,
  ];
  if (readBackError)
    lines.push(
      `The read-back failed too, so "applied" lists what Kibana acknowledged: ${readBackError.message}`,
    );
  for (const item of report.applied)
    lines.push(`  applied: ${item.action} ${item.ruleId}`);
  for (const item of report.failed)
    lines.push(`  not applied: ${item.action} ${item.ruleId}: ${item.message}`);
  lines.push(
    "Fix the cause and rerun detections deploy; it plans only what is still missing.",
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
  );
}
