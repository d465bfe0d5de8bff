/**
 * String literals of Elasticsearch EQL: `"..."` with the escapes `\t`, `\b`,
 * `\f`, `\n`, `\r`, `\"`, `\'`, `\\` and `\u{XXXX}`, raw `"""..."""`
 * strings without escapes, and the rejected older forms `'...'`, `?"..."`
 * and `?'...'`.
 */

const ESCAPES: Record<string, string> = {
  t: "\t",
  b: "\b",
  f: "\f",
  n: "\n",
  r: "\r",
  '"': '"',
  "'": "'",
  "\\": "\\",
};

export interface ScannedString {
  value: string;
  /** Offset just past the closing quote. */
  end: number;
}

export type Fail = (reason: string, at: number) => never;

/** Reads the string literal that starts at `start`. */
export function scanString(
  text: string,
  start: number,
  fail: Fail,
): ScannedString {
  const char = text[start];
  if (char === "?") {
    fail(
      `use triple double quotes (""") for a raw string, not ?${text[start + 1]}`,
      start,
    );
  }
  if (char === "'") {
    fail(
      "use double quotes (\") for a string, not single quotes ('): " +
        "Elasticsearch rejects single-quoted strings",
      start,
    );
  }
  if (text.startsWith('"""', start)) return scanRawString(text, start, fail);
  return scanEscapedString(text, start, fail);
}

/** `"""text"""`: no escapes, no line breaks, up to two trailing quotes. */
function scanRawString(text: string, start: number, fail: Fail): ScannedString {
  let end = start + 3;
  for (;;) {
    const char = text[end];
    if (char === undefined || char === "\n" || char === "\r") {
      fail('unterminated raw string: add the closing """', start);
    }
    if (text.startsWith('"""', end)) break;
    end++;
  }
  end += 3;
  for (let extra = 0; extra < 2 && text[end] === '"'; extra++) end++;
  return { value: text.slice(start + 3, end - 3), end };
}

function scanEscapedString(
  text: string,
  start: number,
  fail: Fail,
): ScannedString {
  let value = "";
  let i = start + 1;
  for (;;) {
    const char = text[i];
    if (char === undefined || char === "\n" || char === "\r") {
      fail('unterminated string: add the closing "', start);
    }
    if (char === '"') break;
    if (char !== "\\") {
      value += char;
      i++;
      continue;
    }
    const next = text[i + 1] ?? "";
    if (next === "u") {
      const decoded = scanUnicodeEscape(text, i, fail);
      value += decoded.value;
      i = decoded.end;
    } else if (next in ESCAPES) {
      value += ESCAPES[next];
      i += 2;
    } else {
      fail(`invalid escape sequence \\${next} in string`, i);
    }
  }
  return { value, end: i + 1 };
}

/** Decodes `\\u{XXXX}` at `at`: 2 to 8 hex digits, no surrogates. */
function scanUnicodeEscape(
  text: string,
  at: number,
  fail: Fail,
): ScannedString {
  const match = /^\\u\{([0-9A-Fa-f]*)\}/.exec(text.slice(at, at + 16));
  if (!match) {
    fail("invalid unicode escape: write \\u{XXXX} with hex digits", at);
  }
  const hex = match[1]!;
  if (hex.length < 2 || hex.length > 8) {
    fail(
      `unicode escape ${match[0]} has ${hex.length} hex digits; use 2 to 8`,
      at,
    );
  }
  const code = Number.parseInt(hex, 16);
  if (code >= 0xd800 && code <= 0xdfff) {
    fail(`invalid unicode escape ${match[0]}: a surrogate code`, at);
  }
  if (code > 0x10ffff) {
    fail(`invalid unicode escape ${match[0]}: beyond U+10FFFF`, at);
  }
  return { value: String.fromCodePoint(code), end: at + match[0].length };
}
