import { describe, expect, it } from "vitest";
import { EqlSyntaxError } from "../../src/eql/errors.js";
import { tokenize } from "../../src/eql/lexer.js";

function values(text: string): string[] {
  return tokenize(text)
    .filter((token) => token.kind !== "eof")
    .map((token) => `${token.kind}:${token.value}`);
}

function errorOf(text: string): string {
  try {
    tokenize(text);
  } catch (error) {
    expect(error).toBeInstanceOf(EqlSyntaxError);
    return (error as Error).message;
  }
  throw new Error(`no error for ${text}`);
}

describe("tokenize", () => {
  it("reads keywords, names and operators", () => {
    expect(values('process where a.b != "x"')).toEqual([
      "identifier:process",
      "keyword:where",
      "identifier:a",
      "operator:.",
      "identifier:b",
      "operator:!=",
      "string:x",
    ]);
  });

  it("reads tilde keywords and functions", () => {
    expect(values("in~ like~ regex~ startsWith~(")).toEqual([
      "keyword:in~",
      "keyword:like~",
      "keyword:regex~",
      "tildeIdentifier:startsWith~",
      "operator:(",
    ]);
  });

  it("keeps uppercase keywords as names", () => {
    expect(values("AND Where")).toEqual(["identifier:AND", "identifier:Where"]);
  });

  it("decodes every string escape", () => {
    const [token] = tokenize('"q\\" b\\\\ n\\n t\\t r\\r \\b\\f\\\'"');
    expect(token!.value).toBe("q\" b\\ n\n t\t r\r \b\f'");
  });

  it("decodes unicode escapes", () => {
    expect(tokenize('"\\u{41}\\u{200F}\\u{0001F600}"')[0]!.value).toBe(
      "A\u200f\u{1F600}",
    );
  });

  it("keeps raw strings verbatim", () => {
    const [token] = tokenize('"""C:\\Windows\\"x"""');
    expect(token!.value).toBe('C:\\Windows\\"x');
  });

  it("keeps trailing quotes of raw strings", () => {
    expect(tokenize('"""a""""')[0]!.value).toBe('a"');
  });

  it("reads backquoted names with doubled backquotes", () => {
    expect(values("`my-field` `a``b`")).toEqual([
      "quotedIdentifier:my-field",
      "quotedIdentifier:a`b",
    ]);
  });

  it("tells integers from decimals", () => {
    expect(values("12 1.5 .5 1e3 7.")).toEqual([
      "integer:12",
      "decimal:1.5",
      "decimal:.5",
      "decimal:1e3",
      "decimal:7.",
    ]);
  });

  it("skips line and nested block comments", () => {
    expect(values("a // one\n/* x /* y */ z */ b")).toEqual([
      "identifier:a",
      "identifier:b",
    ]);
  });

  it("reports line and column of tokens", () => {
    const tokens = tokenize("a\n  b");
    expect(tokens[1]!.position).toEqual({ line: 2, column: 3 });
  });

  it("rejects single-quoted strings", () => {
    expect(errorOf("a == 'x'")).toBe(
      "line 1:6: use double quotes (\") for a string, not single quotes ('): " +
        "Elasticsearch rejects single-quoted strings",
    );
  });

  it("rejects question-mark raw strings", () => {
    expect(errorOf('a == ?"x"')).toBe(
      'line 1:6: use triple double quotes (""") for a raw string, not ?"',
    );
  });

  it("rejects unknown escapes", () => {
    expect(errorOf('"a\\w"')).toBe(
      "line 1:3: invalid escape sequence \\w in string",
    );
  });

  it("rejects short unicode escapes", () => {
    expect(errorOf('"\\u{1}"')).toBe(
      "line 1:2: unicode escape \\u{1} has 1 hex digits; use 2 to 8",
    );
  });

  it("rejects surrogate unicode escapes", () => {
    expect(errorOf('"\\u{D800}"')).toBe(
      "line 1:2: invalid unicode escape \\u{D800}: a surrogate code",
    );
  });

  it("rejects line breaks in strings", () => {
    expect(errorOf('x == "a\nb"')).toBe(
      'line 1:6: unterminated string: add the closing "',
    );
  });

  it("rejects unknown characters", () => {
    expect(errorOf("a == #")).toBe("line 1:6: invalid character '#'");
  });
});
