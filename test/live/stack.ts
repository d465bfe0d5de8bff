/**
 * Starts the Elasticsearch and Kibana of docker-compose.yml with
 * testcontainers, for the live tests: the same images, settings, health
 * checks and password setup, on one network, with random host ports.
 * `describeLive` wraps a suite: it skips with one line when no Docker engine
 * responds, prints the container logs when a test fails, and stops the stack.
 */
import { afterAll, beforeAll, beforeEach, describe, inject } from "vitest";
import type {
  GenericContainer,
  StartedNetwork,
  StartedTestContainer,
} from "testcontainers";
import { loadComposeServices, type ComposeService } from "./compose-file.js";
import type { DockerAvailability } from "./docker.js";

/** Pulling both images and starting Kibana takes minutes on a cold runner. */
export const stackStartTimeoutMs = 15 * 60_000;
const stopTimeoutMs = 2 * 60_000;
const keptLogLines = 300;

export interface StartedStack {
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
  /** The last lines each container wrote, one section per container. */
  logs(): string;
  stop(): Promise<void>;
}

export interface StackOptions {
  /** Overrides STACK_VERSION and the compose file's default. */
  version?: string;
  /** Receives one line per step. Defaults to stderr. */
  log?: (line: string) => void;
}

/**
 * Starts the stack, or connects to a running one when LIVE_ES_URL and
 * LIVE_KIBANA_URL are set (for example after `npm run stack:up`). Throws with
 * the container logs in the message when a container fails to start.
 */
export async function startStack(
  options: StackOptions = {},
): Promise<StartedStack> {
  const external = externalStack();
  if (external) return external;

  const env = { ...process.env };
  if (options.version) env.STACK_VERSION = options.version;
  const services = loadComposeServices(env);
  const log = options.log ?? ((line) => process.stderr.write(`${line}\n`));
  const logs = new ContainerLogs();
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

/** Returns the stack named by LIVE_ES_URL and LIVE_KIBANA_URL, if both are set. */
function externalStack(): StartedStack | null {
  const elasticsearchUrl = process.env.LIVE_ES_URL;
  const kibanaUrl = process.env.LIVE_KIBANA_URL;
  if (!elasticsearchUrl || !kibanaUrl) return null;
  const password = process.env.ELASTIC_PASSWORD ?? "changeme";
  return {
    version: process.env.STACK_VERSION ?? "unknown",
    elasticsearchUrl,
    kibanaUrl,
    username: "elastic",
    password,
    env: credentialEnv(elasticsearchUrl, kibanaUrl, "elastic", password),
    logs: () =>
      "container logs are not collected for a stack started outside the " +
      "tests: run `npm run stack:logs`",
    stop: async () => undefined,
  };
}

/** Keeps the last lines of each container's output. */
class ContainerLogs {
  private readonly lines = new Map<string, string[]>();

  consume(name: string, stream: NodeJS.ReadableStream): void {
    const kept = this.lines.get(name) ?? [];
    this.lines.set(name, kept);
    stream.on("data", (chunk: Buffer | string) => {
      kept.push(
        ...chunk
          .toString()
          .split("\n")
          .filter((line) => line),
      );
      if (kept.length > keptLogLines)
        kept.splice(0, kept.length - keptLogLines);
    });
  }

  render(): string {
    const sections = [...this.lines].map(
      ([name, lines]) =>
        `----- last ${lines.length} log lines of ${name} -----\n${lines.join("\n")}`,
    );
    return sections.join("\n");
  }
}

/** Returns whether Docker responds, as the global setup found out. */
export function dockerAvailability(): DockerAvailability {
  return inject("docker");
}

/**
 * Declares a suite that runs against a started stack. Without Docker the
 * suite is skipped, and the global setup has already printed the reason.
 */
export function describeLive(
  name: string,
  body: (stack: () => StartedStack) => void,
  options: StackOptions = {},
): void {
  describe.skipIf(!dockerAvailability().available)(name, () => {
    let stack: StartedStack | undefined;

    beforeAll(async () => {
      stack = await startStack(options);
    }, stackStartTimeoutMs);

    beforeEach(({ onTestFailed }) => {
      onTestFailed(() => {
        if (stack) process.stderr.write(`${stack.logs()}\n`);
      });
    });

    afterAll(async () => {
      await stack?.stop();
    }, stopTimeoutMs);

    body(() => {
      if (!stack) throw new Error("the live stack did not start");
      return stack;
    });
  });
}
