/**
 * `detections convert`: prints the EQL query of one Sigma rule, or converts
 * a folder tree of rules into `.eql` files with a summary of rejections.
 */
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import type { Command } from "commander";
import { InputError } from "../errors.js";
import { type ConversionResult, convertRuleText } from "../eql/from-sigma.js";
import { type CommandContext, ExitCode } from "./context.js";

interface ConvertOptions {
  out?: string;
  allowUnsupported: boolean;
}

/** Registers `detections convert`. */
export function registerConvertCommand(program: Command, context: CommandContext): void {
  program
    .command("convert")
    .description(
      "Convert Sigma rules to EQL. For a file, print its EQL query. For a " +
        "folder, write <out>/<path>.eql for each *.yml rule under it and " +
        "print a summary of converted and rejected rules by reason.",
    )
    .argument("<path>", "Sigma rule file (.yml) or folder of rules")
    .option("--out <dir>", "folder for the .eql files (required for a folder)")
    .option(
      "--allow-unsupported",
      "exit 0 when rules are rejected only for features EQL cannot express",
      false,
    )
    .action((target: string, options: ConvertOptions) => {
      runConvert(target, options, context);
    });
}

function runConvert(target: string, options: ConvertOptions, context: CommandContext): void {
  const resolved = path.resolve(context.root, target);
  if (!isDirectory(resolved)) {
    convertOneFile(resolved, options, context);
    return;
  }
  if (options.out === undefined) {
    throw new InputError(`${target}: is a folder; give --out <dir> for the .eql files`);
  }
  const results = convertRuleTree(resolved, context.root);
  const outDir = path.resolve(context.root, options.out);
  for (const result of results) {
    if (result.status === "converted") {
      const relative = path.relative(resolved, path.resolve(context.root, result.file));
      writeEql(outDir, relative, result.converted.text);
    } else {
      context.log(`rejected: ${result.error.message}`);
    }
  }
  for (const line of summarize(results)) context.out(line);
  context.setExitCode(exitCodeOf(results, options.allowUnsupported));
}

function convertOneFile(file: string, options: ConvertOptions, context: CommandContext): void {
  const relative = path.relative(context.root, file);
  const shown = relative === "" || relative.startsWith("..") ? file : relative;
  const result = convertRuleText(readRule(file), shown);
  if (result.status === "rejected") throw result.error;
  if (options.out !== undefined) {
    writeEql(path.resolve(context.root, options.out), path.basename(file), result.converted.text);
  }
  context.out(result.converted.text);
}

/**
 * Converts every `*.yml` and `*.yaml` rule under `dir`, sorted by path. Each
 * result names its file relative to `relativeTo` (default: as found).
 */
export function convertRuleTree(dir: string, relativeTo?: string): ConversionResult[] {
  return listRuleFiles(dir).map((file) => {
    const name = relativeTo === undefined ? file : path.relative(relativeTo, file);
    return convertRuleText(readRule(file), name);
  });
}

/** Lines of the summary: totals, then rejected rules counted by reason. */
export function summarize(results: ConversionResult[]): string[] {
  const reasons = new Map<string, number>();
  for (const result of results) {
    if (result.status === "rejected") reasons.set(result.reason, (reasons.get(result.reason) ?? 0) + 1);
  }
  const converted = results.length - [...reasons.values()].reduce((sum, count) => sum + count, 0);
  const lines = [`converted ${converted} of ${results.length} rules, rejected ${results.length - converted}`];
  const sorted = [...reasons].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
  for (const [reason, count] of sorted) lines.push(`  ${String(count).padStart(4)}  ${reason}`);
  return lines;
}

function exitCodeOf(results: ConversionResult[], allowUnsupported: boolean): ExitCode {
  const rejected = results.filter((result) => result.status === "rejected");
  if (rejected.some((result) => result.reason === "invalid Sigma rule")) return ExitCode.invalidInput;
  if (rejected.length > 0 && !allowUnsupported) return ExitCode.invalidInput;
  return ExitCode.ok;
}

/** Lists the `*.yml` and `*.yaml` files under `dir` and its subfolders, sorted. */
export function listRuleFiles(dir: string): string[] {
  const files: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) files.push(...listRuleFiles(full));
    else if (/\.ya?ml$/.test(entry.name)) files.push(full);
  }
  return files.sort();
}

function isDirectory(file: string): boolean {
  try {
    return statSync(file).isDirectory();
  } catch {
    return false;
  }
}

function readRule(file: string): Uint8Array {
  try {
    return readFileSync(file);
  } catch (error) {
    throw new InputError(`${file}: cannot read the rule: ${(error as Error).message}`, { cause: error });
  }
}

function writeEql(outDir: string, relative: string, text: string): void {
  const target = path.join(outDir, relative.replace(/\.ya?ml$/, ".eql"));
  mkdirSync(path.dirname(target), { recursive: true });
  writeFileSync(target, `${text}\n`);
}
