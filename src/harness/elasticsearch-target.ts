/**
 * Elasticsearch calls of live verification: index templates, bulk indexing,
 * the EQL search of each rule, reading detection alerts, and cleanup. The
 * connection comes from `--es-url` or ES_URL, with credentials from ES_API_KEY
 * or ES_USERNAME and ES_PASSWORD, never from the command line.
 */
import { Client, errors, SniffingTransport } from "@elastic/elasticsearch";
import { ConfigurationError, DetectionsError } from "../errors.js";
import type { AlertHit } from "./alerts.js";
import type { Progress } from "./progress.js";
import {
  bulkOperations,
  eqlHits,
  eqlSearchBody,
  type EqlHit,
  type EqlRuleSearch,
  type PreparedDocument,
  type TimeWindow,
} from "./seeding.js";
import { buildIndexTemplates } from "./templates.js";

export type ElasticsearchAuth =
  | { kind: "api_key"; apiKey: string; source: string }
  | { kind: "basic"; username: string; password: string; source: string }
  | { kind: "none" };

export interface ElasticsearchSettings {
  url: URL;
  auth: ElasticsearchAuth;
  /** PEM text of an extra CA to trust (ES_CA_CERT). */
  caCert?: string;
}

/** Failure of an Elasticsearch request; the CLI exits with code 3. */
export class ElasticsearchError extends DetectionsError {
  readonly exitCode = 3;
}

/**
 * Resolves the Elasticsearch URL and credentials. Throws ConfigurationError,
 * without secrets, for a missing or invalid URL or half-set credentials.
 */
export function resolveElasticsearchSettings(
  esUrl: string | undefined,
  env: NodeJS.ProcessEnv,
  readFile: (file: string) => string,
): ElasticsearchSettings {
  const text = esUrl ?? env.ES_URL;
  if (!text) {
    throw new ConfigurationError(
      "missing Elasticsearch URL. Pass --es-url URL or set ES_URL.",
    );
  }
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new ConfigurationError(
      `invalid Elasticsearch URL ${JSON.stringify(text)}. Use a URL such as http://127.0.0.1:9200.`,
    );
  }
  if (url.username || url.password) {
    throw new ConfigurationError(
      "the Elasticsearch URL contains credentials. Remove them from the URL and set ES_API_KEY, or ES_USERNAME and ES_PASSWORD.",
    );
  }
  const caFile = env.ES_CA_CERT;
  return {
    url,
    auth: resolveAuth(env),
    ...(caFile ? { caCert: readFile(caFile) } : {}),
  };
}

function resolveAuth(env: NodeJS.ProcessEnv): ElasticsearchAuth {
  if (env.ES_API_KEY) {
    return { kind: "api_key", apiKey: env.ES_API_KEY, source: "ES_API_KEY" };
  }
  if (env.ES_USERNAME || env.ES_PASSWORD) {
    if (!env.ES_USERNAME || !env.ES_PASSWORD) {
      throw new ConfigurationError(
        "ES_USERNAME and ES_PASSWORD must be set together for basic authentication.",
      );
    }
    return {
      kind: "basic",
      username: env.ES_USERNAME,
      password: env.ES_PASSWORD,
      source: "ES_USERNAME and ES_PASSWORD",
    };
  }
  return { kind: "none" };
}

/**
 * The 9.x client asks for `compatible-with=9` responses, which Elasticsearch
 * 8.x rejects with media_type_header_exception. Plain JSON content types are
 * accepted by 8.x and 9.x alike, so this transport sends those.
 */
class PlainJsonTransport extends SniffingTransport {
  constructor(options: ConstructorParameters<typeof SniffingTransport>[0]) {
    super({ ...options, vendoredHeaders: undefined });
  }
}

/** Request timeout and retries of the client; tests shorten both. */
export interface ElasticsearchClientOptions {
  timeoutMs?: number;
  /** Retries of a request after a connection failure or 502, 503, 504. */
  maxRetries?: number;
}

