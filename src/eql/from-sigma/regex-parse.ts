/**
 * Parser for the regular expressions of Sigma's `re` modifier. Sigma
 * specifies a PCRE subset (anchors, `.`, quantifiers, classes, groups,
 * alternation). This parser also reads the common extras (`\d`, `\w`, `\s`,
 * non-capturing and named groups, lazy quantifiers, a leading `(?i)`), and
 * raises UnsupportedFeatureError for constructs that no Lucene regular
 * expression can express, such as lookarounds and backreferences.
 */
import type { SourceLocation } from "../../sigma/model.js";
import { UnsupportedFeatureError } from "../../sigma/errors.js";
import { SigmaRuleError, describeValue } from "../../sigma/errors.js";

/**
 * Maximum nesting of groups. Parsing and translating are recursive, so a
 * limit keeps a pattern such as 5,000 nested `(` from exhausting the stack.
 */
export const MAX_GROUP_DEPTH = 100;

export type Shorthand = "d" | "D" | "w" | "W" | "s" | "S";

export type ClassItem =
  | { kind: "char"; char: string }
  | { kind: "range"; from: string; to: string }
  | { kind: "shorthand"; name: Shorthand };

export type RegexNode =
  | { kind: "char"; char: string }
  | { kind: "any" }
  | { kind: "class"; negated: boolean; items: ClassItem[] }
  | { kind: "shorthand"; name: Shorthand }
  | { kind: "group"; alternatives: RegexNode[][] }
  | { kind: "repeat"; node: RegexNode; min: number; max: number | null }
  | { kind: "start" }
  | { kind: "end" };

export interface ParsedRegex {
  alternatives: RegexNode[][];
  /** Flags set by a leading inline group such as `(?i)` or `(?s)`. */
  inlineFlags: { ignoreCase: boolean; dotAll: boolean; multiline: boolean };
}

/** Parses `pattern`; `where` locates the rule value for errors. */
export function parseRegex(pattern: string, where: SourceLocation): ParsedRegex {
  return new RegexParser(pattern, where).parse();
}

class RegexParser {
  private readonly chars: string[];
  private position = 0;
  private readonly inlineFlags = { ignoreCase: false, dotAll: false, multiline: false };
  private depth = 0;

  constructor(
    private readonly pattern: string,
    private readonly where: SourceLocation,
  ) {
    this.chars = Array.from(pattern);
  }

  parse(): ParsedRegex {
    this.readLeadingFlags();
    const alternatives = this.parseAlternatives();
    if (this.position < this.chars.length) this.invalid("unbalanced `)`");
    return { alternatives, inlineFlags: this.inlineFlags };
  }

  private readLeadingFlags(): void {
    const match = /^\(\?([a-zA-Z]+)\)/.exec(this.pattern);
    if (!match) return;
    for (const flag of match[1]!) {
      if (flag === "i") this.inlineFlags.ignoreCase = true;
      else if (flag === "s") this.inlineFlags.dotAll = true;
      else if (flag === "m") this.inlineFlags.multiline = true;
      else this.unsupported(`inline flag (?${flag})`, "Remove the flag; only i, m and s have an equivalent");
    }
    this.position = Array.from(match[0]).length;
  }

  private parseAlternatives(): RegexNode[][] {
    const alternatives = [this.parseSequence()];
    while (this.peek() === "|") {
      this.position++;
      alternatives.push(this.parseSequence());
    }
    return alternatives;
  }

  private parseSequence(): RegexNode[] {
    const nodes: RegexNode[] = [];
    while (this.position < this.chars.length) {
      const char = this.peek()!;
      if (char === "|" || char === ")") break;
      const atom = this.parseAtom();
      if (atom === null) continue;
      nodes.push(this.parseQuantifier(atom));
    }
    return nodes;
  }

