/**
 * Windows event ingestion: turns Windows event log records exported as JSON
 * into the ECS documents that Elastic's integrations index for them. Sysmon
 * event 1 maps as the Windows integration's `windows.sysmon_operational`
 * pipeline does, Security event 4688 as the System integration's
 * `system.security` pipeline does.
 */
import {
  type EcsDocument,
  type EcsValue,
  sortKeys,
  type WinlogMappingOptions,
} from "./winlog/common.js";
import { readJsonRecords } from "./winlog/json-stream.js";
import { readWinlogRecord, type WinlogRecord } from "./winlog/record.js";
import {
  mapSecurityProcessCreation,
  SECURITY_PROVIDER,
} from "./winlog/security.js";
import { mapSysmonProcessCreation, SYSMON_PROVIDER } from "./winlog/sysmon.js";

export type { EcsDocument, EcsValue, WinlogMappingOptions };
export { WinlogRecordError } from "./winlog/errors.js";
export type { WinlogRecord } from "./winlog/record.js";
export {
  splitSecurityCommandLine,
  splitWindowsCommandLine,
} from "./winlog/command-line.js";

/** A record that was read but is of an event type without a mapping. */
export interface SkippedRecord {
  file: string;
  record: number;
  provider: string;
  eventId: number;
  reason: string;
}

/** Documents in input order, plus the records that have no mapping. */
export interface WinlogIngestResult {
  documents: EcsDocument[];
  skipped: SkippedRecord[];
}

export const DEFAULT_WINLOG_OPTIONS: WinlogMappingOptions = {
  namespace: "default",
};

type Mapping = (
  record: WinlogRecord,
  options: WinlogMappingOptions,
) => EcsDocument;

// NOTE: Maps only Sysmon event 1 and Security 4688. Others are skipped.
const MAPPINGS: { provider: string; eventId: number; map: Mapping }[] = [
  { provider: SYSMON_PROVIDER, eventId: 1, map: mapSysmonProcessCreation },
  {
    provider: SECURITY_PROVIDER,
    eventId: 4688,
    map: mapSecurityProcessCreation,
  },
];

/**
 * Reads the Windows event records in `text` (JSON object, JSON array,
 * NDJSON or concatenated objects) and maps each supported record to ECS.
 * Records of other event types are listed in `skipped`. Throws
 * WinlogRecordError, naming file, record and field, on malformed input.
 */
export function ingestWinlogJson(
  text: string,
  file: string,
  options: WinlogMappingOptions = DEFAULT_WINLOG_OPTIONS,
): WinlogIngestResult {
  const result: WinlogIngestResult = { documents: [], skipped: [] };
  for (const input of readJsonRecords(text, file)) {
    const record = readWinlogRecord(input, file);
    const mapping = MAPPINGS.find(
      (candidate) =>
        candidate.provider === record.providerName &&
        candidate.eventId === record.eventId,
    );
    if (mapping === undefined) {
      result.skipped.push(skippedRecord(record));
      continue;
    }
    result.documents.push(
      sortKeys(mapping.map(record, options)) as EcsDocument,
    );
  }
  return result;
}

function skippedRecord(record: WinlogRecord): SkippedRecord {
  return {
    file: record.file,
    record: record.record,
    provider: record.providerName,
    eventId: record.eventId,
    reason:
      `no mapping for ${record.providerName} event ${record.eventId}; ` +
      "supported are Sysmon event 1 and Security event 4688",
  };
}

/** Serializes documents as NDJSON, one newline-terminated line each. */
export function formatNdjson(documents: EcsDocument[]): string {
  return documents.map((document) => `${JSON.stringify(document)}\n`).join("");
}
