/**
 * Synthesizes test events from rules' parsed EQL queries. For every OR
 * branch of a query it builds an event that matches, and for every atom of
 * the condition a near-miss that breaks only that atom, in the ECS shape of
 * each source. Every event gets the verdict of every rule, computed on the
 * embedded engine, so verdicts across rules are right too. Works from the
 * query alone: patterns, regexes, `in` lists, comparisons, null checks and
 * array fields become field values, and the engine confirms each value.
 */
import type { EqlQuery, Expr } from "../eql/ast.js";
import { printExprFlat } from "../eql/print.js";
import { dataStreamOf } from "./events.js";
import type { Verdict } from "./expect.js";
import { matchesIndexPatterns } from "./index-pattern.js";
import {
  atomsOf,
  branchesOf,
  defaultMaxBranches,
  type Branch,
  type Literal,
} from "./synthesis/branches.js";
import {
  sourceDocument,
  synthesisSources,
  type SynthesisSource,
} from "./synthesis/sources.js";
import { solveBranch, type NearTo, type Solution } from "./synthesis/solve.js";
import { fieldOf } from "./synthesis/values.js";
import type { EcsDocument } from "./winlog.js";

/** A rule as synthesis needs it. */
export interface SynthesisRule {
  /** Rule file name in `rules/` without `.yml`. */
  key: string;
  query: EqlQuery;
  /** The rule's `index` patterns. */
  index: readonly string[];
}

/** The embedded engine, as synthesis uses it. */
export interface SynthesisEngine {
  /** Whether the rule alerts on the document stored in the given index. */
  matchesRule(
    rule: SynthesisRule,
    document: EcsDocument,
    index: string,
  ): boolean;
  /** Whether the condition holds for the document, ignoring category and index. */
  holds(condition: Expr, document: EcsDocument): boolean;
}

export interface SynthesizedEvent {
  /** `event.id` of the document. */
  id: string;
  /** Data stream the document belongs to. */
  index: string;
  document: EcsDocument;
  kind: "match" | "near_miss";
  /** Key of the rule the event was built for. */
  rule: string;
  /** The branch it matches or the condition it breaks, for people. */
  description: string;
  /** Verdict of every rule on this event, by rule key. */
  verdicts: Record<string, Verdict>;
}

/** A branch or atom that got no event, with the reason. */
export interface SynthesisGap {
  rule: string;
  description: string;
  reason: string;
}

export interface SynthesisResult {
  events: SynthesizedEvent[];
  gaps: SynthesisGap[];
}

export interface SynthesisOptions {
  /** `data_stream.namespace` of the events. Defaults to "default". */
  namespace?: string;
  /** Upper bound on OR branches enumerated per rule; see branchesOf. */
  maxBranches?: number;
}

type Draft = Omit<SynthesizedEvent, "verdicts">;

const maxDescriptionLength = 160;

/** Synthesizes matches and near-misses for every rule, with all verdicts. */
export function synthesizeEvents(
  rules: readonly SynthesisRule[],
  engine: SynthesisEngine,
  options: SynthesisOptions = {},
): SynthesisResult {
  const namespace = options.namespace ?? "default";
  const maxBranches = options.maxBranches ?? defaultMaxBranches;
  const drafts: Draft[] = [];
  const gaps: SynthesisGap[] = [];
  for (const rule of rules) {
    const context = { rule, engine, namespace, gaps };
    drafts.push(...synthesizeRule(context, maxBranches));
  }
  const events = deduplicate(drafts).map((draft) => ({
    ...draft,
    verdicts: verdictsOf(rules, engine, draft),
  }));
  return { events, gaps };
}

interface RuleContext {
  rule: SynthesisRule;
  engine: SynthesisEngine;
  namespace: string;
  gaps: SynthesisGap[];
}

function synthesizeRule(context: RuleContext, maxBranches: number): Draft[] {
  const { rule, gaps } = context;
  const query = rule.query;
  if (query.kind !== "event") {
    // NOTE: sequence and sample queries get no synthesized events yet.
    gaps.push({
      rule: rule.key,
      description: `${query.kind} query`,
      reason: "only event queries are synthesized",
    });
    return [];
  }
  const sources = sourcesFor(context);
  if (sources.length === 0) {
    gaps.push({
      rule: rule.key,
      description: `index ${rule.index.join(", ")}`,
      reason:
        "no synthesized source's data stream matches the rule's index patterns",
    });
    return [];
  }
  const { branches } = branchesOf(query.condition, maxBranches);
  const matches = synthesizeMatches(context, sources, branches);
  const misses = synthesizeNearMisses(
    context,
    sources,
    branches,
    query.condition,
  );
  return [...matches, ...misses];
}

function sourcesFor(context: RuleContext): SynthesisSource[] {
  return synthesisSources.filter((source) =>
    matchesIndexPatterns(
      dataStreamOf(sourceDocument(source, context.namespace)) ?? "",
      context.rule.index,
    ),
  );
}

/**
 * Builds one matching event per branch. Branches rotate through the
 * sources; with fewer branches than sources every branch gets every source.
 */
function synthesizeMatches(
  context: RuleContext,
  sources: SynthesisSource[],
  branches: Branch[],
): Draft[] {
  const drafts: Draft[] = [];
  branches.forEach((branch, position) => {
    const picked =
      branches.length < sources.length
        ? sources
        : [sources[position % sources.length] as SynthesisSource];
    const description = `matches branch ${position + 1} of ${branches.length}: ${describeBranch(branch)}`;
    for (const source of picked) {
      const solution = solveBranch(
        branch,
        source,
        context.namespace,
        context.engine,
      );
      const label = `match-${position + 1}-${source.label}`;
      const draft = finish(context, solution, "match", label, description);
      if (draft) drafts.push(draft);
    }
  });
  return drafts;
}

