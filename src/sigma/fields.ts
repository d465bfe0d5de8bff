/**
 * Field mapping from the Sigma taxonomy (Windows) to ECS, one table per
 * logsource category, as Elastic's Windows integration and Elastic Defend
 * fill the fields. Rules may also name ECS fields directly: a name with a dot
 * that ECS defines (such as `process.name`) passes through unchanged.
 */

/** Mapping of one Sigma field to ECS fields. */
export type FieldMapping =
  | { kind: "ecs"; field: string }
  /**
   * Sigma's `User` is `DOMAIN\name`; ECS splits it into a domain field and a
   * name field (Elastic's Windows integration splits Sysmon's User at the
   * backslash). `domainField` is null when ECS has no domain for it.
   */
  | { kind: "user"; nameField: string; domainField: string | null }
  /**
   * Sysmon's `Hashes` is `MD5=...,SHA256=...,IMPHASH=...`; ECS has one field
   * per algorithm. A value maps to the field its `ALGORITHM=` prefix names.
   */
  | { kind: "hashes"; fields: Record<string, string> }
  /** A field whose Sigma values are renamed, such as Initiated to egress. */
  | { kind: "values"; field: string; values: Record<string, string> }
  /** Registry data: Sysmon's `DWORD (0x...)` text becomes a decimal string. */
  | { kind: "registry-data"; field: string }
  | { kind: "unsupported"; reason: string };

const processHashes: Record<string, string> = {
  MD5: "process.hash.md5",
  SHA1: "process.hash.sha1",
  SHA256: "process.hash.sha256",
  SHA384: "process.hash.sha384",
  SHA512: "process.hash.sha512",
  IMPHASH: "process.pe.imphash",
};

const fileHashes: Record<string, string> = {
  MD5: "file.hash.md5",
  SHA1: "file.hash.sha1",
  SHA256: "file.hash.sha256",
  SHA384: "file.hash.sha384",
  SHA512: "file.hash.sha512",
  IMPHASH: "file.pe.imphash",
};

const noEcsField = (field: string): FieldMapping => ({
  kind: "unsupported",
  reason: `Sigma field ${field} has no ECS equivalent`,
});

/** Fields every Windows category shares: the acting process and user. */
const windowsCommon: Record<string, FieldMapping> = {
  Image: { kind: "ecs", field: "process.executable" },
  ProcessId: { kind: "ecs", field: "process.pid" },
  ProcessGuid: { kind: "ecs", field: "process.entity_id" },
  User: { kind: "user", nameField: "user.name", domainField: "user.domain" },
  Computer: { kind: "ecs", field: "host.name" },
  ComputerName: { kind: "ecs", field: "host.name" },
  EventID: { kind: "ecs", field: "event.code" },
  Provider_Name: { kind: "ecs", field: "event.provider" },
  LogonId: noEcsField("LogonId"),
  LogonGuid: noEcsField("LogonGuid"),
  IntegrityLevel: noEcsField("IntegrityLevel"),
  TerminalSessionId: noEcsField("TerminalSessionId"),
};

/** Process creation: Sysmon event 1, Security 4688, EDR process starts. */
const processCreation: Record<string, FieldMapping> = {
  ...windowsCommon,
  CommandLine: { kind: "ecs", field: "process.command_line" },
  OriginalFileName: { kind: "ecs", field: "process.pe.original_file_name" },
  Product: { kind: "ecs", field: "process.pe.product" },
  Company: { kind: "ecs", field: "process.pe.company" },
  Description: { kind: "ecs", field: "process.pe.description" },
  FileVersion: { kind: "ecs", field: "process.pe.file_version" },
  CurrentDirectory: { kind: "ecs", field: "process.working_directory" },
  Hashes: { kind: "hashes", fields: processHashes },
  md5: { kind: "ecs", field: "process.hash.md5" },
  sha1: { kind: "ecs", field: "process.hash.sha1" },
  sha256: { kind: "ecs", field: "process.hash.sha256" },
  Imphash: { kind: "ecs", field: "process.pe.imphash" },
  ParentImage: { kind: "ecs", field: "process.parent.executable" },
  ParentCommandLine: { kind: "ecs", field: "process.parent.command_line" },
  ParentProcessId: { kind: "ecs", field: "process.parent.pid" },
  ParentProcessGuid: { kind: "ecs", field: "process.parent.entity_id" },
  ParentUser: { kind: "user", nameField: "process.parent.user.name", domainField: null },
  // ECS has no integrity level. This field comes from Elastic Defend and
  // Elastic's CrowdStrike FDR pipeline, which name levels in other cases than
  // Sysmon; string matching is case-insensitive unless the rule says `cased`.
  // NOTE: Defender XDR and Security event 4688 data do not fill it, so rules
  // on IntegrityLevel only see Elastic Defend and CrowdStrike events.
  IntegrityLevel: { kind: "ecs", field: "process.Ext.token.integrity_level_name" },
  ParentIntegrityLevel: noEcsField("ParentIntegrityLevel"),
};

