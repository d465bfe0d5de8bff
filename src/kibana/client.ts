/**
 * HTTP client for Kibana's detection engine API over undici. Sends
 * `kbn-xsrf` and `elastic-api-version: 2023-10-31`, prefixes `/s/<space>`,
 * verifies TLS (with an optional extra CA), retries with bounded
 * exponential backoff, and turns every failure into a KibanaError whose
 * message names the URL and the fix but never a credential.
 */
import { rootCertificates } from "node:tls";
import type { LookupFunction } from "node:net";
import { Agent, type Dispatcher, request } from "undici";
import {
  authorizationHeader,
  credentialHint,
  type KibanaConnection,
} from "./connection.js";
import {
  classifyNetworkError,
  networkErrorCode,
  responseError,
} from "./client-errors.js";
import {
  KibanaConnectionError,
  KibanaResponseError,
  KibanaTimeoutError,
} from "./errors.js";

/** Bounded retry policy: delay = min(max, base * 2^attempt) or Retry-After. */
export interface RetryPolicy {
  retries: number;
  baseDelayMs: number;
  maxDelayMs: number;
  /** Longest Retry-After the client waits for; longer values fail at once. */
  maxRetryAfterMs: number;
}

export const defaultRetryPolicy: RetryPolicy = {
  retries: 4,
  baseDelayMs: 500,
  maxDelayMs: 8_000,
  maxRetryAfterMs: 60_000,
};

/** Default time to wait for a connection, the headers and each body chunk. */
export const DEFAULT_TIMEOUT_MS = 30_000;

/** Options of the client; tests shorten the timeouts and delays. */
export interface KibanaClientOptions {
  /** Per-request timeout in milliseconds; default DEFAULT_TIMEOUT_MS. */
  timeoutMs?: number;
  retry?: RetryPolicy;
  /** Writes one progress or debug line to stderr. */
  log?: (line: string) => void;
  /** Logs each request line (never headers or bodies). */
  debug?: boolean;
  /** DNS lookup for the connection; defaults to the system resolver. */
  lookup?: LookupFunction;
  sleep?: (ms: number) => Promise<void>;
}

export interface KibanaRequest {
  method: "GET" | "POST" | "PATCH" | "PUT" | "DELETE";
  /** API path without the space prefix, such as `/api/status`. */
  path: string;
  query?: Record<string, string | number | boolean | undefined>;
  body?: string | Buffer;
  contentType?: string;
  /** Safe to repeat after a dropped connection or a 5xx. */
  idempotent: boolean;
  /** Sends the request outside the space, such as `/api/status`. */
  spaceless?: boolean;
}

export interface KibanaResponse {
  status: number;
  text: string;
  headers: Record<string, string | string[] | undefined>;
}

/** Sends requests to one Kibana space and counts them. */
export class KibanaClient {
  /** Number of HTTP requests sent, retries included. */
  requestCount = 0;
  /** Per-request timeout in milliseconds. */
  readonly timeoutMs: number;
  /** True once Kibana has sent any response. */
  private responded = false;
  private readonly dispatcher: Dispatcher;
  private readonly retry: RetryPolicy;
  private readonly log: (line: string) => void;
  private readonly sleep: (ms: number) => Promise<void>;

  constructor(
    readonly connection: KibanaConnection,
    private readonly options: KibanaClientOptions = {},
  ) {
    const timeout = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.timeoutMs = timeout;
    const ca = connection.caCert
      ? [...rootCertificates, connection.caCert]
      : undefined;
    this.dispatcher = new Agent({
      connect: {
        rejectUnauthorized: true,
        ...(ca ? { ca } : {}),
        ...(options.lookup ? { lookup: options.lookup } : {}),
        timeout,
      },
      headersTimeout: timeout,
      bodyTimeout: timeout,
    });
    this.retry = options.retry ?? defaultRetryPolicy;
    this.log = options.log ?? (() => {});
    this.sleep =
      options.sleep ??
      ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
  }

  /** Returns the URL of an API path in the connection's space, without credentials. */
  urlFor(
    path: string,
    query: KibanaRequest["query"] = {},
    spaceless = false,
  ): URL {
    const base = new URL(this.connection.url.href);
    const prefix = base.pathname.replace(/\/+$/, "");
    const space =
      this.connection.space && !spaceless ? `/s/${this.connection.space}` : "";
    base.pathname = `${prefix}${space}${path}`;
    for (const [key, value] of Object.entries(query)) {
      if (value !== undefined) base.searchParams.set(key, String(value));
    }
    return base;
  }

