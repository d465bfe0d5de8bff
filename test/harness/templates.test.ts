import { EcsFlat } from "@elastic/ecs";
import { describe, expect, it } from "vitest";
import {
  buildIndexTemplates,
  dataStreamName,
  ecsProperties,
  type FieldMapping,
} from "../../src/harness/templates.js";

/** Returns the mapping at a dotted path of a properties tree. */
function mappingAt(
  properties: Record<string, FieldMapping>,
  path: string,
): FieldMapping | undefined {
  const segments = path.split(".");
  let level: Record<string, FieldMapping> | undefined = properties;
  let mapping: FieldMapping | undefined;
  for (const segment of segments) {
    mapping = level?.[segment];
    level = mapping?.properties as Record<string, FieldMapping> | undefined;
  }
  return mapping;
}

/** Collects every `type` in a properties tree, sub-fields included. */
function collectTypes(properties: Record<string, FieldMapping>): Set<string> {
  const types = new Set<string>();
  const visit = (level: Record<string, FieldMapping>): void => {
    for (const mapping of Object.values(level)) {
      if (mapping.type) types.add(mapping.type);
      const fields = (mapping.fields ?? {}) as Record<string, FieldMapping>;
      for (const sub of Object.values(fields)) types.add(String(sub.type));
      if (mapping.properties) {
        visit(mapping.properties as Record<string, FieldMapping>);
      }
    }
  };
  visit(properties);
  return types;
}

/** Counts the fields Elasticsearch counts against the total fields limit. */
function countFields(properties: Record<string, FieldMapping>): number {
  let count = 0;
  for (const mapping of Object.values(properties)) {
    count += 1 + Object.keys(mapping.fields ?? {}).length;
    if (mapping.properties) {
      count += countFields(mapping.properties as Record<string, FieldMapping>);
    }
  }
  return count;
}

describe("buildIndexTemplates", () => {
  const templates = buildIndexTemplates("verifyab12");

  it("covers the four sources", () => {
    expect(templates.map((template) => template.dataStream)).toEqual([
      "logs-endpoint.events.process-verifyab12",
      "logs-m365_defender.event-verifyab12",
      "logs-crowdstrike.fdr-verifyab12",
      "logs-system.security-verifyab12",
    ]);
    expect(templates.map((template) => template.name)).toEqual([
      "detections-verify-endpoint.events.process-verifyab12",
      "detections-verify-m365_defender.event-verifyab12",
      "detections-verify-crowdstrike.fdr-verifyab12",
      "detections-verify-system.security-verifyab12",
    ]);
  });

  it("creates data streams for one namespace", () => {
    const body = templates[0]?.body;
    expect(body?.data_stream).toEqual({});
    expect(body?.index_patterns).toEqual([
      "logs-endpoint.events.process-verifyab12",
    ]);
    expect(body?.priority).toBe(800);
  });

  it("raises the total fields limit", () => {
    const body = templates[0]?.body;
    const limit = body?.template.settings["index.mapping.total_fields.limit"];
    expect(limit).toBe(10_000);
    expect(countFields(body?.template.mappings.properties ?? {})).toBeLessThan(
      10_000,
    );
  });

  it("maps other strings to keyword", () => {
    expect(templates[0]?.body.template.mappings.dynamic_templates).toEqual([
      {
        strings_as_keyword: {
          match_mapping_type: "string",
          mapping: { type: "keyword", ignore_above: 1024 },
        },
      },
    ]);
  });
});

describe("ecsProperties", () => {
  const properties = ecsProperties();

  it("maps the fields the rules read", () => {
    expect(mappingAt(properties, "@timestamp")).toEqual({ type: "date" });
    expect(mappingAt(properties, "event.ingested")).toEqual({ type: "date" });
    expect(mappingAt(properties, "process.command_line")).toEqual({
      type: "wildcard",
      fields: { text: { type: "match_only_text" } },
    });
    expect(mappingAt(properties, "process.executable")).toEqual({
      type: "keyword",
      ignore_above: 1024,
      fields: { text: { type: "match_only_text" } },
    });
    expect(mappingAt(properties, "process.args")).toEqual({
      type: "keyword",
      ignore_above: 1024,
    });
    expect(mappingAt(properties, "process.pe.original_file_name")).toEqual({
      type: "keyword",
      ignore_above: 1024,
    });
    expect(mappingAt(properties, "user.id")).toEqual({
      type: "keyword",
      ignore_above: 1024,
    });
  });

  it("maps numbers, addresses and constants", () => {
    expect(mappingAt(properties, "process.pid")).toEqual({ type: "long" });
    expect(mappingAt(properties, "host.ip")).toEqual({ type: "ip" });
    expect(mappingAt(properties, "data_stream.dataset")).toEqual({
      type: "constant_keyword",
    });
    expect(mappingAt(properties, "host.cpu.usage")).toEqual({
      type: "scaled_float",
      scaling_factor: 1000,
    });
  });

  it("keeps nested parents with children", () => {
    const sections = mappingAt(properties, "dll.pe.sections");
    expect(sections?.type).toBe("nested");
    expect(mappingAt(properties, "dll.pe.sections.entropy")).toEqual({
      type: "long",
    });
  });

  it("turns off indexing as ECS does", () => {
    expect(mappingAt(properties, "event.original")).toEqual({
      type: "keyword",
      index: false,
      doc_values: false,
    });
  });

  it("maps no field as text", () => {
    expect(collectTypes(properties).has("text")).toBe(false);
  });

  it("maps every ECS field", () => {
    const missing = Object.keys(EcsFlat).filter(
      (name) => mappingAt(properties, name) === undefined,
    );
    expect(missing).toEqual([]);
  });
});

describe("dataStreamName", () => {
  it("follows the naming scheme", () => {
    expect(dataStreamName("system.security", "default")).toBe(
      "logs-system.security-default",
    );
  });
});