/**
 * Builds, for every atom of the condition, an event that breaks only that
 * atom: from the first branch that contains the atom, with the atom flipped
 * and values close to the matching ones. Tries later branches while the result
 * still matches through another branch.
 */
function synthesizeNearMisses(
  context: RuleContext,
  sources: SynthesisSource[],
  branches: Branch[],
  condition: Expr,
): Draft[] {
  const drafts: Draft[] = [];
  atomsOf(condition).forEach((atom, position) => {
    const source = sources[position % sources.length] as SynthesisSource;
    const draft = nearMissFor(context, source, branches, atom, position);
    if (draft) drafts.push(draft);
  });
  return drafts;
}

function nearMissFor(
  context: RuleContext,
  source: SynthesisSource,
  branches: Branch[],
  atom: Expr,
  position: number,
): Draft | null {
  let lastReason = "no branch of the condition contains it";
  for (const branch of branches) {
    const literal = branch.find((candidate) => candidate.atom === atom);
    if (!literal) continue;
    const flipped = branch.map((item) =>
      item === literal ? { ...item, negated: !item.negated } : item,
    );
    const match = solveBranch(
      branch,
      source,
      context.namespace,
      context.engine,
    );
    const near = match.ok ? { literal, document: match.document } : undefined;
    const outcome = breakAllBranches(context, source, branches, flipped, near);
    if (typeof outcome === "string") {
      lastReason = outcome;
      continue;
    }
    const description = `breaks ${describeLiteral(literal)}`;
    return draftOf(
      context,
      outcome,
      "near_miss",
      `miss-${position + 1}-${source.label}`,
      description,
    );
  }
  context.gaps.push({
    rule: context.rule.key,
    description: `near-miss for ${describeLiteral({ atom, negated: false })}`,
    reason: lastReason,
  });
  return null;
}

/** Rounds of adding a broken literal before a near-miss is given up. */
const maxEscapeRounds = 6;

/**
 * Solves the flipped branch. While the event still matches through another
 * branch, it breaks one more literal of that branch, preferring one on the
 * flipped literal's field. For `not user.id : "S-1-5-18" or ?user.id ==
 * null`, breaking the null check thus also sets user.id to S-1-5-18.
 * Returns the document, or the reason no near-miss was found.
 */
function breakAllBranches(
  context: RuleContext,
  source: SynthesisSource,
  branches: Branch[],
  flipped: Branch,
  near: NearTo | undefined,
): EcsDocument | string {
  const { engine, rule, namespace } = context;
  const constraints = [...flipped];
  const flippedField = near ? fieldOf(near.literal.atom) : null;
  for (let round = 0; round < maxEscapeRounds; round += 1) {
    const solution = solveBranch(constraints, source, namespace, engine, near);
    if (!solution.ok) return solution.reason;
    const index = dataStreamOf(solution.document) ?? "";
    if (!engine.matchesRule(rule, solution.document, index))
      return solution.document;
    const holds = (literal: Literal) =>
      engine.holds(literal.atom, solution.document) !== literal.negated;
    const escape = branches.find((branch) => branch.every(holds));
    const open = (escape ?? []).filter(
      (literal) => !constraints.some((kept) => kept.atom === literal.atom),
    );
    const next =
      open.find((literal) => fieldOf(literal.atom) === flippedField) ?? open[0];
    if (!next) break;
    constraints.push({ ...next, negated: !next.negated });
  }
  return "every event that breaks it still matches through another branch";
}

/** Checks that a solved match matches the rule and turns it into a draft. */
function finish(
  context: RuleContext,
  solution: Solution,
  kind: "match",
  label: string,
  description: string,
): Draft | null {
  if (!solution.ok) {
    context.gaps.push({
      rule: context.rule.key,
      description,
      reason: solution.reason,
    });
    return null;
  }
  const index = dataStreamOf(solution.document) ?? "";
  if (!context.engine.matchesRule(context.rule, solution.document, index)) {
    context.gaps.push({
      rule: context.rule.key,
      description,
      reason: "the built event does not match the rule on the embedded engine",
    });
    return null;
  }
  return draftOf(context, solution.document, kind, label, description);
}

function draftOf(
  context: RuleContext,
  document: EcsDocument,
  kind: Draft["kind"],
  label: string,
  description: string,
): Draft {
  const id = `synth-${context.rule.key}-${label}`;
  const event = (document.event ??= {}) as EcsDocument;
  event.id = id;
  return {
    id,
    index: dataStreamOf(document) ?? "",
    document,
    kind,
    rule: context.rule.key,
    description: truncate(description),
  };
}

function verdictsOf(
  rules: readonly SynthesisRule[],
  engine: SynthesisEngine,
  draft: Draft,
): Record<string, Verdict> {
  const verdicts: Record<string, Verdict> = {};
  for (const rule of rules) {
    verdicts[rule.key] = engine.matchesRule(rule, draft.document, draft.index)
      ? "alert"
      : "no_alert";
  }
  return verdicts;
}

/** Drops events whose document equals an earlier one apart from `event.id`. */
function deduplicate(drafts: Draft[]): Draft[] {
  const seen = new Set<string>();
  return drafts.filter((draft) => {
    const key = JSON.stringify({
      ...draft.document,
      event: { ...(draft.document.event as object), id: null },
    });
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

function describeLiteral(literal: Literal): string {
  const text = printExprFlat(literal.atom);
  return literal.negated ? `not (${text})` : text;
}

function describeBranch(branch: Branch): string {
  return branch.length === 0
    ? "true"
    : branch.map(describeLiteral).join(" and ");
}

function truncate(text: string): string {
  return text.length <= maxDescriptionLength
    ? text
    : `${text.slice(0, maxDescriptionLength - 3)}...`;
}
