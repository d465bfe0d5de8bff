/**
 * Produces strings that a Lucene regular expression (the syntax of EQL's
 * `regex` operator) matches in full. Supports literals and `\` escapes,
 * quoted strings, `.`, character classes with ranges and `^`, `\d \w \s`
 * and their negations, groups, `|`, `? * +`, `{n}`, `{n,}`, `{n,m}`, `@`
 * (any string), `#` (the empty language) and `<n-m>` numeric intervals.
 * Intersection `&` and complement `~` raise UnsupportedRegexError, because a
 * string in an intersection or complement cannot be built part by part.
 */

/** A regular expression that this sampler cannot produce strings for. */
export class UnsupportedRegexError extends Error {
  constructor(
    readonly pattern: string,
    readonly reason: string,
  ) {
    super(`cannot sample regex "${pattern}": ${reason}`);
  }
}

type CharRange = [number, number];

type RegexNode =
  | { kind: "sequence"; items: RegexNode[] }
  | { kind: "alternation"; options: RegexNode[] }
  | { kind: "repeat"; item: RegexNode; min: number; max: number }
  | { kind: "class"; ranges: CharRange[]; negated: boolean }
  | { kind: "any" }
  | { kind: "literal"; text: string }
  | { kind: "anyString" }
  | { kind: "empty" }
  | { kind: "interval"; low: number; high: number; width: number };

const digit: CharRange[] = [[48, 57]];
const word: CharRange[] = [
  [48, 57],
  [65, 90],
  [95, 95],
  [97, 122],
];
const space: CharRange[] = [
  [9, 13],
  [32, 32],
];

/**
 * Returns up to `count` different strings that the pattern matches, the
 * shortest first. Returns an empty list for a pattern that matches nothing.
 */
export function sampleRegex(pattern: string, count = 3): string[] {
  const tree = new RegexParser(pattern).parse();
  const samples: string[] = [];
  for (
    let variant = 0;
    variant < count * 2 && samples.length < count;
    variant += 1
  ) {
    const sample = generate(tree, variant);
    if (sample !== null && !samples.includes(sample)) samples.push(sample);
  }
  return samples;
}

/** Builds one matching string; `variant` steers choices. Null for no match. */
function generate(node: RegexNode, variant: number): string | null {
  switch (node.kind) {
    case "sequence": {
      let text = "";
      for (const item of node.items) {
        const part = generate(item, variant);
        if (part === null) return null;
        text += part;
      }
      return text;
    }
    case "alternation": {
      const count = node.options.length;
      for (let offset = 0; offset < count; offset += 1) {
        const option = node.options[(variant + offset) % count];
        const text = option ? generate(option, variant) : null;
        if (text !== null) return text;
      }
      return null;
    }
    case "repeat": {
      const times = Math.min(node.max, node.min + (variant % 2));
      let text = "";
      for (let index = 0; index < times; index += 1) {
        const part = generate(node.item, variant + index);
        if (part === null) return node.min === 0 ? "" : null;
        text += part;
      }
      return text;
    }
    case "class":
      return pickFromClass(node.ranges, node.negated, variant);
    case "any":
      return variant % 2 === 0 ? "a" : "x";
    case "literal":
      return node.text;
    case "anyString":
      return variant % 2 === 0 ? "" : "x";
    case "empty":
      return null;
    case "interval": {
      const value = variant % 2 === 0 ? node.low : node.high;
      return String(value).padStart(node.width, "0");
    }
  }
}

const negatedClassCandidates = "axA0_ .-\\/:";

function pickFromClass(
  ranges: CharRange[],
  negated: boolean,
  variant: number,
): string | null {
  const inRanges = (code: number): boolean =>
    ranges.some(([low, high]) => code >= low && code <= high);
  if (negated) {
    for (const char of negatedClassCandidates) {
      if (!inRanges(char.charCodeAt(0))) return char;
    }
    return null;
  }
  const range = ranges[variant % ranges.length] ?? ranges[0];
  return range ? String.fromCharCode(range[0]) : null;
}

class RegexParser {
  private position = 0;

  constructor(private readonly pattern: string) {}

  parse(): RegexNode {
    const node = this.parseAlternation();
    if (this.position < this.pattern.length) {
      this.fail(`unexpected "${this.pattern[this.position]}"`);
    }
    return node;
  }

  private fail(reason: string): never {
    throw new UnsupportedRegexError(
      this.pattern,
      `${reason} at offset ${this.position}`,
    );
  }

  private peek(): string | undefined {
    return this.pattern[this.position];
  }

