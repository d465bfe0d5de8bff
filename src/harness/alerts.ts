/**
 * Maps the alerts of Kibana's detection engine back to the events that
 * raised them, and turns them into verdicts per event and rule. An alert
 * names its source event in `kibana.alert.ancestors`: the entry of type
 * `event` at depth 0 contains the event's `_id` and backing index. Alert
 * documents store these fields under flat dotted keys, and `getField`
 * reads flat and nested forms alike.
 */
import { getField } from "./events.js";
import type { Verdict } from "./expect.js";
import type { EcsDocument } from "./winlog.js";

/** One hit of a search on `.alerts-security.alerts-<space>`. */
export interface AlertHit {
  _id: string;
  _index: string;
  _source: EcsDocument;
}

/** The document an alert was raised on, as its ancestors record it. */
export interface AlertAncestor {
  id: string;
  index: string;
}

/** An alert with its rule and, when known, the event it was raised on. */
export interface MappedAlert {
  alertId: string;
  /** `kibana.alert.rule.uuid`: the rule's saved object id. */
  ruleUuid: string;
  /** `kibana.alert.rule.rule_id`: the rule_id the tool deployed. */
  ruleId: string;
  ancestor: AlertAncestor | null;
  /** `event.id` of the source event, or null for an event of another run. */
  eventId: string | null;
}

/** Returns the source event of an alert: its ancestor of type `event` at depth 0. */
export function sourceAncestor(source: EcsDocument): AlertAncestor | null {
  const ancestors = getField(source, "kibana.alert.ancestors");
  const list = Array.isArray(ancestors) ? ancestors : [ancestors];
  for (const ancestor of list) {
    if (typeof ancestor !== "object" || ancestor === null) continue;
    const entry = ancestor as Record<string, unknown>;
    const depth = Number(entry.depth ?? 0);
    if (entry.type === "event" && depth === 0 && typeof entry.id === "string") {
      return { id: entry.id, index: String(entry.index ?? "") };
    }
  }
  return null;
}

/**
 * Maps alerts to events. `eventIdByDocumentId` maps the `_id` each event got
 * when it was indexed to its `event.id`. An alert whose source document is
 * not in the map (an event of another run in the same data streams) gets a
 * null eventId.
 */
export function mapAlerts(
  hits: readonly AlertHit[],
  eventIdByDocumentId: ReadonlyMap<string, string>,
): MappedAlert[] {
  return hits.map((hit) => {
    const ancestor = sourceAncestor(hit._source);
    return {
      alertId: hit._id,
      ruleUuid: String(getField(hit._source, "kibana.alert.rule.uuid") ?? ""),
      ruleId: String(getField(hit._source, "kibana.alert.rule.rule_id") ?? ""),
      ancestor,
      eventId: ancestor ? (eventIdByDocumentId.get(ancestor.id) ?? null) : null,
    };
  });
}

/**
 * Returns the verdict of each rule on each event: `alert` when at least one
 * alert of the rule maps to the event, otherwise `no_alert`. `ruleKeyByUuid`
 * maps each deployed rule's saved object id to its rule key; alerts of other
 * rules and of unknown events are left out.
 */
export function verdictsFromAlerts(
  alerts: readonly MappedAlert[],
  ruleKeyByUuid: ReadonlyMap<string, string>,
  eventIds: readonly string[],
): Map<string, Map<string, Verdict>> {
  const verdicts = new Map<string, Map<string, Verdict>>();
  for (const eventId of eventIds) {
    const byRule = new Map<string, Verdict>();
    for (const key of ruleKeyByUuid.values()) byRule.set(key, "no_alert");
    verdicts.set(eventId, byRule);
  }
  for (const alert of alerts) {
    const key = ruleKeyByUuid.get(alert.ruleUuid);
    if (key === undefined || alert.eventId === null) continue;
    verdicts.get(alert.eventId)?.set(key, "alert");
  }
  return verdicts;
}

/** Counts alerts that map to no event of this run, or to no deployed rule. */
export function countUnmatchedAlerts(
  alerts: readonly MappedAlert[],
  ruleKeyByUuid: ReadonlyMap<string, string>,
): number {
  return alerts.filter(
    (alert) => alert.eventId === null || !ruleKeyByUuid.has(alert.ruleUuid),
  ).length;
}
