/**
 * Sequence matching as Elasticsearch's sequence matcher does it, over events
 * that arrive in ascending order. For each join key, each stage keeps at
 * most one pending sequence, because a newer one replaces the older. An
 * event that matches a stage takes the pending sequence of the stage before.
 * `until` events drop the pending sequences of their key, and `maxspan`
 * rejects a step that lands further than maxspan after the first event.
 *
 * Memory stays bounded. With maxspan, pending sequences, missing-event
 * history and keys older than the window are swept away. Without it, each
 * key keeps at most one sequence per stage.
 */
import { MissingEventChecks, type PendingSequence } from "./missing-events.js";
import type { OrderKey } from "./ordering.js";
import type { Hit, HitGroup } from "./results.js";
import { type CompiledStage, keyString } from "./stage.js";

export interface SequencePlan {
  /** Every stage after `runs` expansion, missing-event stages included. */
  stages: CompiledStage[];
  until: CompiledStage | null;
  maxspanMs: number | null;
}

/** Events between sweeps of expired state. */
const SWEEP_INTERVAL = 4096;

interface KeyState<Meta> {
  /** Pending sequence per positive stage, by index in `positive`. */
  pending: (PendingSequence<Meta> | undefined)[];
}

export class SequenceMatcher<Meta> {
  private readonly positive: number[];
  private readonly keys = new Map<string, KeyState<Meta>>();
  private readonly missing: MissingEventChecks<Meta>;
  private sinceSweep = 0;

  constructor(
    private readonly plan: SequencePlan,
    private readonly emit: (sequence: HitGroup<Meta>, first: OrderKey) => void,
  ) {
    this.positive = plan.stages.flatMap((stage, index) =>
      stage.missing ? [] : [index],
    );
    this.missing = new MissingEventChecks(plan.stages, plan.maxspanMs, (done) =>
      this.accept(done),
    );
    this.missing.poison = (key, afterStage, hit) =>
      this.poison(key, afterStage, hit);
  }

  /** Processes the next event; events must come in ascending order. */
  push(hit: Hit<Meta>): void {
    const timestamp = hit.order.timestamp;
    // An event without a timestamp cannot be placed in time, so it takes
    // part in no sequence.
    if (timestamp === null) return;
    this.missing.beforeEvent(hit);
    this.advance(hit);
    this.applyUntil(hit);
    if (++this.sinceSweep >= SWEEP_INTERVAL) {
      this.sinceSweep = 0;
      this.sweep(timestamp);
    }
  }

  finish(): void {
    this.missing.finish();
  }

  private advance(hit: Hit<Meta>): void {
    const { stages } = this.plan;
    for (let slot = this.positive.length - 1; slot >= 0; slot--) {
      const stageIndex = this.positive[slot]!;
      const stage = stages[stageIndex]!;
      if (!stage.matches(hit.source)) continue;
      const keyValues = stage.keys(hit.source);
      if (keyValues === undefined) continue;
      const key = keyString(keyValues);
      if (slot === 0) this.start(hit, stageIndex, key, keyValues);
      else this.step(hit, slot, stageIndex, key);
    }
  }

  private stateOf(key: string): KeyState<Meta> {
    let state = this.keys.get(key);
    if (state === undefined) {
      state = { pending: new Array(this.positive.length) };
      this.keys.set(key, state);
    }
    return state;
  }

  private start(
    hit: Hit<Meta>,
    stageIndex: number,
    key: string,
    keyValues: PendingSequence<Meta>["keyValues"],
  ): void {
    const events: (Hit<Meta> | null)[] = new Array(
      this.plan.stages.length,
    ).fill(null);
    events[stageIndex] = hit;
    const sequence: PendingSequence<Meta> = {
      key,
      keyValues,
      events,
      first: hit,
      last: hit,
      rejected: false,
      poisonedAt: undefined,
    };
    if (this.positive.length === 1) {
      this.complete(sequence);
      return;
    }
    this.stateOf(key).pending[0] = sequence;
  }

  private step(
    hit: Hit<Meta>,
    slot: number,
    stageIndex: number,
    key: string,
  ): void {
    const state = this.keys.get(key);
    const previous = state?.pending[slot - 1];
    if (state === undefined || previous === undefined) return;
    if (previous.last.order.position >= hit.order.position) return;
    state.pending[slot - 1] = undefined;
    const maxspan = this.plan.maxspanMs;
    const elapsed = hit.order.timestamp! - previous.first.order.timestamp!;
    if (maxspan !== null && elapsed > maxspan) return;
    const poisoned =
      previous.poisonedAt !== undefined &&
      previous.poisonedAt < hit.order.position;
    previous.events[stageIndex] = hit;
    previous.last = hit;
    previous.rejected ||= poisoned;
    previous.poisonedAt = undefined;
    if (slot === this.positive.length - 1) this.complete(previous);
    else state.pending[slot] = previous;
  }

  private complete(sequence: PendingSequence<Meta>): void {
    if (sequence.rejected) return;
    this.missing.checkEdges(sequence);
  }

  private accept(sequence: PendingSequence<Meta>): void {
    this.emit(
      { joinKeys: sequence.keyValues, events: sequence.events },
      sequence.first.order,
    );
  }

  /** Drops pending sequences of the until event's key that it falls after. */
  private applyUntil(hit: Hit<Meta>): void {
    const until = this.plan.until;
    if (until === null || !until.matches(hit.source)) return;
    const keyValues = until.keys(hit.source);
    if (keyValues === undefined) return;
    const state = this.keys.get(keyString(keyValues));
    if (state === undefined) return;
    state.pending.forEach((sequence, slot) => {
      if (sequence && sequence.last.order.position < hit.order.position) {
        state.pending[slot] = undefined;
      }
    });
  }

  /** Marks pending sequences that a missing-event stage has seen. */
  poison(key: string, afterStage: number, hit: Hit<Meta>): void {
    const slot = this.positive.indexOf(afterStage);
    const sequence = this.keys.get(key)?.pending[slot];
    if (sequence === undefined || sequence.poisonedAt !== undefined) return;
    if (sequence.last.order.position < hit.order.position) {
      sequence.poisonedAt = hit.order.position;
    }
  }

  private sweep(now: number): void {
    const maxspan = this.plan.maxspanMs;
    if (maxspan === null) return;
    const oldest = now - maxspan;
    for (const [key, state] of this.keys) {
      let live = false;
      state.pending.forEach((sequence, slot) => {
        if (sequence === undefined) return;
        if (sequence.first.order.timestamp! < oldest) {
          state.pending[slot] = undefined;
        } else {
          live = true;
        }
      });
      if (!live) this.keys.delete(key);
    }
    this.missing.sweep(now);
  }

  /** Number of pending sequences, for memory checks in tests. */
  pendingCount(): number {
    let count = 0;
    for (const state of this.keys.values()) {
      count += state.pending.filter(
        (sequence) => sequence !== undefined,
      ).length;
    }
    return count;
  }
}
