/**
 * Starts the Elasticsearch and Kibana of docker-compose.yml with
 * testcontainers, for the live tests: the same images, settings, health
 * checks and password setup, on one network, with random host ports.
 * The live project's global setup starts one stack per run and stops it at
 * the end. `describeLive` wraps a suite: it runs against that stack, skips
 * when there is none, and prints the container logs when a test fails.
 */
import { mkdtempSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { beforeEach, describe, inject } from "vitest";
import type {
  GenericContainer,
  StartedNetwork,
  StartedTestContainer,
} from "testcontainers";
import { loadComposeServices, type ComposeService } from "./compose-file.js";
import { ContainerLogs, readContainerLogs } from "./container-logs.js";
import type { LiveStackPlan } from "./stack-plan.js";

/** Pulling both images and starting Kibana takes minutes on a cold runner. */
export const stackStartTimeoutMs = 15 * 60_000;
/** A stack the live suites can reach, in plain values that Vitest can pass to test files. */
export interface LiveStack {
  /** Elastic Stack version, for example "9.5.7". */
  version: string;
  elasticsearchUrl: string;
  kibanaUrl: string;
  /** The `elastic` superuser, which the tests use for both services. */
  username: string;
  password: string;
  /**
   * Variables for the CLI and the harness: ES_URL, ES_USERNAME, ES_PASSWORD,
   * KIBANA_URL, KIBANA_USERNAME, KIBANA_PASSWORD.
   */
  env: Record<string, string>;
  /**
   * Folder with one `<service>.log` file per container, or null for a stack
   * started outside the tests.
   */
  logDirectory: string | null;
}

/** A stack that this process started and stops. */
export interface StartedStack extends LiveStack {
  /** The last lines each container wrote, one section per container. */
  logs(): string;
  stop(): Promise<void>;
}

/** What the live project's global setup provides to the live test files. */
export type LiveStackContext =
  { available: true; stack: LiveStack } | { available: false; reason: string };

declare module "vitest" {
  export interface ProvidedContext {
    liveStack: LiveStackContext;
  }
}

export interface StackOptions {
  /** Overrides STACK_VERSION and the compose file's default. */
  version?: string;
  /** Receives one line per step. Defaults to stderr. */
  log?: (line: string) => void;
}

/**
 * Starts the stack with testcontainers. Throws with the container logs in
 * the message when a container fails to start.
 */
export async function startStack(
  options: StackOptions = {},
): Promise<StartedStack> {
  const env = { ...process.env };
  if (options.version) env.STACK_VERSION = options.version;
  const services = loadComposeServices(env);
  const log = options.log ?? ((line) => process.stderr.write(`${line}\n`));
  const logs = new ContainerLogs(
    mkdtempSync(path.join(os.tmpdir(), "detections-live-logs-")),
  );
  const started: Array<StartedTestContainer | StartedNetwork> = [];

  try {
    return await startContainers(services, log, logs, started);
  } catch (error) {
    await stopAll(started);
    const message = error instanceof Error ? error.message : String(error);
    throw new Error(`${message}\n${logs.render()}`, { cause: error });
  }
}

async function startContainers(
  services: Map<string, ComposeService>,
  log: (line: string) => void,
  logs: ContainerLogs,
  started: Array<StartedTestContainer | StartedNetwork>,
): Promise<StartedStack> {
  const { Network } = await import("testcontainers");
  const network = await new Network().start();
  started.push(network);

  const es = requireService(services, "elasticsearch");
  log(`starting ${es.image}`);
  // NOTE: testcontainers 11 cannot choose the host address of a published
  // port, so Docker publishes these random ports on every interface, while
  // docker-compose.yml binds its ports to 127.0.0.1.
  const esContainer = await (
    await containerFor(es, network, logs)
  )
    .withNetworkAliases("elasticsearch")
    .withExposedPorts(9200)
    .start();
  started.push(esContainer);

  const setup = requireService(services, "setup");
  log("setting the kibana_system password");
  started.push(await (await containerFor(setup, network, logs)).start());

  const kibana = requireService(services, "kibana");
  log(`starting ${kibana.image}`);
  const kibanaContainer = await (
    await containerFor(kibana, network, logs)
  )
    .withExposedPorts(5601)
    .start();
  started.push(kibanaContainer);

  const password = es.environment.ELASTIC_PASSWORD ?? "";
  const elasticsearchUrl = urlOf(esContainer, 9200);
  const kibanaUrl = urlOf(kibanaContainer, 5601);
  log(`stack ready: Elasticsearch ${elasticsearchUrl}, Kibana ${kibanaUrl}`);
  return {
    version: versionOf(kibana.image),
    elasticsearchUrl,
    kibanaUrl,
    username: "elastic",
    password,
    env: credentialEnv(elasticsearchUrl, kibanaUrl, "elastic", password),
    logDirectory: logs.directory,
    logs: () => logs.render(),
    stop: () => stopAll(started),
  };
}

/** Builds a container with the service's image, environment, files and checks. */
async function containerFor(
  service: ComposeService,
  network: StartedNetwork,
  logs: ContainerLogs,
): Promise<GenericContainer> {
  const { GenericContainer, Wait } = await import("testcontainers");
  let container = new GenericContainer(service.image)
    .withNetwork(network)
    .withEnvironment(service.environment)
    .withCopyFilesToContainer(
      service.fileMounts.map(({ source, target }) => ({ source, target })),
    )
    .withLogConsumer((stream) => logs.consume(service.name, stream))
    .withStartupTimeout(stackStartTimeoutMs);
  if (service.entrypoint)
    container = container.withEntrypoint(service.entrypoint);
  if (service.memoryLimitBytes !== null) {
    container = container.withResourcesQuota({
      memory: service.memoryLimitBytes / 1024 ** 3,
    });
  }
  const check = service.healthCheck;
  if (check) {
    const [kind, ...command] = check.test;
    const test: ["CMD-SHELL", string] | ["CMD", ...string[]] =
      kind === "CMD-SHELL"
        ? ["CMD-SHELL", command.join(" ")]
        : ["CMD", ...command];
    return container
      .withHealthCheck({
        test,
        interval: check.intervalMs,
        timeout: check.timeoutMs,
        startPeriod: check.startPeriodMs,
        retries: check.retries,
      })
      .withWaitStrategy(Wait.forHealthCheck());
  }
  return container.withWaitStrategy(Wait.forOneShotStartup());
}

function requireService(
  services: Map<string, ComposeService>,
  name: string,
): ComposeService {
  const service = services.get(name);
  if (!service) throw new Error(`docker-compose.yml has no service "${name}"`);
  return service;
}

/**
 * Returns the container port's URL on the host. "localhost" becomes
 * 127.0.0.1, because Node may resolve it to ::1, where Docker does not
 * always publish ports.
 */
function urlOf(container: StartedTestContainer, port: number): string {
  const host =
    container.getHost() === "localhost" ? "127.0.0.1" : container.getHost();
  return `http://${host}:${container.getMappedPort(port)}`;
}

function versionOf(image: string): string {
  return image.slice(image.lastIndexOf(":") + 1);
}

function credentialEnv(
  elasticsearchUrl: string,
  kibanaUrl: string,
  username: string,
  password: string,
): Record<string, string> {
  return {
    ES_URL: elasticsearchUrl,
    ES_USERNAME: username,
    ES_PASSWORD: password,
    KIBANA_URL: kibanaUrl,
    KIBANA_USERNAME: username,
    KIBANA_PASSWORD: password,
  };
}

/** Stops containers in reverse start order, then the network. */
async function stopAll(
  started: Array<StartedTestContainer | StartedNetwork>,
): Promise<void> {
  for (const item of started.reverse()) {
    await item.stop().catch(() => undefined);
  }
  started.length = 0;
}

/**
 * Returns the running stack that LIVE_ES_URL and LIVE_KIBANA_URL name, for
 * example after `npm run stack:up`, with the `elastic` password of
 * ELASTIC_PASSWORD or the compose file's default.
 */
export function externalStack(
  plan: Extract<LiveStackPlan, { kind: "external" }>,
  env: Record<string, string | undefined> = process.env,
): LiveStack {
  const { elasticsearchUrl, kibanaUrl } = plan;
  const password = env.ELASTIC_PASSWORD ?? "changeme";
  return {
    version: env.STACK_VERSION ?? "unknown",
    elasticsearchUrl,
    kibanaUrl,
    username: "elastic",
    password,
    env: credentialEnv(elasticsearchUrl, kibanaUrl, "elastic", password),
    logDirectory: null,
  };
}

/**
 * Declares a suite that runs against the run's shared stack. Without one the
 * suite is skipped, and the global setup has already printed the reason.
 * Suites share the stack, so each must keep its rules and data apart from
 * the others' (its own Kibana space or data stream namespace).
 */
export function describeLive(
  name: string,
  body: (stack: () => LiveStack) => void,
): void {
  const context = inject("liveStack");
  describe.skipIf(!context.available)(name, () => {
    beforeEach(({ onTestFailed }) => {
      onTestFailed(() => {
        if (context.available) {
          process.stderr.write(
            `${readContainerLogs(context.stack.logDirectory)}\n`,
          );
        }
      });
    });

    body(() => {
      if (!context.available) throw new Error("no live stack in this run");
      return context.stack;
    });
  });
}