/** Creates a client for the settings. */
export function createElasticsearchClient(
  settings: ElasticsearchSettings,
  options: ElasticsearchClientOptions = {},
): Client {
  const auth =
    settings.auth.kind === "api_key"
      ? { apiKey: settings.auth.apiKey }
      : settings.auth.kind === "basic"
        ? { username: settings.auth.username, password: settings.auth.password }
        : undefined;
  return new Client({
    node: settings.url.href,
    ...(auth ? { auth } : {}),
    ...(settings.caCert ? { tls: { ca: settings.caCert } } : {}),
    Transport: PlainJsonTransport,
    requestTimeout: options.timeoutMs ?? 60_000,
    maxRetries: options.maxRetries ?? 3,
  });
}

/** Documents per `_bulk` request. */
const bulkChunkSize = 500;

/** The Elasticsearch side of a live run, bound to one cluster. */
export class ElasticsearchTarget {
  constructor(
    private readonly client: Client,
    private readonly settings: ElasticsearchSettings,
  ) {}

  /** Returns the cluster's version number, such as "9.5.7". */
  async version(): Promise<string> {
    const info = await this.call("GET /", () => this.client.info());
    return info.version.number;
  }

  /** Creates the index templates of the four sources for the namespace. */
  async installTemplates(namespace: string): Promise<string[]> {
    const templates = buildIndexTemplates(namespace);
    for (const template of templates) {
      await this.call(`PUT _index_template/${template.name}`, () =>
        this.client.indices.putIndexTemplate({
          name: template.name,
          ...(template.body as object),
        }),
      );
    }
    return templates.map((template) => template.name);
  }

  /**
   * Creates the documents with `op_type: create` and refreshes their data
   * streams. Throws ElasticsearchError naming the first rejected documents.
   */
  async index(
    documents: readonly PreparedDocument[],
    progress: Progress,
  ): Promise<void> {
    const step = progress.start(`indexing ${documents.length} events`);
    for (let start = 0; start < documents.length; start += bulkChunkSize) {
      const chunk = documents.slice(start, start + bulkChunkSize);
      const response = await this.call("POST _bulk", () =>
        this.client.bulk({ operations: bulkOperations(chunk) }),
      ).catch((error: unknown) => {
        step.fail("bulk request failed");
        throw error;
      });
      const rejected = response.items.flatMap((item, position) => {
        const result = item.create;
        if (!result?.error) return [];
        const id = chunk[position]?.eventId ?? "?";
        return [`${id}: ${result.error.type}: ${result.error.reason ?? ""}`];
      });
      if (rejected.length > 0) {
        step.fail(`${rejected.length} documents rejected`);
        throw new ElasticsearchError(
          `Elasticsearch at ${this.settings.url.origin} rejected ${rejected.length} of ${chunk.length} documents:\n  ${rejected.slice(0, 5).join("\n  ")}\nCheck that the events are valid ECS documents.`,
        );
      }
      step.update(
        `${Math.min(start + bulkChunkSize, documents.length)} of ${documents.length}`,
      );
    }
    const streams = [...new Set(documents.map((doc) => doc.dataStream))];
    await this.call("POST _refresh", () =>
      this.client.indices.refresh({ index: streams, ignore_unavailable: true }),
    );
    step.finish(
      `${documents.length} indexed into ${streams.length} data streams`,
    );
  }

  /** Runs one rule's query through `_eql/search` as the detection engine does. */
  async eqlSearch(
    rule: EqlRuleSearch,
    window: TimeWindow,
    namespace: string,
    size: number,
  ): Promise<EqlHit[]> {
    const body = eqlSearchBody(rule, window, namespace, size);
    const response = await this.call(
      `POST ${rule.index.join(",")}/_eql/search`,
      () =>
        this.client.eql.search({
          index: [...rule.index],
          allow_no_indices: true,
          ...body,
        } as never),
    );
    return eqlHits(response as unknown as Record<string, unknown>);
  }

  /** Reads the alerts of the given rules from the space's alerts index. */
  async searchAlerts(
    space: string,
    ruleUuids: readonly string[],
  ): Promise<AlertHit[]> {
    const index = `.alerts-security.alerts-${space}`;
    await this.call(`POST ${index}/_refresh`, () =>
      this.client.indices.refresh({ index, ignore_unavailable: true }),
    );
    const response = await this.call(`POST ${index}/_search`, () =>
      this.client.search({
        index,
        ignore_unavailable: true,
        size: 10_000,
        query: { terms: { "kibana.alert.rule.uuid": [...ruleUuids] } },
      }),
    );
    return response.hits.hits as unknown as AlertHit[];
  }

