import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import {
  chunkNdjson,
  formatNdjson,
  NdjsonError,
  parseNdjson,
} from "../../src/kibana/ndjson.js";
import {
  describeWithSharedData,
  hasSharedData,
  sharedDataPath,
} from "../shared-data.js";

const samplePath = sharedDataPath("kibana", "export-sample.ndjson");
const sample = hasSharedData ? readFileSync(samplePath, "utf8") : "";

describeWithSharedData("parseNdjson", () => {
  const document = parseNdjson(sample, samplePath);

  it("reads every rule with its type", () => {
    const rules = document.objects.filter((object) => object.kind === "rule");
    expect(rules.map((rule) => rule.kind === "rule" && rule.ruleType)).toEqual([
      "query",
      "query",
      "query",
      "eql",
      "esql",
      "new_terms",
      "threat_match",
      "threshold",
      "machine_learning",
    ]);
    expect(document.rules).toHaveLength(9);
  });

  it("reads the EQL sequence rule", () => {
    const eql = document.rules.find((rule) => rule.type === "eql")!;
    expect(eql.rule_id).toBe("2cc8f325-e1b1-4201-8b8d-88a51c94992b");
    expect(
      String(eql.query).startsWith(
        "sequence by process.entity_id with maxspan=2h",
      ),
    ).toBe(true);
  });

  it("reads exception lists and items", () => {
    expect(
      document.exceptionLists.map((list) => [list.list_id, list.type]),
    ).toEqual([
      ["1c8a1378-8f0d-4565-9ae0-abeeaf3981ca", "detection"],
      ["0a4124f8-2074-450b-8689-d7dee319c666", "rule_default"],
    ]);
    expect(document.exceptionListItems.map((item) => item.item_id)).toEqual([
      "734852b6-b3bf-4942-8b3b-c058bd16088f",
      "9ed8fb85-d920-4759-ba47-8d273cbb55b6",
    ]);
  });

  it("reads action connectors", () => {
    expect(document.actionConnectors.map((connector) => connector.id)).toEqual([
      "e1b418e7-78df-4042-bfb0-1cc5fb6f7a4e",
      "1b8d347f-2542-4390-85de-2653518311e2",
    ]);
  });

  it("reads the export summary", () => {
    expect(document.summary?.exported_count).toBe(15);
    expect(document.summary?.exported_rules_count).toBe(9);
    expect(document.summary?.missing_rules).toEqual([]);
    expect(document.objects.at(-1)?.kind).toBe("export_summary");
  });

  it("rejects invalid JSON with its line", () => {
    // The parser's own message varies between Node versions.
    expect(() =>
      parseNdjson('{"rule_id":"a","type":"eql"}\n{oops\n', "x.ndjson"),
    ).toThrow(
      /^x\.ndjson:2: invalid JSON \(.+\)\. Each line must be one JSON object\.$/,
    );
  });

  it("rejects unknown objects", () => {
    expect(() => parseNdjson('{"hello":1}\n', "x.ndjson")).toThrow(
      "x.ndjson:1: unknown object with keys hello. Expected a rule, exception list, exception list item, action connector or export summary.",
    );
  });

  it("rejects objects after the summary", () => {
    const text = '{"exported_count":0}\n{"rule_id":"a","type":"eql"}\n';
    expect(() => parseNdjson(text, "x.ndjson")).toThrow(
      "x.ndjson:2: found an object after the export summary, which must be the last line.",
    );
  });
});

describeWithSharedData("formatNdjson", () => {
  it("round-trips the export sample", () => {
    const document = parseNdjson(sample, samplePath);
    expect(formatNdjson(document.objects.map((object) => object.value))).toBe(
      sample,
    );
  });
});

describe("chunkNdjson", () => {
  const rules = Array.from({ length: 5 }, (_, index) => ({
    rule_id: `r${index}`,
    type: "eql",
  }));

  it("splits by object count", () => {
    const chunks = chunkNdjson(rules, { maxObjects: 2, maxBytes: 1_000_000 });
    expect(chunks.map((chunk) => chunk.split("\n").length - 1)).toEqual([
      2, 2, 1,
    ]);
  });

  it("splits by byte size", () => {
    const line = `${JSON.stringify(rules[0])}\n`;
    const chunks = chunkNdjson(rules, {
      maxObjects: 100,
      maxBytes: line.length * 3,
    });
    expect(chunks.map((chunk) => chunk.split("\n").length - 1)).toEqual([3, 2]);
  });

  it("rejects an object over the limit", () => {
    expect(() => chunkNdjson(rules, { maxObjects: 100, maxBytes: 10 })).toThrow(
      "rule r0: its NDJSON line is 30 bytes, over the import limit of 10 bytes. Shorten the rule's query, note or setup.",
    );
  });
});
