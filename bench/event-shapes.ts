/**
 * ECS documents for one process start, shaped as four of Elastic's
 * integrations write them: Elastic Defend (`endpoint.events.process`),
 * Microsoft Defender XDR (`m365_defender.event`), CrowdStrike Falcon Data
 * Replicator (`crowdstrike.fdr`) and Windows Security event 4688
 * (`system.security`). Each source fills only the fields its integration
 * fills, so rules see the gaps they see in production.
 */
import type { ProcessStart } from "./process-start.js";

export type DataSource =
  | "endpoint.events.process"
  | "m365_defender.event"
  | "crowdstrike.fdr"
  | "system.security";

export type EcsDocument = Record<string, unknown>;

/** Splits a command line at spaces outside double quotes. */
export function splitArguments(
  commandLine: string,
  keepQuotes: boolean,
): string[] {
  const args: string[] = [];
  let current = "";
  let quoted = false;
  for (const character of commandLine) {
    if (character === '"') {
      quoted = !quoted;
      if (keepQuotes) current += character;
    } else if (character === " " && !quoted) {
      if (current !== "") args.push(current);
      current = "";
    } else {
      current += character;
    }
  }
  if (current !== "") args.push(current);
  return args;
}

function dataStream(dataset: DataSource): EcsDocument {
  return { type: "logs", dataset, namespace: "default" };
}

function windowsHost(name: string): EcsDocument {
  return {
    name,
    hostname: name.toUpperCase(),
    os: {
      type: "windows",
      family: "windows",
      platform: "windows",
      name: "Windows",
      version: "10.0",
    },
  };
}

export function endpointEvent(start: ProcessStart, id: string): EcsDocument {
  const { process, parent, user } = start;
  const args = splitArguments(process.commandLine, false);
  const parentArgs = splitArguments(parent.commandLine, false);
  return {
    "@timestamp": new Date(start.timestamp).toISOString(),
    agent: { type: "endpoint", version: "8.17.0" },
    data_stream: dataStream("endpoint.events.process"),
    ecs: { version: "8.11.0" },
    event: {
      id,
      kind: "event",
      category: ["process"],
      type: ["start"],
      action: "start",
      dataset: "endpoint.events.process",
      module: "endpoint",
    },
    host: { ...windowsHost(start.host), architecture: "x86_64" },
    message: "Endpoint process event",
    process: {
      pid: process.pid,
      entity_id: id,
      name: process.name,
      executable: process.executable,
      command_line: process.commandLine,
      args,
      args_count: args.length,
      working_directory: "C:\\Windows\\system32",
      hash: { md5: process.md5, sha1: process.sha1, sha256: process.sha256 },
      pe: {
        original_file_name: process.originalFileName,
        company: process.company,
        description: process.description,
        product:
          process.company === "Microsoft Corporation"
            ? "Microsoft® Windows® Operating System"
            : process.description,
      },
      code_signature: {
        exists: true,
        status: "trusted",
        subject_name: process.company,
        trusted: true,
      },
      parent: {
        pid: parent.pid,
        name: parent.name,
        executable: parent.executable,
        command_line: parent.commandLine,
        args: parentArgs,
        args_count: parentArgs.length,
      },
    },
    user: { id: user.sid, name: user.name, domain: user.domain },
  };
}

/**
 * Defender XDR: `process.args` is the command line split on single spaces
 * with quotes kept, the parent path is often lower case, SYSTEM is `system`,
 * and there is no `host.os.type`.
 */
export function defenderEvent(start: ProcessStart, id: string): EcsDocument {
  const { process, parent } = start;
  const timestamp = new Date(start.timestamp).toISOString();
  const args = process.commandLine.split(" ");
  const user =
    start.user.sid === "S-1-5-18"
      ? { ...start.user, name: "system", domain: "nt authority" }
      : start.user;
  return {
    "@timestamp": timestamp,
    data_stream: dataStream("m365_defender.event"),
    ecs: { version: "8.11.0" },
    event: {
      id,
      kind: "event",
      category: ["process"],
      type: ["start"],
      action: "processcreated",
      dataset: "m365_defender.event",
    },
    host: { id: `${start.host}-device`, name: start.host },
    m365_defender: {
      event: {
        category: "AdvancedHunting-DeviceProcessEvents",
        action: { type: "ProcessCreated" },
        device: { name: start.host },
        account: { sid: user.sid, name: user.name, domain: user.domain },
        initiating_process: {
          file_name: parent.name,
          folder_path: parent.executable.toLowerCase(),
          command_line: parent.commandLine,
          id: parent.pid,
        },
        report_id: id,
        timestamp,
      },
    },
    process: {
      pid: process.pid,
      name: process.name,
      executable: process.executable,
      command_line: process.commandLine,
      args,
      args_count: args.length,
      hash: { md5: process.md5, sha1: process.sha1, sha256: process.sha256 },
      pe: {
        original_file_name: process.originalFileName,
        company: process.company,
        description: process.description,
      },
      parent: {
        pid: parent.pid,
        name: parent.name,
        executable: parent.executable.toLowerCase(),
        command_line: parent.commandLine,
      },
    },
    related: { hosts: [start.host], user: [user.name] },
    user: { id: user.sid, name: user.name, domain: user.domain },
  };
}

