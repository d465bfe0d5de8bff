/**
 * Version lock: the file `kibana/version.lock.json`, kept in the repository,
 * maps each rule_id to its name, the SHA-256 of its normalized rule body
 * without `version`, and its `version`. Kibana does not raise `version` of
 * a custom rule on updates (its rule schema says so; `revision` counts
 * updates instead), so the build raises it whenever the content hash
 * changes. Versions only grow: entries of removed rules stay in the lock, so
 * a rule that comes back continues from its last version.
 */
import { createHash } from "node:crypto";
import { z } from "zod";
import { InputError } from "../errors.js";
import type { KibanaRule } from "./rule.js";
import { compareCodeUnits, sortKeys } from "./sort-keys.js";

/** Path of the lock file relative to the project root. */
export const VERSION_LOCK_PATH = "kibana/version.lock.json";

export interface VersionLockEntry {
  name: string;
  sha256: string;
  version: number;
}

/** Lock entries by rule_id. */
export type VersionLock = Record<string, VersionLockEntry>;

/** Result of applying the lock to freshly built rules. */
export interface LockedRules {
  /** The rules with their locked or raised versions. */
  rules: KibanaRule[];
  /** The lock to write back. */
  lock: VersionLock;
  /** rule_ids whose lock entry was added or changed. */
  changed: string[];
}

/**
 * Returns the canonical JSON of a rule body without `version` and `meta`:
 * object keys sorted, array order kept, undefined fields dropped.
 */
export function normalizeRuleBody(rule: KibanaRule): string {
  const { version: _version, meta: _meta, ...content } = rule;
  return JSON.stringify(sortKeys(content));
}

/** Returns the SHA-256 (hex) of the normalized rule body. */
export function hashRuleBody(rule: KibanaRule): string {
  return createHash("sha256").update(normalizeRuleBody(rule)).digest("hex");
}

function lockRule(
  rule: KibanaRule,
  entry: VersionLockEntry | undefined,
): VersionLockEntry {
  const sha256 = hashRuleBody(rule);
  if (!entry) return { name: rule.name, sha256, version: 1 };
  if (entry.sha256 === sha256) return { ...entry, name: rule.name };
  return { name: rule.name, sha256, version: entry.version + 1 };
}

function sameEntry(
  a: VersionLockEntry | undefined,
  b: VersionLockEntry,
): boolean {
  return (
    a !== undefined &&
    a.name === b.name &&
    a.sha256 === b.sha256 &&
    a.version === b.version
  );
}

/**
 * Sets each rule's version from the lock, raising it where the content hash
 * changed, and returns the updated lock. Pure: writes nothing.
 */
export function applyVersionLock(
  rules: readonly KibanaRule[],
  lock: VersionLock,
): LockedRules {
  const next: VersionLock = { ...lock };
  const changed: string[] = [];
  const locked = rules.map((rule) => {
    const entry = lockRule(rule, lock[rule.rule_id]);
    if (!sameEntry(lock[rule.rule_id], entry)) changed.push(rule.rule_id);
    next[rule.rule_id] = entry;
    return { ...rule, version: entry.version };
  });
  return { rules: locked, lock: sortLock(next), changed };
}

/** Returns the rule_ids whose lock entry a build would add or change. */
export function staleLockEntries(
  rules: readonly KibanaRule[],
  lock: VersionLock,
): string[] {
  return applyVersionLock(rules, lock).changed;
}

/** True when building these rules would change the lock (`build --check`). */
export function isLockStale(
  rules: readonly KibanaRule[],
  lock: VersionLock,
): boolean {
  return staleLockEntries(rules, lock).length > 0;
}

function sortLock(lock: VersionLock): VersionLock {
  return Object.fromEntries(
    Object.entries(lock).sort(([a], [b]) => compareCodeUnits(a, b)),
  );
}

const lockSchema = z.record(
  z.string().min(1),
  z.strictObject({
    name: z.string(),
    sha256: z.string().regex(/^[0-9a-f]{64}$/),
    version: z.number().int().min(1),
  }),
);

/** Parses the lock file; throws InputError naming the entry and field. */
export function parseVersionLock(text: string, source: string): VersionLock {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new InputError(
      `${source}: invalid JSON (${(error as Error).message}). Fix the file or delete it to start versions at 1.`,
    );
  }
  const result = lockSchema.safeParse(value);
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  const path = issue.path.map(String).join(".");
  throw new InputError(
    `${source}: ${path || "(root)"}: ${issue.message}. Each entry needs name (string), sha256 (64 hex digits) and version (integer >= 1).`,
  );
}

/** Formats the lock with sorted rule_ids and a final newline. */
export function formatVersionLock(lock: VersionLock): string {
  return `${JSON.stringify(sortLock(lock), null, 2)}\n`;
}
