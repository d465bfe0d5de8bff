/**
 * `sample by keys [filter] [filter]...`: groups of events that share the
 * join key values, one event per filter, in any time order. For each key,
 * the i-th sample takes the i-th earliest event of each filter, and keys
 * with an event for every filter give up to `maxSamplesPerKey` samples
 * (Elasticsearch's `max_samples_per_key`, 1 by default). Samples come out in
 * ascending order of their join keys.
 */
import { compareScalars } from "./comparison.js";
import { compareOrderKeys } from "./ordering.js";
import { BoundedSelection } from "./pipes.js";
import type { Hit, HitGroup } from "./results.js";
import { type CompiledStage, keyString } from "./stage.js";
import { type Value, scalarsOf } from "./values.js";

interface KeyCandidates<Meta> {
  keyValues: Value[];
  /** Earliest events of each filter, at most maxSamplesPerKey each. */
  perStage: BoundedSelection<Hit<Meta>>[];
}

export class SampleCollector<Meta> {
  private readonly keys = new Map<string, KeyCandidates<Meta>>();

  constructor(
    private readonly stages: CompiledStage[],
    private readonly maxSamplesPerKey: number,
  ) {}

  push(hit: Hit<Meta>): void {
    this.stages.forEach((stage, index) => {
      if (!stage.matches(hit.source)) return;
      const keyValues = stage.keys(hit.source);
      if (keyValues === undefined) return;
      this.candidatesFor(keyValues).perStage[index]!.add(hit);
    });
  }

  private candidatesFor(keyValues: Value[]): KeyCandidates<Meta> {
    const key = keyString(keyValues);
    let candidates = this.keys.get(key);
    if (candidates === undefined) {
      candidates = {
        keyValues,
        perStage: this.stages.map(
          () =>
            new BoundedSelection<Hit<Meta>>(
              this.maxSamplesPerKey,
              "head",
              (a, b) => compareOrderKeys(a.order, b.order),
            ),
        ),
      };
      this.keys.set(key, candidates);
    }
    return candidates;
  }

  /** Returns every sample, ordered by join key values. */
  samples(): HitGroup<Meta>[] {
    const groups = [...this.keys.values()].sort((a, b) =>
      compareKeyValues(a.keyValues, b.keyValues),
    );
    const samples: HitGroup<Meta>[] = [];
    for (const group of groups) {
      const lists = group.perStage.map((selection) =>
        selection.sorted((a, b) => compareOrderKeys(a.order, b.order)),
      );
      const count = Math.min(...lists.map((list) => list.length));
      for (let i = 0; i < count; i++) {
        samples.push({
          joinKeys: group.keyValues,
          events: lists.map((list) => list[i]!),
        });
      }
    }
    return samples;
  }
}

function compareKeyValues(a: Value[], b: Value[]): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    const left = scalarsOf(a[i]!)[0];
    const right = scalarsOf(b[i]!)[0];
    if (left === right) continue;
    if (left === undefined) return -1;
    if (right === undefined) return 1;
    const order = compareScalars(left, right);
    if (order !== null && order !== 0) return order;
    if (order === null) return typeof left < typeof right ? -1 : 1;
  }
  return a.length - b.length;
}
