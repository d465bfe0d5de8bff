import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import {
  formatNdjson,
  ingestWinlogJson,
  splitSecurityCommandLine,
  splitWindowsCommandLine,
  WinlogRecordError,
} from "../../src/harness/winlog.js";
import { itWithSharedData, sharedDataPath } from "../shared-data.js";

const FIXTURES = "test/fixtures/winlog";

function fixture(name: string): string {
  return readFileSync(`${FIXTURES}/${name}`, "utf8");
}

/** Runs ingestWinlogJson on inline text and returns the error it throws. */
function ingestError(text: string): WinlogRecordError {
  try {
    ingestWinlogJson(text, "events.json");
  } catch (error) {
    if (error instanceof WinlogRecordError) return error;
    throw error;
  }
  throw new Error("expected a WinlogRecordError");
}

const HOST = {
  hostname: "WKS-042.corp.example",
  name: "WKS-042.corp.example",
  os: { family: "windows", platform: "windows", type: "windows" },
};

const SYSMON_1_ECS = {
  "@timestamp": "2026-03-02T09:15:41.899Z",
  data_stream: {
    dataset: "windows.sysmon_operational",
    namespace: "default",
    type: "logs",
  },
  ecs: { version: "8.0.0" },
  event: {
    action: "Process creation",
    category: ["process"],
    code: "1",
    created: "2026-03-02T09:15:41.904Z",
    dataset: "windows.sysmon_operational",
    kind: "event",
    module: "windows",
    provider: "Microsoft-Windows-Sysmon",
    type: ["start"],
  },
  host: HOST,
  log: { level: "information" },
  process: {
    args: [
      "C:\\Windows\\System32\\wbem\\mofcomp.exe",
      "-N:root\\default",
      "C:\\Users\\alice\\AppData\\Local\\Temp\\x y.mof",
    ],
    args_count: 3,
    command_line:
      '"C:\\Windows\\System32\\wbem\\mofcomp.exe" -N:root\\default ' +
      '"C:\\Users\\alice\\AppData\\Local\\Temp\\x y.mof"',
    entity_id: "{6A2F10C4-55DD-65E3-4A02-000000001C00}",
    executable: "C:\\Windows\\System32\\wbem\\mofcomp.exe",
    hash: {
      md5: "9e0e1a4c1f3a4c2b8d7e6f5a4b3c2d1e",
      sha256:
        "1c3a5e7f9b0d2f4a6c8e0b2d4f6a8c0e2b4d6f8a0c2e4b6d8f0a2c4e6b8d0f2a",
    },
    name: "mofcomp.exe",
    parent: {
      args: ["C:\\Windows\\system32\\cmd.exe", "/c", "install.bat"],
      args_count: 3,
      command_line: 'C:\\Windows\\system32\\cmd.exe /c "install.bat"',
      entity_id: "{6A2F10C4-55D9-65E3-4802-000000001C00}",
      executable: "C:\\Windows\\System32\\cmd.exe",
      name: "cmd.exe",
      pid: 5876,
    },
    pe: {
      company: "Microsoft Corporation",
      description: "The Managed Object Format (MOF) Compiler",
      file_version: "10.0.19041.1 (WinBuild.160101.0800)",
      imphash: "5d4b3c2a1f0e9d8c7b6a5f4e3d2c1b0a",
      original_file_name: "mofcomp.exe",
      product: "Microsoft® Windows® Operating System",
    },
    pid: 6120,
    working_directory: "C:\\Users\\alice\\",
  },
  related: {
    hash: [
      "9e0e1a4c1f3a4c2b8d7e6f5a4b3c2d1e",
      "1c3a5e7f9b0d2f4a6c8e0b2d4f6a8c0e2b4d6f8a0c2e4b6d8f0a2c4e6b8d0f2a",
      "5d4b3c2a1f0e9d8c7b6a5f4e3d2c1b0a",
    ],
    user: ["alice"],
  },
  rule: { name: "technique_id=T1546.003" },
  user: { domain: "CORP", id: "S-1-5-18", name: "alice" },
  winlog: {
    channel: "Microsoft-Windows-Sysmon/Operational",
    computer_name: "WKS-042.corp.example",
    event_data: {
      Company: "Microsoft Corporation",
      Description: "The Managed Object Format (MOF) Compiler",
      FileVersion: "10.0.19041.1 (WinBuild.160101.0800)",
      IntegrityLevel: "High",
      LogonGuid: "{6A2F10C4-5012-65E3-1F3A-0B0000000000}",
      LogonId: "0xb3a1f",
      ParentUser: "CORP\\alice",
      Product: "Microsoft® Windows® Operating System",
      TerminalSessionId: "1",
    },
    event_id: "1",
    opcode: "Info",
    process: { pid: 2940, thread: { id: 4012 } },
    provider_guid: "{5770385F-C22A-43E0-BF4C-06F5698FFBD9}",
    provider_name: "Microsoft-Windows-Sysmon",
    record_id: "52107",
    user: { identifier: "S-1-5-18" },
    version: 5,
  },
};

