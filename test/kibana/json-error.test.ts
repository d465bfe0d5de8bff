import { describe, expect, it } from "vitest";
import {
  describeJsonError,
  locateJsonError,
} from "../../src/kibana/json-error.js";

describe("locateJsonError", () => {
  it("accepts valid JSON", () => {
    for (const text of [
      '{"a": [1, -2.5e3, true, false, null, "x\\\\u00e9"]}',
      " [] ",
      '"text"',
      "0",
    ]) {
      expect(locateJsonError(text)).toBeUndefined();
      expect(() => JSON.parse(text)).not.toThrow();
    }
  });

  it("points at the first invalid character", () => {
    const cases: [string, number, number][] = [
      ['{"api_key": SECRET}', 1, 13],
      ['{\n  "url": "https://k",\n  "api_key": x\n}', 3, 14],
      ['{"a": 1,}', 1, 9],
      ['{"a": 1} extra', 1, 10],
      ['{"a": "unterminated', 1, 20],
      ["[1 2]", 1, 4],
      ["{'a': 1}", 1, 2],
      ['{"a": 01}', 1, 8],
    ];
    for (const [text, line, column] of cases) {
      expect(() => JSON.parse(text)).toThrow();
      expect(locateJsonError(text)).toEqual({ line, column });
    }
  });
});

describe("describeJsonError", () => {
  it("never quotes the text", () => {
    const message = describeJsonError('{"password": MARKER_PW}');
    expect(message).toBe("invalid JSON at line 1, column 14");
  });

  it("names an empty file", () => {
    expect(describeJsonError("  \n")).toBe("the file is empty");
  });
});
