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
  /** Wall-clock time of the read, parse and evaluate loop. */
  seconds: number;
  /** CPU time (user plus system) of this process during the loop. */
  cpu_seconds: number;
  events_per_second: number;
  /** Events per second of CPU time: stable when other jobs share the CPU. */
  events_per_cpu_second: number;
  /** Alerts (rule matches summed over events), or sequences returned. */
  matches: number;
  /** Names of the rules evaluated, in order. */
  rules: string[];
  /** Peak resident set size of this process, in MiB. */
  peak_rss_mb: number;
  /**
   * V8 heap still in use after the loop and a full garbage collection, in
   * MiB: what the phase retains, free of garbage the collector had not yet
   * reclaimed. Null unless node runs with --expose-gc.
   */
  live_heap_mb: number | null;
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
  const clock = startClock();
  reading: for await (const lines of readLineBatches(path)) {
    for (const line of lines) {
      matches += rules.countAlerts(JSON.parse(line));
      if (++events === limit) break reading;
    }
  }
  const elapsed = clock.stop();
  return summarize(phase, rules.names, events, elapsed, matches);
}

async function measureSequence(
  path: string,
  limit: number,
): Promise<PhaseResult> {
  const sequence = loadSequenceRun();
  let events = 0;
  const clock = startClock();
  reading: for await (const lines of readLineBatches(path)) {
    for (const line of lines) {
      sequence.push(JSON.parse(line));
      if (++events === limit) break reading;
    }
  }
  const matches = sequence.finish();
  const elapsed = clock.stop();
  return summarize("sequence", [sequence.query], events, elapsed, matches);
}

interface Elapsed {
  seconds: number;
  cpuSeconds: number;
}

function startClock(): { stop(): Elapsed } {
  const wallStart = performance.now();
  const cpuStart = process.cpuUsage();
  return {
    stop(): Elapsed {
      const cpu = process.cpuUsage(cpuStart);
      return {
        seconds: (performance.now() - wallStart) / 1000,
        cpuSeconds: (cpu.user + cpu.system) / 1e6,
      };
    },
  };
}

function summarize(
  phase: PhaseName,
  rules: string[],
  events: number,
  elapsed: Elapsed,
  matches: number,
): PhaseResult {
  // maxRSS is in KiB and covers the whole life of this process.
  const peakRssMb = process.resourceUsage().maxRSS / 1024;
  return {
    phase,
    events,
    seconds: round(elapsed.seconds, 3),
    cpu_seconds: round(elapsed.cpuSeconds, 3),
    events_per_second: Math.round(events / elapsed.seconds),
    events_per_cpu_second: Math.round(events / elapsed.cpuSeconds),
    matches,
    rules,
    peak_rss_mb: round(peakRssMb, 1),
    live_heap_mb: liveHeapMb(),
  };
}

function liveHeapMb(): number | null {
  const collect = (globalThis as { gc?: () => void }).gc;
  if (collect === undefined) return null;
  collect();
  return round(process.memoryUsage().heapUsed / 2 ** 20, 1);
}

function round(value: number, digits: number): number {
  const scale = 10 ** digits;
  return Math.round(value * scale) / scale;
}

await main(process.argv.slice(2));
