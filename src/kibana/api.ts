/**
 * The detection engine endpoints this tool calls, on top of KibanaClient:
 * status, `_find`, `_import`, `_bulk_action` (delete) and `_export`. The
 * legacy `_bulk_create` and `_bulk_update` endpoints are gone in Kibana 9.0
 * and are never used.
 */
import { ConfigurationError } from "../errors.js";
import { KibanaClient } from "./client.js";
import { kibanaMessage } from "./client-errors.js";
import {
  KibanaResponseError,
  KibanaUnexpectedResponseError,
  KibanaVersionError,
} from "./errors.js";

/** A rule as `_find` returns it, with Kibana's server-side fields. */
export interface RemoteRule extends Record<string, unknown> {
  id: string;
  rule_id: string;
  name: string;
  tags?: string[];
  revision?: number;
  meta?: Record<string, unknown>;
}

export interface KibanaVersion {
  text: string;
  major: number;
  minor: number;
}

/** Outcome of one rule in an `_import` request. */
export interface ImportError {
  ruleId: string;
  status: number;
  message: string;
}

const rulesPath = "/api/detection_engine/rules";

/** Page size of `_find`; Kibana pages only within its first 10,000 hits. */
export const FIND_PAGE_SIZE = 1000;

/** Max ids per `_bulk_action` request, Kibana's RULES_TABLE_MAX_PAGE_SIZE. */
export const BULK_ACTION_MAX_IDS = 100;

function parseJson<T>(text: string, what: string, url: string): T {
  try {
    return JSON.parse(text) as T;
  } catch {
    throw new KibanaResponseError(
      `Kibana sent a response that is not JSON for ${what}: ${kibanaMessage(text)}. Check that --kibana-url points at Kibana, not at Elasticsearch or a proxy page.`,
      200,
      url,
      kibanaMessage(text),
    );
  }
}

/** Builds the error for a 2xx body that lacks a field the tool needs. */
function unexpectedBody(
  what: string,
  url: string,
  missing: string,
  text: string,
): KibanaUnexpectedResponseError {
  return new KibanaUnexpectedResponseError(
    `Kibana sent a ${what} response without ${missing}, so the tool cannot tell what happened. Check that --kibana-url points at Kibana without a proxy that rewrites responses, and that Kibana's version is supported.`,
    200,
    url,
    `response without ${missing}`,
    text,
  );
}

/**
 * Reads the version from `GET /api/status` and checks that it is 8.11 to
 * 8.x or 9.x. Throws KibanaVersionError otherwise.
 */
export async function getKibanaVersion(
  client: KibanaClient,
): Promise<KibanaVersion> {
  // The status API lives outside spaces, so ask the base URL.
  const response = await client.send({
    method: "GET",
    path: "/api/status",
    idempotent: true,
    spaceless: true,
  });
  const url = client.urlFor("/api/status", {}, true).href;
  const body = parseJson<{ version?: { number?: unknown } }>(
    response.text,
    "GET /api/status",
    url,
  );
  const text = body.version?.number;
  if (typeof text !== "string") {
    throw new KibanaVersionError(
      `GET ${url} returned no version number, so this is not a Kibana or the credentials are not accepted. Check --kibana-url and the credentials.`,
    );
  }
  const match = /^(\d+)\.(\d+)\.\d+/.exec(text);
  const version = {
    text,
    major: Number(match?.[1]),
    minor: Number(match?.[2]),
  };
  const supported =
    version.major === 9 || (version.major === 8 && version.minor >= 11);
  if (!match || !supported) {
    throw new KibanaVersionError(
      `Kibana ${text} at ${client.connection.url.origin} is not supported. This tool supports Kibana 8.11 to 8.19 and 9.x.`,
    );
  }
  return version;
}

/**
 * Checks that the connection's space exists. Kibana does not reject rule
 * API requests to a missing space, so without this check a mistyped space
 * id would get an empty `_find` and deploy into a space that the UI does not list.
 */
export async function checkSpaceExists(client: KibanaClient): Promise<void> {
  const { space, spaceSource } = client.connection;
  if (!space) return;
  const path = `/api/spaces/space/${encodeURIComponent(space)}`;
  try {
    await client.send({
      method: "GET",
      path,
      idempotent: true,
      spaceless: true,
    });
  } catch (error) {
    if (error instanceof KibanaResponseError && error.status === 404) {
      throw new ConfigurationError(
        `${spaceSource ?? "--space"}: the space ${JSON.stringify(space)} does not exist in Kibana at ${client.connection.url.origin}. Check the space id, or create the space in Kibana first.`,
        { cause: error },
      );
    }
    throw error;
  }
}

interface FindPage {
  page: number;
  perPage: number;
  total: number;
  data: RemoteRule[];
}

/** Quotes a value for a KQL filter. */
function kqlString(value: string): string {
  return `"${value.replaceAll("\\", "\\\\").replaceAll('"', '\\"')}"`;
}

