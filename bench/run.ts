/**
 * Engine benchmark. Generates process-start events from a fixed seed, then
 * times three phases over the same file, each in its own child process:
 * parsing alone, parsing plus the two mofcomp rules, and parsing plus 50
 * converted SigmaHQ rules. Throughput counts CPU time of the phase process,
 * so other jobs on the machine skew it less than wall-clock time; both are
 * reported. Peak RSS and live heap are taken at two event counts, to show
 * whether memory grows with the input. Prints a report and merges the
 * figures into bench/results.json. Then runs the deploy benchmark
 * (deploy.ts), which adds its figures under "deploy".
 *
 *   npm run bench -- [--events N] [--small-events N] [--runs N] [--seed N]
 *                    [--keep-file] [--cpu-prof-dir DIR] [--deploy-rules N]
 */
import { execFile, spawn } from "node:child_process";
import { mkdtemp, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs, promisify } from "node:util";
import { generateEvents } from "./generate.js";
import type { PhaseResult } from "./phase.js";
import { describeRun, mergeResults, type Measurements } from "./report.js";
import {
  type PhaseName,
  sigmaRuleCount,
  sigmaRulesDirectory,
} from "./rule-set.js";

const runFile = promisify(execFile);
const phaseScript = fileURLToPath(new URL("./phase.js", import.meta.url));
const deployScript = fileURLToPath(new URL("./deploy.js", import.meta.url));
const resultsPath = fileURLToPath(
  new URL("../../results.json", import.meta.url),
);

const timedPhases: PhaseName[] = ["parse", "two-rules", "fifty-rules"];

interface Options {
  events: number;
  smallEvents: number;
  runs: number;
  seed: number;
  keepFile: boolean;
  cpuProfileDir: string | undefined;
  deployRules: number;
}

function readOptions(): Options {
  const { values } = parseArgs({
    options: {
      events: { type: "string", default: "1000000" },
      "small-events": { type: "string", default: "250000" },
      runs: { type: "string", default: "3" },
      seed: { type: "string", default: "20260105" },
      "keep-file": { type: "boolean", default: false },
      "cpu-prof-dir": { type: "string" },
      "deploy-rules": { type: "string", default: "1000" },
    },
  });
  const options: Options = {
    events: Number(values.events),
    smallEvents: Number(values["small-events"]),
    runs: Number(values.runs),
    seed: Number(values.seed),
    keepFile: values["keep-file"] ?? false,
    cpuProfileDir: values["cpu-prof-dir"],
    deployRules: Number(values["deploy-rules"]),
  };
  const counts = [
    ["--events", options.events],
    ["--small-events", options.smallEvents],
    ["--runs", options.runs],
    ["--deploy-rules", options.deployRules],
  ] as const;
  for (const [flag, value] of counts) {
    if (!Number.isInteger(value) || value < 1) {
      throw new Error(
        `${flag}: invalid value ${value}. Give a positive integer.`,
      );
    }
  }
  if (options.smallEvents > options.events) {
    throw new Error(
      `--small-events ${options.smallEvents} exceeds --events ${options.events}. Give a smaller count.`,
    );
  }
  return options;
}

async function runPhase(
  phase: PhaseName,
  file: string,
  limit: number,
  options: Options,
): Promise<PhaseResult> {
  const nodeFlags = ["--expose-gc"];
  if (options.cpuProfileDir !== undefined) {
    nodeFlags.push("--cpu-prof", "--cpu-prof-dir", options.cpuProfileDir);
  }
  const { stdout } = await runFile(
    process.execPath,
    [...nodeFlags, phaseScript, phase, file, String(limit)],
    { maxBuffer: 1 << 20 },
  );
  const lastLine = stdout.trim().split("\n").pop() ?? "";
  const result = JSON.parse(lastLine) as PhaseResult;
  process.stderr.write(
    `  ${phase} x ${result.events}: ${result.events_per_second} events/s, ` +
      `${result.events_per_cpu_second} events/CPU-s, ` +
      `peak RSS ${result.peak_rss_mb} MiB, live heap ${result.live_heap_mb} MiB\n`,
  );
  return result;
}

async function measure(file: string, options: Options): Promise<Measurements> {
  const timed = new Map<PhaseName, PhaseResult[]>();
  for (let run = 1; run <= options.runs; run++) {
    process.stderr.write(`timed run ${run} of ${options.runs}\n`);
    // Phases take turns, so a slow moment of the machine hits all of them.
    for (const phase of timedPhases) {
      const results = timed.get(phase) ?? [];
      results.push(await runPhase(phase, file, options.events, options));
      timed.set(phase, results);
    }
  }
  process.stderr.write("memory runs\n");
  const small = new Map<PhaseName, PhaseResult>();
  for (const phase of timedPhases) {
    small.set(phase, await runPhase(phase, file, options.smallEvents, options));
  }
  const sequence = {
    small: await runPhase("sequence", file, options.smallEvents, options),
    full: await runPhase("sequence", file, options.events, options),
  };
  return { timed, small, sequence };
}

/**
 * Runs the deploy benchmark in its own process, with its output shown as
 * it comes. Returns its exit code: 1 when a request target was missed.
 */
function runDeployBenchmark(rules: number): Promise<number> {
  process.stderr.write(`deploy benchmark with ${rules} rules\n`);
  const child = spawn(
    process.execPath,
    [deployScript, "--rules", String(rules)],
    { stdio: "inherit" },
  );
  return new Promise((resolve, reject) => {
    child.on("error", reject);
    child.on("close", (code) => resolve(code ?? 1));
  });
}

async function isDirectory(directory: string): Promise<boolean> {
  try {
    return (await stat(directory)).isDirectory();
  } catch {
    return false;
  }
}

async function main(): Promise<void> {
  const options = readOptions();
  // Checked before the events are generated, which takes a while.
  if (!(await isDirectory(sigmaRulesDirectory))) {
    process.stderr.write(
      `error: ${sigmaRulesDirectory}: SigmaHQ rules not found. The ` +
        `fifty-rules phase converts the first ${sigmaRuleCount} of them. Set ` +
        "SHARED_DATA_DIR to the folder that contains sigmahq/rules/.\n",
    );
    process.exitCode = 2;
    return;
  }
  const directory = await mkdtemp(join(tmpdir(), "mofcomp-bench-"));
  const file = join(directory, "events.ndjson");
  try {
    process.stderr.write(`writing ${options.events} events to ${file}\n`);
    const generated = await generateEvents(file, options.events, options.seed);
    const measurements = await measure(file, options);
    const report = describeRun(generated, measurements);
    process.stdout.write(report.text);
    await mergeResults(resultsPath, report.results);
    process.stdout.write(`\nwrote ${resultsPath}\n\n`);
    const deployExit = await runDeployBenchmark(options.deployRules);
    if (deployExit !== 0) process.exitCode = deployExit;
  } finally {
    if (options.keepFile) {
      process.stderr.write(`kept ${file}\n`);
    } else {
      await rm(directory, { recursive: true, force: true });
    }
  }
}

await main();
