/**
 * The Kibana connection options that plan, deploy and export share, their
 * help text, and the client built from them.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { type Command, InvalidArgumentError } from "commander";
import {
  DEFAULT_TIMEOUT_MS,
  defaultRetryPolicy,
  KibanaClient,
} from "../kibana/client.js";
import {
  type ConnectionOptions,
  resolveKibanaConnection,
} from "../kibana/connection.js";
import type { CommandContext } from "./context.js";

/** Options of every command that talks to Kibana. */
export interface KibanaCommandOptions extends ConnectionOptions {
  /** Request timeout in seconds. */
  timeout: number;
}

function parseSeconds(text: string): number {
  const value = Number(text);
  if (!Number.isFinite(value) || value <= 0 || value > 3600)
    throw new InvalidArgumentError(
      "use a number of seconds from more than 0 to 3600, such as 30 or 120.",
    );
  return value;
}

const retry = defaultRetryPolicy;

/** Help text on the environment, precedence, timeouts and exit codes. */
export const connectionHelp = `
Connection settings, in order of precedence: the option, then the
environment variable, then the JSON file from --kibana-config. Empty
variables count as unset.
  KIBANA_URL        Kibana base URL (--kibana-url; "url" in the file)
  KIBANA_API_KEY    API key, the base64 "encoded" value of id:api_key;
                    sent as "Authorization: ApiKey ..." ("api_key")
  KIBANA_USERNAME   user for basic authentication, with KIBANA_PASSWORD
  KIBANA_PASSWORD   ("username" and "password" in the file)
  KIBANA_SPACE      space id (--space; "space")
  KIBANA_CA_CERT    PEM file of an extra CA (--ca-cert; "ca_cert")
  KIBANA_CONFIG     JSON config file (--kibana-config)
Credentials come only from the environment or the config file, and an API
key wins over a user and password. Relative paths, ca_cert in the config
file included, resolve from the current folder. The URL must not contain
credentials, a query string or a fragment. http:// with credentials to a
host other than localhost, 127.0.0.0/8 or ::1 needs --allow-insecure-http;
link-local and cloud metadata addresses are always rejected.

Each request times out after --timeout seconds (default ${DEFAULT_TIMEOUT_MS / 1000}). Reads are
retried up to ${retry.retries} times on a failed connection, a timeout, HTTP 429, 500,
502, 503 or 504,
with backoff from ${retry.baseDelayMs / 1000} s doubling to at most ${retry.maxDelayMs / 1000} s, or after the
Retry-After that Kibana sends when it is at most ${retry.maxRetryAfterMs / 1000} s. Writes are
retried only on HTTP 429, because a repeated write could apply twice.

Exit codes: 0 ok, 1 drift left alone or a rule not found, 2 invalid input
or configuration, 3 Kibana failed or could not be reached, 70 internal
error.`;

/** Adds the Kibana connection options and their help text. */
export function addConnectionOptions(command: Command): Command {
  return command
    .option("--kibana-url <url>", "Kibana base URL (default: $KIBANA_URL)")
    .option(
      "--space <id>",
      "Kibana space id; rules go to /s/<id>/api/... (default: $KIBANA_SPACE or the default space)",
    )
    .option(
      "--ca-cert <file>",
      "PEM file of an extra CA to trust for Kibana's TLS certificate (default: $KIBANA_CA_CERT)",
    )
    .option(
      "--kibana-config <file>",
      "JSON file with url, space, api_key or username and password, ca_cert (default: $KIBANA_CONFIG)",
    )
    .option(
      "--timeout <seconds>",
      "time to wait for each Kibana request, in seconds",
      parseSeconds,
      DEFAULT_TIMEOUT_MS / 1000,
    )
    .option(
      "--allow-insecure-http",
      "allow http:// with credentials to a host other than loopback",
      false,
    )
    .option("--debug", "print stack traces and request lines", false)
    .addHelpText("after", connectionHelp);
}

/** Opens a client from the options, the environment and the config file. */
export function connect(
  options: KibanaCommandOptions,
  context: CommandContext,
): KibanaClient {
  const connection = resolveKibanaConnection(options, process.env, (file) =>
    readFileSync(path.resolve(context.root, file), "utf8"),
  );
  return new KibanaClient(connection, {
    log: context.log,
    debug: context.debug || Boolean((options as { debug?: boolean }).debug),
    timeoutMs: options.timeout * 1000,
  });
}
