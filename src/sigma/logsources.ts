/**
 * Logsource table: which EQL event category, base condition, Kibana index
 * patterns and field table each Sigma logsource converts to. The entries are
 * data so they can be adjusted per data source without touching converters.
 */
import type { FieldTableName } from "./fields.js";
import type { SigmaLogsource } from "./model.js";

/** `field == value`, or `field in (values)` for a list. */
export interface BaseTerm {
  field: string;
  equals: string | string[];
  /** Also accept events without the field, for sources that never set it. */
  orMissing?: boolean;
}

export interface LogsourceTarget {
  /** EQL event category, matched against `event.category`. */
  category: string;
  /** Terms every matching event meets, joined with `and`. */
  base: BaseTerm[];
  indexPatterns: string[];
  fields: FieldTableName;
}

interface LogsourceEntry {
  product: string;
  category: string;
  target: LogsourceTarget | { unsupported: string };
}

const sysmonIndex = ["logs-windows.sysmon_operational-*"];

const sysmon = (
  category: string,
  codes: string[],
  fields: FieldTableName,
): LogsourceTarget => ({
  category,
  base: [{ field: "event.code", equals: codes.length === 1 ? codes[0]! : codes }],
  indexPatterns: sysmonIndex,
  fields,
});

const logsources: LogsourceEntry[] = [
  {
    product: "windows",
    category: "process_creation",
    target: {
      category: "process",
      base: [
        { field: "event.type", equals: "start" },
        // Defender XDR process events carry no host.os.type, because the
        // m365_defender pipeline sets it only from OSPlatform, which
        // DeviceProcessEvents lacks. A missing value therefore passes.
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
  },
  // Sysmon event 7 is a `process` event in Elastic's Windows integration.
  { product: "windows", category: "image_load", target: sysmon("process", ["7"], "image_load") },
  { product: "windows", category: "driver_load", target: sysmon("driver", ["6"], "driver_load") },
  { product: "windows", category: "file_event", target: sysmon("file", ["11"], "file_event") },
  { product: "windows", category: "file_change", target: sysmon("file", ["2"], "file_event") },
  { product: "windows", category: "file_delete", target: sysmon("file", ["23", "26"], "file_event") },
  {
    product: "windows",
    category: "file_executable_detected",
    target: sysmon("file", ["29"], "file_event"),
  },
  { product: "windows", category: "file_block_executable", target: sysmon("file", ["27"], "file_event") },
  { product: "windows", category: "file_block_shredding", target: sysmon("file", ["28"], "file_event") },
  {
    product: "windows",
    category: "registry_event",
    target: sysmon("registry", ["12", "13", "14"], "registry_event"),
  },
  { product: "windows", category: "registry_set", target: sysmon("registry", ["13"], "registry_event") },
  { product: "windows", category: "registry_rename", target: sysmon("registry", ["14"], "registry_event") },
  {
    product: "windows",
    category: "registry_add",
    target: {
      unsupported:
        "Sysmon event 12 stores key creation and deletion alike; only the non-ECS field winlog.event_data.EventType tells them apart",
    },
  },
  {
    product: "windows",
    category: "registry_delete",
    target: {
      unsupported:
        "Sysmon event 12 stores key creation and deletion alike; only the non-ECS field winlog.event_data.EventType tells them apart",
    },
  },
  {
    product: "windows",
    category: "network_connection",
    target: sysmon("network", ["3"], "network_connection"),
  },
  { product: "windows", category: "dns_query", target: sysmon("network", ["22"], "dns_query") },
  { product: "windows", category: "pipe_created", target: sysmon("file", ["17"], "pipe_created") },
  {
    product: "windows",
    category: "create_remote_thread",
    target: { unsupported: "ECS has no fields for the target process of a remote thread" },
  },
  {
    product: "windows",
    category: "process_access",
    target: { unsupported: "ECS has no fields for the accessed process or the granted access" },
  },
  {
    product: "windows",
    category: "ps_script",
    target: { unsupported: "ECS has no field for PowerShell script block text" },
  },
  {
    product: "windows",
    category: "ps_module",
    target: { unsupported: "ECS has no field for PowerShell module logging payloads" },
  },
  {
    product: "windows",
    category: "ps_classic_start",
    target: { unsupported: "ECS has no field for PowerShell classic event data" },
  },
];

/** Result of looking up a logsource. */
export type LogsourceLookup =
  | { kind: "found"; target: LogsourceTarget }
  | { kind: "unsupported"; reason: string };

/** Finds the target of a rule's logsource. */
export function lookupLogsource(logsource: SigmaLogsource): LogsourceLookup {
  if (logsource.service !== undefined) {
    return {
      kind: "unsupported",
      reason: `logsource service ${logsource.service} has no EQL target; use a category logsource`,
    };
  }
  const entry = logsources.find(
    (candidate) =>
      candidate.product === logsource.product && candidate.category === logsource.category,
  );
  if (entry === undefined) {
    const known = logsources
      .filter((candidate) => "category" in candidate.target)
      .map((candidate) => `${candidate.product}/${candidate.category}`);
    return {
      kind: "unsupported",
      reason: `logsource ${logsource.product ?? "(no product)"}/${logsource.category ?? "(no category)"} has no EQL target; supported: ${known.join(", ")}`,
    };
  }
  if ("unsupported" in entry.target) return { kind: "unsupported", reason: entry.target.unsupported };
  return { kind: "found", target: entry.target };
}
