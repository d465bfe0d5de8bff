/**
 * Rule runs in the Kibana API test double. Tests script the
 * `execution_summary` that `_find` and GET return for enabled rules. The
 * double also handles the `run` action of `_bulk_action` (Kibana 8.16 and
 * later) and the Spaces API that creates and deletes spaces.
 */
import type { RuleStore, StoredRule } from "./store.js";

/** One scripted state of a rule's last execution. */
export interface ExecutionStep {
  /** Kibana's status, or "none" for a rule that has not run yet. */
  status:
    | "none"
    | "going to run"
    | "running"
    | "succeeded"
    | "partial failure"
    | "failed";
  message?: string;
  /** Dates the execution before the rule's last update, as a stale run. */
  beforeUpdate?: boolean;
}

const rulesPath = "/api/detection_engine/rules";

/** Kibana's sort order of execution statuses. */
const statusOrder: Record<string, number> = {
  succeeded: 0,
  "going to run": 10,
  running: 15,
  "partial failure": 20,
  failed: 30,
};

/** A manual run request the double received. */
export interface ManualRun {
  ids: string[];
  start: string;
  end: string;
}

export class RuleRuns {
  readonly manualRuns: ManualRun[] = [];
  private readonly scripts = new Map<string, ExecutionStep[]>();

  /**
   * Scripts a rule's executions: each read of the enabled rule shows the
   * next step, and the last step stays. Without a script, an enabled rule
   * shows one succeeded run.
   */
  script(ruleId: string, steps: ExecutionStep[]): void {
    this.scripts.set(ruleId, [...steps]);
  }

  /** Returns the rule with its execution summary, as `_find` and GET do. */
  withSummary(rule: Record<string, unknown>): Record<string, unknown> {
    if (rule.enabled !== true) return rule;
    const steps = this.scripts.get(String(rule.rule_id));
    const step =
      steps && steps.length > 1
        ? steps.shift()
        : (steps?.[0] ?? {
            status: "succeeded" as const,
            message: "Rule execution completed successfully",
          });
    if (!step || step.status === "none") return rule;
    const updated = Date.parse(String(rule.updated_at));
    const date = new Date(
      updated + (step.beforeUpdate ? -60_000 : 1_000),
    ).toISOString();
    return {
      ...rule,
      execution_summary: {
        last_execution: {
          date,
          status: step.status,
          status_order: statusOrder[step.status] ?? 0,
          message: step.message ?? "",
          metrics: {
            total_search_duration_ms: 12,
            total_indexing_duration_ms: 4,
            execution_gap_duration_s: 0,
          },
        },
      },
    };
  }

  /**
   * Routes the requests rule runs change: the `run` bulk action, and the
   * execution summaries added to `_find` and GET responses. Other requests
   * go to `next`.
   */
  route(
    version: string,
    store: RuleStore,
    request: { method: string; path: string; body: string },
    next: () => [number, unknown],
  ): [number, unknown] {
    const { method, path, body } = request;
    if (method === "POST" && path === `${rulesPath}/_bulk_action`) {
      const parsed = JSON.parse(body || "{}") as Record<string, unknown>;
      if (parsed.action === "run")
        return this.manualRun(version, store, parsed);
    }
    const [status, payload] = next();
    if (method !== "GET" || status !== 200) return [status, payload];
    if (path === `${rulesPath}/_find`) {
      const page = payload as { data: Record<string, unknown>[] };
      return [
        status,
        { ...page, data: page.data.map((rule) => this.withSummary(rule)) },
      ];
    }
    if (path === rulesPath)
      return [status, this.withSummary(payload as Record<string, unknown>)];
    return [status, payload];
  }

