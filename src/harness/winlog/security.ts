import { splitSecurityCommandLine } from "./command-line.js";
import {
  dataStreamFields,
  dropNulls,
  type EcsDocument,
  hostFields,
  levelName,
  timeCreatedIso,
  type WinlogMappingOptions,
  winlogSystemFields,
} from "./common.js";
import { WinlogRecordError } from "./errors.js";
import type { WinlogRecord } from "./record.js";

export const SECURITY_PROVIDER = "Microsoft-Windows-Security-Auditing";
export const SECURITY_DATASET = "system.security";

/** Event data the 4688 script moves into `process.*` and deletes. */
const CONSUMED_FIELDS = ["NewProcessId", "NewProcessName", "ParentProcessName"];

/** Keyword bits of the Security log, as Winlogbeat names them. */
const AUDIT_SUCCESS = 0x0020000000000000n;
const AUDIT_FAILURE = 0x0010000000000000n;

/**
 * Maps a Security event 4688 (a new process has been created) record to the
 * document that the System integration's `system.security` pipeline would
 * index. Throws WinlogRecordError on a malformed timestamp or process ID.
 */
export function mapSecurityProcessCreation(
  record: WinlogRecord,
  options: WinlogMappingOptions,
): EcsDocument {
  const data = record.eventData;
  const outcome = auditOutcome(record);
  const level = levelName(record);
  return dropNulls({
    "@timestamp": timeCreatedIso(record),
    // NOTE: No event.created, which the agent sets when it reads the record.
    data_stream: dataStreamFields(SECURITY_DATASET, options),
    // The ECS version that the system.security pipeline writes.
    ecs: { version: "8.11.0" },
    event: dropNulls({
      action: "created-process",
      category: ["process"],
      code: String(record.eventId),
      dataset: SECURITY_DATASET,
      kind: "event",
      module: "system",
      outcome: outcome?.event ?? null,
      provider: record.providerName,
      type: ["start"],
    }),
    host: hostFields(record),
    log: level === undefined ? null : { level },
    process: processFields(record, data),
    related: relatedFields(data),
    user: userFields(data),
    winlog: winlogFields(record, data, outcome),
  });
}

interface AuditOutcome {
  keyword: string;
  event: "success" | "failure";
}

function auditOutcome(record: WinlogRecord): AuditOutcome | null {
  if (
    record.keywords === undefined ||
    !/^0x[0-9a-f]+$/i.test(record.keywords)
  ) {
    return null;
  }
  const bits = BigInt(record.keywords);
  if ((bits & AUDIT_SUCCESS) !== 0n) {
    return { keyword: "Audit Success", event: "success" };
  }
  if ((bits & AUDIT_FAILURE) !== 0n) {
    return { keyword: "Audit Failure", event: "failure" };
  }
  return null;
}

function processFields(
  record: WinlogRecord,
  data: Record<string, string>,
): EcsDocument {
  const process = dropNulls({
    pid: decodePid(record, data, "NewProcessId"),
    executable: data.NewProcessName,
    name: lastPathPart(data.NewProcessName),
    command_line: data.CommandLine,
    args:
      data.CommandLine === undefined
        ? null
        : splitSecurityCommandLine(data.CommandLine),
  });
  const parent = dropNulls({
    pid: decodePid(record, data, "ProcessId"),
    executable: data.ParentProcessName,
    name: lastPathPart(data.ParentProcessName),
  });
  if (Object.keys(parent).length > 0) process.parent = parent;
  return process;
}

/**
 * Java's Long.decode, which the pipeline applies to process IDs: `0x`, `0X`
 * or `#` for hexadecimal, a leading `0` for octal, otherwise decimal.
 */
function decodePid(
  record: WinlogRecord,
  data: Record<string, string>,
  field: string,
): number | null {
  const value = data[field];
  if (value === undefined) return null;
  const match = /^([+-]?)(0[xX]|#|0(?=\d))?([0-9a-fA-F]+)$/.exec(value);
  let radix = 10;
  if (match?.[2] === "0") radix = 8;
  else if (match?.[2] !== undefined) radix = 16;
  const digits = match?.[3] ?? "";
  const valid = radix === 16 || new RegExp(`^[0-${radix - 1}]+$`).test(digits);
  const number = Number.parseInt(digits, radix);
  if (match && valid && Number.isSafeInteger(number)) {
    return match[1] === "-" ? -number : number;
  }
  throw new WinlogRecordError(
    record.file,
    record.record,
    `EventData.${field}`,
    `expected a process ID such as "0x1a2c", got ${JSON.stringify(value)}.`,
  );
}

/** Returns the text after the last backslash, or the whole text without one. */
function lastPathPart(path: string | undefined): string | null {
  if (path === undefined) return null;
  return path.slice(path.lastIndexOf("\\") + 1);
}

/**
 * Builds `user` from the creator (Subject) account and `user.effective` from
 * the Target account.
 */
function userFields(data: Record<string, string>): EcsDocument | null {
  const user = dropNulls({
    domain: data.SubjectDomainName,
    id: data.SubjectUserSid,
    name: data.SubjectUserName,
  });
  const effective = dropNulls({
    domain: meaningful(data.TargetDomainName),
    id: meaningful(data.TargetUserSid),
    name: meaningful(data.TargetUserName)?.split("@")[0],
  });
  if (Object.keys(effective).length > 0) user.effective = effective;
  return Object.keys(user).length > 0 ? user : null;
}

/** Returns the value unless it is "-" or "", which Windows writes for none. */
function meaningful(value: string | undefined): string | undefined {
  return value === undefined || value === "" || value === "-"
    ? undefined
    : value;
}

function relatedFields(data: Record<string, string>): EcsDocument | null {
  const users: string[] = [];
  const add = (name: string | undefined): void => {
    if (name !== undefined && !users.includes(name)) users.push(name);
  };
  add(data.SubjectUserName);
  add(meaningful(data.TargetUserName)?.split("@")[0]);
  add(meaningful(data.TargetUserName));
  return users.length > 0 ? { user: users } : null;
}

function winlogFields(
  record: WinlogRecord,
  data: Record<string, string>,
  outcome: AuditOutcome | null,
): EcsDocument {
  const winlog = winlogSystemFields(record);
  const eventData: EcsDocument = {};
  for (const [name, value] of Object.entries(data)) {
    if (!CONSUMED_FIELDS.includes(name)) eventData[name] = value;
  }
  if (Object.keys(eventData).length > 0) winlog.event_data = eventData;
  if (outcome !== null) {
    winlog.keywords = [outcome.keyword];
    winlog.outcome = outcome.event;
  }
  if (data.SubjectLogonId !== undefined)
    winlog.logon = { id: data.SubjectLogonId };
  if (record.task === 13312) winlog.task = "Process Creation";
  winlog.time_created = record.timeCreated;
  if (record.userId) winlog.user = { identifier: record.userId };
  return winlog;
}
