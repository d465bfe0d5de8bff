import {
  type DeployIo,
  type DeployOptions,
  applyPlan,
  planAgainstKibana,
} from "../../src/kibana/apply.js";
import {
  KibanaClient,
  type KibanaClientOptions,
} from "../../src/kibana/client.js";
import type { KibanaConnection } from "../../src/kibana/connection.js";
import type { KibanaRule } from "../../src/kibana/rule.js";

export const fastRetry = {
  retries: 3,
  baseDelayMs: 5,
  maxDelayMs: 20,
  maxRetryAfterMs: 2_000,
};

/** Returns a connection with an API key, as resolveKibanaConnection builds it. */
export function apiKeyConnection(
  url: string,
  apiKey = "test-api-key",
  space?: string,
): KibanaConnection {
  return {
    url: new URL(url),
    auth: { kind: "api_key", apiKey, source: "KIBANA_API_KEY" },
    ...(space ? { space } : {}),
  };
}

export const quietIo: DeployIo = {
  log: () => {},
  writeFile: () => {},
  mkdir: () => {},
  now: () => new Date("2025-01-01T00:00:00Z"),
};

/** Plans and applies a deploy; returns the report and the client. */
export async function deploy(
  connection: KibanaConnection,
  local: KibanaRule[],
  options: Partial<DeployOptions> = {},
  clientOptions: KibanaClientOptions = {},
  io: DeployIo = quietIo,
) {
  const client = new KibanaClient(connection, {
    retry: fastRetry,
    timeoutMs: 5_000,
    ...clientOptions,
  });
  try {
    const full = { prune: false, force: false, ...options };
    const context = await planAgainstKibana(client, local, full);
    const report = await applyPlan(client, context, full, io);
    return { report, requests: client.requestCount };
  } finally {
    await client.close();
  }
}
