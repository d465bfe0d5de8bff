/**
 * The Kibana side of live verification: a Space of its own, the rules
 * deployed there with the deploy code, a run started now, and a bounded
 * wait until every rule's last execution succeeded.
 */
import { DetectionsError } from "../errors.js";
import {
  findRulesByTag,
  type KibanaVersion,
  type RemoteRule,
} from "../kibana/api.js";
import {
  applyPlan,
  planAgainstKibana,
  type DeployIo,
} from "../kibana/apply.js";
import type { KibanaClient } from "../kibana/client.js";
import { MANAGED_TAG, type KibanaRule } from "../kibana/rule.js";
import type { Progress } from "./progress.js";

/** A rule run that failed or did not finish in time; the CLI exits with code 3. */
export class RuleRunError extends DetectionsError {
  readonly exitCode = 3;
}

/** `execution_summary.last_execution` of a rule, as Kibana returns it. */
export interface LastExecution {
  date: string;
  status: string;
  message?: string;
}

/** Kibana 8.16 added the manual run (`run`) action to `_bulk_action`. */
export function supportsManualRun(version: KibanaVersion): boolean {
  return version.major > 8 || (version.major === 8 && version.minor >= 16);
}

/** Maximum alerts a rule run writes, Kibana's default `xpack.alerting.rules.run.alerts.max`. */
export const verificationMaxSignals = 1000;

/**
 * Returns the bodies deployed for verification: enabled, so they run at
 * once, looking back far enough to cover events indexed `lookbackMinutes`
 * ago, and allowed up to 1,000 alerts per run, so that no expected alert is
 * cut off. The detection logic (query, index, timestamp override) is unchanged.
 */
export function verificationBodies(
  rules: readonly KibanaRule[],
  lookbackMinutes: number,
): KibanaRule[] {
  return rules.map((rule) => ({
    ...rule,
    enabled: true,
    from: `now-${lookbackMinutes}m`,
    max_signals: Math.max(rule.max_signals, verificationMaxSignals),
  }));
}

const spacesPath = "/api/spaces/space";

/** Creates a Space; its id is also its name. */
export async function createSpace(
  client: KibanaClient,
  space: string,
): Promise<void> {
  await client.send({
    method: "POST",
    path: spacesPath,
    spaceless: true,
    body: JSON.stringify({
      id: space,
      name: space,
      description: "Temporary space of a live rule verification run",
      disabledFeatures: [],
    }),
    contentType: "application/json",
    idempotent: false,
  });
}

/** Deletes a Space with the rules in it. */
export async function deleteSpace(
  client: KibanaClient,
  space: string,
): Promise<void> {
  await client.send({
    method: "DELETE",
    path: `${spacesPath}/${encodeURIComponent(space)}`,
    spaceless: true,
    idempotent: true,
  });
}

/**
 * Deploys the rules into the client's space with the deploy code and
 * returns them as Kibana stores them. Throws what the deploy throws.
 */
export async function deployRules(
  client: KibanaClient,
  rules: readonly KibanaRule[],
  io: DeployIo,
): Promise<{ version: KibanaVersion; deployed: RemoteRule[] }> {
  const context = await planAgainstKibana(client, rules, {
    prune: false,
    force: true,
  });
  await applyPlan(client, context, { prune: false, force: true }, io);
  const wanted = new Set(rules.map((rule) => rule.rule_id));
  const deployed = (await findRulesByTag(client, MANAGED_TAG)).filter((rule) =>
    wanted.has(rule.rule_id),
  );
  return { version: context.version, deployed };
}

/**
 * Starts a manual run of the rules over [start, end] through `_bulk_action`.
 * Kibana runs only enabled rules manually.
 */
export async function runRulesNow(
  client: KibanaClient,
  ids: readonly string[],
  window: { start: Date; end: Date },
): Promise<void> {
  await client.send({
    method: "POST",
    path: "/api/detection_engine/rules/_bulk_action",
    body: JSON.stringify({
      action: "run",
      ids,
      run: {
        start_date: window.start.toISOString(),
        end_date: window.end.toISOString(),
      },
    }),
    contentType: "application/json",
    idempotent: false,
  });
}

