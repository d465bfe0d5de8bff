import { createServer, type Server } from "node:http";
import os from "node:os";
import path from "node:path";
import { mkdtempSync } from "node:fs";
import { afterEach, describe, expect, it } from "vitest";
import {
  detectDocker,
  findLocalDockerEndpoint,
  testcontainersHostOf,
} from "./docker.js";

const home = "/home/dev";

describe("findLocalDockerEndpoint", () => {
  it("finds the default socket", () => {
    const found = findLocalDockerEndpoint(
      {},
      (file) => file === "/var/run/docker.sock",
      home,
    );
    expect(found).toEqual({
      available: true,
      endpoint: "unix:///var/run/docker.sock",
    });
  });

  it("finds a rootless socket", () => {
    const socket = "/run/user/1000/docker.sock";
    const found = findLocalDockerEndpoint(
      { XDG_RUNTIME_DIR: "/run/user/1000" },
      (file) => file === socket,
      home,
    );
    expect(found).toEqual({ available: true, endpoint: `unix://${socket}` });
  });

  it("reports every path it tried", () => {
    const found = findLocalDockerEndpoint({}, () => false, home);
    expect(found).toEqual({
      available: false,
      reason:
        "no Docker engine found (DOCKER_HOST is not set and none of " +
        "/var/run/docker.sock, /home/dev/.docker/run/docker.sock, " +
        "/home/dev/.docker/desktop/docker.sock, " +
        "/home/dev/.colima/default/docker.sock exists)",
    });
  });

  it("accepts a loopback DOCKER_HOST", () => {
    const env = { DOCKER_HOST: "tcp://127.0.0.1:2375" };
    expect(findLocalDockerEndpoint(env, () => false, home)).toEqual({
      available: true,
      endpoint: "tcp://127.0.0.1:2375",
    });
  });

  it("rejects a remote DOCKER_HOST", () => {
    const env = { DOCKER_HOST: "tcp://docker.example.com:2376" };
    expect(findLocalDockerEndpoint(env, () => true, home)).toEqual({
      available: false,
      reason:
        "DOCKER_HOST points at docker.example.com, which is not a loopback " +
        "address; the live tests only use a Docker engine on this machine",
    });
  });

  it("rejects a missing DOCKER_HOST socket", () => {
    const env = { DOCKER_HOST: "unix:///tmp/none.sock" };
    expect(findLocalDockerEndpoint(env, () => false, home)).toEqual({
      available: false,
      reason:
        "DOCKER_HOST is unix:///tmp/none.sock, but that socket does not exist",
    });
  });
});

describe("findLocalDockerEndpoint with testcontainers settings", () => {
  const socketExists = (file: string) => file === "/var/run/docker.sock";
  const properties =
    (text: string) =>
    (file: string): string | null =>
      file === "/home/dev/.testcontainers.properties" ? text : null;

  it("rejects a remote tc.host", () => {
    const found = findLocalDockerEndpoint(
      {},
      socketExists,
      home,
      properties("tc.host=tcp://cloud.example.com:2375\n"),
    );
    expect(found).toEqual({
      available: false,
      reason:
        "tc.host in /home/dev/.testcontainers.properties points at " +
        "cloud.example.com, which is not a loopback address; the live " +
        "tests only use a Docker engine on this machine",
    });
  });

  it("uses a loopback tc.host", () => {
    const found = findLocalDockerEndpoint(
      { DOCKER_HOST: "unix:///var/run/docker.sock" },
      socketExists,
      home,
      properties("docker.host=unix:///x\ntc.host = tcp://127.0.0.1:41234\n"),
    );
    expect(found).toEqual({
      available: true,
      endpoint: "tcp://127.0.0.1:41234",
    });
  });

  it("rejects a remote host override", () => {
    const found = findLocalDockerEndpoint(
      { TESTCONTAINERS_HOST_OVERRIDE: "10.0.0.5" },
      socketExists,
      home,
      properties(""),
    );
    expect(found).toEqual({
      available: false,
      reason:
        "TESTCONTAINERS_HOST_OVERRIDE is 10.0.0.5, which is not a loopback " +
        "address; the live tests only reach containers on this machine",
    });
  });
});

describe("testcontainersHostOf", () => {
  it("reads each separator form", () => {
    expect(testcontainersHostOf("tc.host=tcp://a:1")).toBe("tcp://a:1");
    expect(testcontainersHostOf("tc.host: tcp://b:2")).toBe("tcp://b:2");
    expect(testcontainersHostOf("tc.host tcp://c:3")).toBe("tcp://c:3");
  });

  it("ignores other keys and comments", () => {
    expect(testcontainersHostOf("# tc.host=tcp://a:1\n")).toBeNull();
    expect(testcontainersHostOf("tc.hostname=x\ndocker.host=y")).toBeNull();
  });
});

describe("detectDocker", () => {
  let server: Server | undefined;
  const dockerHost = process.env.DOCKER_HOST;
  afterEach(() => {
    server?.close();
    if (dockerHost === undefined) delete process.env.DOCKER_HOST;
    else process.env.DOCKER_HOST = dockerHost;
  });

  it("reports an engine that fails to answer", async () => {
    const socket = path.join(
      mkdtempSync(path.join(os.tmpdir(), "dk-")),
      "d.sock",
    );
    const requests: string[] = [];
    server = createServer((request, response) => {
      requests.push(`${request.method} ${request.url}`);
      response.statusCode = 500;
      response.end("not a Docker engine");
    });
    await new Promise<void>((resolve) => server?.listen(socket, resolve));
    const result = await detectDocker({ DOCKER_HOST: `unix://${socket}` });
    expect(result.available).toBe(false);
    expect(result.available ? "" : result.reason).toBe(
      `the Docker engine at unix://${socket} did not answer: ` +
        "Could not find a working container runtime strategy",
    );
    expect(requests).toContain("GET /info");
  });
});
