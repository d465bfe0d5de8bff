import { describe, expect, it } from "vitest";
import { classifyFieldType, ecsFieldType, elasticFieldType } from "../../src/sigma/ecs.js";
import { type FieldMapping, fieldTables, lookupField } from "../../src/sigma/fields.js";
import { lookupLogsource } from "../../src/sigma/logsources.js";

function targetsOf(mapping: FieldMapping): string[] {
  switch (mapping.kind) {
    case "ecs":
    case "values":
    case "registry-data":
      return [mapping.field];
    case "user":
      return [mapping.nameField, ...(mapping.domainField ? [mapping.domainField] : [])];
    case "hashes":
      return Object.values(mapping.fields);
    case "unsupported":
      return [];
  }
}

describe("fieldTables", () => {
  for (const [table, entries] of Object.entries(fieldTables)) {
    it(`maps ${table} fields to searchable Elastic fields`, () => {
      for (const [sigmaField, mapping] of Object.entries(entries)) {
        for (const target of targetsOf(mapping)) {
          const type = elasticFieldType(target);
          expect(type, `${table}.${sigmaField} -> ${target}`).toBeDefined();
          expect(classifyFieldType(type!), `${table}.${sigmaField} -> ${target}`).not.toMatch(/text|other/);
        }
      }
    });
  }
});

describe("lookupField", () => {
  it("maps ComputerName to host.name", () => {
    expect(lookupField("process_creation", "ComputerName")).toEqual({ kind: "ecs", field: "host.name" });
  });

  it("maps IntegrityLevel outside ECS", () => {
    expect(lookupField("process_creation", "IntegrityLevel")).toEqual({
      kind: "ecs",
      field: "process.Ext.token.integrity_level_name",
    });
    expect(ecsFieldType("process.Ext.token.integrity_level_name")).toBeUndefined();
    expect(elasticFieldType("process.Ext.token.integrity_level_name")).toBe("keyword");
  });

  it("maps the process_creation taxonomy", () => {
    expect(lookupField("process_creation", "Image")).toEqual({ kind: "ecs", field: "process.executable" });
    expect(lookupField("process_creation", "OriginalFileName")).toEqual({
      kind: "ecs",
      field: "process.pe.original_file_name",
    });
    expect(lookupField("process_creation", "CommandLine")).toEqual({ kind: "ecs", field: "process.command_line" });
    expect(lookupField("process_creation", "ParentImage")).toEqual({ kind: "ecs", field: "process.parent.executable" });
    expect(lookupField("process_creation", "CurrentDirectory")).toEqual({
      kind: "ecs",
      field: "process.working_directory",
    });
    expect(lookupField("process_creation", "User")).toEqual({
      kind: "user",
      nameField: "user.name",
      domainField: "user.domain",
    });
  });

  it("returns undefined for unknown fields", () => {
    expect(lookupField("process_creation", "toString")).toBeUndefined();
    expect(lookupField("process_creation", "process.name")).toBeUndefined();
  });
});

describe("lookupLogsource", () => {
  it("targets process starts on Windows", () => {
    expect(lookupLogsource({ product: "windows", category: "process_creation" })).toEqual({
      kind: "found",
      target: {
        category: "process",
        base: [
          { field: "event.type", equals: "start" },
          { field: "host.os.type", equals: "windows", orMissing: true },
        ],
        indexPatterns: [
          "logs-endpoint.events.process-*",
          "logs-m365_defender.event-*",
          "logs-crowdstrike.fdr-*",
          "logs-system.security-*",
        ],
        fields: "process_creation",
      },
    });
  });

  it("rejects service logsources", () => {
    expect(lookupLogsource({ product: "windows", service: "security" })).toEqual({
      kind: "unsupported",
      reason: "logsource service security has no EQL target; use a category logsource",
    });
  });

  it("rejects an unknown category", () => {
    const lookup = lookupLogsource({ product: "linux", category: "process_creation" });
    expect(lookup.kind).toBe("unsupported");
    expect(lookup.kind === "unsupported" && lookup.reason).toMatch(
      /^logsource linux\/process_creation has no EQL target; supported: windows\/process_creation, /,
    );
  });
});
