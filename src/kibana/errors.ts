/**
 * Errors of the Kibana stage: invalid rule bodies (input errors, exit 2) and
 * failures of the Kibana API (remote errors, exit 3). Messages contain no
 * credentials, because the connection rejects URLs with user info, query
 * strings or fragments, and credentials travel only in the Authorization
 * header.
 */
import { DetectionsError, InputError } from "../errors.js";

/** One problem with one field of a rule body. */
export interface RuleIssue {
  /** Field path in the rule body or Sigma rule, such as `threat[0].tactic.id`. */
  path: string;
  value: unknown;
  /** Description of the problem, such as `unknown ATT&CK technique`. */
  problem: string;
  /** Action that resolves the problem. */
  fix: string;
}

/** Formats one issue as `file: path: problem value. fix`. */
export function formatIssue(file: string, issue: RuleIssue): string {
  const value =
    issue.value === undefined ? "(missing)" : JSON.stringify(issue.value);
  return `${file}: ${issue.path}: ${issue.problem} ${value}. ${issue.fix}`;
}

/** A rule that cannot become a valid Kibana rule body. */
export class KibanaRuleError extends InputError {
  constructor(
    readonly file: string,
    readonly issues: RuleIssue[],
  ) {
    super(issues.map((issue) => formatIssue(file, issue)).join("\n"));
  }
}

/** Base class of Kibana API failures, for which the CLI exits with code 3. */
export class KibanaError extends DetectionsError {
  readonly exitCode = 3;
}

/** Kibana could not be reached: refused, DNS failure, TLS or reset. */
export class KibanaConnectionError extends KibanaError {}

/** Kibana sent no response within the timeout. */
export class KibanaTimeoutError extends KibanaError {}

/** Kibana rejected the credentials (401) or the privileges (403). */
export class KibanaAuthError extends KibanaError {
  constructor(
    message: string,
    readonly status: 401 | 403,
  ) {
    super(message);
  }
}

/** An HTTP error response of Kibana that the tool cannot recover from. */
export class KibanaResponseError extends KibanaError {
  constructor(
    message: string,
    readonly status: number,
    readonly url: string,
    readonly kibanaMessage: string,
    /** The raw response body, for callers that read partial results. */
    readonly responseText?: string,
  ) {
    super(message);
  }
}

/** The server is not a Kibana this tool supports. */
export class KibanaVersionError extends KibanaError {}

/** Some planned writes failed. Lists what was applied and what was not. */
export class DeployIncompleteError extends KibanaError {
  constructor(
    message: string,
    readonly applied: string[],
    readonly failed: { ruleId: string; message: string }[],
    readonly notAttempted: string[],
    /** Rules whose write timed out and that the read-back did not find. */
    readonly unknown: string[] = [],
    /** Message of the request that stopped the writes, if one did. */
    readonly requestError?: string,
    /** The full report, for `deploy --json`. */
    readonly report?: unknown,
  ) {
    super(message);
  }
}

/** Kibana sent a 2xx response whose body lacks what the API documents. */
export class KibanaUnexpectedResponseError extends KibanaResponseError {}
