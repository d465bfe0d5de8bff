/**
 * Connection settings for Kibana (URL, space, credentials and CA), resolved
 * from command-line options, then environment variables, then a JSON config
 * file. Secrets come only from the environment or the config file.
 */
import { X509Certificate } from "node:crypto";
import { ConfigurationError } from "../errors.js";
import { parseKibanaUrl } from "./connection-url.js";
import { describeJsonError } from "./json-error.js";

export type KibanaAuth =
  | { kind: "api_key"; apiKey: string; source: string }
  | { kind: "basic"; username: string; password: string; source: string }
  | { kind: "none" };

/** Everything the client needs to reach one Kibana space. */
export interface KibanaConnection {
  url: URL;
  /** Space id; undefined means the default space. */
  space?: string;
  /** Source of the space id, such as `--space` or `KIBANA_SPACE`. */
  spaceSource?: string;
  auth: KibanaAuth;
  /** PEM text of an extra CA to trust, besides the system's. */
  caCert?: string;
  caCertSource?: string;
}

/** Command-line options that affect the connection. */
export interface ConnectionOptions {
  kibanaUrl?: string;
  space?: string;
  caCert?: string;
  kibanaConfig?: string;
  /** Allow http:// with credentials to a host other than loopback. */
  allowInsecureHttp?: boolean;
}

/** Keys of the JSON config file (`--kibana-config FILE`). */
interface ConfigFile {
  url?: string;
  space?: string;
  api_key?: string;
  username?: string;
  password?: string;
  ca_cert?: string;
}

const configKeys = new Set([
  "url",
  "space",
  "api_key",
  "username",
  "password",
  "ca_cert",
]);

function parseConfig(text: string, source: string): ConfigFile {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    // JSON.parse quotes the text near the error, and the file contains secrets.
    throw new ConfigurationError(
      `${source}: ${describeJsonError(text)}. The Kibana config file is a JSON object with keys such as url and api_key.`,
    );
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new ConfigurationError(
      `${source}: expected a JSON object with keys such as url and api_key.`,
    );
  }
  for (const [key, field] of Object.entries(value)) {
    if (!configKeys.has(key)) {
      throw new ConfigurationError(
        `${source}: unknown key ${JSON.stringify(key)}. Allowed keys: ${[...configKeys].join(", ")}.`,
      );
    }
    if (typeof field !== "string") {
      throw new ConfigurationError(`${source}: ${key} must be a string.`);
    }
  }
  return value as ConfigFile;
}

/** Reads a file named by `label`; throws ConfigurationError naming the fix. */
function readNamedFile(
  readFile: (file: string) => string,
  file: string,
  label: string,
  fix: string,
): string {
  try {
    return readFile(file);
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    const problem =
      code === "ENOENT"
        ? "file not found"
        : code === "EISDIR"
          ? "is a folder, not a file"
          : code === "EACCES"
            ? "permission denied"
            : `cannot be read (${String(code ?? "unknown error")})`;
    throw new ConfigurationError(`${label} ${file}: ${problem}. ${fix}`, {
      cause: error,
    });
  }
}

/** Checks that the CA file contains at least one PEM certificate and only valid ones. */
function checkCaCert(pem: string, label: string): void {
  const blocks =
    pem.match(
      /-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g,
    ) ?? [];
  if (blocks.length === 0) {
    throw new ConfigurationError(
      `${label}: no PEM certificate found. Pass the CA certificate that signed Kibana's certificate, the text between -----BEGIN CERTIFICATE----- and -----END CERTIFICATE-----.`,
    );
  }
  for (const [index, block] of blocks.entries()) {
    try {
      new X509Certificate(block);
    } catch {
      throw new ConfigurationError(
        `${label}: certificate ${index + 1} is not a valid PEM certificate. Export the CA certificate again.`,
      );
    }
  }
}

function resolveAuth(
  env: NodeJS.ProcessEnv,
  config: ConfigFile,
  configSource: string,
): KibanaAuth {
  if (env.KIBANA_API_KEY)
    return {
      kind: "api_key",
      apiKey: env.KIBANA_API_KEY,
      source: "KIBANA_API_KEY",
    };
  if (env.KIBANA_USERNAME || env.KIBANA_PASSWORD) {
    if (!env.KIBANA_USERNAME || !env.KIBANA_PASSWORD) {
      throw new ConfigurationError(
        "KIBANA_USERNAME and KIBANA_PASSWORD must be set together for basic authentication.",
      );
    }
    return {
      kind: "basic",
      username: env.KIBANA_USERNAME,
      password: env.KIBANA_PASSWORD,
      source: "KIBANA_USERNAME and KIBANA_PASSWORD",
    };
  }
  if (config.api_key)
    return {
      kind: "api_key",
      apiKey: config.api_key,
      source: `api_key in ${configSource}`,
    };
  if (config.username && config.password) {
    return {
      kind: "basic",
      username: config.username,
      password: config.password,
      source: `username and password in ${configSource}`,
    };
  }
  return { kind: "none" };
}

