/**
 * Checks the Kibana base URL before any request. Messages never quote a URL
 * that may carry a secret (user info, a query string or a fragment).
 */
import { isIP } from "node:net";
import { ConfigurationError } from "../errors.js";

/** Context of the URL check besides the URL text. */
export interface UrlPolicy {
  /** Source of the URL, such as `KIBANA_URL` or `--kibana-url`. */
  source: string;
  /** True when an API key or a password will be sent. */
  sendsCredentials: boolean;
  /** True with --allow-insecure-http. */
  allowInsecureHttp: boolean;
}

const credentialFix =
  "Remove them from the URL and set KIBANA_API_KEY, or KIBANA_USERNAME and KIBANA_PASSWORD.";

/** True when the text may contain a secret and must not be quoted. */
function mayHoldSecret(text: string): boolean {
  return /[@?#]/.test(text);
}

function quoted(text: string): string {
  return mayHoldSecret(text)
    ? "(not shown because it may contain a secret)"
    : JSON.stringify(text);
}

/** Returns the fix for a URL without a scheme, or undefined when it has one. */
function missingSchemeFix(text: string, source: string): string | undefined {
  // `localhost:5601` parses as the scheme `localhost:`, so look at the text.
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(text)) return undefined;
  if (!/^(\[[0-9a-f:.]+\]|[a-z0-9.-]+)(:\d+)?(\/|$)/i.test(text))
    return undefined;
  const example = mayHoldSecret(text) ? "HOST:PORT" : text;
  return `${source}: the Kibana URL has no scheme. Use https://${example}, or http://${example} for a Kibana without TLS on this machine.`;
}

function isLoopback(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, "").toLowerCase();
  if (host === "localhost" || host === "::1") return true;
  return isIP(host) === 4 && host.startsWith("127.");
}

/** True for link-local and cloud metadata addresses, which serve instance credentials. */
function isLinkLocalOrMetadata(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, "").toLowerCase();
  if (isIP(host) === 4) return host.startsWith("169.254.");
  if (isIP(host) === 6) {
    // The URL parser writes an IPv4-mapped address in hex: ::ffff:a9fe:a9fe.
    const mapped = /^::ffff:([0-9a-f]{1,4}):[0-9a-f]{1,4}$/.exec(host);
    if (mapped) return parseInt(mapped[1]!, 16) === 0xa9fe;
    // fe80::/10 covers fe80 to febf; fd00:ec2::254 is AWS's IPv6 metadata.
    return /^fe[89ab][0-9a-f]:/.test(host) || host === "fd00:ec2::254";
  }
  return host === "metadata.google.internal" || host === "metadata";
}

function checkTarget(url: URL, policy: UrlPolicy): void {
  const { source } = policy;
  if (isLinkLocalOrMetadata(url.hostname)) {
    throw new ConfigurationError(
      `${source}: ${url.hostname} is a link-local or cloud metadata address, never a Kibana. Use the host name or address of Kibana.`,
    );
  }
  if (
    url.protocol === "http:" &&
    policy.sendsCredentials &&
    !policy.allowInsecureHttp &&
    !isLoopback(url.hostname)
  ) {
    throw new ConfigurationError(
      `${source}: http:// to ${url.hostname} would send the credentials unencrypted. Use https://, or pass --allow-insecure-http if the network is trusted.`,
    );
  }
}

/**
 * Parses and checks the Kibana base URL: http or https, no user info, no
 * query string or fragment, no link-local or metadata host, and no plain
 * http with credentials to another host unless allowed. Throws
 * ConfigurationError with a message that names `policy.source`.
 */
export function parseKibanaUrl(text: string, policy: UrlPolicy): URL {
  const { source } = policy;
  const schemeFix = missingSchemeFix(text, source);
  if (schemeFix) throw new ConfigurationError(schemeFix);
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new ConfigurationError(
      `${source}: invalid Kibana URL ${quoted(text)}. Use a URL such as https://kibana.example.com:5601.`,
    );
  }
  if (url.username || url.password) {
    throw new ConfigurationError(
      `${source}: the Kibana URL contains credentials. ${credentialFix}`,
    );
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") {
    throw new ConfigurationError(
      `${source}: unsupported scheme ${url.protocol} in the Kibana URL. Use https:// or http://.`,
    );
  }
  if (url.search || url.hash || /[?#]/.test(text)) {
    throw new ConfigurationError(
      `${source}: the Kibana URL contains a query string or fragment. Remove everything from the first "?" or "#"; the URL takes only scheme, host, port and an optional base path.`,
    );
  }
  checkTarget(url, policy);
  return url;
}
