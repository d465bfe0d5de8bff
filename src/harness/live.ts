/**
 * Live verification on a real cluster. `runLive` indexes the events, deploys
 * the rules into a Space of their own, makes them run, waits for the runs,
 * and reads which events each rule alerted on. `runElasticsearch` runs each
 * rule's query through `_eql/search` instead, for users without Kibana.
 * Both delete what they created unless `keep` is set.
 */
import type { KibanaClient } from "../kibana/client.js";
import type { DeployIo } from "../kibana/apply.js";
import type { KibanaRule } from "../kibana/rule.js";
import { mapAlerts, countUnmatchedAlerts } from "./alerts.js";
import type { ElasticsearchTarget } from "./elasticsearch-target.js";
import type { LoadedEvent } from "./events.js";
import {
  createSpace,
  deleteSpace,
  deployRules,
  runRulesNow,
  supportsManualRun,
  verificationBodies,
  waitForRuleRuns,
} from "./live-kibana.js";
import type { Progress } from "./progress.js";
import {
  eventIdsByDocumentId,
  newNamespace,
  prepareDocuments,
  type PreparedDocument,
} from "./seeding.js";

/** A built rule: its key (Sigma file name without `.yml`) and Kibana body. */
export interface LiveRule {
  key: string;
  body: KibanaRule;
}

/** Verdicts and counts a live run observed. */
export interface LiveRun {
  /** Event ids each rule alerted on (or hit, for Elasticsearch), by rule key. */
  alerted: Map<string, Set<string>>;
  /** Alerts or hits of events outside this run, left out of the comparison. */
  ignored: number;
  elasticsearchVersion: string;
  kibanaVersion?: string;
  namespace: string;
  space?: string;
}

export interface LiveDependencies {
  elasticsearch: ElasticsearchTarget;
  /** Kibana client for requests outside a space, such as the Spaces API. */
  kibana?: KibanaClient;
  /** Creates a client bound to a space. */
  kibanaInSpace?: (space: string) => KibanaClient;
  progress: Progress;
  log: (line: string) => void;
  now?: () => Date;
  sleep?: (ms: number) => Promise<void>;
}

export interface LiveOptions {
  /** Keep the space, data streams and templates for inspection. */
  keep: boolean;
  /** Data stream namespace; a fresh one by default. */
  namespace?: string;
  waitTimeoutMs?: number;
  pollIntervalMs?: number;
}

/** Look-back of the deployed rules; far more than indexing and deploy take. */
const lookbackMinutes = 60;

/** Runs the rules in Kibana's detection engine and maps alerts to events. */
export async function runLive(
  rules: readonly LiveRule[],
  events: readonly LoadedEvent[],
  dependencies: LiveDependencies,
  options: LiveOptions,
): Promise<LiveRun> {
  const { kibana, kibanaInSpace } = dependencies;
  if (!kibana || !kibanaInSpace)
    throw new Error("runLive needs a Kibana client");
  const namespace = options.namespace ?? newNamespace();
  const space = `detections-${namespace}`;
  const now = dependencies.now ?? (() => new Date());
  const es = dependencies.elasticsearch;
  const elasticsearchVersion = await es.version();
  const templates: string[] = [];
  let spaceCreated = false;
  try {
    templates.push(...(await es.installTemplates(namespace)));
    const seededAt = now();
    const documents = prepareDocuments(events, namespace, seededAt);
    await es.index(documents, dependencies.progress);

    await createSpace(kibana, space);
    spaceCreated = true;
    dependencies.log(`created Kibana space ${space}`);
    const client = kibanaInSpace(space);
    const bodies = verificationBodies(
      rules.map((rule) => rule.body),
      lookbackMinutes,
    );
    const { version, deployed } = await deployRules(
      client,
      bodies,
      deployIo(dependencies, now),
    );
    if (supportsManualRun(version)) {
      await startManualRun(
        client,
        deployed.map((rule) => rule.id),
        seededAt,
        dependencies,
      );
    }
    await waitForRuleRuns(client, deployed, {
      timeoutMs: options.waitTimeoutMs ?? 300_000,
      pollIntervalMs: options.pollIntervalMs ?? 2_000,
      progress: dependencies.progress,
      ...(dependencies.sleep ? { sleep: dependencies.sleep } : {}),
    });
    const keyByRuleId = new Map(
      rules.map((rule) => [rule.body.rule_id, rule.key]),
    );
    const keyByUuid = new Map(
      deployed.map((rule) => [
        rule.id,
        keyByRuleId.get(rule.rule_id) ?? rule.rule_id,
      ]),
    );
    const hits = await es.searchAlerts(space, [...keyByUuid.keys()]);
    const mapped = mapAlerts(hits, eventIdsByDocumentId(documents));
    const alerted = emptyAlerted(rules);
    for (const alert of mapped) {
      const key = keyByUuid.get(alert.ruleUuid);
      if (key !== undefined && alert.eventId !== null)
        alerted.get(key)?.add(alert.eventId);
    }
    return {
      alerted,
      ignored: countUnmatchedAlerts(mapped, keyByUuid),
      elasticsearchVersion,
      kibanaVersion: version.text,
      namespace,
      space,
    };
  } finally {
    await cleanUp(
      dependencies,
      options,
      namespace,
      templates,
      spaceCreated ? space : undefined,
    );
  }
}

