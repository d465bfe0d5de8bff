import { describe, expect, it } from "vitest";
import { buildThreat } from "../../src/kibana/threat.js";

const execution = {
  id: "TA0002",
  name: "Execution",
  reference: "https://attack.mitre.org/tactics/TA0002/",
};
const persistence = {
  id: "TA0003",
  name: "Persistence",
  reference: "https://attack.mitre.org/tactics/TA0003/",
};
const wmi = {
  id: "T1047",
  name: "Windows Management Instrumentation",
  reference: "https://attack.mitre.org/techniques/T1047/",
  subtechnique: [],
};
const eventTriggered = {
  id: "T1546",
  name: "Event Triggered Execution",
  reference: "https://attack.mitre.org/techniques/T1546/",
};
const wmiSubscription = {
  id: "T1546.003",
  name: "Windows Management Instrumentation Event Subscription",
  reference: "https://attack.mitre.org/techniques/T1546/003/",
};

describe("buildThreat", () => {
  it("files each technique under its tactic", () => {
    const { threat, issues } = buildThreat([
      "attack.execution",
      "attack.persistence",
      "attack.t1047",
      "attack.t1546.003",
    ]);
    expect(issues).toEqual([]);
    expect(threat).toEqual([
      { framework: "MITRE ATT&CK", tactic: execution, technique: [wmi] },
      {
        framework: "MITRE ATT&CK",
        tactic: persistence,
        technique: [{ ...eventTriggered, subtechnique: [wmiSubscription] }],
      },
    ]);
  });

  it("maps a lone technique to all tactics", () => {
    const { threat } = buildThreat(["attack.t1546.003"]);
    expect(threat.map((entry) => entry.tactic.id)).toEqual([
      "TA0003",
      "TA0004",
    ]);
    expect(threat[1]!.technique[0]!.subtechnique).toEqual([wmiSubscription]);
  });

  it("keeps a tactic without techniques", () => {
    const { threat } = buildThreat(["attack.command_and_control"]);
    expect(threat).toEqual([
      {
        framework: "MITRE ATT&CK",
        tactic: {
          id: "TA0011",
          name: "Command and Control",
          reference: "https://attack.mitre.org/tactics/TA0011/",
        },
        technique: [],
      },
    ]);
  });

  it("ignores groups, software and other tags", () => {
    const { threat, issues } = buildThreat([
      "attack.g0016",
      "attack.s0002",
      "cve.2021-1675",
    ]);
    expect(threat).toEqual([]);
    expect(issues).toEqual([]);
  });

  it("reports unknown techniques and tactics", () => {
    const { issues } = buildThreat(["attack.t1086", "attack.exfiltraton"]);
    expect(issues).toEqual([
      {
        path: "tags[0]",
        value: "attack.t1086",
        problem: "unknown ATT&CK technique in ATT&CK 18.0",
        fix: "Use a current technique id such as attack.t1047 or attack.t1546.003; revoked ids name their replacement on attack.mitre.org.",
      },
      {
        path: "tags[1]",
        value: "attack.exfiltraton",
        problem: "unknown ATT&CK tactic",
        fix: "Use a tactic short name such as attack.execution or attack.privilege-escalation.",
      },
    ]);
  });

  it("merges sub-techniques of one parent", () => {
    const { threat } = buildThreat([
      "attack.persistence",
      "attack.t1546.015",
      "attack.t1546.003",
      "attack.t1546",
    ]);
    expect(threat).toHaveLength(1);
    expect(threat[0]!.technique).toHaveLength(1);
    expect(threat[0]!.technique[0]!.subtechnique.map((sub) => sub.id)).toEqual([
      "T1546.003",
      "T1546.015",
    ]);
  });
});
