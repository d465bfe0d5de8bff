import { describe, expect, it } from "vitest";
import { SigmaRuleError } from "../../src/sigma/errors.js";
import { decodeRuleText } from "../../src/sigma/rule-text.js";

function errorOf(bytes: number[]): string {
  try {
    decodeRuleText(Uint8Array.from(bytes), "rules/latin1.yml");
  } catch (error) {
    expect(error).toBeInstanceOf(SigmaRuleError);
    return (error as Error).message;
  }
  throw new Error("expected the bytes to be rejected");
}

const ascii = (text: string): number[] => [...Buffer.from(text, "latin1")];

describe("decodeRuleText", () => {
  it("decodes UTF-8 and drops the BOM", () => {
    const bytes = Uint8Array.from([0xef, 0xbb, 0xbf, ...Buffer.from("title: Tür\n")]);
    expect(decodeRuleText(bytes, "r.yml")).toBe("title: Tür\n");
  });
  it("rejects Latin-1 with line and byte", () => {
    expect(errorOf([...ascii("a: 1\ntitle: T"), 0xe9, 0xff, 0x0a])).toBe(
      "rules/latin1.yml:2: (document): invalid UTF-8 at byte 13 (0xE9). Save the file as UTF-8",
    );
  });
  it("skips a written replacement character", () => {
    const bytes = [...Buffer.from("t: \uFFFD\n"), ...ascii("u: "), 0xc3, 0x28];
    expect(errorOf(bytes)).toBe(
      "rules/latin1.yml:2: (document): invalid UTF-8 at byte 10 (0xC3). Save the file as UTF-8",
    );
  });
  it("rejects a truncated sequence at the end", () => {
    expect(errorOf([...ascii("t: x"), 0xe2, 0x82])).toBe(
      "rules/latin1.yml:1: (document): invalid UTF-8 at byte 4 (0xE2). Save the file as UTF-8",
    );
  });
});
