/**
 * Translates Lucene's regular-expression syntax (the `regexp` query that
 * Elasticsearch EQL's `regex` uses) into a JavaScript RegExp source. Lucene
 * has no anchors (`^` and `$` are plain characters), treats `\x` as the
 * literal `x` except for the classes `\d \s \w \D \S \W`, and adds `@` (any
 * string), `#` (nothing), `"..."` (a literal string) and `<n-m>` (a number
 * range).
 *
 * A case-insensitive translation follows Lucene's
 * `RegExp.ASCII_CASE_INSENSITIVE`, the flag of Elasticsearch's `regexp`
 * query with `case_insensitive: true`: a literal ASCII letter, alone, in a
 * quoted string or in a character class, matches both its cases. Ranges
 * such as `[a-z]`, `.` and the classes `\w` and friends are not folded, and
 * no other letter folds (`s` does not match `ſ`).
 */

export class LuceneRegExpError extends Error {}

const CLASS_ESCAPES = new Set(["d", "D", "s", "S", "w", "W"]);

/** Largest `<n-m>` range written out as an alternation of numbers. */
const MAX_INTERVAL_SIZE = 10_000;

export function luceneToJsRegExpSource(
  pattern: string,
  caseInsensitive = false,
): string {
  const translator = new Translator(pattern, caseInsensitive);
  const source = translator.union();
  if (!translator.atEnd()) translator.fail("unbalanced ')'");
  return source;
}

class Translator {
  private index = 0;
  private readonly chars: string[];

  constructor(
    private readonly pattern: string,
    private readonly caseInsensitive: boolean,
  ) {
    this.chars = Array.from(pattern);
  }

  atEnd(): boolean {
    return this.index >= this.chars.length;
  }

  fail(reason: string): never {
    throw new LuceneRegExpError(
      `invalid regular expression "${this.pattern}": ${reason}`,
    );
  }

  private peek(): string | undefined {
    return this.chars[this.index];
  }

  union(): string {
    const branches = [this.concatenation()];
    while (this.peek() === "|") {
      this.index++;
      branches.push(this.concatenation());
    }
    return branches.join("|");
  }

  private concatenation(): string {
    let source = "";
    for (;;) {
      const char = this.peek();
      if (char === undefined || char === "|" || char === ")") return source;
      if (char === "&") {
        // NOTE: Lucene's intersection (&) and complement (~) have no
        // JavaScript equivalent, so such a pattern raises instead of matching.
        this.fail("intersection (&) is not supported by the embedded engine");
      }
      source += this.repetition();
    }
  }

  private repetition(): string {
    if (this.peek() === "~") {
      this.fail("complement (~) is not supported by the embedded engine");
    }
    let source = this.atom();
    for (;;) {
      const char = this.peek();
      if (char === "?" || char === "*" || char === "+") {
        this.index++;
        source = `(?:${source})${char}`;
      } else if (char === "{") {
        source = `(?:${source})${this.bounds()}`;
      } else {
        return source;
      }
    }
  }

  private bounds(): string {
    const rest = this.chars.slice(this.index).join("");
    const match = /^\{(\d+)(,(\d*))?\}/.exec(rest);
    if (!match) this.fail("invalid repetition {n,m}");
    this.index += Array.from(match[0]).length;
    return match[0];
  }

  private atom(): string {
    const char = this.chars[this.index++];
    switch (char) {
      case undefined:
        return this.fail("unexpected end");
      case ".":
        return ".";
      case "@":
        return "[\\s\\S]*";
      case "#":
        return "(?!)";
      case "(":
        return this.group();
      case "[":
        return this.characterClass();
      case '"':
        return this.quoted();
      case "<":
        return this.interval();
      case "\\":
        return this.escape();
      case "*":
      case "+":
      case "?":
      case "{":
        return this.fail(`nothing to repeat before '${char}'`);
      default:
        return this.literal(char);
    }
  }

  private literal(char: string): string {
    if (this.caseInsensitive && /^[a-zA-Z]$/.test(char)) {
      return `[${char.toLowerCase()}${char.toUpperCase()}]`;
    }
    return literal(char);
  }

  private group(): string {
    if (this.peek() === ")") {
      this.index++;
      return "(?:)";
    }
    const inner = this.union();
    if (this.peek() !== ")") this.fail("missing ')'");
    this.index++;
    return `(?:${inner})`;
  }

  private quoted(): string {
    let text = "";
    for (;;) {
      const char = this.chars[this.index++];
      if (char === undefined) this.fail('missing closing "');
      if (char === '"') return text === "" ? "(?:)" : `(?:${text})`;
      text += this.literal(char);
    }
  }

  private escape(): string {
    const char = this.chars[this.index++];
    if (char === undefined) this.fail("trailing backslash");
    return CLASS_ESCAPES.has(char) ? `\\${char}` : this.literal(char);
  }

  private characterClass(): string {
    let negated = false;
    if (this.peek() === "^") {
      negated = true;
      this.index++;
    }
    let body = "";
    let inRange = false;
    for (;;) {
      const char = this.chars[this.index++];
      if (char === undefined) this.fail("missing ']'");
      if (char === "]") break;
      if (char === "-" && body !== "" && this.peek() !== "]") {
        body += "-";
        inRange = true;
        continue;
      }
      let single = char;
      if (char === "\\") {
        const escaped = this.chars[this.index++];
        if (escaped === undefined) this.fail("trailing backslash");
        if (CLASS_ESCAPES.has(escaped)) {
          body += `\\${escaped}`;
          inRange = false;
          continue;
        }
        single = escaped;
      }
      body += this.classMember(single, inRange || this.startsRange());
      inRange = false;
    }
    if (body === "") this.fail("empty character class");
    return `[${negated ? "^" : ""}${body}]`;
  }

  private startsRange(): boolean {
    const next = this.chars[this.index + 1];
    return this.peek() === "-" && next !== undefined && next !== "]";
  }

  /** Emits a class member, folded unless it is a range's end point. */
  private classMember(char: string, inRange: boolean): string {
    if (this.caseInsensitive && !inRange && /^[a-zA-Z]$/.test(char)) {
      return `${char.toLowerCase()}${char.toUpperCase()}`;
    }
    return classLiteral(char);
  }

  /** `<n-m>`: a decimal number from n to m, written as an alternation. */
  private interval(): string {
    const rest = this.chars.slice(this.index).join("");
    const match = /^(\d+)-(\d+)>/.exec(rest);
    if (!match) this.fail("invalid numeric interval <n-m>");
    this.index += match[0].length;
    let low = Number(match[1]);
    let high = Number(match[2]);
    if (low > high) [low, high] = [high, low];
    // NOTE: Wider ranges raise, because the engine writes each number out.
    if (high - low > MAX_INTERVAL_SIZE) {
      this.fail(`numeric interval ${match[0].slice(0, -1)} is too wide`);
    }
    const numbers: string[] = [];
    for (let n = high; n >= low; n--) numbers.push(String(n));
    return `0*(?:${numbers.join("|")})`;
  }
}

function literal(char: string): string {
  return /[\\^$.|?*+()[\]{}/]/.test(char) ? `\\${char}` : char;
}

function classLiteral(char: string): string {
  return /[\\\]^[-]/.test(char) ? `\\${char}` : char;
}
