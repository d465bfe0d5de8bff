/**
 * Connection settings for Kibana (URL, space, credentials and CA), resolved
 * from command-line options, then environment variables, then a JSON config
 * file. Secrets come only from the environment or the config file.
 */
import { ConfigurationError } from "../errors.js";

export type KibanaAuth =
  | { kind: "api_key"; apiKey: string; source: string }
  | { kind: "basic"; username: string; password: string; source: string }
  | { kind: "none" };

/** Everything the client needs to reach one Kibana space. */
export interface KibanaConnection {
  url: URL;
  /** Space id; undefined means the default space. */
  space?: string;
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
  } catch (error) {
    throw new ConfigurationError(
      `${source}: invalid JSON (${(error as Error).message}). The Kibana config file is a JSON object.`,
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

function parseUrl(text: string, source: string): URL {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new ConfigurationError(
      `${source}: invalid Kibana URL ${JSON.stringify(text)}. Use a URL such as https://kibana.example.com:5601.`,
    );
  }
  if (url.username || url.password) {
    throw new ConfigurationError(
      `${source}: the Kibana URL contains credentials. Remove them from the URL and set KIBANA_API_KEY, or KIBANA_USERNAME and KIBANA_PASSWORD.`,
    );
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") {
    throw new ConfigurationError(
      `${source}: unsupported scheme ${url.protocol} in the Kibana URL. Use https:// or http://.`,
    );
  }
  return url;
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

/**
 * Resolves the connection. `readFile` reads the config and CA files, so
 * tests can pass their own. Throws ConfigurationError without secrets.
 */
export function resolveKibanaConnection(
  options: ConnectionOptions,
  env: NodeJS.ProcessEnv,
  readFile: (file: string) => string,
): KibanaConnection {
  const configSource = options.kibanaConfig ?? env.KIBANA_CONFIG;
  const config = configSource
    ? parseConfig(readFile(configSource), configSource)
    : {};
  const urlText = options.kibanaUrl ?? env.KIBANA_URL ?? config.url;
  if (!urlText) {
    throw new ConfigurationError(
      "missing Kibana URL. Pass --kibana-url URL or set KIBANA_URL.",
    );
  }
  let urlSource = `url in ${configSource}`;
  if (env.KIBANA_URL) urlSource = "KIBANA_URL";
  if (options.kibanaUrl) urlSource = "--kibana-url";
  const space = options.space ?? env.KIBANA_SPACE ?? config.space;
  if (space !== undefined && !spaceId.test(space)) {
    throw new ConfigurationError(
      `invalid space id ${JSON.stringify(space)}. Space ids use lowercase letters, digits, hyphens and underscores.`,
    );
  }
  const caFile = options.caCert ?? env.KIBANA_CA_CERT ?? config.ca_cert;
  return {
    url: parseUrl(urlText, urlSource),
    space: space === "default" ? undefined : space,
    auth: resolveAuth(env, config, configSource ?? "the config file"),
    ...(caFile ? { caCert: readFile(caFile), caCertSource: caFile } : {}),
  };
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
