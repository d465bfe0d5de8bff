/**
 * Errors of the Sigma stage: a rule that breaks the Sigma specification, and
 * a valid rule that uses a feature EQL cannot express.
 */
import { DetectionsError, InputError } from "../errors.js";
import type { SourceLocation } from "./model.js";

/** Formats a location as `file:line`, or `file` when the line is unknown. */
export function formatWhere(location: SourceLocation): string {
  return location.line === undefined
    ? location.file
    : `${location.file}:${location.line}`;
}

/**
 * Invalid Sigma input. The message names the file and line, the YAML path,
 * what is wrong with which value, and how to fix it.
 */
export class SigmaRuleError extends InputError {
  readonly where: string;
  readonly field: string;

  constructor(
    readonly location: SourceLocation,
    readonly problem: string,
    readonly fix: string,
    options?: { cause?: unknown },
  ) {
    super(`${formatWhere(location)}: ${location.path}: ${problem}. ${fix}`, options);
    this.where = formatWhere(location);
    this.field = location.path;
  }
}

/**
 * A valid Sigma construct that EQL cannot express, such as `fieldref` or a
 * keyword search without a field. `feature` is a short, stable name of the
 * construct, used to count rejected rules by reason.
 */
export class UnsupportedFeatureError extends DetectionsError {
  readonly exitCode = 2;

  constructor(
    readonly location: SourceLocation,
    readonly feature: string,
    readonly detail: string,
  ) {
    super(
      `${formatWhere(location)}: ${location.path}: unsupported: ${feature}. ${detail}`,
    );
  }
}

/** Maximum length of a value quoted in a message. */
export const MAX_QUOTED_LENGTH = 200;

/**
 * Describes a value for a message: JSON text, `undefined`, or `Infinity`
 * and `NaN` for YAML's `.inf` and `.nan`. Text longer than
 * MAX_QUOTED_LENGTH is cut, followed by its full length.
 */
export function describeValue(value: unknown): string {
  if (value === undefined) return "undefined";
  if (typeof value === "number" && !Number.isFinite(value)) {
    return String(value);
  }
  if (value instanceof Date) return JSON.stringify(value.toISOString());
  const text = JSON.stringify(value) ?? String(value);
  if (text.length <= MAX_QUOTED_LENGTH) return text;
  return `${text.slice(0, MAX_QUOTED_LENGTH)}... (${text.length} characters)`;
}
