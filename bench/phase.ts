/**
 * One measured phase in its own process, so each phase's peak RSS is its
 * own. Reads the event file line by line, parses each line, and hands the
 * event to the phase's rules. Prints one JSON line: a `PhaseResult`.
 *
 *   node bench/build/bench/phase.js PHASE EVENTS_FILE LIMIT
 */
import { readLineBatches } from "./ndjson-lines.js";
import {
  isPhaseName,
  loadRuleSet,
  loadSequenceRun,
  type PhaseName,
} from "./rule-set.js";

export interface PhaseResult {
  phase: PhaseName;
  events: number;
  seconds: number;
  events_per_second: number;
  /** Alerts (rule matches summed over events), or sequences returned. */
  matches: number;
  /** Names of the rules evaluated, in order. */
  rules: string[];
  /** Peak resident set size of this process, in MiB. */
  peak_rss_mb: number;
}

async function main(argv: string[]): Promise<void> {
  const [phase, path, limitText] = argv;
  const limit = Number(limitText);
  if (!isPhaseName(phase) || path === undefined || !(limit > 0)) {
    throw new Error(
      `usage: phase.js <parse|two-rules|fifty-rules|sequence> FILE LIMIT, got ${JSON.stringify(argv)}`,
    );
  }
  const result =
    phase === "sequence"
      ? await measureSequence(path, limit)
      : await measureEvents(phase, path, limit);
  process.stdout.write(JSON.stringify(result) + "\n");
}

async function measureEvents(
  phase: Exclude<PhaseName, "sequence">,
  path: string,
  limit: number,
): Promise<PhaseResult> {
  const rules = await loadRuleSet(phase);
  let events = 0;
  let matches = 0;
  const started = performance.now();
  reading: for await (const lines of readLineBatches(path)) {
    for (const line of lines) {
      matches += rules.countAlerts(JSON.parse(line));
      if (++events === limit) break reading;
    }
  }
  const seconds = (performance.now() - started) / 1000;
  return summarize(phase, rules.names, events, seconds, matches);
}

async function measureSequence(
  path: string,
  limit: number,
): Promise<PhaseResult> {
  const sequence = loadSequenceRun();
  let events = 0;
  const started = performance.now();
  reading: for await (const lines of readLineBatches(path)) {
    for (const line of lines) {
      sequence.push(JSON.parse(line));
      if (++events === limit) break reading;
    }
  }
  const matches = sequence.finish();
  const seconds = (performance.now() - started) / 1000;
  return summarize("sequence", [sequence.query], events, seconds, matches);
}

function summarize(
  phase: PhaseName,
  rules: string[],
  events: number,
  seconds: number,
  matches: number,
): PhaseResult {
  // maxRSS is in KiB and covers the whole life of this process.
  const peakRssMb = process.resourceUsage().maxRSS / 1024;
  return {
    phase,
    events,
    seconds: round(seconds, 3),
    events_per_second: Math.round(events / seconds),
    matches,
    rules,
    peak_rss_mb: round(peakRssMb, 1),
  };
}

function round(value: number, digits: number): number {
  const scale = 10 ** digits;
  return Math.round(value * scale) / scale;
}

await main(process.argv.slice(2));