  private parseAtom(): RegexNode | null {
    const char = this.next();
    switch (char) {
      case ".":
        return { kind: "any" };
      case "^":
        return { kind: "start" };
      case "$":
        return { kind: "end" };
      case "(":
        return this.parseGroup();
      case "[":
        return this.parseClass();
      case "\\":
        return this.parseEscape();
      case "*":
      case "+":
      case "?":
        return this.invalid(`quantifier \`${char}\` with nothing to repeat`);
      case "{":
        if (this.looksLikeQuantifier(this.position - 1)) {
          return this.invalid("quantifier `{` with nothing to repeat");
        }
        return { kind: "char", char };
      default:
        return { kind: "char", char: char! };
    }
  }

  private parseGroup(): RegexNode | null {
    if (this.peek() === "?") {
      this.position++;
      const kind = this.next();
      if (kind === ":") return this.finishGroup();
      if (kind === "#") {
        while (this.position < this.chars.length && this.next() !== ")");
        return null;
      }
      if (kind === "P" && this.peek() === "<") {
        this.position++;
        this.skipGroupName();
        return this.finishGroup();
      }
      if (kind === "<" && this.peek() !== "=" && this.peek() !== "!") {
        this.skipGroupName();
        return this.finishGroup();
      }
      const names: Record<string, string> = {
        "=": "lookahead (?=",
        "!": "negative lookahead (?!",
        "<": "lookbehind (?<",
        ">": "atomic group (?>",
        "P": "named backreference (?P",
      };
      const feature = names[kind ?? ""] ?? `group (?${kind}`;
      return this.unsupported(`regular expression ${feature}`, "Lucene regular expressions have no such construct");
    }
    return this.finishGroup();
  }

  private skipGroupName(): void {
    while (this.position < this.chars.length && this.next() !== ">");
  }

  private finishGroup(): RegexNode {
    this.depth++;
    if (this.depth > MAX_GROUP_DEPTH) {
      this.invalid(`groups nested more than ${MAX_GROUP_DEPTH} levels deep`);
    }
    const alternatives = this.parseAlternatives();
    this.depth--;
    if (this.next() !== ")") this.invalid("missing `)`");
    return { kind: "group", alternatives };
  }

  private parseQuantifier(atom: RegexNode): RegexNode {
    const char = this.peek();
    let min: number;
    let max: number | null;
    if (char === "*") [min, max] = [0, null];
    else if (char === "+") [min, max] = [1, null];
    else if (char === "?") [min, max] = [0, 1];
    else if (char === "{" && this.looksLikeQuantifier(this.position)) {
      [min, max] = this.readBraces();
    } else return atom;
    if (char !== "{") this.position++;
    if (atom.kind === "start" || atom.kind === "end") {
      this.invalid("quantifier after an anchor");
    }
    if (this.peek() === "+") {
      this.unsupported("possessive quantifier", "Use a greedy quantifier; Lucene has no possessive ones");
    }
    // Lazy and greedy quantifiers accept the same strings; only match
    // positions differ, and a Lucene regexp matches the whole value.
    if (this.peek() === "?") this.position++;
    if (max !== null && max < min) this.invalid(`quantifier {${min},${max}} with max below min`);
    return { kind: "repeat", node: atom, min, max };
  }

  private looksLikeQuantifier(start: number): boolean {
    const rest = this.chars.slice(start).join("");
    return /^\{(\d+(,\d*)?|,\d+)\}/.test(rest);
  }

  private readBraces(): [number, number | null] {
    const rest = this.chars.slice(this.position).join("");
    const match = /^\{(\d*)(,?)(\d*)\}/.exec(rest)!;
    this.position += match[0].length;
    const min = match[1] === "" ? 0 : Number(match[1]);
    if (match[2] === "") return [min, min];
    return [min, match[3] === "" ? null : Number(match[3])];
  }