export interface WaitOptions {
  timeoutMs: number;
  pollIntervalMs: number;
  progress: Progress;
  sleep?: (ms: number) => Promise<void>;
  now?: () => number;
}

/**
 * Polls the rules until each one's last execution, after the rule was last
 * updated, succeeded or ended with a partial failure. Throws RuleRunError
 * quoting Kibana's message when a run fails, and when the wait times out,
 * with each unfinished rule's last status and message.
 */
export async function waitForRuleRuns(
  client: KibanaClient,
  deployed: readonly RemoteRule[],
  options: WaitOptions,
): Promise<Map<string, LastExecution>> {
  const sleep =
    options.sleep ??
    ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
  const now = options.now ?? (() => Date.now());
  const deadline = now() + options.timeoutMs;
  const step = options.progress.start(
    `waiting for ${deployed.length} rules to run`,
  );
  const wanted = new Map(deployed.map((rule) => [rule.rule_id, rule]));
  for (let attempt = 1; ; attempt += 1) {
    const current = (await findRulesByTag(client, MANAGED_TAG)).filter((rule) =>
      wanted.has(rule.rule_id),
    );
    const finished = new Map<string, LastExecution>();
    for (const rule of current) {
      const execution = lastExecutionAfterUpdate(rule);
      if (execution?.status === "failed") {
        step.fail(`${rule.name} failed`);
        throw new RuleRunError(
          `rule "${rule.name}" (${rule.rule_id}) failed in Kibana: ${execution.message ?? "no message"}. Fix the rule or the cluster and run the verification again.`,
        );
      }
      if (execution && isFinished(execution.status))
        finished.set(rule.rule_id, execution);
    }
    step.update(
      `${finished.size} of ${wanted.size} rules ran (poll ${attempt})`,
    );
    if (finished.size === wanted.size) {
      step.finish(`${finished.size} of ${wanted.size} rules ran`);
      return finished;
    }
    if (now() >= deadline) {
      step.fail("timed out");
      throw timeoutError(current, wanted, finished, options.timeoutMs);
    }
    await sleep(options.pollIntervalMs);
  }
}

function isFinished(status: string): boolean {
  return status === "succeeded" || status === "partial failure";
}

/** The rule's last execution if it started after the rule's last update. */
function lastExecutionAfterUpdate(rule: RemoteRule): LastExecution | undefined {
  const summary = rule.execution_summary as
    { last_execution?: LastExecution } | undefined;
  const execution = summary?.last_execution;
  if (!execution) return undefined;
  const updated = Date.parse(String(rule.updated_at ?? ""));
  if (!Number.isNaN(updated) && Date.parse(execution.date) < updated)
    return undefined;
  return execution;
}

function timeoutError(
  current: readonly RemoteRule[],
  wanted: ReadonlyMap<string, RemoteRule>,
  finished: ReadonlyMap<string, LastExecution>,
  timeoutMs: number,
): RuleRunError {
  const lines = [...wanted.values()]
    .filter((rule) => !finished.has(rule.rule_id))
    .map((rule) => {
      const latest = current.find(
        (candidate) => candidate.rule_id === rule.rule_id,
      );
      const summary = latest?.execution_summary as
        { last_execution?: LastExecution } | undefined;
      const last = summary?.last_execution;
      const state = last
        ? `last status "${last.status}" at ${last.date}: ${last.message ?? "no message"}`
        : "it has not run yet";
      return `  ${rule.name} (${rule.rule_id}): ${state}`;
    });
  return new RuleRunError(
    [
      `timed out after ${Math.round(timeoutMs / 1000)} s waiting for ${lines.length} of ${wanted.size} rules to run:`,
      ...lines,
      "Check Kibana's task manager and rule monitoring, or raise --wait-timeout.",
    ].join("\n"),
  );
}
