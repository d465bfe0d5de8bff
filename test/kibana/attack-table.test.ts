import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import {
  buildAttackTable,
  formatAttackTable,
} from "../../scripts/generate-attack-table.mjs";
import { findTactic, findTechnique } from "../../src/kibana/attack.js";

const tablePath = "src/kibana/attack-data.json";
const table = JSON.parse(readFileSync(tablePath, "utf8"));

function external(id: string) {
  return [{ source_name: "mitre-attack", external_id: id }];
}

/** Builds a STIX bundle that carries the same facts as the committed table. */
function bundleFromTable() {
  const tactics = table.tactics.map(
    (tactic: { id: string; shortname: string; name: string }) => ({
      type: "x-mitre-tactic",
      id: `x-mitre-tactic--${tactic.id}`,
      name: tactic.name,
      x_mitre_shortname: tactic.shortname,
      external_references: external(tactic.id),
    }),
  );
  const patterns = Object.entries(table.techniques).map(([id, entry]) => {
    const { name, tactics } = entry as { name: string; tactics?: string[] };
    const own = tactics ?? table.techniques[id.split(".")[0]!].tactics;
    return {
      type: "attack-pattern",
      id: `attack-pattern--${id}`,
      name,
      // A sub-technique may list its parent's phases in another order.
      kill_chain_phases: (tactics ? own : [...own].reverse()).map(
        (phase: string) => ({
          kill_chain_name: "mitre-attack",
          phase_name: phase,
        }),
      ),
      external_references: external(id),
    };
  });
  const revoked = {
    type: "attack-pattern",
    id: "attack-pattern--revoked",
    name: "PowerShell",
    revoked: true,
    external_references: external("T1086"),
  };
  const matrix = {
    type: "x-mitre-matrix",
    id: "x-mitre-matrix--enterprise",
    x_mitre_version: table.attack_version,
    tactic_refs: tactics.map((tactic: { id: string }) => tactic.id),
  };
  return {
    type: "bundle",
    objects: [matrix, ...tactics, ...patterns, revoked],
  };
}

describe("buildAttackTable", () => {
  it("regenerates the committed table", () => {
    const generated = buildAttackTable(bundleFromTable());
    expect(generated.techniques.T1086).toBeUndefined();
    expect(formatAttackTable(generated)).toBe(readFileSync(tablePath, "utf8"));
  });
});

describe("findTechnique", () => {
  it("gives sub-techniques the parent's tactics", () => {
    expect(findTechnique("t1546.003")).toEqual({
      id: "T1546.003",
      name: "Windows Management Instrumentation Event Subscription",
      tactics: ["privilege-escalation", "persistence"],
      parentId: "T1546",
    });
  });

  it("returns undefined for revoked ids", () => {
    expect(findTechnique("T1086")).toBeUndefined();
  });

  it("covers every tactic of the matrix", () => {
    const used = new Set(
      Object.values(table.techniques).flatMap(
        (entry) => (entry as { tactics?: string[] }).tactics ?? [],
      ),
    );
    expect([...used].every((shortname) => findTactic(shortname))).toBe(true);
    expect(used.size).toBe(14);
  });
});