  private parseClass(): RegexNode {
    const negated = this.peek() === "^";
    if (negated) this.position++;
    const items: ClassItem[] = [];
    let first = true;
    while (true) {
      if (this.position >= this.chars.length) this.invalid("missing `]`");
      const char = this.next()!;
      if (char === "]" && !first) break;
      first = false;
      if (char === "[" && this.peek() === ":") {
        this.unsupported("POSIX character class [:name:]", "Write the characters as a range, such as [a-z]");
      }
      const item = char === "\\" ? this.parseClassEscape() : ({ kind: "char", char } as ClassItem);
      if (item.kind === "char" && this.peek() === "-" && this.chars[this.position + 1] !== "]" && this.position + 1 < this.chars.length) {
        this.position++;
        const endChar = this.next()!;
        const end = endChar === "\\" ? this.parseClassEscape() : ({ kind: "char", char: endChar } as ClassItem);
        if (end.kind !== "char") this.invalid("range ending in a character class");
        if (end.char.codePointAt(0)! < item.char.codePointAt(0)!) {
          this.invalid(`range ${item.char}-${end.char} out of order`);
        }
        items.push({ kind: "range", from: item.char, to: end.char });
        continue;
      }
      items.push(item);
    }
    return { kind: "class", negated, items };
  }

  private parseClassEscape(): ClassItem {
    const node = this.parseEscape(true);
    if (node.kind === "shorthand") return { kind: "shorthand", name: node.name };
    if (node.kind === "char") return node;
    return this.invalid("anchor escape inside a character class");
  }

  private parseEscape(inClass = false): RegexNode {
    const char = this.next();
    if (char === undefined) return this.invalid("trailing backslash");
    if ("dDwWsS".includes(char)) return { kind: "shorthand", name: char as Shorthand };
    const controls: Record<string, string> = { n: "\n", r: "\r", t: "\t", f: "\f", v: "\v", a: "\x07", e: "\x1b" };
    if (controls[char] !== undefined) return { kind: "char", char: controls[char]! };
    if (char === "x") return { kind: "char", char: this.readHex() };
    if (char === "u" && /^[0-9a-fA-F]{4}$/.test(this.chars.slice(this.position, this.position + 4).join(""))) {
      const hex = this.chars.slice(this.position, this.position + 4).join("");
      this.position += 4;
      return { kind: "char", char: String.fromCodePoint(parseInt(hex, 16)) };
    }
    if (char === "0") return { kind: "char", char: "\0" };
    if (!inClass && (char === "A")) return { kind: "start" };
    if (!inClass && (char === "z" || char === "Z")) return { kind: "end" };
    if (inClass && char === "b") return { kind: "char", char: "\b" };
    if (/[1-9]/.test(char) || char === "k" || char === "g") {
      return this.unsupported("regular expression backreference", "Lucene regular expressions cannot refer to an earlier group");
    }
    if (char === "b" || char === "B") {
      return this.unsupported(`regular expression word boundary \\${char}`, "Lucene regular expressions have no word boundaries; match the neighbouring characters instead");
    }
    if (char === "p" || char === "P") {
      return this.unsupported("regular expression Unicode property \\p", "List the characters in a class instead");
    }
    if (char === "Q") return this.invalid("\\Q...\\E quoting is not part of Sigma's regular expressions");
    if (/[A-Za-z]/.test(char)) return this.invalid(`unknown escape \\${char}`);
    return { kind: "char", char };
  }

  private readHex(): string {
    const rest = this.chars.slice(this.position).join("");
    const braced = /^\{([0-9a-fA-F]{1,6})\}/.exec(rest);
    const plain = /^[0-9a-fA-F]{2}/.exec(rest);
    const match = braced ?? plain;
    if (!match) return this.invalid("\\x needs two hex digits");
    this.position += match[0].length;
    return String.fromCodePoint(parseInt(braced ? match[1]! : match[0], 16));
  }

  private peek(): string | undefined {
    return this.chars[this.position];
  }

  private next(): string | undefined {
    return this.chars[this.position++];
  }

  private invalid(problem: string): never {
    throw new SigmaRuleError(
      this.where,
      `invalid regular expression ${describeValue(this.pattern)}: ${problem}`,
      "Fix the regular expression; Sigma uses PCRE syntax",
    );
  }

  private unsupported(feature: string, detail: string): never {
    throw new UnsupportedFeatureError(this.where, feature, `${detail} (pattern ${describeValue(this.pattern)}).`);
  }
}
