/**
 * `detections verify --target live|elasticsearch`: the same rules and events
 * as embedded verification, plus events synthesized from the rules' queries,
 * run on a real cluster. Prints the verdict table of the cluster, then each
 * event where the cluster and the embedded engine disagree. Exits 1 on any
 * mismatch or disagreement, 3 when the cluster fails.
 */
import { readFileSync } from "node:fs";
import { InputError } from "../errors.js";
import { parseEql } from "../eql/parser.js";
import { type BuiltRule, runRuleEmbedded } from "../harness/embedded.js";
import {
  createElasticsearchClient,
  ElasticsearchTarget,
  resolveElasticsearchSettings,
} from "../harness/elasticsearch-target.js";
import type { LoadedEvent } from "../harness/events.js";
import type { Expectations, Verdict } from "../harness/expect.js";
import {
  runElasticsearch,
  runLive,
  type LiveDependencies,
  type LiveRule,
  type LiveRun,
} from "../harness/live.js";
import { createProgress } from "../harness/progress.js";
import { embeddedSynthesisEngine } from "../harness/synthesis/embedded-engine.js";
import { synthesizeEvents } from "../harness/synthesize.js";
import {
  formatVerifyJson,
  formatVerifyTable,
  type VerifyReport,
  verifyRules,
} from "../harness/verify.js";
import { KibanaClient } from "../kibana/client.js";
import { resolveKibanaConnection } from "../kibana/connection.js";
import type { KibanaRule } from "../kibana/rule.js";
import { type CommandContext, ExitCode } from "./context.js";

/** Options of `verify` that the cluster targets read. */
export interface TargetOptions {
  target: string;
  esUrl?: string;
  kibanaUrl?: string;
  keep: boolean;
  /** Seconds to wait for rule runs. */
  waitTimeout: string;
  synthesize: boolean;
  json: boolean;
}

/** The loaded input of `verify`. */
export interface VerifyInput {
  rules: BuiltRule[];
  events: LoadedEvent[];
  expectations: Expectations | undefined;
}

/** An event and rule on which the cluster and the embedded engine differ. */
interface Disagreement {
  event_id: string;
  rule: string;
  cluster: Verdict;
  embedded: Verdict;
}

/** Runs the verification on the cluster named by the options. */
export async function runTargetVerify(
  input: VerifyInput,
  options: TargetOptions,
  context: CommandContext,
): Promise<void> {
  if (options.target !== "live" && options.target !== "elasticsearch") {
    throw new InputError(
      `invalid --target ${JSON.stringify(options.target)}. Use embedded, live or elasticsearch.`,
    );
  }
  const waitTimeoutMs = parseSeconds(options.waitTimeout);
  const { events, expectations } = options.synthesize
    ? withSynthesized(input, context)
    : input;
  const embedded = verifyRules(
    input.rules,
    events,
    expectations,
    runRuleEmbedded,
  );
  const rules = input.rules.map(liveRule);
  const dependencies = connect(options, context);
  const run =
    options.target === "live"
      ? await runLive(rules, events, dependencies, {
          keep: options.keep,
          waitTimeoutMs,
        })
      : await runElasticsearch(rules, events, dependencies, {
          keep: options.keep,
        });
  context.log(describeRun(options.target, run));
  const report = verifyRules(
    input.rules,
    events,
    expectations,
    (rule) => run.alerted.get(rule.key) ?? new Set(),
  );
  const disagreements = compare(report, embedded);
  print(report, disagreements, options, context);
  if (
    report.mismatches > 0 ||
    disagreements.length > 0 ||
    report.unreadExpectations.length > 0
  ) {
    context.setExitCode(ExitCode.checkFailed);
  }
}

function parseSeconds(text: string): number {
  const seconds = Number(text);
  if (!Number.isFinite(seconds) || seconds <= 0) {
    throw new InputError(
      `invalid --wait-timeout ${JSON.stringify(text)}. Give a number of seconds, such as 300.`,
    );
  }
  return seconds * 1000;
}

