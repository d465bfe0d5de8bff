/**
 * The write requests of a deploy: `_import` chunks for creates and updates,
 * `_bulk_action` batches for deletes. After a request fails, later writes
 * are not attempted, so the read-back can tell exactly what was applied.
 */
import { BULK_ACTION_MAX_IDS, bulkDeleteRules, importRules } from "./api.js";
import type { KibanaClient } from "./client.js";
import { KibanaError, KibanaTimeoutError } from "./errors.js";
import { chunkNdjson } from "./ndjson.js";
import { bodyToDeploy, type DeployPlan, type PlanStep } from "./plan.js";
import { MANAGED_TAG } from "./rule.js";

/** A rule the deploy could not apply, with the reason. */
export interface RuleFailure {
  ruleId: string;
  action: string;
  message: string;
  /** True when the write request timed out, so Kibana may still apply it. */
  timedOut?: boolean;
}

/** Progress output of the write steps. */
export interface WriteLog {
  log: (line: string) => void;
}

export type WriteStep = Extract<
  PlanStep,
  { action: "create" | "update" | "drift" }
>;

/** Returns the creates, or the updates and forced drift overwrites, of a plan. */
export function writes(
  plan: DeployPlan,
  action: "create" | "update",
): WriteStep[] {
  return plan.steps.filter((step): step is WriteStep =>
    action === "create"
      ? step.action === "create"
      : step.action === "update" || (step.action === "drift" && step.overwrite),
  );
}

function importFailureMessage(status: number, message: string): string {
  if (status === 409) {
    return `Kibana: ${message}. A rule with this rule_id exists without the tag "${MANAGED_TAG}"; delete it in Kibana or add the tag so this tool may manage it`;
  }
  return `Kibana: ${message}`;
}

export interface WriteState {
  failed: Map<string, RuleFailure>;
  /** Set after a request failed; later writes are not attempted. */
  stopped?: KibanaError;
}

/** Imports the steps' bodies in chunks; records per-rule failures in `state`. */
export async function importSteps(
  client: KibanaClient,
  steps: WriteStep[],
  overwrite: boolean,
  state: WriteState,
  io: WriteLog,
): Promise<void> {
  const chunks = chunkNdjson(steps.map((step) => bodyToDeploy(step.rule)));
  let offset = 0;
  for (const chunk of chunks) {
    const count = chunk.split("\n").length - 1;
    const chunkSteps = steps.slice(offset, offset + count);
    offset += count;
    if (state.stopped) {
      for (const step of chunkSteps)
        state.failed.set(step.ruleId, {
          ruleId: step.ruleId,
          action: step.action,
          message: "not attempted after an earlier request failed",
        });
      continue;
    }
    try {
      const errors = await importRules(client, chunk, overwrite);
      for (const error of errors) {
        const step = chunkSteps.find(
          (candidate) => candidate.ruleId === error.ruleId,
        );
        state.failed.set(error.ruleId, {
          ruleId: error.ruleId,
          action: step?.action ?? "import",
          message: importFailureMessage(error.status, error.message),
        });
      }
      const checked =
        errors.length > 0 ? "; the read-back checks the others" : "";
      io.log(
        `imported ${count - errors.length} of ${count} rules (overwrite=${overwrite})${checked}`,
      );
    } catch (error) {
      if (!(error instanceof KibanaError)) throw error;
      state.stopped = error;
      for (const step of chunkSteps)
        state.failed.set(step.ruleId, {
          ruleId: step.ruleId,
          action: step.action,
          message: `request failed: ${error.message}`,
          ...(error instanceof KibanaTimeoutError ? { timedOut: true } : {}),
        });
    }
  }
}

/** Deletes the steps' rules in batches of 100; records failures in `state`. */
export async function deleteSteps(
  client: KibanaClient,
  steps: Extract<PlanStep, { action: "delete" }>[],
  state: WriteState,
  io: WriteLog,
): Promise<void> {
  for (let start = 0; start < steps.length; start += BULK_ACTION_MAX_IDS) {
    const batch = steps.slice(start, start + BULK_ACTION_MAX_IDS);
    if (state.stopped) {
      for (const step of batch)
        state.failed.set(step.ruleId, {
          ruleId: step.ruleId,
          action: "delete",
          message: "not attempted after an earlier request failed",
        });
      continue;
    }
    try {
      const failures = await bulkDeleteRules(
        client,
        batch.map((step) => step.remoteId),
      );
      for (const step of batch) {
        const message = failures.get(step.remoteId);
        if (message)
          state.failed.set(step.ruleId, {
            ruleId: step.ruleId,
            action: "delete",
            message: `Kibana: ${message}`,
          });
      }
      io.log(
        `deleted ${batch.length - failures.size} of ${batch.length} rules`,
      );
    } catch (error) {
      if (!(error instanceof KibanaError)) throw error;
      state.stopped = error;
      for (const step of batch)
        state.failed.set(step.ruleId, {
          ruleId: step.ruleId,
          action: "delete",
          message: `request failed: ${error.message}`,
          ...(error instanceof KibanaTimeoutError ? { timedOut: true } : {}),
        });
    }
  }
}

/** Checks one written step against Kibana's copy after the deploy. */