/**
 * Runs each rule's query through `_eql/search`, with the time filter the
 * detection engine adds, and collects the hits per rule.
 */
export async function runElasticsearch(
  rules: readonly LiveRule[],
  events: readonly LoadedEvent[],
  dependencies: LiveDependencies,
  options: LiveOptions,
): Promise<LiveRun> {
  const namespace = options.namespace ?? newNamespace();
  const now = dependencies.now ?? (() => new Date());
  const es = dependencies.elasticsearch;
  const elasticsearchVersion = await es.version();
  const templates: string[] = [];
  try {
    templates.push(...(await es.installTemplates(namespace)));
    const seededAt = now();
    const documents = prepareDocuments(events, namespace, seededAt);
    await es.index(documents, dependencies.progress);
    const window = {
      from: new Date(
        seededAt.getTime() - lookbackMinutes * 60_000,
      ).toISOString(),
      to: now().toISOString(),
    };
    const alerted = emptyAlerted(rules);
    let ignored = 0;
    const eventIds = eventIdsByDocumentId(documents);
    const step = dependencies.progress.start(
      `searching ${rules.length} rules with _eql/search`,
    );
    for (const rule of rules) {
      const hits = await es.eqlSearch(
        rule.body,
        window,
        namespace,
        searchSize(rule, documents),
      );
      for (const hit of hits) {
        const eventId = eventIds.get(hit._id);
        if (eventId === undefined) ignored += 1;
        else alerted.get(rule.key)?.add(eventId);
      }
      step.update(`${rule.key}: ${hits.length} hits`);
    }
    step.finish(`${rules.length} rules searched`);
    return { alerted, ignored, elasticsearchVersion, namespace };
  } finally {
    await cleanUp(dependencies, options, namespace, templates, undefined);
  }
}

/**
 * Kibana rejects a manual run whose end lies in the future by its own clock,
 * so the run ends this long before the local clock to allow for clock skew.
 */
const manualRunClockMarginMs = 1_000;

/**
 * Starts a manual run over the indexed events. The rules are enabled with a
 * look-back that covers the events too, so a failed manual run (for example
 * without the privilege) is logged and the scheduled first run decides.
 */
async function startManualRun(
  client: KibanaClient,
  ids: string[],
  seededAt: Date,
  dependencies: LiveDependencies,
): Promise<void> {
  const window = await manualRunWindow(seededAt, dependencies);
  try {
    await runRulesNow(client, ids, window);
    dependencies.log(`started a manual run of ${ids.length} rules`);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    dependencies.log(
      `warning: the manual run failed, waiting for the scheduled run instead: ${message}`,
    );
  }
}

/**
 * Returns a manual run window that contains `seededAt`, the `event.ingested`
 * of every event, and ends in the past. A run that ended before `seededAt`
 * would search none of the events, so this first waits until the local
 * clock is past `seededAt` by the clock margin.
 */
export async function manualRunWindow(
  seededAt: Date,
  dependencies: Pick<LiveDependencies, "now" | "sleep">,
): Promise<{ start: Date; end: Date }> {
  const now = dependencies.now ?? (() => new Date());
  const sleep =
    dependencies.sleep ??
    ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const seeded = seededAt.getTime();
  const waitMs = seeded + manualRunClockMarginMs - now().getTime();
  if (waitMs > 0) await sleep(waitMs);
  const end = Math.max(now().getTime() - manualRunClockMarginMs, seeded);
  return { start: new Date(seeded - 5 * 60_000), end: new Date(end) };
}

/** Returns the rule's max_signals, raised to the number of events so no hit is cut off. */
function searchSize(
  rule: LiveRule,
  documents: readonly PreparedDocument[],
): number {
  return Math.min(10_000, Math.max(rule.body.max_signals, documents.length));
}

function emptyAlerted(rules: readonly LiveRule[]): Map<string, Set<string>> {
  return new Map(rules.map((rule) => [rule.key, new Set<string>()]));
}

function deployIo(dependencies: LiveDependencies, now: () => Date): DeployIo {
  return {
    log: dependencies.log,
    writeFile: () => {
      throw new Error("live verification deploys without a backup");
    },
    mkdir: () => {
      throw new Error("live verification deploys without a backup");
    },
    now,
  };
}

/**
 * Deletes the space, data streams and templates, or logs where they are
 * with `keep`. A cleanup failure is logged, so it never hides the result or
 * the error of the run itself.
 */
async function cleanUp(
  dependencies: LiveDependencies,
  options: LiveOptions,
  namespace: string,
  templates: readonly string[],
  space: string | undefined,
): Promise<void> {
  if (options.keep) {
    const where = space ? `Kibana space ${space}, ` : "";
    dependencies.log(
      `kept ${where}data streams logs-*-${namespace} and ${templates.length} index templates (--keep)`,
    );
    return;
  }
  try {
    if (space && dependencies.kibana)
      await deleteSpace(dependencies.kibana, space);
    await dependencies.elasticsearch.cleanUp(namespace, templates, space);
    dependencies.log(
      `deleted ${space ? `space ${space}, ` : ""}data streams logs-*-${namespace} and ${templates.length} index templates`,
    );
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    dependencies.log(
      `warning: cleanup failed, delete logs-*-${namespace}${space ? ` and space ${space}` : ""} by hand: ${message}`,
    );
  }
}
