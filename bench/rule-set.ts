/**
 * The rules each phase evaluates, compiled before the clock starts. The two
 * mofcomp rules come from their built Kibana bodies in kibana/, or from
 * rules/ when kibana/ is not built. The 50 SigmaHQ rules are the first that
 * convert and compile, in file name order.
 */
import { readdir, readFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import type { EqlQuery } from "../src/eql/ast.js";
import { EqlVerificationError } from "../src/eql/errors.js";
import { convertRuleText } from "../src/eql/from-sigma.js";
import { parseEql } from "../src/eql/parser.js";
import { dataStreamOf } from "../src/harness/events.js";
import { matchesIndexPatterns } from "../src/harness/index-pattern.js";
import type { EcsDocument } from "../src/harness/winlog.js";
import {
  compileQuery,
  compileRuleSet,
  type RuleSet as EngineRuleSet,
} from "../src/eql/engine/index.js";

export type PhaseName = "parse" | "two-rules" | "fifty-rules" | "sequence";

export function isPhaseName(value: unknown): value is PhaseName {
  return (
    value === "parse" ||
    value === "two-rules" ||
    value === "fifty-rules" ||
    value === "sequence"
  );
}

/** Project root, from bench/build/bench/ where the compiled file runs. */
const root = fileURLToPath(new URL("../../../", import.meta.url));
// SHARED_DATA_DIR, when set, names the shared reference data folder, as in
// the tests. A relative value is resolved from the project root.
const sharedDataDirectory = resolve(
  root,
  process.env.SHARED_DATA_DIR || "../shared/data",
);
/** SigmaHQ rules that the fifty-rules phase converts. */
export const sigmaRulesDirectory = join(sharedDataDirectory, "sigmahq/rules");

/** Number of SigmaHQ rules that phase (3) evaluates. */
export const sigmaRuleCount = 50;

interface RuleSource {
  name: string;
  query: EqlQuery;
  index: string[];
}

/** Compiled rules that report, per event, how many of them alert. */
export interface RuleSet {
  names: string[];
  /** Returns the number of rules that alert on the parsed event. */
  countAlerts(event: unknown): number;
}

/**
 * Compiles the rules of an event phase. A rule evaluates only the events
 * whose data stream matches its index patterns, as in Kibana. Rules with
 * the same patterns form one engine rule set, which reads each field once
 * per event for all of them.
 */
export async function loadRuleSet(
  phase: Exclude<PhaseName, "sequence">,
): Promise<RuleSet> {
  const sources =
    phase === "parse"
      ? []
      : phase === "two-rules"
        ? await loadMofcompRules()
        : await loadSigmaRules(sigmaRuleCount);
  const groups = groupByIndex(sources);
  // Each data stream resolves the index patterns once, not once per event.
  const visibleByStream = new Map<string, EngineRuleSet[]>();
  const visibleGroups = (stream: string): EngineRuleSet[] => {
    let visible = visibleByStream.get(stream);
    if (visible === undefined) {
      visible = groups
        .filter((group) => matchesIndexPatterns(stream, group.index))
        .map((group) => group.rules);
      visibleByStream.set(stream, visible);
    }
    return visible;
  };
  return {
    names: groups.flatMap((group) => group.names),
    countAlerts(event: unknown): number {
      if (groups.length === 0) return 0;
      const stream = streamOf(event as EcsDocument);
      if (stream === null) return 0;
      let alerts = 0;
      for (const rules of visibleGroups(stream)) {
        alerts += rules.countMatching(event);
      }
      return alerts;
    },
  };
}

/**
 * Returns what dataStreamOf returns, faster for the shape every generated
 * event has: a `data_stream` object with three non-empty strings and no
 * dotted `data_stream.*` keys beside it. Other shapes go to dataStreamOf.
 */
function streamOf(document: EcsDocument): string | null {
  const fields = document.data_stream as Record<string, unknown> | undefined;
  if (
    typeof fields === "object" &&
    fields !== null &&
    !Array.isArray(fields) &&
    !Object.hasOwn(document, "data_stream.type") &&
    !Object.hasOwn(document, "data_stream.dataset") &&
    !Object.hasOwn(document, "data_stream.namespace") &&
    Object.hasOwn(fields, "type") &&
    Object.hasOwn(fields, "dataset") &&
    Object.hasOwn(fields, "namespace")
  ) {
    const { type, dataset, namespace } = fields;
    if (
      typeof type === "string" &&
      typeof dataset === "string" &&
      typeof namespace === "string" &&
      type !== "" &&
      dataset !== "" &&
      namespace !== ""
    ) {
      return `${type}-${dataset}-${namespace}`;
    }
  }
  return dataStreamOf(document);
}

interface RuleGroup {
  index: string[];
  names: string[];
  rules: EngineRuleSet;
}

function groupByIndex(sources: RuleSource[]): RuleGroup[] {
  const byIndex = new Map<string, RuleSource[]>();
  for (const source of sources) {
    const key = JSON.stringify(source.index);
    byIndex.set(key, [...(byIndex.get(key) ?? []), source]);
  }
  return [...byIndex.values()].map((members) => ({
    index: members[0]!.index,
    names: members.map((member) => member.name),
    rules: compileRuleSet(members.map((member) => member.query)),
  }));
}

/** Reads the built mofcomp rules, or converts their Sigma sources. */
async function loadMofcompRules(): Promise<RuleSource[]> {
  const kibanaDirectory = join(root, "kibana");
  const built = (await listFiles(kibanaDirectory))
    .filter((file) => file.endsWith(".json") && file.startsWith("mofcomp_"))
    .sort();
  if (built.length > 0) {
    const rules: RuleSource[] = [];
    for (const file of built) {
      const body = JSON.parse(
        await readFile(join(kibanaDirectory, file), "utf8"),
      ) as { name: string; query: string; index: string[] };
      rules.push({
        name: file,
        query: parseEql(body.query),
        index: body.index,
      });
    }
    return rules;
  }
  const sigmaFiles = (await listFiles(join(root, "rules")))
    .filter((file) => file.endsWith(".yml"))
    .sort()
    .map((file) => join(root, "rules", file));
  return convertAll(sigmaFiles, Number.POSITIVE_INFINITY);
}

/** Converts SigmaHQ rules in file name order and keeps the first `count`. */
async function loadSigmaRules(count: number): Promise<RuleSource[]> {
  const files = (await listFiles(sigmaRulesDirectory))
    .filter((file) => file.endsWith(".yml"))
    .sort()
    .map((file) => join(sigmaRulesDirectory, file));
  const rules = await convertAll(files, count);
  if (rules.length < count) {
    throw new Error(
      `only ${rules.length} of the rules in ${sigmaRulesDirectory} convert and compile, but the benchmark needs ${count}. Check that the SigmaHQ data is complete.`,
    );
  }
  return rules;
}

async function convertAll(
  files: string[],
  count: number,
): Promise<RuleSource[]> {
  const rules: RuleSource[] = [];
  for (const file of files) {
    if (rules.length === count) break;
    const result = convertRuleText(await readFile(file, "utf8"), file);
    if (result.status !== "converted") continue;
    const source = {
      name: file.slice(file.lastIndexOf("/") + 1),
      query: result.converted.query,
      index: result.converted.indexPatterns,
    };
    // A rule the engine rejects would also fail in Kibana, so skip it.
    if (!compilesOnEngine(source.query)) continue;
    rules.push(source);
  }
  return rules;
}

function compilesOnEngine(query: EqlQuery): boolean {
  try {
    compileQuery(query);
    return true;
  } catch (error) {
    if (error instanceof EqlVerificationError) return false;
    throw error;
  }
}

async function listFiles(directory: string): Promise<string[]> {
  try {
    return await readdir(directory);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return [];
    throw error;
  }
}

/**
 * Sequence for the memory check: a shell, then mofcomp, on the same host
 * within five minutes. Shells are common, so most hosts hold a partial
 * sequence at any time. The engine keeps at most one partial sequence per
 * join key and stage, so the open state is bounded by the 400 host names.
 */
export const sequenceQueryText = `sequence by host.name with maxspan=5m
  [process where process.name : ("cmd.exe", "powershell.exe")]
  [process where process.name : "mofcomp.exe"]`;

/** A sequence query fed one event at a time, in timestamp order. */
export interface SequenceRun {
  query: string;
  push(event: unknown): void;
  /** Ends the input and returns the number of sequences returned. */
  finish(): number;
}

/**
 * Compiles the sequence with Elasticsearch's default size of 10, so the
 * results kept are bounded and memory shows the open state alone.
 */
export function loadSequenceRun(): SequenceRun {
  const compiled = compileQuery(sequenceQueryText);
  const run = compiled.run<null>();
  return {
    query: sequenceQueryText.replace(/\s+/g, " "),
    push: (event) => run.push(event, null),
    finish(): number {
      const result = run.finish();
      return result.kind === "sequences" ? result.sequences.length : 0;
    },
  };
}
