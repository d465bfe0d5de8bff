/**
 * Decides whether the live tests can run: they need a Docker engine on this
 * machine. The check looks for a socket or a loopback DOCKER_HOST first, so
 * it never connects to another host, and then uses testcontainers to ping
 * the engine.
 */
import { existsSync, readFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";

export type DockerAvailability =
  { available: true; endpoint: string } | { available: false; reason: string };

/** Socket paths of Docker Engine, Docker Desktop, Colima and rootless Podman. */
export function candidateSockets(
  env: Record<string, string | undefined>,
  home: string,
): string[] {
  const runtimeDir = env.XDG_RUNTIME_DIR;
  return [
    "/var/run/docker.sock",
    ...(runtimeDir ? [path.join(runtimeDir, "docker.sock")] : []),
    path.join(home, ".docker/run/docker.sock"),
    path.join(home, ".docker/desktop/docker.sock"),
    path.join(home, ".colima/default/docker.sock"),
    ...(runtimeDir ? [path.join(runtimeDir, "podman/podman.sock")] : []),
  ];
}

const loopbackHosts = new Set(["localhost", "127.0.0.1", "::1", "[::1]"]);

/** Reads a file, or returns null when it cannot be read. */
function readIfPresent(file: string): string | null {
  try {
    return readFileSync(file, "utf8");
  } catch {
    return null;
  }
}

/**
 * Returns the `tc.host` entry of a `.testcontainers.properties` text, or
 * null. Java properties separate key and value with `=`, `:` or blanks.
 */
export function testcontainersHostOf(properties: string): string | null {
  const match = /^[ \t]*tc\.host(?:[ \t]*[=:][ \t]*|[ \t]+)(\S+)/m.exec(
    properties,
  );
  return match?.[1] ?? null;
}

/**
 * Finds the local Docker endpoint without connecting to it: DOCKER_HOST when
 * set (a unix socket that exists, or tcp:// on a loopback address), else the
 * first known socket that exists. testcontainers prefers `tc.host` in
 * `~/.testcontainers.properties` to DOCKER_HOST, and reaches containers
 * through TESTCONTAINERS_HOST_OVERRIDE when set, so both must be local too.
 */
export function findLocalDockerEndpoint(
  env: Record<string, string | undefined>,
  fileExists: (file: string) => boolean = existsSync,
  home: string = os.homedir(),
  readFile: (file: string) => string | null = readIfPresent,
): DockerAvailability {
  const override = env.TESTCONTAINERS_HOST_OVERRIDE;
  if (override && !isLoopbackHost(override)) {
    return {
      available: false,
      reason:
        `TESTCONTAINERS_HOST_OVERRIDE is ${override}, which is not a ` +
        "loopback address; the live tests only reach containers on this machine",
    };
  }
  const propertiesFile = path.join(home, ".testcontainers.properties");
  const properties = readFile(propertiesFile);
  const tcHost = properties === null ? null : testcontainersHostOf(properties);
  if (tcHost) {
    return checkDockerHost(tcHost, fileExists, `tc.host in ${propertiesFile}`);
  }

  const dockerHost = env.DOCKER_HOST;
  if (dockerHost) return checkDockerHost(dockerHost, fileExists, "DOCKER_HOST");

  const sockets = candidateSockets(env, home);
  const socket = sockets.find((file) => fileExists(file));
  if (socket) return { available: true, endpoint: `unix://${socket}` };
  return {
    available: false,
    reason: `no Docker engine found (DOCKER_HOST is not set and none of ${sockets.join(", ")} exists)`,
  };
}

/** Returns whether a host name or address is on the loopback interface. */
function isLoopbackHost(host: string): boolean {
  return loopbackHosts.has(host) || host.startsWith("127.");
}

/** Checks a Docker endpoint URL; `source` names where it was configured. */
function checkDockerHost(
  dockerHost: string,
  fileExists: (file: string) => boolean,
  source: string,
): DockerAvailability {
  if (dockerHost.startsWith("unix://")) {
    const socket = dockerHost.slice("unix://".length);
    return fileExists(socket)
      ? { available: true, endpoint: dockerHost }
      : {
          available: false,
          reason: `${source} is ${dockerHost}, but that socket does not exist`,
        };
  }
  let host: string;
  try {
    host = new URL(dockerHost).hostname;
  } catch {
    return {
      available: false,
      reason: `${source} "${dockerHost}" is not a valid URL`,
    };
  }
  if (isLoopbackHost(host)) {
    return { available: true, endpoint: dockerHost };
  }
  return {
    available: false,
    reason:
      `${source} points at ${host}, which is not a loopback address; ` +
      "the live tests only use a Docker engine on this machine",
  };
}

/**
 * Returns whether a local Docker engine responds. Loads testcontainers only
 * after an endpoint was found, so that a machine without Docker never
 * starts its runtime detection, and sets DOCKER_HOST to that endpoint, so
 * that testcontainers pings and later uses the engine that was checked.
 */
export async function detectDocker(
  env: Record<string, string | undefined> = process.env,
): Promise<DockerAvailability> {
  const local = findLocalDockerEndpoint(env);
  if (!local.available) return local;
  process.env.DOCKER_HOST = local.endpoint;
  try {
    const { getContainerRuntimeClient } = await import("testcontainers");
    await getContainerRuntimeClient();
    return local;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return {
      available: false,
      reason: `the Docker engine at ${local.endpoint} did not answer: ${message}`,
    };
  }
}
