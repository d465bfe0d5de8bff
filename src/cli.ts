#!/usr/bin/env node
/**
 * Entry point of the `detections` command. Each command registers itself
 * from `src/cli/<command>.ts`; this file only wires them together and turns
 * errors into messages and exit codes.
 */
import { Command, CommanderError } from "commander";
import { fileURLToPath } from "node:url";
import { readFileSync, realpathSync } from "node:fs";
import path from "node:path";
import { DetectionsError, InputError } from "./errors.js";
import { type CommandContext, ExitCode } from "./cli/context.js";
import { registerIngestCommand } from "./cli/ingest.js";
import { registerConvertCommand } from "./cli/convert.js";
import { registerBuildCommand } from "./cli/build.js";
import { registerVerifyCommand } from "./cli/verify.js";
import { registerPlanCommand } from "./cli/plan.js";
import { registerDeployCommand } from "./cli/deploy.js";
import { registerExportCommand } from "./cli/export.js";
import { registerSynthesizeCommand } from "./cli/synthesize.js";
import { registerEqlCommand } from "./cli/eql.js";

const projectRoot = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  "..",
);

/** Returns the version from package.json. */
function packageVersion(): string {
  const text = readFileSync(path.join(projectRoot, "package.json"), "utf8");
  return String((JSON.parse(text) as { version?: unknown }).version);
}

const exitCodeHelp = `
Exit codes:
  0   success
  1   a check found differences (verify mismatches, stale build, drift)
  2   invalid input or usage (a bad rule, file, option or value)
  3   Kibana or Elasticsearch failed, refused or could not be reached
  70  a bug in this tool (rerun with --debug and report the output)`;

/** Builds the commander program with every command registered. */
export function createProgram(context: CommandContext): Command {
  const program = new Command("detections")
    .description(
      "Convert Sigma rules to Kibana EQL detection rules, deploy them " +
        "and verify that they fire.",
    )
    .option("--debug", "print stack traces and request lines", false)
    .version(packageVersion(), "--version", "print the version and exit")
    .showHelpAfterError()
    .exitOverride();
  program.hook("preAction", (command) => {
    context.debug = Boolean(command.opts().debug);
  });
  // Commands register here, one module each, in the order help lists them.
  registerBuildCommand(program, context);
  registerVerifyCommand(program, context);
  registerConvertCommand(program, context);
  registerEqlCommand(program, context);
  registerPlanCommand(program, context);
  registerDeployCommand(program, context);
  registerExportCommand(program, context);
  registerSynthesizeCommand(program, context);
  registerIngestCommand(program, context);
  program.addHelpText("after", exitCodeHelp);
  return program;
}

/** Maps an error to its exit code, printing what the user needs. */
export function reportError(error: unknown, context: CommandContext): void {
  if (error instanceof CommanderError) {
    context.setExitCode(
      error.exitCode === 0 ? ExitCode.ok : ExitCode.invalidInput,
    );
    return;
  }
  if (error instanceof DetectionsError) {
    context.log(`error: ${error.message}`);
    if (context.debug && error.stack) context.log(error.stack);
    const code =
      error instanceof InputError ? ExitCode.invalidInput : exitCodeOf(error);
    context.setExitCode(code);
    return;
  }
  context.log(`internal error: ${String(error)}`);
  if (error instanceof Error && error.stack) context.log(error.stack);
  context.setExitCode(ExitCode.internal);
}

function exitCodeOf(error: DetectionsError): ExitCode {
  const code = (error as { exitCode?: ExitCode }).exitCode;
  return code ?? ExitCode.invalidInput;
}

/**
 * Ends the process quietly when the reader of stdout goes away, as in
 * `detections eql ... | head -1`: the output was wanted only up to there.
 */
function exitOnClosedStdout(): void {
  process.stdout.on("error", (error: NodeJS.ErrnoException) => {
    if (error.code !== "EPIPE") throw error;
    process.exit(process.exitCode ?? 0);
  });
}

async function main(): Promise<void> {
  exitOnClosedStdout();
  const context: CommandContext = {
    out: (line) => process.stdout.write(`${line}\n`),
    log: (line) => process.stderr.write(`${line}\n`),
    root: process.env.DETECTIONS_ROOT ?? process.cwd(),
    debug: false,
    setExitCode: (code) => {
      process.exitCode = code;
    },
  };
  try {
    await createProgram(context).parseAsync(process.argv);
  } catch (error) {
    reportError(error, context);
  }
}

function isEntryPoint(): boolean {
  const script = process.argv[1];
  if (!script) return false;
  return fileURLToPath(import.meta.url) === realpathSync(script);
}

if (isEntryPoint()) void main();

export { projectRoot };
