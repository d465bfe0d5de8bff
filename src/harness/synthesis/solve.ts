/**
 * Builds an event in which every literal of a branch holds. Literals are
 * grouped by the field they read. For each field, candidate values are
 * tried on the embedded engine until one satisfies all literals on that
 * field, then the whole branch is checked on the finished document.
 */
import type { EqlValue, Expr } from "../../eql/ast.js";
import { printExprFlat } from "../../eql/print.js";
import { getField } from "../events.js";
import type { EcsDocument } from "../winlog.js";
import type { Branch, Literal } from "./branches.js";
import { sourceDocument, type SynthesisSource } from "./sources.js";
import {
  absent,
  combinedWildcardValues,
  fieldOf,
  isArrayField,
  isNumericField,
  nearValues,
  otherValue,
  satisfyingValues,
  type FieldValue,
} from "./values.js";

export type Solution =
  { ok: true; document: EcsDocument } | { ok: false; reason: string };

/** The engine check that solving needs. */
export interface ConditionChecker {
  holds(condition: Expr, document: EcsDocument): boolean;
}

/**
 * A matching event to stay close to: solving a near-miss tries values near
 * this document's value of the flipped literal's field first.
 */
export interface NearTo {
  literal: Literal;
  document: EcsDocument;
}

/** Builds a document of the source in which every literal holds. */
export function solveBranch(
  branch: Branch,
  source: SynthesisSource,
  namespace: string,
  checker: ConditionChecker,
  near?: NearTo,
): Solution {
  const document = sourceDocument(source, namespace);
  const byField = groupByField(branch);
  for (const [field, literals] of byField) {
    const preferred = near ? preferredValues(field, near) : [];
    // A field that only has to avoid values keeps the source's own value
    // when that value already avoids them.
    const skeleton = getField(document, field);
    if (
      skeleton !== undefined &&
      literals.every((literal) => literal.negated)
    ) {
      preferred.push(skeleton as FieldValue);
    }
    const value = chooseValue(field, literals, checker, preferred);
    if (value === undefined) {
      return {
        ok: false,
        reason: `no value of ${field} satisfies ${literals.map(describe).join(" and ")}`,
      };
    }
    setField(document, field, value);
  }
  const failed = branch.find(
    (literal) => checker.holds(literal.atom, document) === literal.negated,
  );
  if (failed) {
    return {
      ok: false,
      reason: `${describe(failed)} does not hold on the built event`,
    };
  }
  return { ok: true, document };
}

function groupByField(branch: Branch): Map<string, Literal[]> {
  const byField = new Map<string, Literal[]>();
  for (const literal of branch) {
    const field = fieldOf(literal.atom);
    if (field === null) continue;
    const literals = byField.get(field) ?? [];
    literals.push(literal);
    byField.set(field, literals);
  }
  return byField;
}

/** Values near the matching document's value of the flipped literal's field. */
function preferredValues(field: string, near: NearTo): FieldValue[] {
  if (fieldOf(near.literal.atom) !== field) return [];
  const current = getField(near.document, field);
  if (Array.isArray(current)) {
    return current.flatMap((element, position) =>
      nearValues(element as EqlValue).map((value) => {
        const copy = [...current] as EqlValue[];
        if (value === absent) copy.splice(position, 1);
        else copy[position] = value;
        return copy;
      }),
    );
  }
  if (current === undefined) return ["synthesized-other"];
  return nearValues(current as EqlValue);
}

/**
 * Returns the first candidate with which every literal on the field holds,
 * checked on a document that holds only that field.
 */
function chooseValue(
  field: string,
  literals: Literal[],
  checker: ConditionChecker,
  preferred: FieldValue[],
): FieldValue | undefined {
  for (const candidate of [...preferred, ...candidatesFor(field, literals)]) {
    const probe: EcsDocument = {};
    setField(probe, field, candidate);
    const holdsAll = literals.every(
      (literal) => checker.holds(literal.atom, probe) !== literal.negated,
    );
    if (holdsAll) return candidate;
  }
  return undefined;
}

/**
 * Returns candidates for a field. An ECS array field gets one element per
 * positive literal. Other fields get values that meet all wildcard matches
 * at once, each positive literal's examples, and two examples joined.
 * Without a positive literal, the field is left out or gets an unrelated
 * value.
 */
function candidatesFor(field: string, literals: Literal[]): FieldValue[] {
  const shape = isArrayField(field)
    ? wrapInArray
    : (value: FieldValue) => value;
  const positives = literals
    .filter((literal) => !literal.negated)
    .map((literal) =>
      satisfyingValues(literal.atom).map(coerce(field)).map(shape),
    );
  const fallbacks: FieldValue[] = [absent, shape(otherValue(field))];
  if (positives.length === 0) return fallbacks;
  const candidates: FieldValue[] = positives.flat();
  if (positives.length > 1) {
    if (isArrayField(field)) {
      candidates.unshift(positives.map((values) => toScalar(values[0])));
    } else {
      const atoms = literals
        .filter((literal) => !literal.negated)
        .map((literal) => literal.atom);
      candidates.unshift(...combinedWildcardValues(atoms));
    }
    candidates.push(...joinedPairs(positives));
  }
  return [...candidates, ...fallbacks];
}

function joinedPairs(positives: FieldValue[][]): FieldValue[] {
  const joined: FieldValue[] = [];
  for (const left of positives.flat()) {
    for (const right of positives.flat()) {
      if (
        typeof left === "string" &&
        typeof right === "string" &&
        left !== right
      ) {
        joined.push(left + right);
      }
    }
  }
  return joined;
}

function toScalar(value: FieldValue | undefined): EqlValue {
  if (Array.isArray(value)) return value[0] ?? null;
  if (value === undefined || value === absent) return null;
  return value;
}

/** Puts a single value into an array, as sources write ECS array fields. */
function wrapInArray(value: FieldValue): FieldValue {
  return value === absent || Array.isArray(value) ? value : [value];
}

/** Turns numeric strings into numbers for fields ECS types as numbers. */
function coerce(field: string): (value: FieldValue) => FieldValue {
  if (!isNumericField(field)) return (value) => value;
  return (value) =>
    typeof value === "string" &&
    value.trim() !== "" &&
    !Number.isNaN(Number(value))
      ? Number(value)
      : value;
}

/** Sets or, for `absent`, removes a field at a dotted path of nested objects. */
export function setField(
  document: EcsDocument,
  path: string,
  value: FieldValue,
): void {
  const segments = path.split(".");
  const last = segments.pop() ?? "";
  let level: EcsDocument = document;
  for (const segment of segments) {
    const next = level[segment];
    if (typeof next !== "object" || next === null || Array.isArray(next)) {
      if (value === absent) return;
      level[segment] = {};
    }
    level = level[segment] as EcsDocument;
  }
  if (value === absent) delete level[last];
  else level[last] = value as EqlValue | EqlValue[];
}

function describe(literal: Literal): string {
  const text = printExprFlat(literal.atom);
  return literal.negated ? `not (${text})` : text;
}
