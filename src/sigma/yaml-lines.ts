/**
 * Maps YAML paths to 1-based line numbers for error messages. js-yaml returns
 * plain values without positions, so this reads the block structure of the
 * text itself: each `key:` and `- ` item opens a node whose parent is the
 * nearest node indented less. Flow collections (`[a, b]`) and multi-line
 * scalars count as one node on the line where they start.
 */

/** One step of a YAML path: a mapping key or a sequence index. */
export type PathSegment = string | number;

/** Line lookup for one YAML text. */
export interface YamlLines {
  /** Line of the node at `path`, or of its nearest ancestor with a line. */
  lineOf(path: readonly PathSegment[]): number | undefined;
  /** Path of the deepest node that starts on `line`, if any. */
  pathAt(line: number): PathSegment[] | undefined;
}

interface OpenNode {
  column: number;
  kind: "key" | "item";
  path: PathSegment[];
  nextIndex: number;
}

/** Formats a path the way messages show it: `detection.sel.Image[1]`. */
export function formatPath(path: readonly PathSegment[]): string {
  let text = "";
  for (const segment of path) {
    if (typeof segment === "number") text += `[${segment}]`;
    else text += text === "" ? segment : `.${segment}`;
  }
  return text;
}

/** Reads the line of every block key and sequence item of `text`. */
export function indexYamlLines(text: string): YamlLines {
  const lines = new Map<string, number>();
  const stack: OpenNode[] = [];
  const rows = text.split(/\r?\n/);
  let skipDeeperThan: number | null = null;

  rows.forEach((row, index) => {
    const indent = row.length - row.trimStart().length;
    const content = row.trim();
    if (content === "" || content.startsWith("#")) return;
    if (skipDeeperThan !== null) {
      if (indent > skipDeeperThan) return;
      skipDeeperThan = null;
    }
    if (content === "---" || content === "...") return;
    skipDeeperThan = readRow(row, indent, index + 1, stack, lines);
  });
  return {
    lineOf(path) {
      for (let end = path.length; end >= 0; end--) {
        const line = lines.get(JSON.stringify(path.slice(0, end)));
        if (line !== undefined) return line;
      }
      return undefined;
    },
    pathAt(line) {
      let found: PathSegment[] | undefined;
      for (const [key, start] of lines) {
        if (start !== line) continue;
        const path = JSON.parse(key) as PathSegment[];
        if (found === undefined || path.length > found.length) found = path;
      }
      return found;
    },
  };
}

/**
 * Records the nodes that start on one row. Returns the column that following
 * rows must be indented past to belong to a block scalar, or null.
 */
function readRow(
  row: string,
  indent: number,
  line: number,
  stack: OpenNode[],
  lines: Map<string, number>,
): number | null {
  let column = indent;
  let rest = row.slice(indent);
  while (rest.startsWith("- ") || rest === "-") {
    const parent = popTo(stack, column, "item");
    const index = parent ? parent.nextIndex++ : 0;
    const path = [...(parent?.path ?? []), index];
    lines.set(JSON.stringify(path), line);
    stack.push({ column, kind: "item", path, nextIndex: 0 });
    const after = rest.slice(1);
    const gap = after.length - after.trimStart().length;
    column += 1 + gap;
    rest = after.trimStart();
  }
  const key = readKey(rest);
  if (key === null) return null;
  const parent = popTo(stack, column, "key");
  const path = [...(parent?.path ?? []), key.name];
  lines.set(JSON.stringify(path), line);
  stack.push({ column, kind: "key", path, nextIndex: 0 });
  return /^[|>][-+0-9]*\s*(#.*)?$/.test(key.value) ? column : null;
}

function popTo(
  stack: OpenNode[],
  column: number,
  kind: "key" | "item",
): OpenNode | undefined {
  while (stack.length > 0) {
    const top = stack[stack.length - 1]!;
    const sameColumnParent = kind === "item" && top.kind === "key";
    if (top.column < column || (top.column === column && sameColumnParent)) {
      break;
    }
    stack.pop();
  }
  return stack[stack.length - 1];
}

/** Splits `key: value` into the key's name and the text after the colon. */
function readKey(text: string): { name: string; value: string } | null {
  const quote = text[0];
  if (quote === "'" || quote === '"') {
    const close = findClosingQuote(text, quote);
    if (close < 0) return null;
    const after = text.slice(close + 1);
    const match = /^\s*:(\s|$)/.exec(after);
    if (!match) return null;
    const raw = text.slice(1, close);
    const name =
      quote === "'" ? raw.replace(/''/g, "'") : raw.replace(/\\(.)/g, "$1");
    return { name, value: after.slice(match[0].length).trim() };
  }
  const match = /^([^\s#'"[\]{},][^#]*?)\s*:(\s|$)/.exec(text);
  if (!match) return null;
  return { name: match[1]!, value: text.slice(match[0].length).trim() };
}

function findClosingQuote(text: string, quote: string): number {
  for (let i = 1; i < text.length; i++) {
    if (quote === '"' && text[i] === "\\") {
      i++;
      continue;
    }
    if (text[i] !== quote) continue;
    if (quote === "'" && text[i + 1] === "'") {
      i++;
      continue;
    }
    return i;
  }
  return -1;
}
