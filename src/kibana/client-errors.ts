/**
 * Turns undici errors and Kibana's HTTP error responses into KibanaError
 * subclasses whose messages state what failed, where, and what to do.
 * URLs here never carry credentials: the connection rejects URLs with
 * user info, and credentials travel only in the Authorization header.
 */
import { credentialHint, type KibanaConnection } from "./connection.js";
import {
  KibanaAuthError,
  KibanaConnectionError,
  KibanaResponseError,
  KibanaTimeoutError,
} from "./errors.js";

interface ErrorResponse {
  status: number;
  text: string;
}

/** Returns the error code of an undici or Node network error, if any. */
export function networkErrorCode(error: unknown): string | undefined {
  const direct = (error as { code?: unknown })?.code;
  if (typeof direct === "string") return direct;
  const cause = (error as { cause?: { code?: unknown } })?.cause?.code;
  return typeof cause === "string" ? cause : undefined;
}

const tlsCodes =
  /CERT|SELF_SIGNED|UNABLE_TO_VERIFY|UNABLE_TO_GET_ISSUER|ERR_TLS|ERR_SSL/;

/** Maps an error thrown by undici to a KibanaConnectionError or KibanaTimeoutError. */
export function classifyNetworkError(
  error: unknown,
  method: string,
  url: URL,
  connection: KibanaConnection,
  timeoutMs = 30_000,
  /** True before Kibana has sent any response on this client. */
  firstContact = false,
): KibanaConnectionError | KibanaTimeoutError {
  const code = networkErrorCode(error) ?? "unknown";
  const where = `${method} ${url.origin}${url.pathname}`;
  const options = { cause: error };
  if (code === "ECONNREFUSED") {
    return new KibanaConnectionError(
      `cannot connect to Kibana for ${where}: connection refused. Check the host and port in --kibana-url or KIBANA_URL, and that Kibana is running.`,
      options,
    );
  }
  if (code === "ENOTFOUND" || code === "EAI_AGAIN" || code === "EAI_NONAME") {
    return new KibanaConnectionError(
      `cannot connect to Kibana for ${where}: DNS lookup failed for ${url.hostname} (${code}). Check the host name in --kibana-url or KIBANA_URL.`,
      options,
    );
  }
  if (code.startsWith("UND_ERR_") && code.includes("TIMEOUT")) {
    return new KibanaTimeoutError(
      `Kibana sent no response within ${timeoutMs / 1000} s for ${where} (${code}). Check that Kibana is healthy, or raise --timeout SECONDS.`,
      options,
    );
  }
  if (code === "ERR_TLS_CERT_ALTNAME_INVALID") {
    return new KibanaConnectionError(
      `TLS verification of Kibana failed for ${where} (${code}): the certificate is not valid for host ${url.hostname}. Use a host name that the certificate lists in --kibana-url or KIBANA_URL.`,
      options,
    );
  }
  if (tlsCodes.test(code)) {
    const ca = connection.caCertSource
      ? ` The certificate does not chain to the CA in ${connection.caCertSource}: pass the CA that signed Kibana's certificate.`
      : " If Kibana uses a private CA, pass its certificate with --ca-cert FILE.";
    return new KibanaConnectionError(
      `TLS verification of Kibana failed for ${where} (${code}).${ca}`,
      options,
    );
  }
  // An HTTPS port closes a plain HTTP connection without a response.
  const https =
    url.protocol === "http:" && firstContact
      ? " If Kibana serves HTTPS on this port, use https:// in the URL."
      : "";
  return new KibanaConnectionError(
    `the connection to Kibana failed for ${where} (${code}): the connection closed before a response.${https} Check Kibana's health and any proxy in between.`,
    options,
  );
}

/** Returns Kibana's own message from an error body, or the body's start. */
export function kibanaMessage(text: string): string {
  try {
    const body = JSON.parse(text) as { message?: unknown; error?: unknown };
    if (typeof body.message === "string" && body.message) return body.message;
    if (typeof body.error === "string") return body.error;
  } catch {
    // Not JSON, such as an HTML page of a proxy.
  }
  const trimmed = text.trim().replace(/\s+/g, " ");
  return trimmed.length > 200
    ? `${trimmed.slice(0, 200)}...`
    : trimmed || "(empty body)";
}

function notFoundFix(message: string, connection: KibanaConnection): string {
  if (/space/i.test(message) && connection.space) {
    return `The space ${JSON.stringify(connection.space)} does not exist: check --space or KIBANA_SPACE.`;
  }
  if (/rule_id|id: "/.test(message))
    return "The rule does not exist in this space.";
  return "The URL does not lead to a Kibana with the Security detection engine: check --kibana-url (including any base path) and that the Security app is enabled in this space.";
}

/** Builds the error for a non-2xx response that the client does not retry. */
export function responseError(
  method: string,
  url: URL,
  response: ErrorResponse,
  connection: KibanaConnection,
): KibanaAuthError | KibanaResponseError {
  const message = kibanaMessage(response.text);
  const where = `${method} ${url.origin}${url.pathname}`;
  const space = connection.space ?? "default";
  switch (response.status) {
    case 401:
      return new KibanaAuthError(
        `Kibana rejected the credentials (HTTP 401) for ${where}: ${message}. ${capitalize(credentialHint(connection.auth))}.${apiKeyHint(connection)}`,
        401,
      );
    case 403:
      return new KibanaAuthError(
        `Kibana denied ${where} (HTTP 403): ${message}. The user or API key needs the Security "Rules" privilege (All to deploy, Read to plan or export) in space ${space}; ${credentialHint(connection.auth)}.`,
        403,
      );
    case 404:
      return new KibanaResponseError(
        `Kibana found nothing at ${where} (HTTP 404): ${message}. ${notFoundFix(message, connection)}`,
        404,
        url.href,
        message,
        response.text,
      );
    case 409:
      return new KibanaResponseError(
        `Kibana reported a conflict for ${where} (HTTP 409): ${message}.`,
        409,
        url.href,
        message,
        response.text,
      );
    case 400:
      return new KibanaResponseError(
        `Kibana rejected ${where} (HTTP 400): ${message}.`,
        400,
        url.href,
        message,
        response.text,
      );
    default:
      return new KibanaResponseError(
        `Kibana failed ${where} with HTTP ${response.status}: ${message}. Retry later.`,
        response.status,
        url.href,
        message,
        response.text,
      );
  }
}

function apiKeyHint(connection: KibanaConnection): string {
  if (connection.auth.kind !== "api_key") return "";
  return ' An API key is the "encoded" value that Kibana shows once, the base64 of id:api_key.';
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
