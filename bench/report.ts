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

type RateField = "events_per_cpu_second" | "events_per_second";

function medianRate(
  measurements: Measurements,
  phase: PhaseName,
  field: RateField,
): number {
  const rates = runsOf(measurements, phase).map((run) => run[field]);
  return Math.round(median(rates));
}

function maxOf(
  runs: PhaseResult[],
  field: "peak_rss_mb" | "live_heap_mb",
): number | null {
  const values = runs.map((run) => run[field]);
  if (values.some((value) => value === null)) return null;
  return Math.max(...(values as number[]));
}

function ratio(numerator: number, denominator: number): number {
  return Math.round((numerator / denominator) * 1000) / 1000;
}

type MemoryTable = Record<string, Record<string, number | null>>;

/** Peak RSS or live heap per phase, at the small and the full event count. */
function memoryTable(
  measurements: Measurements,
  field: "peak_rss_mb" | "live_heap_mb",
): MemoryTable {
  const { small, full } = measurements.sequence;
  const table: MemoryTable = {};
  for (const [phase, smallRun] of measurements.small) {
    table[phase] = {
      [smallRun.events]: smallRun[field],
      [full.events]: maxOf(runsOf(measurements, phase), field),
    };
  }
  table["sequence"] = {
    [small.events]: small[field],
    [full.events]: full[field],
  };
  return table;
}

/** Builds the report text and the results.json figures of one run. */
export function describeRun(
  generated: GeneratedFile,
  measurements: Measurements,
): Report {
  const rate = (phase: PhaseName, field: RateField): number =>
    medianRate(measurements, phase, field);
  const parseRate = rate("parse", "events_per_cpu_second");
  const twoRulesRate = rate("two-rules", "events_per_cpu_second");
  const fiftyRulesRate = rate("fifty-rules", "events_per_cpu_second");
  const ratioTwo = ratio(twoRulesRate, parseRate);
  const ratioFifty = ratio(fiftyRulesRate, parseRate);
  const wall = {
    parse: rate("parse", "events_per_second"),
    two_rules: rate("two-rules", "events_per_second"),
    fifty_rules: rate("fifty-rules", "events_per_second"),
  };
  const fullRuns = [...measurements.timed.values()].flat();
  const { small, full } = measurements.sequence;
  const peakRss = memoryTable(measurements, "peak_rss_mb");
  const liveHeap = memoryTable(measurements, "live_heap_mb");

  const results: Record<string, unknown> = {
    events: generated.events,
    parse_eps: parseRate,
    two_rules_eps: twoRulesRate,
    fifty_rules_eps: fiftyRulesRate,
    ratio_two_rules: ratioTwo,
    ratio_fifty_rules: ratioFifty,
    peak_rss_mb: Math.max(
      maxOf(fullRuns, "peak_rss_mb") ?? 0,
      full.peak_rss_mb,
    ),
    engine_wall_clock_eps: wall,
    engine_peak_rss_mb_by_events: peakRss,
    engine_live_heap_mb_by_events: liveHeap,
  };

  const counts = `${pad(small.events, 10)} ${pad(full.events, 10)}`;
  const lines = [
    `events: ${generated.events} (${(generated.bytes / 2 ** 20).toFixed(0)} MiB of NDJSON)`,
    `runs per phase: ${runsOf(measurements, "parse").length} (medians shown)`,
    "",
    "phase                  events/CPU-s   ratio   target        wall events/s",
    row("(1) parse", parseRate, 1, null, wall.parse),
    row(
      "(2) + 2 mofcomp rules",
      twoRulesRate,
      ratioTwo,
      targets.twoRules,
      wall.two_rules,
    ),
    row(
      "(3) + 50 Sigma rules",
      fiftyRulesRate,
      ratioFifty,
      targets.fiftyRules,
      wall.fifty_rules,
    ),
    "",
    `peak RSS (MiB)         ${counts}`,
    ...tableLines(peakRss, small.events, full.events),
    "",
    `live heap (MiB)        ${counts}`,
    ...tableLines(liveHeap, small.events, full.events),
    "",
    `alerts at ${full.events} events: ` +
      `two mofcomp rules ${runsOf(measurements, "two-rules")[0]!.matches}, ` +
      `50 Sigma rules ${runsOf(measurements, "fifty-rules")[0]!.matches}`,
    `sequences returned     ${pad(small.matches, 10)} ${pad(full.matches, 10)}`,
  ];
  return { text: lines.join("\n") + "\n", results };
}

function tableLines(
  table: MemoryTable,
  smallCount: number,
  fullCount: number,
): string[] {
  return Object.entries(table).map(
    ([phase, byCount]) =>
      `${phase.padEnd(22)} ${pad(byCount[smallCount], 10)} ${pad(byCount[fullCount], 10)}`,
  );
}

function pad(value: unknown, width: number): string {
  return String(value ?? "-").padStart(width);
}

function row(
  label: string,
  rate: number,
  ratioToParse: number,
  target: number | null,
  wallRate: number,
): string {
  const verdict =
    target === null
      ? ""
      : `>= ${target} ${ratioToParse >= target ? "met" : "MISSED"}`;
  return `${label.padEnd(22)} ${pad(rate, 12)}   ${ratioToParse.toFixed(3)}   ${verdict.padEnd(13)} ${pad(wallRate, 12)}`;
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
