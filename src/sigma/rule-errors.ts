/**
 * Collects the errors of one rule file, so that a user sees every problem
 * of the file in one run instead of one per run.
 */
import { InputError } from "../errors.js";
import { SigmaRuleError, UnsupportedFeatureError } from "./errors.js";

/** An error that one part of a rule raises without stopping the others. */
export type RuleProblem = SigmaRuleError | UnsupportedFeatureError;

/**
 * Several problems in one rule file, sorted by line. The message has one
 * line per problem, each in the form of the single error.
 */
export class SigmaRuleErrors extends InputError {
  constructor(readonly errors: RuleProblem[]) {
    super(errors.map((error) => error.message).join("\n"));
  }
}

/** Errors gathered while checking the parts of one rule. */
export class ErrorCollector {
  readonly errors: RuleProblem[] = [];

  /** Runs `check`; on a rule error records it and returns `fallback`. */
  attempt<T>(check: () => T, fallback: T): T {
    try {
      return check();
    } catch (error) {
      if (error instanceof SigmaRuleErrors) {
        this.errors.push(...error.errors);
        return fallback;
      }
      if (
        error instanceof SigmaRuleError ||
        error instanceof UnsupportedFeatureError
      ) {
        this.errors.push(error);
        return fallback;
      }
      throw error;
    }
  }

  /** Throws the one recorded error, or all of them sorted by line. */
  throwIfAny(): void {
    if (this.errors.length === 0) return;
    if (this.errors.length === 1) throw this.errors[0]!;
    const sorted = this.errors
      .map((error, index) => ({ error, index }))
      .sort(
        (a, b) =>
          (a.error.location.line ?? 0) - (b.error.location.line ?? 0) ||
          a.index - b.index,
      )
      .map((entry) => entry.error);
    throw new SigmaRuleErrors(sorted);
  }
}
