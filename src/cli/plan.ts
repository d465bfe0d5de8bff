import path from "node:path";
import type { Command } from "commander";
import { planAgainstKibana } from "../kibana/apply.js";
import {
  type DeployPlan,
  type FieldChange,
  isDriftLeftAlone,
  type PlanStep,
} from "../kibana/plan.js";
import type { CommandContext } from "./context.js";
import { readBuiltRules } from "./deploy.js";
import {
  addConnectionOptions,
  connect,
  type KibanaCommandOptions,
} from "./kibana-options.js";
import { formatChange } from "./plan-diff.js";

export interface PlanCommandOptions extends KibanaCommandOptions {
  rules: string;
  prune: boolean;
  force: boolean;
  json: boolean;
}

/** Output settings of a plan: made with --prune, printed as JSON or text. */
interface PlanFormat {
  prune: boolean;
  json: boolean;
}

const actions = [
  "create",
  "update",
  "unchanged",
  "delete",
  "drift",
  "orphan",
] as const;

function counts(
  plan: DeployPlan,
  prune: boolean,
): Record<(typeof actions)[number], number> {
  const result = Object.fromEntries(
    actions.map((action) => [action, 0]),
  ) as Record<(typeof actions)[number], number>;
  for (const step of plan.steps) result[step.action] += 1;
  // A drifted rule that --prune keeps counts as drift, not as an orphan.
  for (const step of plan.steps) {
    if (step.action === "orphan" && isDriftLeftAlone(step, prune)) {
      result.orphan -= 1;
      result.drift += 1;
    }
  }
  return result;
}

/** Formats one line with the number of rules per action. */
export function planSummary(
  plan: DeployPlan,
  version: string,
  space: string,
  prune: boolean,
): string {
  const c = counts(plan, prune);
  return `Kibana ${version}, space ${space}: ${c.create} to create, ${c.update} to update, ${c.unchanged} unchanged, ${c.delete} to delete, ${c.drift} drifted, ${c.orphan} not in the rules folder`;
}

function changeLines(changes: FieldChange[]): string[] {
  return changes.flatMap(formatChange);
}

function stepLines(step: PlanStep, prune: boolean): string[] {
  const head = `${step.action.padEnd(9)} ${step.ruleId}  ${step.name}`;
  switch (step.action) {
    case "create":
    case "unchanged":
      return [head];
    case "delete":
      return step.drifted
        ? [
            `${head}  (changed in Kibana since the last deploy; --force deletes it)`,
          ]
        : [head];
    case "update":
      return [head, ...changeLines(step.changes)];
    case "drift":
      return [
        `${head}  (changed in Kibana since the last deploy; ${step.overwrite ? "--force overwrites it" : "left alone without --force"})`,
        ...changeLines(step.changes),
      ];
    case "orphan":
      if (isDriftLeftAlone(step, prune))
        return [
          `${"drift".padEnd(9)} ${step.ruleId}  ${step.name}  (not in the rules folder, but changed in Kibana since the last deploy; left alone without --force)`,
        ];
      return [
        `${head}  (managed rule not in the rules folder; --prune deletes it)`,
      ];
  }
}

/** Formats the plan as text lines, or as one JSON document with `json`. */
export function formatPlan(
  plan: DeployPlan,
  version: string,
  space: string,
  format: PlanFormat,
): string[] {
  const { prune } = format;
  if (format.json) {
    const steps = plan.steps.map((step) => ({
      action: step.action,
      rule_id: step.ruleId,
      name: step.name,
      ...("changes" in step ? { changes: step.changes } : {}),
      ...(step.action === "drift" ? { overwrite: step.overwrite } : {}),
      ...("drifted" in step ? { drifted: step.drifted } : {}),
    }));
    const summary = counts(plan, prune);
    return [
      JSON.stringify(
        { kibana_version: version, space, summary, steps },
        null,
        2,
      ),
    ];
  }
  return [
    planSummary(plan, version, space, prune),
    ...plan.steps
      .filter((step) => step.action !== "unchanged")
      .flatMap((step) => stepLines(step, prune)),
  ];
}

/** Registers `detections plan`. */
export function registerPlanCommand(
  program: Command,
  context: CommandContext,
): void {
  const command = program
    .command("plan")
    .description(
      "Compare the rules in kibana/ with the managed rules in Kibana and print " +
        "what deploy would change: create, update (with a field diff), unchanged, " +
        "drift and, with --prune, delete. Writes nothing.",
    )
    .option(
      "--rules <dir>",
      "folder of built rules that detections build wrote",
      "kibana",
    )
    .option(
      "--prune",
      "plan deletes for managed rules gone from the rules folder",
      false,
    )
    .option(
      "--force",
      "plan as deploy --force would: overwrite or delete drifted rules, allow lower versions",
      false,
    )
    .option("--json", "print the plan as one JSON document", false);
  addConnectionOptions(command).action(async (options: PlanCommandOptions) => {
    const local = readBuiltRules(path.resolve(context.root, options.rules));
    const client = connect(options, context);
    try {
      const { plan, version } = await planAgainstKibana(client, local, {
        prune: options.prune,
        force: options.force,
      });
      const space = client.connection.space ?? "default";
      for (const line of formatPlan(plan, version.text, space, options))
        context.out(line);
    } finally {
      await client.close();
    }
  });
}
