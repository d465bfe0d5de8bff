import { splitWindowsCommandLine } from "./command-line.js";
import {
  dataStreamFields,
  dropNulls,
  type EcsDocument,
  hostFields,
  levelName,
  splitDomainUser,
  timeCreatedIso,
  toIsoMillis,
  type WinlogMappingOptions,
  winlogSystemFields,
} from "./common.js";
import { WinlogRecordError } from "./errors.js";
import { parseSysmonHashes } from "./hashes.js";
import { bracedGuid, type WinlogRecord } from "./record.js";

export const SYSMON_PROVIDER = "Microsoft-Windows-Sysmon";
export const SYSMON_DATASET = "windows.sysmon_operational";

/** Values the Sysmon pipeline removes from event data before mapping. */
const EMPTY_VALUES = new Set([
  "",
  "-",
  "{00000000-0000-0000-0000-000000000000}",
]);

const GUID_FIELDS = ["ProcessGuid", "ParentProcessGuid", "LogonGuid"];

/**
 * Event data the pipeline moves into ECS fields (renames) or deletes at the
 * end. Company, Description, FileVersion and Product are copied, so they
 * stay in `winlog.event_data` as well.
 */
const CONSUMED_FIELDS = [
  "CommandLine",
  "CurrentDirectory",
  "Hash",
  "Hashes",
  "Image",
  "OriginalFileName",
  "ParentCommandLine",
  "ParentImage",
  "ParentProcessGuid",
  "ParentProcessId",
  "ProcessGuid",
  "ProcessId",
  "RuleName",
  "User",
  "UtcTime",
];

/**
 * Maps a Sysmon event 1 (process creation) record to the document that the
 * Windows integration's `windows.sysmon_operational` pipeline would index.
 * Throws WinlogRecordError on a malformed timestamp or process ID.
 */
export function mapSysmonProcessCreation(
  record: WinlogRecord,
  options: WinlogMappingOptions,
): EcsDocument {
  const data = cleanEventData(record.eventData);
  const hashes = parseSysmonHashes(data.Hashes ?? data.Hash ?? "");
  const user = userFields(record, data);

  const document = dropNulls({
    "@timestamp": sysmonTimestamp(record, data),
    data_stream: dataStreamFields(SYSMON_DATASET, options),
    // The ECS version that the sysmon_operational pipeline writes.
    ecs: { version: "8.0.0" },
    event: eventFields(record),
    host: hostFields(record),
    log: logFields(record),
    process: processFields(record, data, hashes),
    related: relatedFields(hashes, user),
    rule: data.RuleName === undefined ? null : { name: data.RuleName },
    user,
    winlog: winlogFields(record, data),
  });
  return document;
}

function cleanEventData(
  eventData: Record<string, string>,
): Record<string, string> {
  const data: Record<string, string> = {};
  for (const [name, value] of Object.entries(eventData)) {
    const normalized = GUID_FIELDS.includes(name) ? bracedGuid(value) : value;
    if (!EMPTY_VALUES.has(normalized)) data[name] = normalized;
  }
  return data;
}

/** Returns UtcTime when it parses, else TimeCreated, as the pipeline does. */
function sysmonTimestamp(
  record: WinlogRecord,
  data: Record<string, string>,
): string {
  const utcTime = data.UtcTime === undefined ? null : toIsoMillis(data.UtcTime);
  return utcTime ?? timeCreatedIso(record);
}

function eventFields(record: WinlogRecord): EcsDocument {
  return {
    action: "Process creation",
    category: ["process"],
    code: String(record.eventId),
    created: timeCreatedIso(record),
    dataset: SYSMON_DATASET,
    kind: "event",
    module: "windows",
    provider: record.providerName,
    type: ["start"],
  };
}

function logFields(record: WinlogRecord): EcsDocument | null {
  const level = levelName(record);
  return level === undefined ? null : { level };
}