/** Adds events synthesized from the rules' queries, with their verdicts as expectations. */
function withSynthesized(
  input: VerifyInput,
  context: CommandContext,
): Omit<VerifyInput, "rules"> {
  const rules = input.rules.map((rule) => ({
    key: rule.key,
    query: parseEql(rule.query),
    index: rule.index,
  }));
  const result = synthesizeEvents(rules, embeddedSynthesisEngine());
  for (const gap of result.gaps) {
    context.log(
      `warning: ${gap.rule}: no synthesized event for ${gap.description}: ${gap.reason}`,
    );
  }
  const synthesized: LoadedEvent[] = result.events.map((event, position) => ({
    id: event.id,
    index: event.index,
    document: event.document,
    file: "(synthesized)",
    line: position + 1,
  }));
  const keys = input.rules.map((rule) => rule.key);
  const verdicts = new Map(input.expectations?.verdicts ?? []);
  for (const event of result.events) {
    verdicts.set(
      event.id,
      new Map(keys.map((key) => [key, event.verdicts[key] ?? "no_alert"])),
    );
  }
  context.log(
    `added ${result.events.length} events synthesized from the rules' queries`,
  );
  return {
    events: [...input.events, ...synthesized],
    expectations: {
      file: input.expectations?.file ?? "(synthesized)",
      rules: input.expectations?.rules ?? keys,
      eventIds: [
        ...(input.expectations?.eventIds ?? []),
        ...result.events.map((event) => event.id),
      ],
      verdicts,
    },
  };
}

function liveRule(rule: BuiltRule): LiveRule {
  const body = JSON.parse(readFileSync(rule.file, "utf8")) as KibanaRule;
  return { key: rule.key, body };
}

/** Builds the clients from the options and the environment; secrets come only from the environment. */
function connect(
  options: TargetOptions,
  context: CommandContext,
): LiveDependencies {
  const readFile = (file: string) => readFileSync(file, "utf8");
  const settings = resolveElasticsearchSettings(
    options.esUrl,
    process.env,
    readFile,
  );
  const elasticsearch = new ElasticsearchTarget(
    createElasticsearchClient(settings),
    settings,
  );
  const progress = createProgress({
    write: (text) => process.stderr.write(text),
    isTTY: Boolean(process.stderr.isTTY),
  });
  const dependencies: LiveDependencies = {
    elasticsearch,
    progress,
    log: context.log,
  };
  if (options.target !== "live") return dependencies;
  const connection = resolveKibanaConnection(
    options.kibanaUrl === undefined ? {} : { kibanaUrl: options.kibanaUrl },
    process.env,
    readFile,
  );
  const clientOptions = { log: context.log, debug: context.debug };
  return {
    ...dependencies,
    kibana: new KibanaClient(
      { ...connection, space: undefined },
      clientOptions,
    ),
    kibanaInSpace: (space) =>
      new KibanaClient({ ...connection, space }, clientOptions),
  };
}

function describeRun(target: string, run: LiveRun): string {
  const versions = run.kibanaVersion
    ? `Elasticsearch ${run.elasticsearchVersion}, Kibana ${run.kibanaVersion}`
    : `Elasticsearch ${run.elasticsearchVersion}`;
  const ignored =
    run.ignored > 0
      ? `; left out ${run.ignored} alerts or hits of other events`
      : "";
  return `${target} verification on ${versions} in namespace ${run.namespace}${ignored}`;
}

/** Lists each event and rule where the cluster's verdict differs from the embedded engine's. */
function compare(
  cluster: VerifyReport,
  embedded: VerifyReport,
): Disagreement[] {
  const disagreements: Disagreement[] = [];
  cluster.results.forEach((result, position) => {
    const other = embedded.results[position];
    if (other && other.actual !== result.actual) {
      disagreements.push({
        event_id: result.event_id,
        rule: result.rule,
        cluster: result.actual,
        embedded: other.actual,
      });
    }
  });
  return disagreements;
}

function print(
  report: VerifyReport,
  disagreements: readonly Disagreement[],
  options: TargetOptions,
  context: CommandContext,
): void {
  if (options.json) {
    const base = JSON.parse(formatVerifyJson(report)) as Record<
      string,
      unknown
    >;
    context.out(
      JSON.stringify(
        { target: options.target, ...base, disagreements },
        null,
        2,
      ),
    );
  } else {
    for (const line of formatVerifyTable(report)) context.out(line);
    for (const item of disagreements) {
      context.out(
        `DISAGREE ${item.event_id} ${item.rule}: ${options.target} ${item.cluster}, embedded engine ${item.embedded}`,
      );
    }
    context.out(
      `${disagreements.length} ${disagreements.length === 1 ? "disagreement" : "disagreements"} between ${options.target} and the embedded engine`,
    );
  }
  if (report.unreadExpectations.length > 0) {
    context.log(
      `error: ${report.unreadExpectations.length} events have expected verdicts but were not read: ` +
        `${report.unreadExpectations.join(", ")}. Pass their event files with --events.`,
    );
  }
}
