/**
 * Seeded pseudo-random numbers for the benchmark's event generator, so every
 * run writes the same events. The generator is Marsaglia's xorshift32: fast
 * and plenty for picking test data, but not for anything cryptographic.
 */
export class SeededRandom {
  private state: number;

  constructor(seed: number) {
    // Zero is the one state xorshift never leaves, so map it elsewhere.
    this.state = seed >>> 0 || 0x9e3779b9;
  }

  /** Returns a float in [0, 1). */
  next(): number {
    let x = this.state;
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    this.state = x >>> 0;
    return this.state / 0x1_0000_0000;
  }

  /** Returns an integer in [0, bound). */
  int(bound: number): number {
    return Math.floor(this.next() * bound);
  }

  /** Returns an integer in [min, max]. */
  between(min: number, max: number): number {
    return min + this.int(max - min + 1);
  }

  /** Returns true with the given probability. */
  chance(probability: number): boolean {
    return this.next() < probability;
  }

  pick<T>(items: readonly T[]): T {
    const item = items[this.int(items.length)];
    if (item === undefined) {
      throw new RangeError("pick() needs a non-empty list");
    }
    return item;
  }

  /** Returns `length` lowercase hex digits. */
  hex(length: number): string {
    let text = "";
    while (text.length < length) {
      text += this.int(0x1_0000_0000).toString(16).padStart(8, "0");
    }
    return text.slice(0, length);
  }
}
