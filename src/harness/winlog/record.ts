import { WinlogRecordError } from "./errors.js";
import type { JsonRecord } from "./json-stream.js";

/**
 * The System section and event data of one Windows event log record, read
 * from any of the JSON renderings the reader accepts. Event data values are
 * strings, as Winlogbeat and Elastic Agent deliver them to the pipelines.
 */
export interface WinlogRecord {
  /** Source file and record number, for error messages. */
  file: string;
  record: number;
  providerName: string;
  /** Provider GUID in braces, as Windows renders it, when present. */
  providerGuid?: string;
  eventId: number;
  version?: number;
  level?: number;
  task?: number;
  opcode?: number;
  /** The Keywords bit mask as written, such as `0x8020000000000000`. */
  keywords?: string;
  /** TimeCreated SystemTime as written. */
  timeCreated: string;
  recordId?: string;
  channel?: string;
  computer?: string;
  /** Execution ProcessID and ThreadID: the process that logged the event. */
  processId?: number;
  threadId?: number;
  /** Security UserID: the SID the provider logged the event as. */
  userId?: string;
  eventData: Record<string, string>;
}

type JsonObject = Record<string, unknown>;

/**
 * Reads one record in the `{Event: {System, EventData}}` rendering. XML
 * attributes may be under `#attributes` (evtx_dump) or prefixed with `@`
 * (xmltodict), and element text under `#text`. Event data may be a map of
 * names to values or a `Data` list of `{Name, #text}` elements. Throws
 * WinlogRecordError when a required field is missing or malformed.
 */
export function readWinlogRecord(
  input: JsonRecord,
  file: string,
): WinlogRecord {
  const fail = (field: string, problem: string): never => {
    throw new WinlogRecordError(file, input.record, field, problem);
  };
  if (!isObject(input.value)) {
    return fail(
      "(record)",
      `expected a JSON object, got ${describe(input.value)}.`,
    );
  }
  const event = isObject(input.value.Event) ? input.value.Event : input.value;
  const prefix = event === input.value ? "" : "Event.";
  if (!isObject(event.System)) {
    return fail(
      `${prefix}System`,
      "missing. Export whole event records, with their System section.",
    );
  }
  const system = event.System;
  const at = (name: string): string => `${prefix}System.${name}`;

  const providerName = attribute(system.Provider, "Name");
  if (typeof providerName !== "string" || providerName === "") {
    return fail(
      at("Provider.Name"),
      "missing; the provider name decides how the record maps.",
    );
  }
  const timeCreated = attribute(system.TimeCreated, "SystemTime");
  if (typeof timeCreated !== "string") {
    return fail(
      at("TimeCreated.SystemTime"),
      `expected a timestamp, got ${describe(timeCreated)}.`,
    );
  }
  const integer = (name: string, value: unknown): number | undefined => {
    if (value === undefined || value === null) return undefined;
    const parsed =
      typeof value === "string" && /^\d+$/.test(value) ? Number(value) : value;
    if (
      typeof parsed === "number" &&
      Number.isSafeInteger(parsed) &&
      parsed >= 0
    )
      return parsed;
    return fail(
      at(name),
      `expected a non-negative integer, got ${describe(value)}.`,
    );
  };
  const eventId = integer("EventID", text(system.EventID));
  if (eventId === undefined) return fail(at("EventID"), "missing.");

  return {
    file,
    record: input.record,
    providerName,
    providerGuid: optionalGuid(attribute(system.Provider, "Guid")),
    eventId,
    version: integer("Version", text(system.Version)),
    level: integer("Level", text(system.Level)),
    task: integer("Task", text(system.Task)),
    opcode: integer("Opcode", text(system.Opcode)),
    keywords: optionalString(text(system.Keywords)),
    timeCreated,
    recordId: optionalString(text(system.EventRecordID)),
    channel: optionalString(text(system.Channel)),
    computer: optionalString(text(system.Computer)),
    processId: integer(
      "Execution.ProcessID",
      attribute(system.Execution, "ProcessID"),
    ),
    threadId: integer(
      "Execution.ThreadID",
      attribute(system.Execution, "ThreadID"),
    ),
    userId: optionalString(attribute(system.Security, "UserID")),
    eventData: readEventData(event.EventData, (field, problem) =>
      fail(`${prefix}EventData.${field}`, problem),
    ),
  };
}

type Fail = (field: string, problem: string) => never;

function readEventData(node: unknown, fail: Fail): Record<string, string> {
  if (node === undefined || node === null) return {};
  if (!isObject(node))
    return fail("(section)", `expected an object, got ${describe(node)}.`);
  const data: Record<string, string> = {};
  if ("Data" in node && !("Name" in node) && isDataList(node.Data)) {
    const list = Array.isArray(node.Data) ? node.Data : [node.Data];
    list.forEach((element, index) => {
      const name = attribute(element, "Name");
      if (typeof name !== "string") {
        fail(
          `Data[${index}].Name`,
          `expected a data name, got ${describe(name)}.`,
        );
      }
      data[name as string] = dataValue(
        dataText(element),
        `Data[${index}]`,
        fail,
      );
    });
    return data;
  }
  for (const [name, value] of Object.entries(node)) {
    if (name.startsWith("#") || name.startsWith("@")) continue;
    data[name] = dataValue(text(value), name, fail);
  }
  return data;
}

function isDataList(value: unknown): boolean {
  const list = Array.isArray(value) ? value : [value];
  return list.every((element) => attribute(element, "Name") !== undefined);
}

/** Event data as Winlogbeat delivers it: every value a string. */
function dataValue(value: unknown, field: string, fail: Fail): string {
  if (value === null || value === undefined) return "";
  if (typeof value === "string") return value;
  if (typeof value === "number" || typeof value === "boolean")
    return String(value);
  return fail(field, `expected a text value, got ${describe(value)}.`);
}

/** Returns a `Data` element's text, or null for an element without `#text`. */
function dataText(element: unknown): unknown {
  return isObject(element) ? (element["#text"] ?? null) : element;
}

/** Reads an XML attribute in either JSON rendering. */
function attribute(node: unknown, name: string): unknown {
  if (!isObject(node)) return undefined;
  const attributes = node["#attributes"];
  if (isObject(attributes) && name in attributes) return attributes[name];
  if (`@${name}` in node) return node[`@${name}`];
  return node[name];
}

/** Reads an element's text: the value itself, or its `#text`. */
function text(node: unknown): unknown {
  if (isObject(node) && "#text" in node) return node["#text"];
  return node;
}

function optionalString(value: unknown): string | undefined {
  if (typeof value === "string") return value;
  if (typeof value === "number") return String(value);
  return undefined;
}

/** Windows renders GUIDs in braces; evtx_dump drops them. */
function optionalGuid(value: unknown): string | undefined {
  return typeof value === "string" ? bracedGuid(value) : undefined;
}

const BARE_GUID =
  /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Puts a bare GUID in braces and leaves any other text alone. */
export function bracedGuid(value: string): string {
  return BARE_GUID.test(value) ? `{${value}}` : value;
}

function isObject(value: unknown): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function describe(value: unknown): string {
  if (value === undefined) return "nothing";
  if (Array.isArray(value)) return "an array";
  if (value === null) return "null";
  if (typeof value === "object") return "an object";
  return JSON.stringify(value);
}
