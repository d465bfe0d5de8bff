/**
 * Missing-event stages (`![...]`) of a sequence, checked as Elasticsearch's
 * conformance suite shows them behave:
 *
 * - A missing stage between two positive stages rejects the sequence when a
 *   matching event with the same join key occurs between the events of
 *   those two stages.
 * - The missing stages before the first and after the last positive stage
 *   reject the sequence together. They reject it only when every one of
 *   them has a matching event, in stage order, and the whole sequence with
 *   those events still fits in maxspan.
 */
import type { Hit } from "./results.js";
import { type CompiledStage, keyString } from "./stage.js";
import type { Value } from "./values.js";

export interface PendingSequence<Meta> {
  key: string;
  keyValues: Value[];
  /** One slot per stage; missing-event stages stay null. */
  events: (Hit<Meta> | null)[];
  first: Hit<Meta>;
  last: Hit<Meta>;
  /** Set when a missing event occurred inside the sequence. */
  rejected: boolean;
  /** Position of a missing event seen since the last match, if any. */
  poisonedAt: number | undefined;
}

interface HistoryEntry {
  position: number;
  timestamp: number;
}

interface AwaitingTrailing<Meta> {
  sequence: PendingSequence<Meta>;
  /** Index in the trailing stages of the next one to fill. */
  next: number;
  /** Latest timestamp a trailing event may have; Infinity without maxspan. */
  deadline: number;
}

/** Events kept per key and leading stage when there is no maxspan. */
const MAX_HISTORY_WITHOUT_MAXSPAN = 64;

export class MissingEventChecks<Meta> {
  private readonly leading: number[] = [];
  private readonly trailing: number[] = [];
  /** Missing stage index → the positive stage before it. */
  private readonly internal = new Map<number, number>();
  private readonly history = new Map<string, HistoryEntry[][]>();
  private readonly awaiting = new Map<string, AwaitingTrailing<Meta>[]>();
  poison: (key: string, afterStage: number, hit: Hit<Meta>) => void = () => {};

  constructor(
    private readonly stages: CompiledStage[],
    private readonly maxspanMs: number | null,
    private readonly accept: (sequence: PendingSequence<Meta>) => void,
  ) {
    const firstPositive = stages.findIndex((stage) => !stage.missing);
    let lastPositive = -1;
    stages.forEach((stage, index) => {
      if (!stage.missing) lastPositive = index;
    });
    stages.forEach((stage, index) => {
      if (!stage.missing) return;
      if (index < firstPositive) this.leading.push(index);
      else if (index > lastPositive) this.trailing.push(index);
      else this.internal.set(index, previousPositive(stages, index));
    });
  }

  /** Applies an event to the missing stages before positive matching. */
  beforeEvent(hit: Hit<Meta>): void {
    if (this.trailing.length > 0) this.matchTrailing(hit);
    for (const [stageIndex, afterStage] of this.internal) {
      const key = this.keyFor(stageIndex, hit);
      if (key !== undefined) this.poison(key, afterStage, hit);
    }
    this.leading.forEach((stageIndex, slot) => {
      const key = this.keyFor(stageIndex, hit);
      if (key !== undefined) this.remember(key, slot, hit);
    });
  }

  private keyFor(stageIndex: number, hit: Hit<Meta>): string | undefined {
    const stage = this.stages[stageIndex]!;
    if (!stage.matches(hit.source)) return undefined;
    const values = stage.keys(hit.source);
    return values === undefined ? undefined : keyString(values);
  }

  private remember(key: string, slot: number, hit: Hit<Meta>): void {
    let lists = this.history.get(key);
    if (lists === undefined) {
      lists = this.leading.map(() => []);
      this.history.set(key, lists);
    }
    const list = lists[slot]!;
    list.push({
      position: hit.order.position,
      timestamp: hit.order.timestamp!,
    });
    // NOTE: Without maxspan only the latest events are kept, which can miss
    // a chain of several leading missing stages that needs older ones.
    if (this.maxspanMs === null && list.length > MAX_HISTORY_WITHOUT_MAXSPAN) {
      list.shift();
    }
  }

  /** Called when all positive stages matched. */
  checkEdges(sequence: PendingSequence<Meta>): void {
    if (this.leading.length === 0 && this.trailing.length === 0) {
      this.accept(sequence);
      return;
    }
    const spanStart = this.leadingChainStart(sequence);
    if (spanStart === undefined) {
      this.accept(sequence);
      return;
    }
    if (this.trailing.length === 0) return;
    const deadline =
      this.maxspanMs === null ? Infinity : spanStart + this.maxspanMs;
    const list = this.awaiting.get(sequence.key) ?? [];
    list.push({ sequence, next: 0, deadline });
    this.awaiting.set(sequence.key, list);
  }

  /**
   * Finds events for every leading stage, latest first, that end before the
   * sequence and keep it within maxspan; returns the timestamp the whole
   * sequence would then start at, or undefined when there are none.
   */
  private leadingChainStart(
    sequence: PendingSequence<Meta>,
  ): number | undefined {
    let boundary = sequence.first.order.position;
    let start = sequence.first.order.timestamp!;
    if (this.leading.length === 0) return start;
    const lists = this.history.get(sequence.key);
    if (lists === undefined) return undefined;
    const earliest =
      this.maxspanMs === null
        ? -Infinity
        : sequence.last.order.timestamp! - this.maxspanMs;
    for (let slot = this.leading.length - 1; slot >= 0; slot--) {
      const list = lists[slot]!;
      let found: HistoryEntry | undefined;
      for (let i = list.length - 1; i >= 0; i--) {
        if (list[i]!.position < boundary) {
          found = list[i];
          break;
        }
      }
      if (found === undefined || found.timestamp < earliest) return undefined;
      boundary = found.position;
      start = found.timestamp;
    }
    return start;
  }

  private matchTrailing(hit: Hit<Meta>): void {
    for (const [key, list] of this.awaiting) {
      const kept = list.filter((entry) => {
        const stageIndex = this.trailing[entry.next]!;
        if (hit.order.timestamp! > entry.deadline) return true;
        if (this.keyFor(stageIndex, hit) !== key) return true;
        if (hit.order.position <= entry.sequence.last.order.position)
          return true;
        entry.next++;
        return entry.next < this.trailing.length;
      });
      if (kept.length === 0) this.awaiting.delete(key);
      else if (kept.length !== list.length) this.awaiting.set(key, kept);
    }
  }

  /** Releases state that no event at or after `now` can change. */
  sweep(now: number): void {
    if (this.maxspanMs === null) return;
    const oldest = now - this.maxspanMs;
    for (const [key, lists] of this.history) {
      for (const list of lists) {
        while (list.length > 0 && list[0]!.timestamp < oldest) list.shift();
      }
      if (lists.every((list) => list.length === 0)) this.history.delete(key);
    }
    for (const [key, list] of this.awaiting) {
      const kept = list.filter((entry) => {
        if (entry.deadline >= now) return true;
        this.accept(entry.sequence);
        return false;
      });
      if (kept.length === 0) this.awaiting.delete(key);
      else this.awaiting.set(key, kept);
    }
  }

  /** Accepts the sequences still waiting for trailing events. */
  finish(): void {
    for (const list of this.awaiting.values()) {
      for (const entry of list) this.accept(entry.sequence);
    }
    this.awaiting.clear();
  }
}

function previousPositive(stages: CompiledStage[], index: number): number {
  for (let i = index - 1; i >= 0; i--) {
    if (!stages[i]!.missing) return i;
  }
  return -1;
}