const spaceId = /^[a-z0-9_-]+$/;

/** Returns the first non-empty value with its source; empty counts as unset. */
function pick(
  candidates: [string | undefined, string][],
): { value: string; source: string } | undefined {
  for (const [value, source] of candidates) {
    if (value !== undefined && value !== "") return { value, source };
  }
  return undefined;
}

function resolveSpace(
  candidate: { value: string; source: string } | undefined,
): { space: string; spaceSource: string } | undefined {
  if (!candidate) return undefined;
  if (!spaceId.test(candidate.value)) {
    throw new ConfigurationError(
      `${candidate.source}: invalid space id ${JSON.stringify(candidate.value)}. Space ids use lowercase letters, digits, hyphens and underscores.`,
    );
  }
  return candidate.value === "default"
    ? undefined
    : { space: candidate.value, spaceSource: candidate.source };
}

/**
 * Resolves the connection. Each setting comes from its option, else its
 * environment variable, else the config file; empty values count as unset.
 * `readFile` reads the config and CA files, so tests can pass their own.
 * Throws ConfigurationError without secrets.
 */
export function resolveKibanaConnection(
  options: ConnectionOptions,
  env: NodeJS.ProcessEnv,
  readFile: (file: string) => string,
): KibanaConnection {
  const configFile = pick([
    [options.kibanaConfig, "--kibana-config"],
    [env.KIBANA_CONFIG, "KIBANA_CONFIG"],
  ]);
  const config = configFile
    ? parseConfig(
        readNamedFile(
          readFile,
          configFile.value,
          configFile.source,
          "Pass the path of a JSON file with keys such as url and api_key, or leave the option unset.",
        ),
        configFile.value,
      )
    : {};
  const configSource = configFile?.value ?? "the config file";
  const url = pick([
    [options.kibanaUrl, "--kibana-url"],
    [env.KIBANA_URL, "KIBANA_URL"],
    [config.url, `url in ${configSource}`],
  ]);
  if (!url) {
    throw new ConfigurationError(
      "missing Kibana URL. Pass --kibana-url URL or set KIBANA_URL.",
    );
  }
  const auth = resolveAuth(env, config, configSource);
  const space = resolveSpace(
    pick([
      [options.space, "--space"],
      [env.KIBANA_SPACE, "KIBANA_SPACE"],
      [config.space, `space in ${configSource}`],
    ]),
  );
  const parsed = parseKibanaUrl(url.value, {
    source: url.source,
    sendsCredentials: auth.kind !== "none",
    allowInsecureHttp: options.allowInsecureHttp ?? false,
  });
  const ca = pick([
    [options.caCert, "--ca-cert"],
    [env.KIBANA_CA_CERT, "KIBANA_CA_CERT"],
    [config.ca_cert, `ca_cert in ${configSource}`],
  ]);
  return {
    url: parsed,
    ...space,
    auth,
    ...(ca ? readCa(readFile, ca, parsed) : {}),
  };
}

function readCa(
  readFile: (file: string) => string,
  ca: { value: string; source: string },
  url: URL,
): { caCert: string; caCertSource: string } {
  if (url.protocol !== "https:") {
    throw new ConfigurationError(
      `${ca.source}: a CA certificate applies only to https:// URLs, but the Kibana URL uses ${url.protocol}//. Use https:// or unset ${ca.source}.`,
    );
  }
  const pem = readNamedFile(
    readFile,
    ca.value,
    ca.source,
    "Pass the path of the PEM file of the CA that signed Kibana's certificate.",
  );
  checkCaCert(pem, `${ca.source} ${ca.value}`);
  return { caCert: pem, caCertSource: ca.value };
}

/** Builds the Authorization header value; never log its result. */
export function authorizationHeader(auth: KibanaAuth): string | undefined {
  switch (auth.kind) {
    case "api_key":
      return `ApiKey ${auth.apiKey}`;
    case "basic":
      return `Basic ${Buffer.from(`${auth.username}:${auth.password}`).toString("base64")}`;
    case "none":
      return undefined;
  }
}

/** Names the credential to check when Kibana rejects a request. */
export function credentialHint(auth: KibanaAuth): string {
  switch (auth.kind) {
    case "api_key":
    case "basic":
      return `check the credentials from ${auth.source}`;
    case "none":
      return "no credentials are set: set KIBANA_API_KEY, or KIBANA_USERNAME and KIBANA_PASSWORD";
  }
}
