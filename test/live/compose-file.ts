/**
 * Reads docker-compose.yml into plain values, so that the testcontainers
 * stack starts the same images with the same settings as `npm run stack:up`.
 * Implements the part of Compose's variable interpolation that the file uses.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import yaml from "js-yaml";

export const projectRoot = path.resolve(import.meta.dirname, "../..");
export const composeFilePath = path.join(projectRoot, "docker-compose.yml");

export interface ComposeHealthCheck {
  test: string[];
  /** Durations in milliseconds. */
  intervalMs: number;
  timeoutMs: number;
  startPeriodMs: number;
  retries: number;
}

/** A file that the service mounts from the project: host path, in-container path. */
export interface ComposeFileMount {
  source: string;
  target: string;
  readOnly: boolean;
}

export interface ComposeService {
  name: string;
  image: string;
  environment: Record<string, string>;
  /** Host ports as written, for example "127.0.0.1:9200:9200". */
  ports: string[];
  /** Memory limit in bytes, or null without `mem_limit`. */
  memoryLimitBytes: number | null;
  fileMounts: ComposeFileMount[];
  namedVolumes: string[];
  entrypoint: string[] | null;
  healthCheck: ComposeHealthCheck | null;
  /** Service name to the `depends_on` condition. */
  dependsOn: Record<string, string>;
}

/**
 * Replaces `${NAME}`, `${NAME:-default}` and `${NAME-default}` with values
 * from `env`, and `$$` with `$`, as Compose does before it parses the file.
 */
export function interpolate(
  text: string,
  env: Record<string, string | undefined>,
): string {
  return text.replace(
    /\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?-)([^}]*))?\}|\$[A-Za-z_{]/g,
    (match, name?: string, operator?: string, fallback?: string) => {
      if (match === "$$") return "$";
      if (name === undefined) {
        throw new Error(
          `docker-compose.yml: unsupported variable reference near ` +
            `"${match}"; write \${NAME} or \${NAME:-default}`,
        );
      }
      const value = env[name];
      if (operator === ":-") return value ? value : (fallback ?? "");
      if (operator === "-") return value ?? fallback ?? "";
      return value ?? "";
    },
  );
}

/** Parses "10s", "1m" or "500ms" into milliseconds. */
export function parseDuration(value: string): number {
  const match = /^(\d+)(ms|s|m|h)$/.exec(value);
  if (!match) throw new Error(`invalid duration "${value}"`);
  const unitMs = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 } as const;
  return Number(match[1]) * unitMs[match[2] as keyof typeof unitMs];
}

/** Parses "2g", "512m" or a byte count into bytes. */
export function parseByteSize(value: string): number {
  const match = /^(\d+)([bkmg]?)$/i.exec(value);
  if (!match) throw new Error(`invalid byte size "${value}"`);
  const unit = (match[2] ?? "").toLowerCase();
  const factor = { "": 1, b: 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3 }[unit];
  return Number(match[1]) * (factor ?? 1);
}

/** Loads the compose file with the given environment and returns its services. */
export function loadComposeServices(
  env: Record<string, string | undefined> = process.env,
  filePath: string = composeFilePath,
): Map<string, ComposeService> {
  const document = yaml.load(
    interpolate(readFileSync(filePath, "utf8"), env),
  ) as { services: Record<string, Record<string, unknown>> };
  const services = new Map<string, ComposeService>();
  for (const [name, raw] of Object.entries(document.services)) {
    services.set(name, toService(name, raw, path.dirname(filePath)));
  }
  return services;
}

function toService(
  name: string,
  raw: Record<string, unknown>,
  baseDir: string,
): ComposeService {
  const volumes = (raw.volumes as string[] | undefined) ?? [];
  const fileMounts: ComposeFileMount[] = [];
  const namedVolumes: string[] = [];
  for (const volume of volumes) {
    const [source = "", target = "", mode] = volume.split(":");
    if (source.startsWith(".") || source.startsWith("/")) {
      fileMounts.push({
        source: path.resolve(baseDir, source),
        target,
        readOnly: mode === "ro",
      });
    } else {
      namedVolumes.push(source);
    }
  }
  return {
    name,
    image: String(raw.image),
    environment: stringRecord(raw.environment),
    ports: ((raw.ports as string[] | undefined) ?? []).map(String),
    memoryLimitBytes:
      raw.mem_limit === undefined ? null : parseByteSize(String(raw.mem_limit)),
    fileMounts,
    namedVolumes,
    entrypoint: (raw.entrypoint as string[] | undefined) ?? null,
    healthCheck: toHealthCheck(raw.healthcheck),
    dependsOn: toDependsOn(raw.depends_on),
  };
}

function stringRecord(value: unknown): Record<string, string> {
  const record: Record<string, string> = {};
  for (const [key, item] of Object.entries(value ?? {})) {
    record[key] = String(item);
  }
  return record;
}

function toHealthCheck(value: unknown): ComposeHealthCheck | null {
  if (value === undefined) return null;
  const raw = value as Record<string, unknown>;
  return {
    test: (raw.test as string[]).map(String),
    intervalMs: parseDuration(String(raw.interval ?? "30s")),
    timeoutMs: parseDuration(String(raw.timeout ?? "30s")),
    startPeriodMs: parseDuration(String(raw.start_period ?? "0s")),
    retries: Number(raw.retries ?? 3),
  };
}

function toDependsOn(value: unknown): Record<string, string> {
  if (value === undefined) return {};
  if (Array.isArray(value)) {
    return Object.fromEntries(value.map((name) => [name, "service_started"]));
  }
  const dependsOn: Record<string, string> = {};
  for (const [name, item] of Object.entries(value as object)) {
    dependsOn[name] = String(
      (item as { condition?: string }).condition ?? "service_started",
    );
  }
  return dependsOn;
}