/** `C:\x` as the Falcon sensor reports it: a device path without a drive. */
function devicePath(path: string): string {
  return path.replace(/^[A-Za-z]:\\/, "\\Device\\HarddiskVolume3\\");
}

/** CrowdStrike FDR: NT device paths and no `process.parent.executable`. */
export function crowdstrikeEvent(start: ProcessStart, id: string): EcsDocument {
  const { process, parent, user } = start;
  const executable = devicePath(process.executable);
  const commandLine = process.commandLine.replace(
    process.executable,
    executable,
  );
  const args = splitArguments(commandLine, false);
  return {
    "@timestamp": new Date(start.timestamp).toISOString(),
    crowdstrike: {
      aid: "ffffffffac4148947ed68497e89f3308",
      cid: "ffffffff30a3407dae27d0503611022d",
      event_platform: "Win",
      name: "ProcessRollup2V19",
      ParentBaseFileName: parent.name,
      TokenType: "1",
    },
    data_stream: dataStream("crowdstrike.fdr"),
    ecs: { version: "8.11.0" },
    event: {
      id,
      kind: "event",
      category: ["process"],
      type: ["start"],
      action: "ProcessRollup2",
      dataset: "crowdstrike.fdr",
      outcome: "success",
    },
    host: {
      name: start.host,
      hostname: start.host.toUpperCase(),
      os: { type: "windows" },
    },
    observer: { type: "agent", vendor: "crowdstrike" },
    process: {
      entity_id: `${process.pid}${id.slice(-6)}`,
      pid: process.pid,
      name: process.name,
      executable,
      command_line: commandLine,
      args,
      args_count: args.length,
      hash: { md5: process.md5, sha256: process.sha256 },
      pe: { original_file_name: process.originalFileName },
      parent: { entity_id: `${parent.pid}${id.slice(-6)}`, name: parent.name },
    },
    user: { id: user.sid, name: user.name },
  };
}

/**
 * Windows Security 4688: no PE version data, `user.*` is the creator, SYSTEM
 * shows as the machine account in `user.name`, and the arguments keep their
 * quote characters.
 */
export function securityEvent(start: ProcessStart, id: string): EcsDocument {
  const { process, parent, user } = start;
  const isSystem = user.sid === "S-1-5-18";
  const userName = isSystem ? `${start.host.toUpperCase()}$` : user.name;
  const domain = isSystem ? "EXAMPLE" : user.domain;
  return {
    "@timestamp": new Date(start.timestamp).toISOString(),
    agent: { type: "filebeat" },
    data_stream: dataStream("system.security"),
    ecs: { version: "8.11.0" },
    event: {
      id,
      kind: "event",
      category: ["process"],
      type: ["start"],
      action: "created-process",
      code: "4688",
      dataset: "system.security",
      module: "system",
      provider: "Microsoft-Windows-Security-Auditing",
      outcome: "success",
    },
    host: windowsHost(start.host),
    process: {
      pid: process.pid,
      name: process.name,
      executable: process.executable,
      command_line: process.commandLine,
      args: splitArguments(process.commandLine, true),
      parent: {
        pid: parent.pid,
        name: parent.name,
        executable: parent.executable,
      },
    },
    user: {
      id: user.sid,
      name: userName,
      domain,
      effective: { id: user.sid, name: user.name, domain: user.domain },
    },
    winlog: {
      channel: "Security",
      event_id: "4688",
      provider_name: "Microsoft-Windows-Security-Auditing",
      computer_name: `${start.host.toUpperCase()}.example.local`,
      event_data: {
        SubjectUserSid: user.sid,
        SubjectUserName: userName,
        SubjectDomainName: domain,
        NewProcessName: process.executable,
        ParentProcessName: parent.executable,
        CommandLine: process.commandLine,
        TokenElevationType: "%%1936",
        MandatoryLabel: isSystem ? "S-1-16-16384" : "S-1-16-8192",
      },
    },
  };
}
