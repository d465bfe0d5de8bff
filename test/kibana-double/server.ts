/**
 * Kibana API test double: a real HTTP server on 127.0.0.1 that implements
 * the detection engine endpoints the tool calls, with Kibana's status
 * codes and messages, authentication, `kbn-xsrf`, Spaces, and injectable
 * faults (dropped connections, error statuses, Retry-After, slow responses).
 */
import {
  createServer,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from "node:http";
import { createServer as createTlsServer } from "node:https";
import type { AddressInfo } from "node:net";
import { RuleRuns, routeSpaces } from "./rule-runs.js";
import {
  ConflictError,
  NotFoundError,
  RuleStore,
  ValidationError,
} from "./store.js";

export interface DoubleOptions {
  /** Kibana version reported by /api/status, such as 9.1.0 or 8.11.4. */
  version?: string;
  apiKey?: string;
  /** An API key that may read but gets 403 on writes. */
  readOnlyApiKey?: string;
  username?: string;
  password?: string;
  /** Spaces besides `default`. */
  spaces?: string[];
  /** Hits `_find` pages through, like Elasticsearch's index.max_result_window (10,000). */
  resultWindow?: number;
  /** PEM key and certificate: serve HTTPS instead of HTTP. */
  tls?: { key: string; cert: string };
}

/** Which requests a fault applies to; all conditions must hold. */
export interface RequestMatch {
  method?: string;
  pathIncludes?: string;
  /** 1-based number of the request since the double started. */
  nth?: number;
}

export type Fault =
  /** Closes the socket without a response; `afterHandling` applies the request first. */
  | {
      kind: "drop";
      afterHandling?: boolean;
      match?: RequestMatch;
      times?: number;
    }
  | {
      kind: "status";
      status: number;
      retryAfter?: string;
      body?: object;
      match?: RequestMatch;
      times?: number;
    }
  | { kind: "delay"; ms: number; match?: RequestMatch; times?: number }
  /**
   * Never responds, so the client's timeout must end the request;
   * `afterHandling` applies the request first.
   */
  | {
      kind: "hang";
      afterHandling?: boolean;
      match?: RequestMatch;
      times?: number;
    };

export interface LoggedRequest {
  method: string;
  path: string;
  space: string;
  status: number;
}

export class KibanaDouble {
  readonly requests: LoggedRequest[] = [];
  /** Rule runs: scripted execution summaries and received manual runs. */
  readonly runs = new RuleRuns();
  /** Rule stores per space id, made on first use as Kibana does for any id. */
  private readonly stores = new Map<string, RuleStore>();
  /** Spaces that exist in the Spaces API. */
  private readonly spaces = new Set<string>();
  private readonly faults: Fault[] = [];
  private server?: Server;
  private readonly options: Required<Pick<DoubleOptions, "version">> &
    DoubleOptions;

  constructor(options: DoubleOptions = {}) {
    this.options = { version: "9.1.0", apiKey: "test-api-key", ...options };
    const major = Number(this.options.version.split(".")[0]);
    for (const space of ["default", ...(options.spaces ?? [])]) {
      this.spaces.add(space);
      this.stores.set(space, new RuleStore(major));
    }
  }

  get url(): string {
    const address = this.server?.address() as AddressInfo;
    return `${this.options.tls ? "https" : "http"}://127.0.0.1:${address.port}`;
  }

  /** Returns the rules of a space, which may be one the Spaces API does not list. */
  store(space = "default"): RuleStore {
    let store = this.stores.get(space);
    if (!store) {
      store = new RuleStore(Number(this.options.version.split(".")[0]));
      this.stores.set(space, store);
    }
    return store;
  }

  addFault(fault: Fault): void {
    this.faults.push(fault);
  }

  /** Requests that change state: every method but GET, minus _export. */
  writes(): LoggedRequest[] {
    return this.requests.filter(
      (request) =>
        request.method !== "GET" && !request.path.endsWith("/_export"),
    );
  }

  async start(): Promise<this> {
    const handler = (req: IncomingMessage, res: ServerResponse) =>
      void this.handle(req, res);
    this.server = this.options.tls
      ? createTlsServer(this.options.tls, handler)
      : createServer(handler);
    await new Promise<void>((resolve) =>
      this.server!.listen(0, "127.0.0.1", resolve),
    );
    return this;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => this.server?.close(() => resolve()));
  }

  private takeFault(
    method: string,
    path: string,
    number: number,
  ): Fault | undefined {
    const index = this.faults.findIndex((fault) => {
      const match = fault.match ?? {};
      return (
        (!match.method || match.method === method) &&
        (!match.pathIncludes || path.includes(match.pathIncludes)) &&
        (!match.nth || match.nth === number)
      );
    });
    if (index < 0) return undefined;
    const fault = this.faults[index]!;
    const times = (fault.times ?? 1) - 1;
    if (times <= 0) this.faults.splice(index, 1);
    else this.faults[index] = { ...fault, times };
    return fault;
  }

  private async handle(
    req: IncomingMessage,
    res: ServerResponse,
  ): Promise<void> {
    const body = await readBody(req);
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    const spaceMatch = /^\/s\/([^/]+)(\/.*)$/.exec(url.pathname);
    const space = spaceMatch?.[1] ?? "default";
    const path = spaceMatch?.[2] ?? url.pathname;
    const method = req.method ?? "GET";
    const entry: LoggedRequest = { method, path, space, status: 0 };
    this.requests.push(entry);
    const fault = this.takeFault(method, path, this.requests.length);
    if (fault?.kind === "drop" && !fault.afterHandling) {
      entry.status = -1;
      req.socket.destroy();
      return;
    }
    if (fault?.kind === "hang" && !fault.afterHandling) return;
    if (fault?.kind === "delay")
      await new Promise((resolve) => setTimeout(resolve, fault.ms));
    const reply = (
      status: number,
      payload: unknown,
      headers: Record<string, string> = {},
    ) => {
      entry.status = status;
      const text =
        typeof payload === "string" ? payload : JSON.stringify(payload);
      res.writeHead(status, {
        "content-type":
          typeof payload === "string"
            ? "application/ndjson"
            : "application/json",
        ...headers,
      });
      res.end(text);
    };
    if (fault?.kind === "status") {
      const headers: Record<string, string> = fault.retryAfter
        ? { "retry-after": fault.retryAfter }
        : {};
      reply(
        fault.status,
        fault.body ?? {
          statusCode: fault.status,
          error: "Injected",
          message: `injected HTTP ${fault.status}`,
        },
        headers,
      );
      return;
    }
    const denied = this.authenticate(req, method);
    if (denied) return reply(denied.status, denied.body);
    if (method !== "GET" && !req.headers["kbn-xsrf"]) {
      return reply(400, {
        statusCode: 400,
        error: "Bad Request",
        message: "Request must contain a kbn-xsrf header.",
      });
    }
    if (path.startsWith("/api/spaces/space")) {
      const major = Number(this.options.version.split(".")[0]);
      const newStore = () => new RuleStore(major);
      return reply(
        ...routeSpaces(method, path, body.toString("utf8"), {
          spaces: this.spaces,
          stores: this.stores,
          newStore,
        }),
      );
    }
    // Kibana skips the space check on API requests, so rule APIs respond in
    // a space that does not exist, as if it were empty.
    const store = this.store(space);
    const request = { method, path, body: body.toString("utf8") };
    const [status, payload] = this.runs.route(
      this.options.version,
      store,
      request,
      () =>
        routeRequest(
          this.options,
          store,
          method,
          path,
          url.searchParams,
          req.headers["content-type"] ?? "",
          body,
        ),
    );
    if (fault?.kind === "drop") {
      entry.status = -1;
      req.socket.destroy();
      return;
    }
    if (fault?.kind === "hang") return;
    reply(status, payload);
  }

  private authenticate(
    req: IncomingMessage,
    method: string,
  ): { status: number; body: object } | undefined {
    const header = req.headers.authorization ?? "";
    const { apiKey, readOnlyApiKey, username, password } = this.options;
    const basic =
      username && password
        ? `Basic ${Buffer.from(`${username}:${password}`).toString("base64")}`
        : undefined;
    if (header === `ApiKey ${apiKey}` || (basic && header === basic))
      return undefined;
    if (readOnlyApiKey && header === `ApiKey ${readOnlyApiKey}`) {
      if (method === "GET") return undefined;
      return {
        status: 403,
        body: {
          statusCode: 403,
          error: "Forbidden",
          message: `API [${method} ${req.url}] is unauthorized for user, this action is granted by the Kibana privileges [securitySolution-rules-all]`,
        },
      };
    }
    return {
      status: 401,
      body: {
        statusCode: 401,
        error: "Unauthorized",
        message: "[security_exception]: unable to authenticate user",
      },
    };
  }
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

type Route = [number, unknown];

const rulesPath = "/api/detection_engine/rules";

function routeRequest(
  options: DoubleOptions & { version: string },
  store: RuleStore,
  method: string,
  path: string,
  query: URLSearchParams,
  contentType: string,
  body: Buffer,
): Route {
  const json = () =>
    JSON.parse(body.toString("utf8") || "{}") as Record<string, unknown>;
  try {
    if (method === "GET" && path === "/api/status") {
      return [
        200,
        {
          name: "kibana-double",
          version: { number: options.version, build_flavor: "traditional" },
          status: { overall: { level: "available" } },
        },
      ];
    }
    if (path === rulesPath) return ruleCrud(store, method, query, json);
    if (method === "GET" && path === `${rulesPath}/_find`)
      return findRules(store, query, options.resultWindow ?? 10_000);
    if (method === "POST" && path === `${rulesPath}/_import`)
      return importNdjson(store, query, contentType, body);
    if (method === "POST" && path === `${rulesPath}/_bulk_action`)
      return bulkAction(store, json());
    if (method === "POST" && path === `${rulesPath}/_export`)
      return exportRules(store, body.length > 0 ? json() : {});
  } catch (error) {
    if (error instanceof SyntaxError)
      return [
        400,
        {
          statusCode: 400,
          error: "Bad Request",
          message: `[request body]: ${error.message}`,
        },
      ];
    throw error;
  }
  return [404, { statusCode: 404, error: "Not Found", message: "Not Found" }];
}

function ruleCrud(
  store: RuleStore,
  method: string,
  query: URLSearchParams,
  json: () => Record<string, unknown>,
): Route {
  try {
    if (method === "GET") {
      const ruleId = query.get("rule_id") ?? "";
      const rule = store.get(ruleId);
      return rule
        ? [200, store.toResponse(rule)]
        : [
            404,
            { message: `rule_id: "${ruleId}" not found`, status_code: 404 },
          ];
    }
    if (method === "POST") return [200, store.toResponse(store.create(json()))];
    if (method === "PATCH") {
      const body = json();
      return [200, store.toResponse(store.patch(String(body.rule_id), body))];
    }
  } catch (error) {
    if (error instanceof ConflictError)
      return [409, { message: error.message, status_code: 409 }];
    if (error instanceof NotFoundError)
      return [404, { message: error.message, status_code: 404 }];
    if (error instanceof ValidationError)
      return [400, { message: error.message, status_code: 400 }];
    throw error;
  }
  return [404, { statusCode: 404, error: "Not Found", message: "Not Found" }];
}

function findRules(
  store: RuleStore,
  query: URLSearchParams,
  resultWindow: number,
): Route {
  const page = Number(query.get("page") ?? 1);
  const perPage = Number(query.get("per_page") ?? 20);
  const filter = query.get("filter");
  let rules = store.all();
  if (filter) {
    const match = /^alert\.attributes\.tags:"((?:[^"\\]|\\.)*)"$/.exec(filter);
    if (!match)
      return [
        400,
        {
          statusCode: 400,
          error: "Bad Request",
          message: `unsupported filter in the test double: ${filter}`,
        },
      ];
    const tag = match[1]!.replace(/\\(.)/g, "$1");
    rules = rules.filter((rule) => (rule.tags as string[]).includes(tag));
  }
  if (page * perPage > resultWindow) {
    return [
      400,
      {
        statusCode: 400,
        error: "Bad Request",
        message: `Result window is too large, page * per_page must be less than or equal to: [${resultWindow}]`,
      },
    ];
  }
  rules.sort((a, b) =>
    String(a.created_at).localeCompare(String(b.created_at)),
  );
  const data = rules
    .slice((page - 1) * perPage, page * perPage)
    .map((rule) => store.toResponse(rule));
  return [200, { page, perPage, total: rules.length, data }];
}

