/**
 * `detections synthesize`: converts the Sigma rules, synthesizes matching
 * events and near-misses from their EQL queries, and writes PREFIX.ndjson
 * and PREFIX.tsv, which `detections verify --events --expect` checks and any
 * SIEM can replay.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import type { Command } from "commander";
import { InputError } from "../errors.js";
import { embeddedSynthesisEngine } from "../harness/synthesis/embedded-engine.js";
import {
  formatEventsNdjson,
  formatVerdictsTsv,
} from "../harness/synthesis/output.js";
import { synthesizeEvents, type SynthesisRule } from "../harness/synthesize.js";
import { type CommandContext, ExitCode } from "./context.js";
import { convertRuleTree } from "./convert.js";

interface SynthesizeOptions {
  rules: string;
  out: string;
  namespace: string;
}

/** Registers `detections synthesize`. */
export function registerSynthesizeCommand(
  program: Command,
  context: CommandContext,
): void {
  program
    .command("synthesize")
    .description(
      "Synthesize test events from the rules' EQL queries: for every OR branch " +
        "an event that matches, and for every condition a near-miss, in the ECS " +
        "shape of each source. Writes PREFIX.ndjson and PREFIX.tsv (expected " +
        "verdicts of every rule, the format of verify --expect).",
    )
    .option("--rules <dir>", "folder of Sigma rules (*.yml)", "rules")
    .requiredOption(
      "--out <prefix>",
      "path prefix of the files to write, such as out/synthetic",
    )
    .option(
      "--namespace <name>",
      "data_stream.namespace of the events",
      "default",
    )
    .action((options: SynthesizeOptions) => {
      runSynthesize(options, context);
    });
}

function runSynthesize(
  options: SynthesizeOptions,
  context: CommandContext,
): void {
  const rules = loadRules(path.resolve(context.root, options.rules), context);
  const result = synthesizeEvents(rules, embeddedSynthesisEngine(), {
    namespace: options.namespace,
  });
  for (const gap of result.gaps) {
    context.log(
      `warning: ${gap.rule}: no event for ${gap.description}: ${gap.reason}`,
    );
  }
  const prefix = path.resolve(context.root, options.out);
  mkdirSync(path.dirname(prefix), { recursive: true });
  const keys = rules.map((rule) => rule.key);
  writeFileSync(`${prefix}.ndjson`, formatEventsNdjson(result));
  writeFileSync(`${prefix}.tsv`, formatVerdictsTsv(result, keys));
  const matches = result.events.filter(
    (event) => event.kind === "match",
  ).length;
  context.out(
    `wrote ${result.events.length} events (${matches} matches, ${result.events.length - matches} near-misses) ` +
      `for ${rules.length} rules to ${prefix}.ndjson and ${prefix}.tsv` +
      (result.gaps.length > 0
        ? `; ${result.gaps.length} branches or conditions got no event`
        : ""),
  );
  context.setExitCode(ExitCode.ok);
}

/** Converts every rule under the folder; a rejected rule is reported and skipped. */
function loadRules(
  directory: string,
  context: CommandContext,
): SynthesisRule[] {
  const rules: SynthesisRule[] = [];
  for (const result of convertRuleTree(directory, context.root)) {
    if (result.status === "rejected") {
      context.log(`warning: skipped ${result.file}: ${result.error.message}`);
      continue;
    }
    rules.push({
      key: path.basename(result.file).replace(/\.ya?ml$/, ""),
      query: result.converted.query,
      index: result.converted.indexPatterns,
    });
  }
  if (rules.length === 0) {
    throw new InputError(
      `${directory}: no Sigma rule converts to EQL, so there is nothing to synthesize from.`,
    );
  }
  return rules;
}