const SECURITY_4688_ECS = {
  "@timestamp": "2026-03-02T09:15:41.901Z",
  data_stream: {
    dataset: "system.security",
    namespace: "default",
    type: "logs",
  },
  ecs: { version: "8.11.0" },
  event: {
    action: "created-process",
    category: ["process"],
    code: "4688",
    dataset: "system.security",
    kind: "event",
    module: "system",
    outcome: "success",
    provider: "Microsoft-Windows-Security-Auditing",
    type: ["start"],
  },
  host: HOST,
  log: { level: "information" },
  process: {
    args: [
      "mofcomp.exe",
      "",
      "-N:root\\default",
      '"C:\\Users\\alice\\AppData\\Local\\Temp\\x y.mof"',
    ],
    command_line:
      'mofcomp.exe  -N:root\\default "C:\\Users\\alice\\AppData\\Local\\Temp\\x y.mof"',
    executable: "C:\\Windows\\System32\\wbem\\mofcomp.exe",
    name: "mofcomp.exe",
    parent: {
      executable: "C:\\Windows\\System32\\cmd.exe",
      name: "cmd.exe",
      pid: 5876,
    },
    pid: 6120,
  },
  related: { user: ["alice"] },
  user: {
    domain: "CORP",
    effective: { id: "S-1-0-0" },
    id: "S-1-5-21-3623811015-3361044348-30300820-1013",
    name: "alice",
  },
  winlog: {
    channel: "Security",
    computer_name: "WKS-042.corp.example",
    event_data: {
      CommandLine:
        'mofcomp.exe  -N:root\\default "C:\\Users\\alice\\AppData\\Local\\Temp\\x y.mof"',
      MandatoryLabel: "S-1-16-12288",
      ProcessId: "0x16f4",
      SubjectDomainName: "CORP",
      SubjectLogonId: "0xb3a1f",
      SubjectUserName: "alice",
      SubjectUserSid: "S-1-5-21-3623811015-3361044348-30300820-1013",
      TargetDomainName: "-",
      TargetLogonId: "0x0",
      TargetUserName: "-",
      TargetUserSid: "S-1-0-0",
      TokenElevationType: "%%1937",
    },
    event_id: "4688",
    keywords: ["Audit Success"],
    logon: { id: "0xb3a1f" },
    opcode: "Info",
    outcome: "success",
    process: { pid: 4, thread: { id: 7316 } },
    provider_guid: "{54849625-5478-4994-A5BA-3E3B0328C30D}",
    provider_name: "Microsoft-Windows-Security-Auditing",
    record_id: "884213",
    task: "Process Creation",
    time_created: "2026-03-02T09:15:41.901533Z",
    version: 2,
  },
};