function multipartFile(contentType: string, body: Buffer): string | undefined {
  const boundary = /boundary=(.+)$/.exec(contentType)?.[1];
  if (!boundary) return undefined;
  const text = body.toString("utf8");
  const start = text.indexOf("\r\n\r\n", text.indexOf('name="file"'));
  const end = text.lastIndexOf(`\r\n--${boundary}`);
  return start < 0 || end < 0 ? undefined : text.slice(start + 4, end);
}

function importNdjson(
  store: RuleStore,
  query: URLSearchParams,
  contentType: string,
  body: Buffer,
): Route {
  const file = multipartFile(contentType, body);
  if (file === undefined)
    return [
      400,
      {
        statusCode: 400,
        error: "Bad Request",
        message:
          "[request body.file]: expected value of type [Stream] but got [undefined]",
      },
    ];
  const lines = file.split("\n").filter((line) => line.trim() !== "");
  if (lines.length > 10_000)
    return [
      500,
      { message: "Can't import more than 10000 rules", status_code: 500 },
    ];
  const overwrite = query.get("overwrite") === "true";
  const errors: object[] = [];
  for (const line of lines) {
    let rule: Record<string, unknown>;
    try {
      rule = JSON.parse(line);
    } catch {
      errors.push({
        rule_id: "(unknown id)",
        error: { status_code: 400, message: "Unexpected token in JSON" },
      });
      continue;
    }
    try {
      store.importRule(rule, overwrite);
    } catch (error) {
      const status = error instanceof ConflictError ? 409 : 400;
      errors.push({
        rule_id: String(rule.rule_id ?? "(unknown id)"),
        error: { status_code: status, message: (error as Error).message },
      });
    }
  }
  const successCount = lines.length - errors.length;
  return [
    200,
    {
      success: errors.length === 0,
      success_count: successCount,
      rules_count: lines.length,
      errors,
      exceptions_success: true,
      exceptions_success_count: 0,
      exceptions_errors: [],
      action_connectors_success: true,
      action_connectors_success_count: 0,
      action_connectors_errors: [],
      action_connectors_warnings: [],
    },
  ];
}