  private parseAlternation(): RegexNode {
    const options = [this.parseSequence()];
    while (this.peek() === "|") {
      this.position += 1;
      options.push(this.parseSequence());
    }
    return options.length === 1 && options[0]
      ? options[0]
      : { kind: "alternation", options };
  }

  private parseSequence(): RegexNode {
    const items: RegexNode[] = [];
    for (let char = this.peek(); char !== undefined; char = this.peek()) {
      if (char === "|" || char === ")") break;
      if (char === "&" || char === "~") {
        throw new UnsupportedRegexError(
          this.pattern,
          `the "${char}" operator is not supported`,
        );
      }
      items.push(this.parseQuantified());
    }
    return { kind: "sequence", items };
  }

  private parseQuantified(): RegexNode {
    let item = this.parseAtom();
    for (let char = this.peek(); char !== undefined; char = this.peek()) {
      if (char === "?") item = { kind: "repeat", item, min: 0, max: 1 };
      else if (char === "*") item = { kind: "repeat", item, min: 0, max: 3 };
      else if (char === "+") item = { kind: "repeat", item, min: 1, max: 3 };
      else if (char === "{") {
        item = this.parseBraces(item);
        continue;
      } else break;
      this.position += 1;
    }
    return item;
  }

  private parseBraces(item: RegexNode): RegexNode {
    const match = /^\{(\d+)(,(\d*))?\}/.exec(this.pattern.slice(this.position));
    if (!match) this.fail('invalid "{" repetition');
    this.position += match[0].length;
    const min = Number(match[1]);
    const max =
      match[2] === undefined ? min : match[3] ? Number(match[3]) : min + 2;
    return { kind: "repeat", item, min, max };
  }

  private parseAtom(): RegexNode {
    const char = this.peek() ?? "";
    this.position += 1;
    switch (char) {
      case "(": {
        const inner = this.parseAlternation();
        if (this.peek() !== ")") this.fail('missing ")"');
        this.position += 1;
        return inner;
      }
      case "[":
        return this.parseClass();
      case ".":
        return { kind: "any" };
      case "@":
        return { kind: "anyString" };
      case "#":
        return { kind: "empty" };
      case '"':
        return this.parseQuoted();
      case "<":
        return this.parseInterval();
      case "\\":
        return this.parseEscape();
      default:
        return { kind: "literal", text: char };
    }
  }

  private parseEscape(): RegexNode {
    const char = this.peek();
    if (char === undefined) this.fail("trailing backslash");
    this.position += 1;
    const classes: Record<string, CharRange[]> = {
      d: digit,
      w: word,
      s: space,
    };
    const lower = char.toLowerCase();
    const ranges = classes[lower];
    if (ranges) return { kind: "class", ranges, negated: char !== lower };
    return { kind: "literal", text: char };
  }

  private parseQuoted(): RegexNode {
    const end = this.pattern.indexOf('"', this.position);
    if (end === -1) this.fail('missing closing "');
    const text = this.pattern.slice(this.position, end);
    this.position = end + 1;
    return { kind: "literal", text };
  }

  private parseInterval(): RegexNode {
    const match = /^(\d+)-(\d+)>/.exec(this.pattern.slice(this.position));
    if (!match) this.fail('invalid "<n-m>" interval');
    this.position += match[0].length;
    const [low, high] = [Number(match[1]), Number(match[2])].sort(
      (a, b) => a - b,
    );
    const width = match[1] === undefined ? 1 : match[1].length;
    return { kind: "interval", low: low ?? 0, high: high ?? 0, width };
  }

  private parseClass(): RegexNode {
    const negated = this.peek() === "^";
    if (negated) this.position += 1;
    const ranges: CharRange[] = [];
    while (this.peek() !== "]") {
      if (this.peek() === undefined) this.fail('missing "]"');
      const low = this.classChar();
      if (typeof low !== "number") {
        ranges.push(...low);
        continue;
      }
      if (this.peek() === "-" && this.pattern[this.position + 1] !== "]") {
        this.position += 1;
        const high = this.classChar();
        if (typeof high !== "number") this.fail("invalid class range");
        ranges.push([low, high]);
      } else {
        ranges.push([low, low]);
      }
    }
    this.position += 1;
    return { kind: "class", ranges, negated };
  }

  /** Reads one class member: a character code, or the ranges of `\d` and the like. */
  private classChar(): number | CharRange[] {
    let char = this.peek() ?? "";
    this.position += 1;
    if (char === "\\") {
      char = this.peek() ?? "";
      this.position += 1;
      const classes: Record<string, CharRange[]> = {
        d: digit,
        w: word,
        s: space,
      };
      const ranges = classes[char];
      if (ranges) return ranges;
    }
    return char.charCodeAt(0);
  }
}
