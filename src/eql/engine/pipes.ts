/**
 * The `head` and `tail` pipes and the request `size`, applied as
 * Elasticsearch applies them. Results sort ascending, and the size limit
 * acts first: as a head, or as a tail when the first pipe is `tail`. Then
 * each pipe keeps the first or last N of what remains. Only the window that
 * the first limit selects is kept in memory while events stream in.
 */
import type { Pipe } from "../ast.js";

export type Limit = { kind: "head" | "tail"; count: number };

/** Returns the limits in the order Elasticsearch applies them. */
export function limitsOf(pipes: Pipe[], size: number): Limit[] {
  const limits: Limit[] = [];
  for (const pipe of pipes) {
    if (pipe.kind === "filter") continue;
    if (limits.length === 0) limits.push({ kind: pipe.kind, count: size });
    limits.push({ kind: pipe.kind, count: pipe.count });
  }
  if (limits.length === 0) limits.push({ kind: "head", count: size });
  return limits;
}

/** Applies the limits after the first to an ascending list. */
export function applyLimits<T>(items: T[], limits: Limit[]): T[] {
  let result = items;
  for (const limit of limits.slice(1)) {
    result =
      limit.kind === "head"
        ? result.slice(0, limit.count)
        : result.slice(Math.max(0, result.length - limit.count));
  }
  return result;
}

/**
 * Keeps the `capacity` smallest (for a head) or largest (for a tail) items
 * of a stream, by `compare`, in a binary heap.
 */
export class BoundedSelection<T> {
  private readonly heap: T[] = [];
  private readonly worseFirst: (a: T, b: T) => number;

  constructor(
    private readonly capacity: number,
    keep: "head" | "tail",
    compare: (a: T, b: T) => number,
  ) {
    // The root is the item to drop next: the largest for a head.
    this.worseFirst = keep === "head" ? (a, b) => compare(b, a) : compare;
  }

  add(item: T): void {
    if (this.capacity <= 0) return;
    if (this.heap.length < this.capacity) {
      this.heap.push(item);
      this.siftUp(this.heap.length - 1);
    } else if (this.worseFirst(item, this.heap[0]!) > 0) {
      this.heap[0] = item;
      this.siftDown(0);
    }
  }

  /** Returns the kept items in ascending order. */
  sorted(compare: (a: T, b: T) => number): T[] {
    return [...this.heap].sort(compare);
  }

  private siftUp(index: number): void {
    const heap = this.heap;
    while (index > 0) {
      const parent = (index - 1) >> 1;
      if (this.worseFirst(heap[index]!, heap[parent]!) >= 0) return;
      [heap[index], heap[parent]] = [heap[parent]!, heap[index]!];
      index = parent;
    }
  }

  private siftDown(index: number): void {
    const heap = this.heap;
    for (;;) {
      const left = index * 2 + 1;
      const right = left + 1;
      let next = index;
      if (left < heap.length && this.worseFirst(heap[left]!, heap[next]!) < 0) {
        next = left;
      }
      if (
        right < heap.length &&
        this.worseFirst(heap[right]!, heap[next]!) < 0
      ) {
        next = right;
      }
      if (next === index) return;
      [heap[index], heap[next]] = [heap[next]!, heap[index]!];
      index = next;
    }
  }
}
