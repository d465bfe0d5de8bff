/**
 * Elasticsearch test double: a real HTTP server on 127.0.0.1 with the
 * endpoints live verification calls (`/`, `_index_template`, `_bulk`,
 * `_refresh`, `_data_stream`, `_eql/search`, `_search` on alert indices,
 * index get and delete). It returns Elasticsearch's response shapes
 * and the `x-elastic-product` header the client checks, requires
 * credentials, evaluates the query DSL subset the harness sends (bool,
 * range, term, terms, exists), and, like Elasticsearch 8.x, rejects
 * `compatible-with=9` media types when it reports an 8.x version. EQL
 * queries are evaluated by a matcher the test passes in.
 */
import {
  createServer,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from "node:http";
import type { AddressInfo } from "node:net";
import { matchesQuery, type Doc } from "./query-dsl.js";

export interface StoredDocument {
  _id: string;
  _index: string;
  dataStream: string;
  _source: Doc;
}

export interface EsDoubleOptions {
  version?: string;
  username?: string;
  password?: string;
  /** Decides whether an EQL query matches a document; the test supplies it. */
  eqlMatches?: (query: string, document: Doc) => boolean;
  /**
   * Returns the alert documents of an alerts index at search time, so a test
   * can build alerts from the rules Kibana holds when the harness reads them.
   */
  alertsFor?: (index: string) => Array<{ _id: string; _source: Doc }>;
}

export interface EsLoggedRequest {
  method: string;
  path: string;
  contentType: string;
  accept: string;
  body: string;
}

type Reply = [number, unknown];

export class ElasticsearchDouble {
  readonly requests: EsLoggedRequest[] = [];
  readonly templates = new Map<string, Record<string, unknown>>();
  readonly documents: StoredDocument[] = [];
  /** Alert documents by index name, which tests add. */
  readonly alertIndices = new Map<
    string,
    Array<{ _id: string; _source: Doc }>
  >();
  private server?: Server;
  private readonly options: Required<
    Omit<EsDoubleOptions, "eqlMatches" | "alertsFor">
  > &
    Pick<EsDoubleOptions, "eqlMatches" | "alertsFor">;

  constructor(options: EsDoubleOptions = {}) {
    this.options = {
      version: "9.5.7",
      username: "elastic",
      password: "secret",
      ...options,
    };
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server?.address() as AddressInfo).port}`;
  }

  async start(): Promise<this> {
    this.server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve) =>
      this.server?.listen(0, "127.0.0.1", resolve),
    );
    return this;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => this.server?.close(() => resolve()));
  }

  /** Data stream names that hold documents. */
  dataStreams(): string[] {
    return [...new Set(this.documents.map((doc) => doc.dataStream))];
  }

  private async handle(
    req: IncomingMessage,
    res: ServerResponse,
  ): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks).toString("utf8");
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    const method = req.method ?? "GET";
    const contentType = String(req.headers["content-type"] ?? "");
    const accept = String(req.headers.accept ?? "");
    this.requests.push({
      method,
      path: url.pathname,
      contentType,
      accept,
      body,
    });
    const [status, payload] = this.route(
      req,
      method,
      url,
      contentType,
      accept,
      body,
    );
    res.writeHead(status, {
      "content-type": "application/json",
      "x-elastic-product": "Elasticsearch",
    });
    res.end(JSON.stringify(payload));
  }

  private route(
    req: IncomingMessage,
    method: string,
    url: URL,
    contentType: string,
    accept: string,
    body: string,
  ): Reply {
    const expected = `Basic ${Buffer.from(`${this.options.username}:${this.options.password}`).toString("base64")}`;
    if (req.headers.authorization !== expected) {
      return [
        401,
        esError(
          401,
          "security_exception",
          "unable to authenticate user [elastic] for REST request [" +
            url.pathname +
            "]",
        ),
      ];
    }
    const major = Number(this.options.version.split(".")[0]);
    if (major < 9 && /compatible-with=9/.test(`${contentType} ${accept}`)) {
      return [
        400,
        esError(
          400,
          "media_type_header_exception",
          "Invalid media-type value on headers [Accept, Content-Type]",
        ),
      ];
    }
    const path = decodeURIComponent(url.pathname);
    const json = (): Record<string, unknown> =>
      body ? (JSON.parse(body) as Record<string, unknown>) : {};
    if (method === "GET" && path === "/") return [200, this.info()];
    if (path.startsWith("/_index_template/"))
      return this.indexTemplate(method, path.slice(17), json);
    if (method === "POST" && path === "/_bulk") return this.bulk(body);
    if (path.endsWith("/_refresh") || path === "/_refresh")
      return [200, { _shards: { total: 1, successful: 1, failed: 0 } }];
    if (path.startsWith("/_data_stream/"))
      return this.dataStream(method, path.slice(14));
    if (method === "POST" && path.endsWith("/_eql/search"))
      return this.eql(path.slice(1, -12), json());
    if ((method === "POST" || method === "GET") && path.endsWith("/_search"))
      return this.search(path.slice(1, -8), json());
    if (method === "GET") return this.getIndices(path.slice(1));
    if (method === "DELETE") return this.deleteIndices(path.slice(1));
    return [404, esError(404, "not_found", `no handler for ${method} ${path}`)];
  }

  private info(): unknown {
    return {
      name: "es-double",
      cluster_name: "double",
      version: { number: this.options.version, build_flavor: "default" },
      tagline: "You Know, for Search",
    };
  }

  private indexTemplate(
    method: string,
    name: string,
    json: () => Record<string, unknown>,
  ): Reply {
    if (method === "PUT") {
      const template = json();
      const clash = this.samePriorityOverlap(name, template);
      if (clash)
        return [400, esError(400, "illegal_argument_exception", clash)];
      this.templates.set(name, template);
      return [200, { acknowledged: true }];
    }
    if (method === "DELETE") {
      if (!this.templates.delete(name)) {
        return [
          404,
          esError(
            404,
            "resource_not_found_exception",
            `index_template matching [${name}] not found`,
          ),
        ];
      }
      return [200, { acknowledged: true }];
    }
    return [405, esError(405, "method_not_allowed", method)];
  }

  /**
   * Returns Elasticsearch's reason for rejecting a template whose index
   * patterns overlap those of another template with the same priority, or
   * null. Two patterns overlap here when either matches the other, which
   * covers the wildcard patterns the tests use.
   */
  private samePriorityOverlap(
    name: string,
    template: Record<string, unknown>,
  ): string | null {
    const patterns = (template.index_patterns as string[] | undefined) ?? [];
    const priority = Number(template.priority ?? 0);
    for (const [otherName, other] of this.templates) {
      if (otherName === name || Number(other.priority ?? 0) !== priority)
        continue;
      const otherPatterns = (other.index_patterns as string[]) ?? [];
      const overlaps = patterns.some((pattern) =>
        otherPatterns.some(
          (otherPattern) =>
            wildcard(pattern).test(otherPattern) ||
            wildcard(otherPattern).test(pattern),
        ),
      );
      if (overlaps) {
        return (
          `index template [${name}] has index patterns [${patterns.join(", ")}] ` +
          `matching patterns from existing templates [${otherName}] with patterns ` +
          `(${otherName} => [${otherPatterns.join(", ")}]) that have the same ` +
          `priority [${priority}], multiple index templates may not match during ` +
          "index creation, please use a different priority"
        );
      }
    }
    return null;
  }

  private bulk(body: string): Reply {
    const lines = body.split("\n").filter((line) => line.trim() !== "");
    const items: unknown[] = [];
    for (let index = 0; index < lines.length; index += 2) {
      const action = JSON.parse(lines[index] ?? "{}") as {
        create?: { _index: string; _id: string };
      };
      const source = JSON.parse(lines[index + 1] ?? "{}") as Doc;
      const target = action.create;
      if (!target) {
        items.push({
          index: {
            status: 400,
            error: {
              type: "illegal_argument_exception",
              reason:
                "only write ops with an op_type of create are allowed in data streams",
            },
          },
        });
        continue;
      }
      const backing = `.ds-${target._index}-2026.12.04-000001`;
      if (
        this.documents.some(
          (doc) => doc._id === target._id && doc.dataStream === target._index,
        )
      ) {
        items.push({
          create: {
            _index: backing,
            _id: target._id,
            status: 409,
            error: {
              type: "version_conflict_engine_exception",
              reason: `[${target._id}]: version conflict, document already exists (current version [1])`,
            },
          },
        });
        continue;
      }
      this.documents.push({
        _id: target._id,
        _index: backing,
        dataStream: target._index,
        _source: source,
      });
      items.push({
        create: {
          _index: backing,
          _id: target._id,
          _version: 1,
          result: "created",
          status: 201,
        },
      });
    }
    const errors = items.some((item) =>
      JSON.stringify(item).includes('"error"'),
    );
    return [200, { took: 1, errors, items }];
  }

  private dataStream(method: string, names: string): Reply {
    const patterns = names.split(",");
    const matching = this.dataStreams().filter((name) =>
      patterns.some((pattern) => wildcard(pattern).test(name)),
    );
    if (method === "GET")
      return [200, { data_streams: matching.map((name) => ({ name })) }];
    if (method === "DELETE") {
      if (names.includes("*"))
        return [
          400,
          esError(
            400,
            "illegal_argument_exception",
            "Wildcard expressions or all indices are not allowed",
          ),
        ];
      for (let index = this.documents.length - 1; index >= 0; index -= 1) {
        if (patterns.includes(this.documents[index]?.dataStream ?? ""))
          this.documents.splice(index, 1);
      }
      return [200, { acknowledged: true }];
    }
    return [405, esError(405, "method_not_allowed", method)];
  }

  private eql(index: string, request: Record<string, unknown>): Reply {
    const matcher = this.options.eqlMatches;
    if (!matcher)
      return [500, esError(500, "double_error", "no EQL matcher configured")];
    const patterns = index.split(",");
    const candidates = this.documents.filter((doc) =>
      patterns.some((pattern) => wildcard(pattern).test(doc.dataStream)),
    );
    const hits = candidates
      .filter((doc) => matchesQuery(request.filter, doc._source))
      .filter((doc) => matcher(String(request.query), doc._source))
      .slice(0, Number(request.size ?? 10));
    const events = hits.map((doc) => ({
      _index: doc._index,
      _id: doc._id,
      _source: doc._source,
    }));
    return [
      200,
      {
        is_partial: false,
        is_running: false,
        took: 1,
        timed_out: false,
        hits: { total: { value: events.length, relation: "eq" }, events },
      },
    ];
  }

  private search(index: string, request: Record<string, unknown>): Reply {
    const provided = this.options.alertsFor?.(index);
    if (provided) this.alertIndices.set(`.internal${index}-000001`, provided);
    const alerts = [...this.alertIndices].filter(
      ([name]) =>
        wildcard(index).test(name) || name.startsWith(`.internal${index}-`),
    );
    const hits = alerts.flatMap(([name, docs]) =>
      docs
        .filter((doc) => matchesQuery(request.query, doc._source))
        .map((doc) => ({
          _index: name,
          _id: doc._id,
          _score: null,
          _source: doc._source,
        })),
    );
    return [
      200,
      {
        took: 1,
        timed_out: false,
        hits: {
          total: { value: hits.length, relation: "eq" },
          max_score: null,
          hits,
        },
      },
    ];
  }

  private getIndices(pattern: string): Reply {
    const names = [...this.alertIndices.keys()].filter((name) =>
      wildcard(pattern).test(name),
    );
    return [
      200,
      Object.fromEntries(
        names.map((name) => [
          name,
          { aliases: {}, mappings: {}, settings: {} },
        ]),
      ),
    ];
  }

  private deleteIndices(names: string): Reply {
    if (names.includes("*"))
      return [
        400,
        esError(
          400,
          "illegal_argument_exception",
          "Wildcard expressions or all indices are not allowed",
        ),
      ];
    for (const name of names.split(",")) this.alertIndices.delete(name);
    return [200, { acknowledged: true }];
  }
}

function esError(status: number, type: string, reason: string): unknown {
  return { error: { root_cause: [{ type, reason }], type, reason }, status };
}

function wildcard(pattern: string): RegExp {
  const source = pattern
    .split("*")
    .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, "\\$&"))
    .join(".*");
  return new RegExp(`^${source}$`);
}
