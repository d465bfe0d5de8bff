import { describe, expect, it } from "vitest";
import { base64, base64Offsets, utf16Bytes, utf16beBytes, utf16leBytes, utf8Bytes } from "../../src/sigma/encoding.js";

describe("base64Offsets", () => {
  it("matches pySigma's three shifted forms", () => {
    expect(base64Offsets(utf8Bytes("foobar"))).toEqual(["Zm9vYmFy", "Zvb2Jhc", "mb29iYX"]);
    expect(base64Offsets(utf8Bytes("http://"))).toEqual(["aHR0cDovL", "h0dHA6Ly", "odHRwOi8v"]);
  });
  it("encodes wide strings", () => {
    expect(base64Offsets(utf16leBytes("ping"))).toEqual(["cABpAG4AZw", "AAaQBuAGcA", "wAGkAbgBnA"]);
  });
});

describe("utf16 encodings", () => {
  it("follows the specification examples", () => {
    expect([...utf16leBytes("cmd")]).toEqual([0x63, 0, 0x6d, 0, 0x64, 0]);
    expect([...utf16beBytes("cmd")]).toEqual([0, 0x63, 0, 0x6d, 0, 0x64]);
    expect([...utf16Bytes("cmd")]).toEqual([0xff, 0xfe, 0x63, 0, 0x6d, 0, 0x64, 0]);
  });
  it("encodes Base64 with padding", () => {
    expect(base64(utf8Bytes("whoami"))).toBe("d2hvYW1p");
    expect(base64(utf16Bytes("cmd"))).toBe("//5jAG0AZAA=");
  });
});
