import { describe, expect, it } from "vitest";
import { formatPath, indexYamlLines } from "../../src/sigma/yaml-lines.js";

const text = `title: x
description: |
    key: not a key
    - not an item
detection:
    selection:
        - Image|endswith:
              - 'a'
              - "b"
          OriginalFileName: c
        - 'quoted key': [1, 2]
    condition: selection
tags:
- attack.t1047
- attack.execution
`;

describe("indexYamlLines", () => {
  const lines = indexYamlLines(text);
  it("finds top-level keys", () => {
    expect(lines.lineOf(["title"])).toBe(1);
    expect(lines.lineOf(["detection"])).toBe(5);
    expect(lines.lineOf(["tags"])).toBe(13);
  });
  it("skips block scalars", () => {
    expect(lines.lineOf(["description"])).toBe(2);
    expect(lines.lineOf(["description", "key"])).toBe(2);
  });
  it("finds keys inside list items", () => {
    expect(lines.lineOf(["detection", "selection", 0, "Image|endswith"])).toBe(7);
    expect(lines.lineOf(["detection", "selection", 0, "Image|endswith", 1])).toBe(9);
    expect(lines.lineOf(["detection", "selection", 0, "OriginalFileName"])).toBe(10);
    expect(lines.lineOf(["detection", "selection", 1, "quoted key"])).toBe(11);
  });
  it("falls back to the parent of a flow item", () => {
    expect(lines.lineOf(["detection", "selection", 1, "quoted key", 1])).toBe(11);
  });
  it("reads indentless sequences", () => {
    expect(lines.lineOf(["tags", 1])).toBe(15);
    expect(lines.lineOf(["detection", "condition"])).toBe(12);
  });
});

describe("formatPath", () => {
  it("joins keys and indexes", () => {
    expect(formatPath(["detection", "selection", 0, "Image|endswith", 2])).toBe("detection.selection[0].Image|endswith[2]");
  });
});