  /**
   * Sends a request and returns a 2xx response. Retries 429 always and
   * dropped connections and 5xx only for idempotent requests. Throws a
   * KibanaError subclass otherwise.
   */
  async send(req: KibanaRequest): Promise<KibanaResponse> {
    const url = this.urlFor(req.path, req.query, req.spaceless);
    const started = Date.now();
    for (let attempt = 0; ; attempt += 1) {
      const outcome = await this.attempt(req, url);
      const retryable = this.isRetryable(req, outcome);
      if (!retryable || attempt >= this.retry.retries) {
        if (outcome instanceof Error) throw outcome;
        if (outcome.status >= 200 && outcome.status < 300) return outcome;
        throw responseError(req.method, url, outcome, this.connection);
      }
      const delay = this.delayFor(attempt, outcome);
      if (delay === undefined)
        throw this.retryAfterTooLong(req, url, outcome as KibanaResponse);
      const elapsed = ((Date.now() - started) / 1000).toFixed(1);
      this.log(
        `retrying ${req.method} ${url.pathname} in ${delay} ms after ${shortReason(outcome)} (attempt ${attempt + 2} of ${this.retry.retries + 1}, ${elapsed} s elapsed)`,
      );
      await this.sleep(delay);
    }
  }

  private retryAfterTooLong(
    req: KibanaRequest,
    url: URL,
    response: KibanaResponse,
  ): KibanaResponseError {
    const error = responseError(req.method, url, response, this.connection);
    const seconds = Math.ceil(
      (parseRetryAfter(response.headers["retry-after"]) ?? 0) / 1000,
    );
    const limit = this.retry.maxRetryAfterMs / 1000;
    return new KibanaResponseError(
      `Kibana asked to wait ${seconds} s before retrying ${req.method} ${url.origin}${url.pathname} (HTTP ${response.status}), longer than the ${limit} s this tool waits. Rerun later.`,
      response.status,
      url.href,
      error instanceof KibanaResponseError ? error.kibanaMessage : "",
      response.text,
    );
  }

  private async attempt(
    req: KibanaRequest,
    url: URL,
  ): Promise<KibanaResponse | Error> {
    this.requestCount += 1;
    const started = Date.now();
    if (this.options.debug) this.log(`--> ${req.method} ${url.href}`);
    try {
      const response = await request(url, {
        method: req.method,
        headers: this.headers(req),
        body: req.body,
        dispatcher: this.dispatcher,
      });
      const text = await response.body.text();
      this.responded = true;
      if (this.options.debug) {
        this.log(
          `<-- ${response.statusCode} ${req.method} ${url.href} (${Date.now() - started} ms)`,
        );
      }
      return { status: response.statusCode, text, headers: response.headers };
    } catch (error) {
      return classifyNetworkError(
        error,
        req.method,
        url,
        this.connection,
        this.timeoutMs,
        !this.responded,
      );
    }
  }

  private headers(req: KibanaRequest): Record<string, string> {
    const headers: Record<string, string> = {
      "kbn-xsrf": "mofcomp-detections",
      "elastic-api-version": "2023-10-31",
      accept: "application/json",
    };
    const authorization = authorizationHeader(this.connection.auth);
    if (authorization) headers.authorization = authorization;
    if (req.contentType) headers["content-type"] = req.contentType;
    return headers;
  }

  private isRetryable(
    req: KibanaRequest,
    outcome: KibanaResponse | Error,
  ): boolean {
    if (outcome instanceof Error) {
      const network =
        outcome instanceof KibanaConnectionError ||
        outcome instanceof KibanaTimeoutError;
      return network && req.idempotent && isTransient(outcome);
    }
    if (outcome.status === 429) return true;
    return (
      req.idempotent &&
      (outcome.status === 502 ||
        outcome.status === 503 ||
        outcome.status === 504 ||
        outcome.status === 500)
    );
  }

  private delayFor(
    attempt: number,
    outcome: KibanaResponse | Error,
  ): number | undefined {
    const backoff = Math.min(
      this.retry.maxDelayMs,
      this.retry.baseDelayMs * 2 ** attempt,
    );
    if (outcome instanceof Error) return backoff;
    const retryAfter = parseRetryAfter(outcome.headers["retry-after"]);
    if (retryAfter === undefined) return backoff;
    return retryAfter <= this.retry.maxRetryAfterMs ? retryAfter : undefined;
  }

  /** Closes the connection pool. */
  async close(): Promise<void> {
    await this.dispatcher.close();
  }
}

function shortReason(outcome: KibanaResponse | Error): string {
  if (!(outcome instanceof Error)) return `HTTP ${outcome.status}`;
  const code = networkErrorCode(outcome.cause);
  if (outcome instanceof KibanaTimeoutError)
    return `a timeout (${code ?? "no response"})`;
  return `a failed connection (${code ?? "closed"})`;
}

function isTransient(error: Error): boolean {
  // Refused connections and DNS failures do not heal within seconds.
  return !/connection refused|DNS lookup failed|certificate/.test(
    error.message,
  );
}

/** Parses Retry-After as seconds or an HTTP date; returns milliseconds. */
export function parseRetryAfter(
  value: string | string[] | undefined,
  now = Date.now(),
): number | undefined {
  const text = Array.isArray(value) ? value[0] : value;
  if (!text) return undefined;
  if (/^\d+$/.test(text.trim())) return Number(text.trim()) * 1000;
  const date = Date.parse(text);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}
