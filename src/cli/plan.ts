import path from "node:path";
import type { Command } from "commander";
import { planAgainstKibana } from "../kibana/apply.js";
import type { ConnectionOptions } from "../kibana/connection.js";
import type { DeployPlan, FieldChange, PlanStep } from "../kibana/plan.js";
import type { CommandContext } from "./context.js";
import { addConnectionOptions, connect, readBuiltRules } from "./deploy.js";

export interface PlanCommandOptions extends ConnectionOptions {
  rules: string;
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

function counts(plan: DeployPlan): Record<(typeof actions)[number], number> {
  const result = Object.fromEntries(
    actions.map((action) => [action, 0]),
  ) as Record<(typeof actions)[number], number>;
  for (const step of plan.steps) result[step.action] += 1;
  return result;
}

/** Formats one line with the number of rules per action. */
export function planSummary(
  plan: DeployPlan,
  version: string,
  space: string,
): string {
  const c = counts(plan);
  return `Kibana ${version}, space ${space}: ${c.create} to create, ${c.update} to update, ${c.unchanged} unchanged, ${c.delete} to delete, ${c.drift} drifted, ${c.orphan} not in the rules folder`;
}

function show(value: unknown): string {
  const text = JSON.stringify(value) ?? "(none)";
  return text.length > 120 ? `${text.slice(0, 117)}...` : text;
}

function changeLines(changes: FieldChange[]): string[] {
  return changes.map(
    (change) =>
      `    ${change.field}: ${show(change.before)} -> ${show(change.after)}`,
  );
}

function stepLines(step: PlanStep): string[] {
  const head = `${step.action.padEnd(9)} ${step.ruleId}  ${step.name}`;
  switch (step.action) {
    case "create":
    case "unchanged":
    case "delete":
      return [head];
    case "update":
      return [head, ...changeLines(step.changes)];
    case "drift":
      return [
        `${head}  (changed in Kibana since the last deploy; ${step.overwrite ? "--force overwrites it" : "left alone without --force"})`,
        ...changeLines(step.changes),
      ];
    case "orphan":
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
  json: boolean,
): string[] {
  if (json) {
    const steps = plan.steps.map((step) => ({
      action: step.action,
      rule_id: step.ruleId,
      name: step.name,
      ...("changes" in step ? { changes: step.changes } : {}),
      ...(step.action === "drift" ? { overwrite: step.overwrite } : {}),
    }));
    return [
      JSON.stringify(
        { kibana_version: version, space, summary: counts(plan), steps },
        null,
        2,
      ),
    ];
  }
  return [
    planSummary(plan, version, space),
    ...plan.steps
      .filter((step) => step.action !== "unchanged")
      .flatMap(stepLines),
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
    .option("--rules <dir>", "folder of built rules", "kibana")
    .option(
      "--prune",
      "plan deletes for managed rules gone from the rules folder",
      false,
    )
    .option("--json", "print the plan as one JSON document", false);
  addConnectionOptions(command).action(async (options: PlanCommandOptions) => {
    const local = readBuiltRules(path.resolve(context.root, options.rules));
    const client = connect(options, context);
    try {
      const { plan, version } = await planAgainstKibana(client, local, {
        prune: options.prune,
        force: false,
      });
      for (const line of formatPlan(
        plan,
        version.text,
        client.connection.space ?? "default",
        options.json,
      ))
        context.out(line);
    } finally {
      await client.close();
    }
  });
}