  /** Handles `_bulk_action` with `action: run`, as Kibana 8.16 and later do. */
  manualRun(
    version: string,
    store: RuleStore,
    body: Record<string, unknown>,
  ): [number, unknown] {
    const [major = 0, minor = 0] = version.split(".").map(Number);
    if (major < 8 || (major === 8 && minor < 16)) {
      return [
        400,
        {
          statusCode: 400,
          error: "Bad Request",
          message:
            "[request body]: action: Invalid enum value. Expected 'delete' | 'disable' | 'duplicate' | 'enable' | 'export' | 'edit', received 'run'",
        },
      ];
    }
    const ids = (body.ids as string[] | undefined) ?? [];
    const run = (body.run ?? {}) as { start_date?: string; end_date?: string };
    const invalid = backfillScheduleError(run.start_date, run.end_date);
    if (invalid) {
      const params = JSON.stringify({
        start: run.start_date,
        end: run.end_date,
      });
      return [
        400,
        {
          statusCode: 400,
          error: "Bad Request",
          message: `Error validating backfill schedule parameters "${params}" - ${invalid}`,
        },
      ];
    }
    const rules = ids.map((id) => store.all().find((rule) => rule.id === id));
    const disabled = rules.filter(
      (rule): rule is StoredRule => rule !== undefined && rule.enabled !== true,
    );
    if (disabled.length > 0) {
      const errors = [
        {
          message: "Cannot schedule manual rule run for a disabled rule",
          status_code: 500,
          err_code: "MANUAL_RULE_RUN_DISABLED_RULE",
          rules: disabled.map((rule) => ({ id: rule.id, name: rule.name })),
        },
      ];
      const summary = {
        failed: disabled.length,
        skipped: 0,
        succeeded: ids.length - disabled.length,
        total: ids.length,
      };
      return [
        500,
        {
          message: "Bulk edit partially failed",
          status_code: 500,
          attributes: {
            errors,
            results: { updated: [], created: [], deleted: [], skipped: [] },
            summary,
          },
        },
      ];
    }
    this.manualRuns.push({
      ids,
      start: String(run.start_date),
      end: String(run.end_date),
    });
    const updated = rules
      .filter((rule) => rule !== undefined)
      .map((rule) => store.toResponse(rule));
    return [
      200,
      {
        success: true,
        rules_count: ids.length,
        attributes: {
          results: { updated, created: [], deleted: [], skipped: [] },
          summary: {
            failed: 0,
            skipped: 0,
            succeeded: ids.length,
            total: ids.length,
          },
        },
      },
    ];
  }
}

/** Kibana's limit on how far back a manual run may start. */
const maxBackfillLookbackMs = 90 * 24 * 60 * 60_000;

/**
 * Checks a manual run window as Kibana's alerting plugin does, against the
 * double's clock: the start must parse, lie in the past and at most 90
 * days back, and the end must follow the start and not lie in the future.
 */
function backfillScheduleError(
  start: string | undefined,
  end: string | undefined,
): string | null {
  const now = Date.now();
  const startMs = Date.parse(String(start));
  if (Number.isNaN(startMs)) return "Backfill start must be valid date";
  if (now - startMs > maxBackfillLookbackMs)
    return "Backfill cannot look back more than 90 days";
  if (now < startMs) return "Backfill cannot be scheduled for the future";
  if (end === undefined) return null;
  const endMs = Date.parse(end);
  if (Number.isNaN(endMs)) return "Backfill end must be valid date";
  if (endMs <= startMs)
    return "Backfill end must be greater than backfill start";
  if (now < endMs) return "Backfill cannot be scheduled for the future";
  return null;
}

/** The spaces of the double and the rule store of each. */
export interface SpaceRegistry {
  /** Ids of the spaces the Spaces API lists. */
  spaces: Set<string>;
  stores: Map<string, RuleStore>;
  newStore: () => RuleStore;
}

const spaceNotFound: [number, unknown] = [
  404,
  { statusCode: 404, error: "Not Found", message: "Not Found" },
];

/**
 * Handles `POST /api/spaces/space`, `GET /api/spaces/space/<id>` and
 * `DELETE /api/spaces/space/<id>`, with Kibana's 409 and 404 responses.
 */
export function routeSpaces(
  method: string,
  path: string,
  body: string,
  registry: SpaceRegistry,
): [number, unknown] {
  const { spaces, stores } = registry;
  if (method === "POST" && path === "/api/spaces/space") {
    const space = JSON.parse(body || "{}") as { id?: string; name?: string };
    const id = String(space.id ?? "");
    if (!/^[a-z0-9_-]+$/.test(id) || !space.name) {
      return [
        400,
        {
          statusCode: 400,
          error: "Bad Request",
          message:
            '[request body.id]: lower case, a-z, 0-9, "_", and "-" are allowed',
        },
      ];
    }
    if (spaces.has(id)) {
      return [
        409,
        {
          statusCode: 409,
          error: "Conflict",
          message: `A space with the identifier ${id} already exists.`,
        },
      ];
    }
    spaces.add(id);
    if (!stores.has(id)) stores.set(id, registry.newStore());
    return [200, { id, name: space.name, disabledFeatures: [] }];
  }
  const match = /^\/api\/spaces\/space\/([^/]+)$/.exec(path);
  const id = decodeURIComponent(match?.[1] ?? "");
  if (method === "GET" && match) {
    if (!spaces.has(id)) return spaceNotFound;
    return [
      200,
      { id, name: id === "default" ? "Default" : id, disabledFeatures: [] },
    ];
  }
  if (method === "DELETE" && match) {
    if (id === "default" || !spaces.delete(id)) return spaceNotFound;
    stores.delete(id);
    return [204, ""];
  }
  return spaceNotFound;
}
