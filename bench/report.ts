/**
 * Turns phase results into the printed report and the figures of
 * bench/results.json.
 */
import { readFile, writeFile } from "node:fs/promises";
import type { GeneratedFile } from "./generate.js";
import type { PhaseResult } from "./phase.js";
import type { PhaseName } from "./rule-set.js";

export interface Measurements {
  /** Every timed run at the full event count, per phase. */
  timed: Map<PhaseName, PhaseResult[]>;
  /** One run per phase at the small event count, for memory growth. */
  small: Map<PhaseName, PhaseResult>;
  sequence: { small: PhaseResult; full: PhaseResult };
}

/** Minimum throughput ratios against parsing alone. */
export const targets = { twoRules: 0.8, fiftyRules: 0.5 } as const;

export interface Report {
  text: string;
  results: Record<string, unknown>;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1
    ? (sorted[middle] as number)
    : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
}

function runsOf(measurements: Measurements, phase: PhaseName): PhaseResult[] {
  const runs = measurements.timed.get(phase);
  if (runs === undefined || runs.length === 0) {
    throw new Error(`no timed runs for phase ${phase}`);
  }
  return runs;
}

function medianRate(measurements: Measurements, phase: PhaseName): number {
  const rates = runsOf(measurements, phase).map((run) => run.events_per_second);
  return Math.round(median(rates));
}

function peakRss(runs: PhaseResult[]): number {
  return Math.max(...runs.map((run) => run.peak_rss_mb));
}

function ratio(numerator: number, denominator: number): number {
  return Math.round((numerator / denominator) * 1000) / 1000;
}

/** Builds the report text and the results.json figures of one run. */
export function describeRun(
  generated: GeneratedFile,
  measurements: Measurements,
): Report {
  const parseRate = medianRate(measurements, "parse");
  const twoRulesRate = medianRate(measurements, "two-rules");
  const fiftyRulesRate = medianRate(measurements, "fifty-rules");
  const ratioTwo = ratio(twoRulesRate, parseRate);
  const ratioFifty = ratio(fiftyRulesRate, parseRate);
  const fullRuns = [...measurements.timed.values()].flat();
  const { small, full } = measurements.sequence;
  const smallCount = small.events;
  const fullCount = full.events;

  const memory: Record<string, Record<string, number>> = {};
  for (const [phase, smallRun] of measurements.small) {
    memory[phase] = {
      [smallCount]: smallRun.peak_rss_mb,
      [fullCount]: peakRss(runsOf(measurements, phase)),
    };
  }
  memory["sequence"] = {
    [smallCount]: small.peak_rss_mb,
    [fullCount]: full.peak_rss_mb,
  };

  const results: Record<string, unknown> = {
    events: generated.events,
    parse_eps: parseRate,
    two_rules_eps: twoRulesRate,
    fifty_rules_eps: fiftyRulesRate,
    ratio_two_rules: ratioTwo,
    ratio_fifty_rules: ratioFifty,
    peak_rss_mb: Math.max(peakRss(fullRuns), full.peak_rss_mb),
    engine_peak_rss_mb_by_events: memory,
  };

  const lines = [
    `events: ${generated.events} (${(generated.bytes / 2 ** 20).toFixed(0)} MiB of NDJSON)`,
    `runs per phase: ${runsOf(measurements, "parse").length} (median shown)`,
    "",
    "phase                  events/s   ratio to parse   target",
    row("(1) parse", parseRate, 1, null),
    row("(2) + 2 mofcomp rules", twoRulesRate, ratioTwo, targets.twoRules),
    row("(3) + 50 Sigma rules", fiftyRulesRate, ratioFifty, targets.fiftyRules),
    "",
    `peak RSS (MiB)         ${pad(smallCount, 10)} ${pad(fullCount, 10)}`,
    ...Object.entries(memory).map(
      ([phase, byCount]) =>
        `${phase.padEnd(22)} ${pad(byCount[smallCount], 10)} ${pad(byCount[fullCount], 10)}`,
    ),
    `sequences returned     ${pad(small.matches, 10)} ${pad(full.matches, 10)}`,
  ];
  return { text: lines.join("\n") + "\n", results };
}

function pad(value: unknown, width: number): string {
  return String(value ?? "-").padStart(width);
}

function row(
  label: string,
  rate: number,
  ratioToParse: number,
  target: number | null,
): string {
  const verdict =
    target === null
      ? ""
      : `>= ${target} ${ratioToParse >= target ? "met" : "MISSED"}`;
  return `${label.padEnd(22)} ${pad(rate, 9)}   ${pad(ratioToParse.toFixed(3), 14)}   ${verdict}`;
}

/** Writes `results` into the JSON file, keeping keys other benchmarks wrote. */
export async function mergeResults(
  path: string,
  results: Record<string, unknown>,
): Promise<void> {
  let existing: Record<string, unknown> = {};
  try {
    existing = JSON.parse(await readFile(path, "utf8")) as Record<
      string,
      unknown
    >;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
  }
  const merged = { ...existing, ...results };
  await writeFile(path, JSON.stringify(merged, null, 2) + "\n");
}
