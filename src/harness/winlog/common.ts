import { WinlogRecordError } from "./errors.js";
import type { WinlogRecord } from "./record.js";

/** A JSON object as it would sit in an Elasticsearch document's _source. */
export type EcsDocument = { [field: string]: EcsValue };
export type EcsValue =
  string | number | boolean | null | EcsValue[] | EcsDocument;

/** Options every mapping takes. */
export interface WinlogMappingOptions {
  /** `data_stream.namespace`; Fleet's default policy uses "default". */
  namespace: string;
}

const TIMESTAMP =
  /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?(Z|[+-]\d{2}:?\d{2})?$/;

/**
 * Converts a Windows timestamp such as `2025-12-10T04:33:20.562782Z` or
 * Sysmon's `2025-12-10 04:33:20.557` (UTC) to the millisecond ISO form that
 * the ingest pipelines' date processor writes. Returns null when the text is
 * no timestamp.
 */
export function toIsoMillis(value: string): string | null {
  const match = TIMESTAMP.exec(value.trim());
  if (!match) return null;
  const [, year, month, day, hour, minute, second, fraction, zone] = match;
  const millis = Number(((fraction ?? "") + "000").slice(0, 3));
  const utc = Date.UTC(
    Number(year),
    Number(month) - 1,
    Number(day),
    Number(hour),
    Number(minute),
    Number(second),
    millis,
  );
  const date = new Date(utc - zoneOffsetMinutes(zone) * 60_000);
  return Number.isNaN(date.getTime()) ? null : date.toISOString();
}

function zoneOffsetMinutes(zone: string | undefined): number {
  if (zone === undefined || zone === "Z") return 0;
  const sign = zone.startsWith("-") ? -1 : 1;
  const digits = zone.slice(1).replace(":", "");
  return sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2)));
}

/** TimeCreated as milliseconds ISO; throws when it is not a timestamp. */
export function timeCreatedIso(record: WinlogRecord): string {
  const iso = toIsoMillis(record.timeCreated);
  if (iso !== null) return iso;
  throw new WinlogRecordError(
    record.file,
    record.record,
    "System.TimeCreated.SystemTime",
    "expected an ISO 8601 timestamp, got " +
      `${JSON.stringify(record.timeCreated)}.`,
  );
}

/**
 * Level names as Winlogbeat renders them, lowercased. Level 0 (LogAlways)
 * is what the Security log uses, and Winlogbeat reports it as information.
 */
const LEVEL_NAMES: Record<number, string> = {
  0: "information",
  1: "critical",
  2: "error",
  3: "warning",
  4: "information",
  5: "verbose",
};

/** `log.level` from System.Level, or undefined for an unknown level. */
export function levelName(record: WinlogRecord): string | undefined {
  return record.level === undefined ? undefined : LEVEL_NAMES[record.level];
}

/**
 * Builds the `winlog` fields that Winlogbeat fills from the System section.
 * Opcode 0 is rendered as "Info". Other opcodes need the provider's manifest,
 * so they are left out.
 */
export function winlogSystemFields(record: WinlogRecord): EcsDocument {
  const winlog: EcsDocument = {
    channel: record.channel ?? null,
    computer_name: record.computer ?? null,
    event_id: String(record.eventId),
    opcode: record.opcode === 0 ? "Info" : null,
    provider_guid: record.providerGuid ?? null,
    provider_name: record.providerName,
    record_id: record.recordId ?? null,
    version: record.version ?? null,
  };
  if (record.processId !== undefined) {
    const process: EcsDocument = { pid: record.processId };
    if (record.threadId !== undefined) process.thread = { id: record.threadId };
    winlog.process = process;
  }
  return dropNulls(winlog);
}

/**
 * Builds `host.*`. The agent that reads the log fills these from the machine
 * it runs on. Offline, the record's Computer is used in its place.
 */
export function hostFields(record: WinlogRecord): EcsDocument | null {
  if (record.computer === undefined) return null;
  return {
    hostname: record.computer,
    name: record.computer,
    os: { family: "windows", platform: "windows", type: "windows" },
  };
}

/** Builds `data_stream.*` for the data stream of `dataset`. */
export function dataStreamFields(
  dataset: string,
  options: WinlogMappingOptions,
): EcsDocument {
  return { dataset, namespace: options.namespace, type: "logs" };
}

/** Removes null and undefined members, so absent fields stay absent. */
export function dropNulls(document: {
  [field: string]: EcsValue | undefined;
}): EcsDocument {
  const result: EcsDocument = {};
  for (const [field, value] of Object.entries(document)) {
    if (value !== null && value !== undefined) result[field] = value;
  }
  return result;
}

/** Returns the document with object keys sorted at every level. */
export function sortKeys(value: EcsValue): EcsValue {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value === null || typeof value !== "object") return value;
  const sorted: EcsDocument = {};
  for (const key of Object.keys(value).sort()) {
    sorted[key] = sortKeys(value[key] as EcsValue);
  }
  return sorted;
}

/** Splits `DOMAIN\user` into its two parts, or null for any other shape. */
export function splitDomainUser(
  value: string,
): { domain: string; name: string } | null {
  const parts = value.split("\\");
  if (parts.length !== 2) return null;
  return { domain: parts[0] as string, name: parts[1] as string };
}