function processFields(
  record: WinlogRecord,
  data: Record<string, string>,
  hashes: Map<string, string>,
): EcsDocument {
  const process = dropNulls({
    entity_id: data.ProcessGuid,
    pid: pidField(record, data, "ProcessId"),
    executable: data.Image,
    name: executableName(data.Image),
    command_line: data.CommandLine,
    working_directory: data.CurrentDirectory,
    ...argsFields(data.CommandLine),
    hash: hashFields(hashes),
    pe: peFields(data, hashes),
  });
  const parent = dropNulls({
    entity_id: data.ParentProcessGuid,
    pid: pidField(record, data, "ParentProcessId"),
    executable: data.ParentImage,
    name: executableName(data.ParentImage),
    command_line: data.ParentCommandLine,
    ...argsFields(data.ParentCommandLine),
  });
  if (Object.keys(parent).length > 0) process.parent = parent;
  return process;
}

function pidField(
  record: WinlogRecord,
  data: Record<string, string>,
  field: "ProcessId" | "ParentProcessId",
): number | null {
  const value = data[field];
  if (value === undefined) return null;
  if (/^\d+$/.test(value) && Number.isSafeInteger(Number(value))) {
    return Number(value);
  }
  throw new WinlogRecordError(
    record.file,
    record.record,
    `EventData.${field}`,
    `expected a decimal process ID, got ${JSON.stringify(value)}.`,
  );
}

function argsFields(commandLine: string | undefined): EcsDocument {
  if (commandLine === undefined) return {};
  const args = splitWindowsCommandLine(commandLine);
  return { args, args_count: args.length };
}

/** Returns the text after the last backslash, or null without one. */
function executableName(executable: string | undefined): string | null {
  if (executable === undefined || executable.length <= 1) return null;
  const name = executable.slice(executable.lastIndexOf("\\") + 1);
  return executable.includes("\\") && name !== "" ? name : null;
}

/** `process.hash.*`; the pipeline moves the import hash to `process.pe`. */
function hashFields(hashes: Map<string, string>): EcsDocument | null {
  const hash: EcsDocument = {};
  for (const [algorithm, value] of hashes) {
    if (algorithm !== "imphash") hash[algorithm] = value;
  }
  return Object.keys(hash).length > 0 ? hash : null;
}

function peFields(
  data: Record<string, string>,
  hashes: Map<string, string>,
): EcsDocument | null {
  const pe = dropNulls({
    company: data.Company,
    description: data.Description,
    file_version: data.FileVersion,
    imphash: hashes.get("imphash"),
    original_file_name: data.OriginalFileName,
    product: data.Product,
  });
  return Object.keys(pe).length > 0 ? pe : null;
}

/**
 * `user.id` is the SID in the record's System section (the account Sysmon
 * logs as), while `user.name` and `user.domain` come from the User event
 * data, the account the new process runs as.
 */
function userFields(
  record: WinlogRecord,
  data: Record<string, string>,
): EcsDocument | null {
  const account = data.User === undefined ? null : splitDomainUser(data.User);
  const user = dropNulls({
    domain: account?.domain || null,
    id: record.userId || null,
    name: account?.name || null,
  });
  return Object.keys(user).length > 0 ? user : null;
}

function relatedFields(
  hashes: Map<string, string>,
  user: EcsDocument | null,
): EcsDocument | null {
  const related: EcsDocument = {};
  if (hashes.size > 0) related.hash = [...hashes.values()];
  if (typeof user?.name === "string") related.user = [user.name];
  return Object.keys(related).length > 0 ? related : null;
}

function winlogFields(
  record: WinlogRecord,
  data: Record<string, string>,
): EcsDocument {
  const winlog = winlogSystemFields(record);
  const eventData: EcsDocument = {};
  for (const [name, value] of Object.entries(data)) {
    if (!CONSUMED_FIELDS.includes(name)) eventData[name] = value;
  }
  if (Object.keys(eventData).length > 0) winlog.event_data = eventData;
  if (record.userId) winlog.user = { identifier: record.userId };
  return winlog;
}
