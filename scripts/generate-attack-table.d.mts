// Types for the exports of generate-attack-table.mjs, so TypeScript tests
// can import the plain JavaScript script.

/** A parsed STIX bundle, such as MITRE's enterprise-attack.json. */
export interface StixBundle {
  objects: readonly Record<string, unknown>[];
  x_mitre_version?: string;
}

/** The ATT&CK table written to src/kibana/attack-data.json. */
export interface AttackTable {
  version: string;
  tactics: { id: string; shortname: string; name: string }[];
  /** Sub-techniques omit `tactics` when they match their parent's. */
  techniques: Record<string, { name: string; tactics?: string[] }>;
}

export function buildAttackTable(bundle: StixBundle): AttackTable;

export function formatAttackTable(table: AttackTable): string;