function bulkAction(store: RuleStore, body: Record<string, unknown>): Route {
  const ids = (body.ids as string[] | undefined) ?? [];
  if (body.action !== "delete")
    return [
      400,
      {
        message: `unsupported action in the test double: ${String(body.action)}`,
        status_code: 400,
      },
    ];
  if (ids.length > 100)
    return [
      400,
      {
        message: "More than 100 ids sent for bulk edit action.",
        status_code: 400,
      },
    ];
  const deleted: object[] = [];
  const missing: { id: string }[] = [];
  for (const id of ids) {
    const rule = store.all().find((candidate) => candidate.id === id);
    if (rule && store.deleteById(id)) deleted.push(store.toResponse(rule));
    else missing.push({ id });
  }
  const summary = {
    failed: missing.length,
    succeeded: deleted.length,
    skipped: 0,
    total: ids.length,
  };
  const results = { updated: [], created: [], deleted, skipped: [] };
  if (missing.length > 0) {
    const message =
      deleted.length > 0 ? "Bulk edit partially failed" : "Bulk edit failed";
    const errors = [
      { message: "Rule not found", status_code: 404, rules: missing },
    ];
    return [
      404,
      { message, status_code: 404, attributes: { errors, results, summary } },
    ];
  }
  return [
    200,
    {
      success: true,
      rules_count: ids.length,
      attributes: { results, summary },
    },
  ];
}

function exportRules(store: RuleStore, body: Record<string, unknown>): Route {
  const objects = body.objects as { rule_id: string }[] | undefined;
  const wanted = objects
    ? objects.map((object) => object.rule_id)
    : store.all().map((rule) => rule.rule_id);
  const found = wanted
    .map((ruleId) => store.get(ruleId))
    .filter((rule) => rule !== undefined);
  const missing = wanted
    .filter((ruleId) => !store.get(ruleId))
    .map((rule_id) => ({ rule_id }));
  const lines = found.map((rule) => JSON.stringify(store.toResponse(rule)));
  lines.push(
    JSON.stringify({
      exported_count: found.length,
      exported_rules_count: found.length,
      missing_rules: missing,
      missing_rules_count: missing.length,
      exported_exception_list_count: 0,
      exported_exception_list_item_count: 0,
      missing_exception_list_item_count: 0,
      missing_exception_list_items: [],
      missing_exception_lists: [],
      missing_exception_lists_count: 0,
      exported_action_connector_count: 0,
      missing_action_connection_count: 0,
      missing_action_connections: [],
      excluded_action_connection_count: 0,
      excluded_action_connections: [],
    }),
  );
  return [200, `${lines.join("\n")}\n`];
}