describe("ingestWinlogJson", () => {
  it("maps Sysmon event 1", () => {
    const result = ingestWinlogJson(fixture("sysmon-1.json"), "sysmon-1.json");
    expect(result.documents).toEqual([SYSMON_1_ECS]);
    expect(result.skipped).toEqual([]);
  });

  it("maps Security event 4688", () => {
    const text = fixture("security-4688.json");
    const result = ingestWinlogJson(text, "security-4688.json");
    expect(result.documents).toEqual([SECURITY_4688_ECS]);
  });

  it("writes keys in sorted order", () => {
    const text = fixture("sysmon-1.json");
    const [document] = ingestWinlogJson(text, "sysmon-1.json").documents;
    expect(Object.keys(document ?? {})).toEqual(Object.keys(SYSMON_1_ECS));
  });

  it.fails("sets event.created for 4688", () => {
    const text = fixture("security-4688.json");
    const [document] = ingestWinlogJson(text, "security-4688.json").documents;
    expect(document?.event).toHaveProperty("created");
  });

  it.fails("maps Sysmon event 3", () => {
    const result = ingestWinlogJson(fixture("mixed.ndjson"), "mixed.ndjson");
    expect(result.skipped).toEqual([]);
  });

  it("reads NDJSON and skips unmapped events", () => {
    const result = ingestWinlogJson(fixture("mixed.ndjson"), "mixed.ndjson");
    expect(result.documents).toEqual([SYSMON_1_ECS, SECURITY_4688_ECS]);
    expect(result.skipped).toEqual([
      {
        file: "mixed.ndjson",
        record: 2,
        provider: "Microsoft-Windows-Sysmon",
        eventId: 3,
        reason:
          "no mapping for Microsoft-Windows-Sysmon event 3; " +
          "supported are Sysmon event 1 and Security event 4688",
      },
    ]);
  });

  it("reads a JSON array", () => {
    const text = `[${fixture("sysmon-1.json")}, ${fixture("security-4688.json")}]`;
    const result = ingestWinlogJson(text, "array.json");
    expect(result.documents).toEqual([SYSMON_1_ECS, SECURITY_4688_ECS]);
  });

  it("reads concatenated pretty-printed records", () => {
    const text = `${fixture("security-4688.json")}\n${fixture("sysmon-1.json")}`;
    const result = ingestWinlogJson(text, "events.json");
    expect(result.documents).toEqual([SECURITY_4688_ECS, SYSMON_1_ECS]);
  });

  it("reads the xmltodict rendering", () => {
    const text = fixture("xmltodict-array.json");
    const result = ingestWinlogJson(text, "xmltodict-array.json");
    expect(result.documents).toEqual([
      {
        "@timestamp": "2026-03-02T09:20:03.120Z",
        data_stream: SYSMON_1_ECS.data_stream,
        ecs: { version: "8.0.0" },
        event: { ...SYSMON_1_ECS.event, created: "2026-03-02T09:20:03.125Z" },
        host: HOST,
        log: { level: "information" },
        process: {
          args: ["whoami", "/all"],
          args_count: 2,
          command_line: "whoami /all",
          entity_id: "{6a2f10c4-5703-65e3-5102-000000001c00}",
          executable: "C:\\Windows\\System32\\whoami.exe",
          hash: { md5: "a4a6924f3eaf97981323703d38fd99c4" },
          name: "whoami.exe",
          pid: 7004,
        },
        related: {
          hash: ["a4a6924f3eaf97981323703d38fd99c4"],
          user: ["SYSTEM"],
        },
        user: { domain: "NT AUTHORITY", id: "S-1-5-18", name: "SYSTEM" },
        winlog: {
          channel: "Microsoft-Windows-Sysmon/Operational",
          computer_name: "WKS-042.corp.example",
          event_id: "1",
          process: { pid: 2940, thread: { id: 4012 } },
          provider_guid: "{5770385f-c22a-43e0-bf4c-06f5698ffbd9}",
          provider_name: "Microsoft-Windows-Sysmon",
          record_id: "52110",
          user: { identifier: "S-1-5-18" },
          version: 5,
        },
      },
    ]);
  });

  itWithSharedData("reads every shared regression record", () => {
    const folder = sharedDataPath(
      "sigmahq",
      "regression",
      "proc_creation_win_findstr_recon_everyone",
    );
    const file = `${folder}/47e4bab7-c626-47dc-967b-255608c9a920.json`;
    const result = ingestWinlogJson(readFileSync(file, "utf8"), file);
    expect(result.documents).toHaveLength(3);
    expect(result.skipped).toEqual([]);
  });

  it("names the line of invalid JSON", () => {
    const error = ingestError('{"Event": {}}\n{"Event": {"System": x}}\n');
    expect(error.message).toBe(
      "events.json record 2: invalid JSON in the value that starts on line 2: " +
        `${jsonSyntaxMessage('{"Event": {"System": x}}')}. ` +
        "Export the events as JSON objects, one per record.",
    );
    expect(error.record).toBe(2);
    expect(error.field).toBeNull();
  });

  it("rejects an unclosed record", () => {
    const error = ingestError('\n\n{"Event": {"System": {}');
    expect(error.message).toBe(
      "events.json record 1: the JSON value that starts on line 3 is not " +
        "closed. Check that the file was written completely.",
    );
  });

  it("rejects a record that is no object", () => {
    expect(ingestError("[42]").message).toBe(
      "events.json record 1: (record): expected a JSON object, got 42.",
    );
  });

  it("rejects a record without System", () => {
    expect(ingestError('{"Event": {"EventData": {}}}').message).toBe(
      "events.json record 1: Event.System: missing. Export whole event " +
        "records, with their System section.",
    );
  });

  it("rejects a malformed event ID", () => {
    const record = JSON.parse(fixture("sysmon-1.json"));
    record.Event.System.EventID = "one";
    const text = `${fixture("sysmon-1.json")}\n${JSON.stringify(record)}`;
    const error = ingestError(text);
    expect(error.message).toBe(
      "events.json record 2: Event.System.EventID: expected a non-negative " +
        'integer, got "one".',
    );
    expect(error.field).toBe("Event.System.EventID");
  });

  it("rejects a malformed time created", () => {
    const record = JSON.parse(fixture("security-4688.json"));
    record.Event.System.TimeCreated["#attributes"].SystemTime = "yesterday";
    expect(ingestError(JSON.stringify(record)).message).toBe(
      "events.json record 1: System.TimeCreated.SystemTime: expected an " +
        'ISO 8601 timestamp, got "yesterday".',
    );
  });

  it("rejects a malformed 4688 process ID", () => {
    const record = JSON.parse(fixture("security-4688.json"));
    record.Event.EventData.NewProcessId = "0xZZ";
    expect(ingestError(JSON.stringify(record)).message).toBe(
      "events.json record 1: EventData.NewProcessId: expected a process ID " +
        'such as "0x1a2c", got "0xZZ".',
    );
  });

  it("rejects a malformed Sysmon process ID", () => {
    const record = JSON.parse(fixture("sysmon-1.json"));
    record.Event.EventData.ParentProcessId = "12a";
    expect(ingestError(JSON.stringify(record)).message).toBe(
      "events.json record 1: EventData.ParentProcessId: expected a decimal " +
        'process ID, got "12a".',
    );
  });

  it("rejects nested event data values", () => {
    const record = JSON.parse(fixture("sysmon-1.json"));
    record.Event.EventData.Image = { path: "C:\\x.exe" };
    expect(ingestError(JSON.stringify(record)).message).toBe(
      "events.json record 1: Event.EventData.Image: expected a text value, " +
        "got an object.",
    );
  });
});

