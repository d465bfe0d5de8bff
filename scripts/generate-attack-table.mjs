#!/usr/bin/env node
/**
 * Regenerates src/kibana/attack-data.json from MITRE's Enterprise ATT&CK
 * STIX bundle (enterprise-attack.json from MITRE's attack-stix-data
 * repository). Download the bundle yourself; this script reads only the file
 * given on the command line:
 *
 *   node scripts/generate-attack-table.mjs enterprise-attack-18.0.json
 *
 * Revoked and deprecated objects are left out. A sub-technique is stored
 * with its own tactics only when they differ from its parent's.
 */
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

function attackId(object) {
  const ref = (object.external_references ?? []).find(
    (entry) => entry.source_name === "mitre-attack",
  );
  return ref?.external_id;
}

function isCurrent(object) {
  return !object.revoked && !object.x_mitre_deprecated;
}

/** Builds the table from a parsed STIX bundle; pure, exported for tests. */
export function buildAttackTable(bundle) {
  const objects = bundle.objects.filter(isCurrent);
  const tacticObjects = objects.filter((o) => o.type === "x-mitre-tactic");
  const matrix = objects.find((o) => o.type === "x-mitre-matrix");
  const order = matrix?.tactic_refs ?? tacticObjects.map((o) => o.id);
  const byStixId = new Map(tacticObjects.map((o) => [o.id, o]));
  const tactics = order
    .map((ref) => byStixId.get(ref))
    .filter(Boolean)
    .map((o) => ({
      id: attackId(o),
      shortname: o.x_mitre_shortname,
      name: o.name,
    }));

  const patterns = objects
    .filter((o) => o.type === "attack-pattern" && attackId(o))
    .map((o) => ({
      id: attackId(o),
      name: o.name,
      tactics: (o.kill_chain_phases ?? [])
        .filter((phase) => phase.kill_chain_name === "mitre-attack")
        .map((phase) => phase.phase_name),
    }))
    .sort((a, b) => a.id.localeCompare(b.id));
  const parents = new Map(patterns.map((p) => [p.id, p]));
  const techniques = {};
  for (const pattern of patterns) {
    const parent = parents.get(pattern.id.split(".")[0]);
    const sameAsParent =
      pattern.id.includes(".") &&
      parent &&
      [...pattern.tactics].sort().join() === [...parent.tactics].sort().join();
    techniques[pattern.id] = sameAsParent
      ? { name: pattern.name }
      : { name: pattern.name, tactics: pattern.tactics };
  }
  const version =
    matrix?.x_mitre_version ?? bundle.x_mitre_version ?? "unknown";
  return { version, tactics, techniques };
}

/** Serializes the table with one entry per line, for readable diffs. */
export function formatAttackTable({ version, tactics, techniques }) {
  const json = (value) => JSON.stringify(value);
  const notice =
    `Derived from MITRE ATT&CK(R) Enterprise ${version}. Copyright The MITRE ` +
    "Corporation. Reproduced under the ATT&CK Terms of Use. Sub-techniques " +
    "inherit the tactics of their parent technique.";
  return [
    "{",
    `  "attack_version": ${json(version)},`,
    `  "domain": "enterprise-attack",`,
    `  "notice": ${json(notice)},`,
    '  "tactics": [',
    tactics
      .map(
        (t) =>
          `    ${json(t).replaceAll('","', '", "').replaceAll('":"', '": "')}`,
      )
      .join(",\n"),
    "  ],",
    '  "techniques": {',
    Object.entries(techniques)
      .map(([id, entry]) => `    ${json(id)}: ${spaced(entry)}`)
      .join(",\n"),
    "  }",
    "}",
    "",
  ].join("\n");
}

function spaced(entry) {
  const parts = [`"name": ${JSON.stringify(entry.name)}`];
  if (entry.tactics)
    parts.push(
      `"tactics": [${entry.tactics.map((t) => JSON.stringify(t)).join(", ")}]`,
    );
  return `{${parts.join(", ")}}`;
}

function main() {
  const input = process.argv[2];
  if (!input) {
    process.stderr.write(
      "usage: generate-attack-table.mjs ENTERPRISE_ATTACK_JSON\n",
    );
    process.exitCode = 2;
    return;
  }
  const table = buildAttackTable(JSON.parse(readFileSync(input, "utf8")));
  const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
  const out = path.join(root, "src/kibana/attack-data.json");
  writeFileSync(out, formatAttackTable(table));
  process.stderr.write(
    `wrote ${Object.keys(table.techniques).length} techniques to ${out}\n`,
  );
}

if (
  process.argv[1] &&
  fileURLToPath(import.meta.url) === path.resolve(process.argv[1])
)
  main();
