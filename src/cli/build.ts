import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import path from "node:path";
import type { Command } from "commander";
import { DetectionsError, InputError } from "../errors.js";
import {
  type BuildOutput,
  buildRuleFiles,
  LOCK_FILE,
  type RuleSource,
} from "../harness/build-output.js";
import { parseVersionLock, type VersionLock } from "../kibana/lock.js";
import { MANAGED_TAG } from "../kibana/rule.js";
import { type CommandContext, ExitCode } from "./context.js";
import { listRuleFiles } from "./convert.js";

interface BuildOptions {
  check: boolean;
  rules: string;
  out: string;
}

/** Registers `detections build`. */
export function registerBuildCommand(
  program: Command,
  context: CommandContext,
): void {
  program
    .command("build")
    .description(
      "Convert every Sigma rule in rules/ into a Kibana EQL rule: " +
        "kibana/<rule>.json for each, kibana/rules.ndjson with all of them " +
        "(importable through Kibana's rule import), and the version lock.",
    )
    .option(
      "--check",
      "write nothing; exit 1 listing the files that a build would change",
      false,
    )
    .option(
      "--rules <dir>",
      "folder of Sigma rules (*.yml and *.yaml, subfolders included)",
      "rules",
    )
    .option("--out <dir>", "folder for the built rules", "kibana")
    .action((options: BuildOptions) => {
      runBuild(options, context);
    });
}

function runBuild(options: BuildOptions, context: CommandContext): void {
  const rulesDir = path.resolve(context.root, options.rules);
  const outDir = path.resolve(context.root, options.out);
  const lockFile = path.join(outDir, LOCK_FILE);
  const output = buildRuleFiles(
    readRuleSources(rulesDir, context),
    readLock(lockFile),
  );
  const changes = compareWithDisk(output, outDir);
  if (options.check) {
    reportCheck(changes, outDir, context);
    return;
  }
  writeOutput(output, changes, outDir);
  printSummary(output, changes, outDir, context);
}

function readRuleSources(
  rulesDir: string,
  context: CommandContext,
): RuleSource[] {
  let files: string[];
  try {
    files = listRuleFiles(rulesDir);
  } catch (error) {
    throw new InputError(
      `${rulesDir}: cannot read the rules folder (${(error as Error).message}).`,
      {
        cause: error,
      },
    );
  }
  if (files.length === 0) {
    throw new InputError(
      `${rulesDir}: no Sigma rules (*.yml or *.yaml). Add a rule or pass --rules.`,
    );
  }
  return files.map((file) => ({
    key: path.basename(file).replace(/\.ya?ml$/, ""),
    file: displayPath(file, context),
    text: readFileSync(file),
  }));
}

function readLock(file: string): VersionLock {
  if (!existsSync(file)) return {};
  return parseVersionLock(readFileSync(file, "utf8"), file);
}

/** The change a build makes to one output file. */
interface FileChange {
  file: string;
  change: "added" | "changed" | "removed" | "unchanged";
}

function compareWithDisk(output: BuildOutput, outDir: string): FileChange[] {
  const wanted = new Set(output.files.map((entry) => entry.name));
  const changes: FileChange[] = output.files.map((entry) => {
    const file = path.join(outDir, entry.name);
    if (!existsSync(file)) return { file, change: "added" };
    return {
      file,
      change:
        readFileSync(file, "utf8") === entry.text ? "unchanged" : "changed",
    };
  });
  // Rule bodies of rules that no longer exist are stale output. Only files
  // this tool built count, so other JSON files in the folder are never removed.
  const present = existsSync(outDir) ? readdirSync(outDir) : [];
  for (const name of present.sort()) {
    const file = path.join(outDir, name);
    if (name.endsWith(".json") && !wanted.has(name) && isBuiltRule(file)) {
      changes.push({ file, change: "removed" });
    }
  }
  return changes;
}

/** Tells whether a file is a rule body that `build` wrote, by its managed tag. */
function isBuiltRule(file: string): boolean {
  let body: unknown;
  try {
    body = JSON.parse(readFileSync(file, "utf8"));
  } catch {
    return false;
  }
  if (typeof body !== "object" || body === null) return false;
  const { rule_id: ruleId, tags } = body as {
    rule_id?: unknown;
    tags?: unknown;
  };
  return (
    typeof ruleId === "string" &&
    Array.isArray(tags) &&
    tags.includes(MANAGED_TAG)
  );
}

function reportCheck(
  changes: FileChange[],
  outDir: string,
  context: CommandContext,
): void {
  const stale = changes.filter((entry) => entry.change !== "unchanged");
  if (stale.length === 0) {
    context.out(
      `${displayFolder(outDir, context)} is up to date (${changes.length} files).`,
    );
    return;
  }
  context.out(
    `${displayFolder(outDir, context)} is stale; "detections build" would change:`,
  );
  for (const entry of stale) {
    context.out(
      `  ${entry.change.padEnd(7)}  ${displayPath(entry.file, context)}`,
    );
  }
  context.setExitCode(ExitCode.checkFailed);
}

function writeOutput(
  output: BuildOutput,
  changes: FileChange[],
  outDir: string,
): void {
  const stale = new Set(
    changes
      .filter((entry) => entry.change === "added" || entry.change === "changed")
      .map((entry) => entry.file),
  );
  try {
    mkdirSync(outDir, { recursive: true });
    for (const entry of output.files) {
      const file = path.join(outDir, entry.name);
      if (stale.has(file)) writeAtomically(file, entry.text);
    }
    for (const entry of changes) {
      if (entry.change === "removed") rmSync(entry.file);
    }
  } catch (error) {
    throw new DetectionsError(
      `${outDir}: cannot write the built rules (${(error as Error).message}).`,
      {
        cause: error,
      },
    );
  }
}

/** Writes a file through a temporary file, so readers never see it half written. */
function writeAtomically(file: string, text: string): void {
  const temporary = `${file}.${process.pid}.tmp`;
  writeFileSync(temporary, text);
  renameSync(temporary, file);
}

function printSummary(
  output: BuildOutput,
  changes: FileChange[],
  outDir: string,
  context: CommandContext,
): void {
  const rows = [["rule", "rule_id", "version", "severity", "file"]];
  for (const rule of output.rules) {
    rows.push([
      rule.key,
      rule.body.rule_id,
      String(rule.body.version),
      rule.body.severity,
      `${rule.key}.json`,
    ]);
  }
  const widths = rows[0]!.map((_, column) =>
    Math.max(...rows.map((row) => row[column]!.length)),
  );
  for (const row of rows) {
    context.out(
      row
        .map((cell, column) => cell.padEnd(widths[column]!))
        .join("  ")
        .trimEnd(),
    );
  }
  const written = changes.filter(
    (entry) => entry.change === "added" || entry.change === "changed",
  );
  const removed = changes.filter((entry) => entry.change === "removed");
  context.out("");
  context.out(
    `built ${output.rules.length} rules into ${displayFolder(outDir, context)}: ` +
      `${written.length} files written, ${removed.length} removed, ` +
      `${changes.length - written.length - removed.length} unchanged`,
  );
}

function displayPath(file: string, context: CommandContext): string {
  const relative = path.relative(context.root, file);
  return relative.startsWith("..") || relative === "" ? file : relative;
}

function displayFolder(folder: string, context: CommandContext): string {
  return `${displayPath(folder, context).replace(/\/$/, "")}/`;
}