  /**
   * Deletes the run's data streams and templates, and the space's alert
   * indices when a space is given. Names are listed first and deleted
   * explicitly, because clusters may forbid deleting by wildcard.
   */
  async cleanUp(
    namespace: string,
    templates: readonly string[],
    space?: string,
  ): Promise<void> {
    const streams = await this.call("GET _data_stream", () =>
      this.client.indices.getDataStream({
        name: `*-${namespace}`,
        expand_wildcards: "all",
      }),
    );
    const names = streams.data_streams.map((stream) => stream.name);
    if (names.length > 0) {
      await this.call("DELETE _data_stream", () =>
        this.client.indices.deleteDataStream({ name: names }),
      );
    }
    for (const name of templates) {
      await this.call(`DELETE _index_template/${name}`, () =>
        this.client.indices.deleteIndexTemplate({ name }),
      );
    }
    if (space) await this.deleteAlertIndices(space);
  }

  private async deleteAlertIndices(space: string): Promise<void> {
    const pattern = `.internal.alerts-security.alerts-${space}-*`;
    const indices = await this.call(`GET ${pattern}`, () =>
      this.client.indices.get({
        index: pattern,
        expand_wildcards: "all",
        ignore_unavailable: true,
      }),
    );
    const names = Object.keys(indices);
    if (names.length === 0) return;
    await this.call("DELETE alert indices", () =>
      this.client.indices.delete({ index: names, expand_wildcards: "all" }),
    );
  }

  /** Runs a request and turns client errors into ElasticsearchError. */
  private async call<T>(action: string, request: () => Promise<T>): Promise<T> {
    try {
      return await request();
    } catch (error) {
      throw describeFailure(error, action, this.settings);
    }
  }
}

/** Explains a client error: what failed, on which URL, and what to check. */
export function describeFailure(
  error: unknown,
  action: string,
  settings: ElasticsearchSettings,
): ElasticsearchError {
  const where = `Elasticsearch at ${settings.url.origin}`;
  const options = { cause: error };
  if (error instanceof errors.ResponseError) {
    const status = error.statusCode ?? 0;
    if (status === 401) {
      const hint =
        settings.auth.kind === "none"
          ? "no credentials are set: set ES_API_KEY, or ES_USERNAME and ES_PASSWORD"
          : `check the credentials from ${settings.auth.source}`;
      return new ElasticsearchError(
        `${where} rejected the credentials for ${action} (HTTP 401): ${hint}.`,
        options,
      );
    }
    const cause = (
      error.body as { error?: { type?: string; reason?: string } } | undefined
    )?.error;
    const reason = cause
      ? `${cause.type ?? "error"}: ${cause.reason ?? ""}`
      : error.message;
    if (status === 403) {
      return new ElasticsearchError(
        `${where} denied ${action} (HTTP 403): ${reason}. Use a user with the manage_index_templates cluster privilege and write, read and manage privileges on logs-* and .alerts-security.alerts-*.`,
        options,
      );
    }
    return new ElasticsearchError(
      `${action} failed on ${where} (HTTP ${status}): ${reason}`,
      options,
    );
  }
  if (error instanceof errors.TimeoutError) {
    return new ElasticsearchError(
      `${action} on ${where} timed out. Check that the cluster is healthy.`,
      options,
    );
  }
  if (error instanceof errors.ProductNotSupportedError) {
    return new ElasticsearchError(
      `${settings.url.origin} did not respond as Elasticsearch for ${action}. Check that --es-url points at Elasticsearch, not Kibana or a proxy.`,
      options,
    );
  }
  if (
    error instanceof errors.ConnectionError ||
    error instanceof errors.NoLivingConnectionsError
  ) {
    return new ElasticsearchError(
      `could not connect to ${where} for ${action}: ${error.message}. Check --es-url and that Elasticsearch is running.`,
      options,
    );
  }
  const message = error instanceof Error ? error.message : String(error);
  return new ElasticsearchError(
    `${action} failed on ${where}: ${message}`,
    options,
  );
}