/** Image load (Sysmon event 7): the loaded module is the `file`. */
const imageLoad: Record<string, FieldMapping> = {
  ...windowsCommon,
  ImageLoaded: { kind: "ecs", field: "file.path" },
  OriginalFileName: { kind: "ecs", field: "file.pe.original_file_name" },
  Product: { kind: "ecs", field: "file.pe.product" },
  Company: { kind: "ecs", field: "file.pe.company" },
  Description: { kind: "ecs", field: "file.pe.description" },
  FileVersion: { kind: "ecs", field: "file.pe.file_version" },
  Hashes: { kind: "hashes", fields: fileHashes },
  Signed: noEcsField("Signed"),
  Signature: { kind: "ecs", field: "file.code_signature.subject_name" },
  SignatureStatus: { kind: "ecs", field: "file.code_signature.status" },
};

/** Driver load (Sysmon event 6). */
const driverLoad: Record<string, FieldMapping> = {
  ...windowsCommon,
  ImageLoaded: { kind: "ecs", field: "file.path" },
  Hashes: { kind: "hashes", fields: fileHashes },
  Signed: noEcsField("Signed"),
  Signature: { kind: "ecs", field: "file.code_signature.subject_name" },
  SignatureStatus: { kind: "ecs", field: "file.code_signature.status" },
};

/** File events (Sysmon events 2, 11, 23, 26 and others). */
const fileEvent: Record<string, FieldMapping> = {
  ...windowsCommon,
  TargetFilename: { kind: "ecs", field: "file.path" },
  Hashes: { kind: "hashes", fields: fileHashes },
  CreationUtcTime: noEcsField("CreationUtcTime"),
  PreviousCreationUtcTime: noEcsField("PreviousCreationUtcTime"),
};

/** Registry events (Sysmon events 12, 13, 14). */
const registryEvent: Record<string, FieldMapping> = {
  ...windowsCommon,
  TargetObject: { kind: "ecs", field: "registry.path" },
  Details: { kind: "registry-data", field: "registry.data.strings" },
  EventType: noEcsField("EventType"),
  NewName: noEcsField("NewName"),
};

/** Network connections (Sysmon event 3). */
const networkConnection: Record<string, FieldMapping> = {
  ...windowsCommon,
  DestinationIp: { kind: "ecs", field: "destination.ip" },
  DestinationPort: { kind: "ecs", field: "destination.port" },
  DestinationHostname: { kind: "ecs", field: "destination.domain" },
  SourceIp: { kind: "ecs", field: "source.ip" },
  SourcePort: { kind: "ecs", field: "source.port" },
  SourceHostname: { kind: "ecs", field: "source.domain" },
  Protocol: { kind: "ecs", field: "network.transport" },
  Initiated: {
    kind: "values",
    field: "network.direction",
    values: { true: "egress", false: "ingress" },
  },
  DestinationPortName: { kind: "ecs", field: "network.protocol" },
  DestinationIsIpv6: noEcsField("DestinationIsIpv6"),
  SourceIsIpv6: noEcsField("SourceIsIpv6"),
};

/** DNS queries (Sysmon event 22). */
const dnsQuery: Record<string, FieldMapping> = {
  ...windowsCommon,
  QueryName: { kind: "ecs", field: "dns.question.name" },
  QueryStatus: noEcsField("QueryStatus"),
  QueryResults: noEcsField("QueryResults"),
};

/** Named pipe creation (Sysmon event 17): the pipe name is `file.name`. */
const pipeCreated: Record<string, FieldMapping> = {
  ...windowsCommon,
  PipeName: { kind: "ecs", field: "file.name" },
  EventType: noEcsField("EventType"),
};

/** Field tables by name; logsources.ts points each logsource at one. */
export const fieldTables = {
  process_creation: processCreation,
  image_load: imageLoad,
  driver_load: driverLoad,
  file_event: fileEvent,
  registry_event: registryEvent,
  network_connection: networkConnection,
  dns_query: dnsQuery,
  pipe_created: pipeCreated,
} satisfies Record<string, Record<string, FieldMapping>>;

export type FieldTableName = keyof typeof fieldTables;

/**
 * Finds the mapping of a Sigma field in a table. Returns undefined when the
 * table lacks it; the caller then accepts ECS names as they are.
 */
export function lookupField(table: FieldTableName, field: string): FieldMapping | undefined {
  const entries: Record<string, FieldMapping> = fieldTables[table];
  return Object.hasOwn(entries, field) ? entries[field] : undefined;
}