/** The message JSON.parse gives for `text` on this Node version. */
function jsonSyntaxMessage(text: string): string {
  try {
    JSON.parse(text);
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error(`${text} parsed`);
}

describe("splitWindowsCommandLine", () => {
  it("splits at spaces and tabs", () => {
    expect(splitWindowsCommandLine("a  b\tc ")).toEqual(["a", "b", "c"]);
  });

  it("removes quotes around arguments", () => {
    expect(splitWindowsCommandLine('"C:\\a b\\x.exe" "y z"')).toEqual([
      "C:\\a b\\x.exe",
      "y z",
    ]);
  });

  it("keeps backslashes before other characters", () => {
    expect(splitWindowsCommandLine("C:\\dir\\ \\\\server\\share")).toEqual([
      "C:\\dir\\",
      "\\\\server\\share",
    ]);
  });

  it("halves backslashes before a quote", () => {
    expect(splitWindowsCommandLine('a\\\\"b c"')).toEqual(["a\\b c"]);
  });

  it("escapes a quote after odd backslashes", () => {
    expect(splitWindowsCommandLine('a\\"b c')).toEqual(['a"b', "c"]);
  });

  it("reads doubled quotes inside quotes", () => {
    expect(splitWindowsCommandLine('"a""b c"')).toEqual(['a"b', "c"]);
  });

  it("returns nothing for blank input", () => {
    expect(splitWindowsCommandLine(" \t ")).toEqual([]);
  });
});

describe("splitSecurityCommandLine", () => {
  it("keeps quote characters", () => {
    expect(splitSecurityCommandLine('"C:\\a b\\x.exe" /c')).toEqual([
      '"C:\\a b\\x.exe"',
      "/c",
    ]);
  });

  it("gives empty arguments for runs", () => {
    expect(splitSecurityCommandLine("a  b ")).toEqual(["a", "", "b", ""]);
  });

  it("splits at any Java whitespace", () => {
    expect(splitSecurityCommandLine("a\nb\u2003c\u00A0d")).toEqual([
      "a",
      "b",
      "c\u00A0d",
    ]);
  });

  it("returns nothing for empty input", () => {
    expect(splitSecurityCommandLine("")).toEqual([]);
  });
});

describe("formatNdjson", () => {
  it("writes one line per document", () => {
    expect(formatNdjson([{ a: 1 }, { b: ["x"] }])).toBe(
      '{"a":1}\n{"b":["x"]}\n',
    );
  });
});
