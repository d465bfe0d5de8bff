import { execFile, spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { promisify } from "node:util";
import yaml from "js-yaml";
import { afterEach, describe, expect, it } from "vitest";
import {
  composeFilePath,
  interpolate,
  loadComposeServices,
  parseByteSize,
  parseDuration,
  projectRoot,
  type ComposeService,
} from "./compose-file.js";

const run = promisify(execFile);

function service(
  name: string,
  env: Record<string, string> = {},
): ComposeService {
  const found = loadComposeServices(env).get(name);
  if (!found) throw new Error(`docker-compose.yml has no service ${name}`);
  return found;
}

describe("interpolate", () => {
  it("uses the default when unset", () => {
    expect(interpolate("v${A:-1}", {})).toBe("v1");
  });
  it("uses the default when empty", () => {
    expect(interpolate("v${A:-1}", { A: "" })).toBe("v1");
  });
  it("keeps an empty value with dash", () => {
    expect(interpolate("v${A-1}", { A: "" })).toBe("v");
  });
  it("prefers the environment value", () => {
    expect(interpolate("v${A:-1}", { A: "2" })).toBe("v2");
  });
  it("turns a double dollar into one", () => {
    expect(interpolate("$${A}", { A: "x" })).toBe("${A}");
  });
  it("rejects a bare variable", () => {
    expect(() => interpolate("$A", {})).toThrow(
      'docker-compose.yml: unsupported variable reference near "$A"; ' +
        "write ${NAME} or ${NAME:-default}",
    );
  });
});

describe("parseDuration and parseByteSize", () => {
  it("parses seconds and minutes", () => {
    expect(parseDuration("10s")).toBe(10_000);
    expect(parseDuration("1m")).toBe(60_000);
  });
  it("parses gigabytes and megabytes", () => {
    expect(parseByteSize("2g")).toBe(2 * 1024 ** 3);
    expect(parseByteSize("512m")).toBe(512 * 1024 ** 2);
  });
});

describe("docker-compose.yml", () => {
  it("defines exactly three services", () => {
    expect([...loadComposeServices({}).keys()].sort()).toEqual([
      "elasticsearch",
      "kibana",
      "setup",
    ]);
  });

  it("defaults to the latest 9.x", () => {
    const images = [...loadComposeServices({}).values()].map((s) => s.image);
    expect(images).toEqual([
      "docker.elastic.co/elasticsearch/elasticsearch:9.5.7",
      "docker.elastic.co/elasticsearch/elasticsearch:9.5.7",
      "docker.elastic.co/kibana/kibana:9.5.7",
    ]);
  });

  it("takes the version from STACK_VERSION", () => {
    const env = { STACK_VERSION: "8.19.24" };
    expect(service("elasticsearch", env).image).toBe(
      "docker.elastic.co/elasticsearch/elasticsearch:8.19.24",
    );
    expect(service("kibana", env).image).toBe(
      "docker.elastic.co/kibana/kibana:8.19.24",
    );
  });

  it("turns security on with a password", () => {
    const environment = service("elasticsearch").environment;
    expect(environment["xpack.security.enabled"]).toBe("true");
    expect(environment["discovery.type"]).toBe("single-node");
    expect(environment.ELASTIC_PASSWORD).toBe("changeme");
  });

  it("takes passwords from the environment", () => {
    const env = {
      ELASTIC_PASSWORD: "from-env-1",
      KIBANA_SYSTEM_PASSWORD: "from-env-2",
    };
    expect(service("elasticsearch", env).environment.ELASTIC_PASSWORD).toBe(
      "from-env-1",
    );
    expect(service("setup", env).environment).toMatchObject({
      ELASTIC_PASSWORD: "from-env-1",
      KIBANA_SYSTEM_PASSWORD: "from-env-2",
    });
    expect(service("kibana", env).environment.KIBANA_SYSTEM_PASSWORD).toBe(
      "from-env-2",
    );
  });

  it("orders startup through health checks", () => {
    expect(service("setup").dependsOn).toEqual({
      elasticsearch: "service_healthy",
    });
    expect(service("kibana").dependsOn).toEqual({
      setup: "service_completed_successfully",
    });
    expect(service("elasticsearch").healthCheck?.test[0]).toBe("CMD-SHELL");
    expect(service("kibana").healthCheck?.test).toEqual([
      "CMD",
      "bash",
      "/usr/local/bin/kibana-health.sh",
    ]);
  });

  it("binds every port to loopback", () => {
    const ports = [...loadComposeServices({}).values()].flatMap((s) => s.ports);
    expect(ports).toEqual(["127.0.0.1:9200:9200", "127.0.0.1:5601:5601"]);
  });

  it("limits memory to fit a laptop", () => {
    const es = service("elasticsearch");
    const kibana = service("kibana");
    expect(es.memoryLimitBytes).toBe(2 * 1024 ** 3);
    expect(kibana.memoryLimitBytes).toBe(2 * 1024 ** 3);
    expect(es.environment.ES_JAVA_OPTS).toBe("-Xms1g -Xmx1g");
  });

  it("mounts files that exist", () => {
    const mounts = [...loadComposeServices({}).values()].flatMap(
      (s) => s.fileMounts,
    );
    expect(mounts.map((m) => path.relative(projectRoot, m.source))).toEqual([
      "docker/set-kibana-password.sh",
      "docker/kibana.yml",
      "docker/kibana-health.sh",
    ]);
    for (const mount of mounts) {
      expect(readFileSync(mount.source, "utf8").length).toBeGreaterThan(0);
    }
  });
});

describe(".github/workflows/ci.yml", () => {
  const workflow = yaml.load(
    readFileSync(path.join(projectRoot, ".github/workflows/ci.yml"), "utf8"),
  ) as {
    jobs: {
      test: {
        strategy: { matrix: { "stack-version": string[] } };
        env: Record<string, string>;
        steps: Array<{ run?: string }>;
      };
    };
  };
  const job = workflow.jobs.test;

  it("tests 8.19 and the compose default", () => {
    const versions = job.strategy.matrix["stack-version"];
    expect(versions[0]).toMatch(/^8\.19\.\d+$/);
    expect(service("kibana").image).toBe(
      `docker.elastic.co/kibana/kibana:${versions[versions.length - 1]}`,
    );
    expect(job.env.STACK_VERSION).toBe("${{ matrix.stack-version }}");
  });

  it("runs the unit and live tests", () => {
    const commands = job.steps.flatMap((step) => (step.run ? [step.run] : []));
    expect(commands).toEqual([
      "npm ci",
      "npm run typecheck",
      "npm test",
      "npm run stack:up",
      "npm run test:live",
      "docker compose -p mofcomp-detections logs --no-color --tail 500",
      "npm run stack:down",
    ]);
  });
});

describe("docker/kibana.yml", () => {
  const settings = yaml.load(
    readFileSync(path.join(projectRoot, "docker/kibana.yml"), "utf8"),
  ) as Record<string, unknown>;

  it("sets the detection engine prerequisites", () => {
    expect(settings["xpack.encryptedSavedObjects.encryptionKey"]).toBe(
      "${KIBANA_ENCRYPTION_KEY}",
    );
    expect(settings["xpack.fleet.isAirGapped"]).toBe(true);
  });

  it("connects as kibana_system", () => {
    expect(settings["elasticsearch.username"]).toBe("kibana_system");
    expect(settings["elasticsearch.password"]).toBe(
      "${KIBANA_SYSTEM_PASSWORD}",
    );
    expect(settings["elasticsearch.hosts"]).toEqual([
      "http://elasticsearch:9200",
    ]);
  });

  it("has a long enough default key", () => {
    const key = service("kibana").environment.KIBANA_ENCRYPTION_KEY ?? "";
    expect(key.length).toBeGreaterThanOrEqual(32);
  });
});

describe("docker/set-kibana-password.sh", () => {
  let server: Server | undefined;
  afterEach(() => server?.close());

  interface Recorded {
    authorization: string | undefined;
    url: string | undefined;
    body: string;
  }

  async function startDouble(statuses: number[]): Promise<{
    url: string;
    requests: Recorded[];
  }> {
    const requests: Recorded[] = [];
    server = createServer((request: IncomingMessage, response) => {
      let body = "";
      request.on("data", (chunk: Buffer) => (body += chunk.toString()));
      request.on("end", () => {
        requests.push({
          authorization: request.headers.authorization,
          url: request.url,
          body,
        });
        response.statusCode = statuses.shift() ?? 500;
        response.end("{}");
      });
    });
    await new Promise<void>((resolve) =>
      server?.listen(0, "127.0.0.1", resolve),
    );
    const { port } = server.address() as AddressInfo;
    return { url: `http://127.0.0.1:${port}`, requests };
  }

  function runScript(url: string, password: string) {
    return run(
      "bash",
      [path.join(projectRoot, "docker/set-kibana-password.sh")],
      {
        env: {
          PATH: process.env.PATH,
          ES_URL: url,
          ELASTIC_PASSWORD: "elastic-secret",
          KIBANA_SYSTEM_PASSWORD: password,
          RETRY_DELAY_SECONDS: "0",
          MAX_ATTEMPTS: "2",
        },
      },
    );
  }

  it("retries until Elasticsearch accepts", async () => {
    const double = await startDouble([503, 200]);
    const { stdout } = await runScript(double.url, 'pa"ss\\word');
    expect(stdout).toBe(
      `attempt 1/2: ${double.url} returned HTTP 503, retrying in 0 s\n` +
        "set the kibana_system password (attempt 2)\n",
    );
    expect(double.requests).toHaveLength(2);
    const last = double.requests[1];
    expect(last?.url).toBe("/_security/user/kibana_system/_password");
    expect(last?.authorization).toBe(
      `Basic ${Buffer.from("elastic:elastic-secret").toString("base64")}`,
    );
    expect(JSON.parse(last?.body ?? "")).toEqual({ password: 'pa"ss\\word' });
  });

  it("fails after the last attempt", async () => {
    const double = await startDouble([401, 401]);
    const failure = await runScript(double.url, "x").catch(
      (error: { code: number; stderr: string }) => error,
    );
    expect(failure).toMatchObject({
      code: 1,
      stderr:
        "failed to set the kibana_system password: check ELASTIC_PASSWORD " +
        `and that ${double.url} is up\n`,
    });
  });
});

describe("docker/kibana-health.sh", () => {
  let server: Server | undefined;
  afterEach(() => server?.close());

  /** Serves one status body and records the request line of each request. */
  async function startStatus(
    status: number,
    body: string,
  ): Promise<{
    port: number;
    requests: string[];
  }> {
    const requests: string[] = [];
    server = createServer((request, response) => {
      requests.push(`${request.method} ${request.url}`);
      response.statusCode = status;
      response.setHeader("content-type", "application/json");
      response.end(body);
    });
    await new Promise<void>((resolve) =>
      server?.listen(0, "127.0.0.1", resolve),
    );
    const { port } = server.address() as AddressInfo;
    return { port, requests };
  }

  function runCheck(port: number) {
    return run("bash", [path.join(projectRoot, "docker/kibana-health.sh")], {
      env: { PATH: process.env.PATH, KIBANA_HEALTH_PORT: String(port) },
    });
  }

  it("passes when Kibana is available", async () => {
    const kibana = await startStatus(
      200,
      '{"status":{"overall":{"level":"available"}}}',
    );
    await expect(runCheck(kibana.port)).resolves.toMatchObject({
      stdout: "",
    });
    expect(kibana.requests).toEqual(["GET /api/status"]);
  });

  it("fails while Kibana is unavailable", async () => {
    const kibana = await startStatus(
      503,
      '{"status":{"overall":{"level":"unavailable"}}}',
    );
    await expect(runCheck(kibana.port)).rejects.toMatchObject({ code: 1 });
  });

  it("fails when nothing listens", async () => {
    const kibana = await startStatus(200, "");
    await new Promise<void>((resolve) => server?.close(() => resolve()));
    server = undefined;
    await expect(runCheck(kibana.port)).rejects.toMatchObject({ code: 1 });
  });
});

/** The Compose CLI that validates files offline, or null when none is installed. */
function findComposeCommand(): string[] | null {
  const candidates = [["docker", "compose"], ["docker-compose"]];
  for (const candidate of candidates) {
    const [command = "", ...args] = candidate;
    const probe = spawnSync(command, [...args, "version"], { stdio: "ignore" });
    if (probe.status === 0) return candidate;
  }
  return null;
}

const compose = findComposeCommand();
if (!compose) {
  console.log("skipping `docker compose config`: no Compose CLI is installed");
}

describe.skipIf(!compose)("docker compose config", () => {
  it("accepts the compose file", async () => {
    const [command = "", ...args] = compose ?? [];
    const { stdout } = await run(command, [
      ...args,
      "-f",
      composeFilePath,
      "-p",
      "mofcomp-detections",
      "config",
    ]);
    expect(stdout).toContain("docker.elastic.co/kibana/kibana:");
  });
});