/** Reads every rule carrying `tag`, page by page, sorted by creation time. */
export async function findRulesByTag(
  client: KibanaClient,
  tag: string,
  pageSize = FIND_PAGE_SIZE,
): Promise<RemoteRule[]> {
  const rules: RemoteRule[] = [];
  // NOTE: Kibana serves `_find` pages only within its first 10,000 hits, so a
  // space with more managed rules fails here with Kibana's 400 message.
  for (let page = 1; ; page += 1) {
    const query = {
      page,
      per_page: pageSize,
      sort_field: "created_at",
      sort_order: "asc",
      filter: `alert.attributes.tags:${kqlString(tag)}`,
    };
    const response = await client.send({
      method: "GET",
      path: `${rulesPath}/_find`,
      query,
      idempotent: true,
    });
    const url = client.urlFor(`${rulesPath}/_find`).href;
    const body = parseJson<Partial<FindPage>>(response.text, "GET _find", url);
    if (!Array.isArray(body?.data) || typeof body?.total !== "number")
      throw unexpectedBody("GET _find", url, "data and total", response.text);
    rules.push(...body.data);
    if (body.data.length === 0 || page * pageSize >= body.total) return rules;
  }
}

interface ImportResponse {
  success: boolean;
  success_count: number;
  rules_count?: number;
  errors: {
    rule_id?: string;
    id?: string;
    error?: { status_code?: number; message?: string };
  }[];
}

/** Builds a multipart/form-data body with one `file` part. */
function multipart(ndjson: string): { body: Buffer; contentType: string } {
  const boundary = `----mofcomp-detections-${Date.now().toString(16)}`;
  const head =
    `--${boundary}\r\n` +
    'Content-Disposition: form-data; name="file"; filename="rules.ndjson"\r\n' +
    "Content-Type: application/ndjson\r\n\r\n";
  const body = Buffer.concat([
    Buffer.from(head),
    Buffer.from(ndjson),
    Buffer.from(`\r\n--${boundary}--\r\n`),
  ]);
  return { body, contentType: `multipart/form-data; boundary=${boundary}` };
}

/**
 * Imports one NDJSON chunk. Kibana returns 200 even when rules fail, so
 * the per-rule errors are returned, never thrown.
 */
export async function importRules(
  client: KibanaClient,
  ndjson: string,
  overwrite: boolean,
): Promise<ImportError[]> {
  const { body, contentType } = multipart(ndjson);
  const response = await client.send({
    method: "POST",
    path: `${rulesPath}/_import`,
    query: { overwrite },
    body,
    contentType,
    // A repeated import would report created rules as conflicts.
    idempotent: false,
  });
  const url = client.urlFor(`${rulesPath}/_import`).href;
  const parsed = parseJson<Partial<ImportResponse>>(
    response.text,
    "POST _import",
    url,
  );
  if (!Array.isArray(parsed?.errors))
    throw unexpectedBody("POST _import", url, "errors", response.text);
  return parsed.errors.map((error) => ({
    ruleId: error.rule_id ?? error.id ?? "(unknown id)",
    status: error.error?.status_code ?? 0,
    message: error.error?.message ?? "(Kibana sent no message)",
  }));
}

interface BulkActionResponse {
  attributes?: {
    errors?: {
      message: string;
      status_code: number;
      rules: { id: string; name?: string }[];
    }[];
    results?: { deleted?: { id: string }[] };
  };
}

/** Deletes rules by object id (at most 100); returns per-id errors. */
export async function bulkDeleteRules(
  client: KibanaClient,
  ids: string[],
): Promise<Map<string, string>> {
  const response = await client
    .send({
      method: "POST",
      path: `${rulesPath}/_bulk_action`,
      body: JSON.stringify({ action: "delete", ids }),
      contentType: "application/json",
      idempotent: false,
    })
    .catch((error: unknown) => partialBulkFailure(error));
  const parsed = parseJson<BulkActionResponse>(
    response.text,
    "POST _bulk_action",
    client.urlFor(`${rulesPath}/_bulk_action`).href,
  );
  if (parsed === null || typeof parsed !== "object" || !parsed.attributes) {
    const url = client.urlFor(`${rulesPath}/_bulk_action`).href;
    throw unexpectedBody("POST _bulk_action", url, "attributes", response.text);
  }
  const failures = new Map<string, string>();
  for (const error of parsed.attributes?.errors ?? []) {
    for (const rule of error.rules) failures.set(rule.id, error.message);
  }
  return failures;
}

/**
 * Kibana responds to a partly failed bulk action with the error status and the
 * full results in the body; keep that body so each rule gets its outcome.
 */
function partialBulkFailure(error: unknown): { text: string } {
  if (
    error instanceof KibanaResponseError &&
    error.responseText?.includes('"attributes"')
  ) {
    return { text: error.responseText };
  }
  throw error;
}

/** Exports rules by rule_id (all rules when empty) as Kibana's NDJSON. */
// NOTE: Kibana exports at most 10,000 rules per request (maxRuleImportExportSize),
// so a backup of more managed rules fails with Kibana's 400 message.
export async function exportRules(
  client: KibanaClient,
  ruleIds: string[],
): Promise<string> {
  const body =
    ruleIds.length > 0
      ? JSON.stringify({ objects: ruleIds.map((rule_id) => ({ rule_id })) })
      : undefined;
  const response = await client.send({
    method: "POST",
    path: `${rulesPath}/_export`,
    query: { exclude_export_details: false, file_name: "rules_export.ndjson" },
    ...(body ? { body, contentType: "application/json" } : {}),
    idempotent: true,
  });
  return response.text;
}
