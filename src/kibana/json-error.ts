/**
 * Locates the first syntax error in JSON text as a line and column, so a
 * message can point at it without quoting the text. JSON.parse in Node 20
 * quotes the text around the error instead, and that text may be a secret.
 */

/** A 1-based line and column in a text. */
export interface TextPosition {
  line: number;
  column: number;
}

class SyntaxAt {
  constructor(readonly offset: number) {}
}

/** Scans one JSON text; throws SyntaxAt at the first offset that is not valid JSON. */
function scanJson(text: string): void {
  let index = 0;
  const fail = (): never => {
    throw new SyntaxAt(index);
  };
  const skipSpace = (): void => {
    while (/[ \t\n\r]/.test(text.charAt(index))) index += 1;
  };
  const expectWord = (word: string): void => {
    for (const char of word) {
      if (text.charAt(index) !== char) fail();
      index += 1;
    }
  };
  const scanString = (): void => {
    index += 1;
    for (;;) {
      const char = text.charAt(index);
      if (char === "" || char < " ") fail();
      if (char === '"') {
        index += 1;
        return;
      }
      if (char === "\\") {
        index += 1;
        const escape = text.charAt(index);
        if (escape === "u") {
          if (!/^[0-9a-fA-F]{4}$/.test(text.slice(index + 1, index + 5)))
            fail();
          index += 4;
        } else if (!'"\\/bfnrt'.includes(escape) || escape === "") fail();
      }
      index += 1;
    }
  };
  const scanNumber = (): void => {
    const match = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/.exec(
      text.slice(index),
    );
    if (!match || match[0] === "" || match[0] === "-") fail();
    index += match![0].length;
  };
  const scanList = (close: string, scanItem: () => void): void => {
    index += 1;
    skipSpace();
    if (text.charAt(index) === close) {
      index += 1;
      return;
    }
    for (;;) {
      scanItem();
      skipSpace();
      const char = text.charAt(index);
      index += 1;
      if (char === close) return;
      if (char !== ",") {
        index -= 1;
        fail();
      }
      skipSpace();
    }
  };
  const scanValue = (): void => {
    skipSpace();
    const char = text.charAt(index);
    if (char === "{") {
      scanList("}", () => {
        if (text.charAt(index) !== '"') fail();
        scanString();
        skipSpace();
        if (text.charAt(index) !== ":") fail();
        index += 1;
        scanValue();
      });
    } else if (char === "[") scanList("]", scanValue);
    else if (char === '"') scanString();
    else if (char === "t") expectWord("true");
    else if (char === "f") expectWord("false");
    else if (char === "n") expectWord("null");
    else scanNumber();
  };
  scanValue();
  skipSpace();
  if (index < text.length) fail();
}

function positionAt(text: string, offset: number): TextPosition {
  const before = text.slice(0, offset).split("\n");
  return { line: before.length, column: before.at(-1)!.length + 1 };
}

/**
 * Returns where `text` stops being valid JSON, or undefined when it is
 * valid. The position counts a byte order mark as a character.
 */
export function locateJsonError(text: string): TextPosition | undefined {
  try {
    scanJson(text);
    return undefined;
  } catch (error) {
    if (error instanceof SyntaxAt) return positionAt(text, error.offset);
    throw error;
  }
}

/** Describes a JSON syntax error by position only, never by content. */
export function describeJsonError(text: string): string {
  if (text.trim() === "") return "the file is empty";
  const position = locateJsonError(text);
  return position
    ? `invalid JSON at line ${position.line}, column ${position.column}`
    : "invalid JSON";
}
