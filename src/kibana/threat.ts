/**
 * Turns Sigma ATT&CK tags into Kibana's `threat` array: one entry per tactic,
 * each technique under every tagged tactic it belongs to, and each
 * sub-technique under its parent technique.
 */
import {
  type AttackTechnique,
  attackVersion,
  findTactic,
  findTechnique,
  tacticOrder,
  tacticReference,
  techniqueReference,
} from "./attack.js";
import type { RuleIssue } from "./errors.js";

/** An id, name and attack.mitre.org URL, as Kibana stores them. */
export interface ThreatReference {
  id: string;
  name: string;
  reference: string;
}

export interface ThreatTechnique extends ThreatReference {
  subtechnique: ThreatReference[];
}

/** One element of a Kibana rule's `threat` array. */
export interface Threat {
  framework: "MITRE ATT&CK";
  tactic: ThreatReference;
  technique: ThreatTechnique[];
}

interface ParsedTags {
  tactics: string[];
  techniques: AttackTechnique[];
  issues: RuleIssue[];
}

const techniqueTag = /^attack\.(t\d{4}(?:\.\d{3})?)$/;
// Groups (G0001), software (S0001) and campaigns (C0001) are not threats.
const otherAttackTag = /^attack\.[gsc]\d{4}$/;

function parseTags(tags: string[]): ParsedTags {
  const parsed: ParsedTags = { tactics: [], techniques: [], issues: [] };
  tags.forEach((tag, index) => {
    const lower = tag.toLowerCase();
    if (!lower.startsWith("attack.") || otherAttackTag.test(lower)) return;
    const techniqueId = techniqueTag.exec(lower)?.[1];
    if (techniqueId) {
      const technique = findTechnique(techniqueId);
      if (technique) parsed.techniques.push(technique);
      else parsed.issues.push(unknownTechnique(index, tag));
      return;
    }
    const tactic = findTactic(
      lower.slice("attack.".length).replaceAll("_", "-"),
    );
    if (tactic) parsed.tactics.push(tactic.shortname);
    else parsed.issues.push(unknownTactic(index, tag));
  });
  return parsed;
}

function unknownTechnique(index: number, tag: string): RuleIssue {
  return {
    path: `tags[${index}]`,
    value: tag,
    problem: `unknown ATT&CK technique in ATT&CK ${attackVersion}`,
    fix: "Use a current technique id such as attack.t1047 or attack.t1546.003; revoked ids name their replacement on attack.mitre.org.",
  };
}

function unknownTactic(index: number, tag: string): RuleIssue {
  return {
    path: `tags[${index}]`,
    value: tag,
    problem: "unknown ATT&CK tactic",
    fix: "Use a tactic short name such as attack.execution or attack.privilege-escalation.",
  };
}

/** Tactics to file a technique under: the tagged ones it belongs to, else all. */
function tacticsFor(technique: AttackTechnique, tagged: string[]): string[] {
  const both = technique.tactics.filter((tactic) => tagged.includes(tactic));
  return both.length > 0 ? both : technique.tactics;
}

/**
 * Builds the `threat` array from Sigma tags. Returns the issues for tags that
 * name no ATT&CK tactic or technique instead of throwing.
 */
export function buildThreat(tags: string[]): {
  threat: Threat[];
  issues: RuleIssue[];
} {
  const parsed = parseTags(tags);
  // tactic -> technique id -> sub-technique ids
  const tree = new Map<string, Map<string, Set<string>>>();
  for (const tactic of parsed.tactics)
    tree.set(tactic, tree.get(tactic) ?? new Map());
  for (const technique of parsed.techniques) {
    const parentId = technique.parentId ?? technique.id;
    for (const tactic of tacticsFor(technique, parsed.tactics)) {
      const byTechnique = tree.get(tactic) ?? new Map<string, Set<string>>();
      const subtechniques = byTechnique.get(parentId) ?? new Set<string>();
      if (technique.parentId) subtechniques.add(technique.id);
      byTechnique.set(parentId, subtechniques);
      tree.set(tactic, byTechnique);
    }
  }
  const threat = [...tree.entries()]
    .sort(([a], [b]) => tacticOrder(a) - tacticOrder(b))
    .map(([tactic, byTechnique]) => threatEntry(tactic, byTechnique));
  return { threat, issues: parsed.issues };
}

function threatEntry(
  shortname: string,
  byTechnique: Map<string, Set<string>>,
): Threat {
  const tactic = findTactic(shortname)!;
  const technique = [...byTechnique.keys()].sort().map((id) => ({
    ...reference(id),
    subtechnique: [...byTechnique.get(id)!].sort().map(reference),
  }));
  return {
    framework: "MITRE ATT&CK",
    tactic: {
      id: tactic.id,
      name: tactic.name,
      reference: tacticReference(tactic.id),
    },
    technique,
  };
}

function reference(id: string): ThreatReference {
  const technique = findTechnique(id)!;
  return { id, name: technique.name, reference: techniqueReference(id) };
}
