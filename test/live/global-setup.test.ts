import { execFile, spawnSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { afterEach, describe, expect, it, vi } from "vitest";
import { KibanaDouble } from "../kibana-double/server.js";
import { projectRoot } from "./compose-file.js";
import type { DockerAvailability } from "./docker.js";
import { setupLiveStack, type ProvidingProject } from "./global-setup.js";
import type { LiveStackContext } from "./stack.js";

/** Returns a project that records what the setup provides. */
function recordingProject() {
  const provided: Array<[string, unknown]> = [];
  const project = {
    provide: (key: string, value: unknown) => provided.push([key, value]),
  } as ProvidingProject;
  return { project, provided };
}

function noDocker(): Promise<DockerAvailability> {
  return Promise.resolve({ available: false, reason: "no engine here" });
}

describe("setupLiveStack", () => {
  afterEach(() => vi.restoreAllMocks());

  it("provides a skip without Docker", async () => {
    const log = vi.spyOn(console, "log").mockImplementation(() => undefined);
    const { project, provided } = recordingProject();
    const teardown = await setupLiveStack(project, {}, noDocker);
    const expected: LiveStackContext = {
      available: false,
      reason: "no engine here",
    };
    expect(provided).toEqual([["liveStack", expected]]);
    expect(log.mock.calls).toEqual([
      ["skipping the live tests in test/live: no engine here"],
    ]);
    expect(teardown).toBeUndefined();
  });

  it("provides the named running stack", async () => {
    const log = vi.spyOn(console, "log").mockImplementation(() => undefined);
    const { project, provided } = recordingProject();
    const env = {
      LIVE_ES_URL: "http://127.0.0.1:9200",
      LIVE_KIBANA_URL: "http://127.0.0.1:5601",
      ELASTIC_PASSWORD: "from-env",
      STACK_VERSION: "8.19.24",
    };
    const teardown = await setupLiveStack(project, env, noDocker);
    const expected: LiveStackContext = {
      available: true,
      stack: {
        version: "8.19.24",
        elasticsearchUrl: "http://127.0.0.1:9200",
        kibanaUrl: "http://127.0.0.1:5601",
        username: "elastic",
        password: "from-env",
        env: {
          ES_URL: "http://127.0.0.1:9200",
          ES_USERNAME: "elastic",
          ES_PASSWORD: "from-env",
          KIBANA_URL: "http://127.0.0.1:5601",
          KIBANA_USERNAME: "elastic",
          KIBANA_PASSWORD: "from-env",
        },
        logDirectory: null,
      },
    };
    expect(provided).toEqual([["liveStack", expected]]);
    expect(log).not.toHaveBeenCalled();
    expect(teardown).toBeUndefined();
  });

  it("rejects one URL without the other", async () => {
    const { project, provided } = recordingProject();
    const env = { LIVE_KIBANA_URL: "http://127.0.0.1:5601" };
    await expect(setupLiveStack(project, env, noDocker)).rejects.toThrow(
      "LIVE_KIBANA_URL is set but LIVE_ES_URL is not",
    );
    expect(provided).toEqual([]);
  });
});

describe("live project in vitest.config.ts", () => {
  // A Docker socket path that does not exist, and a home folder without
  // .testcontainers.properties, so the Docker check fails the same way on
  // every machine and never reaches an engine.
  const home = mkdtempSync(path.join(os.tmpdir(), "live-setup-home-"));
  const socket = path.join(home, "missing.sock");
  const skipLine =
    "skipping the live tests in test/live: DOCKER_HOST is " +
    `unix://${socket}, but that socket does not exist`;

  /** Runs Vitest on the given files and returns its status and lines. */
  function runVitest(...files: string[]) {
    const result = spawnSync(
      process.execPath,
      ["node_modules/vitest/vitest.mjs", "run", ...files],
      {
        cwd: projectRoot,
        encoding: "utf8",
        env: {
          PATH: process.env.PATH,
          HOME: home,
          DOCKER_HOST: `unix://${socket}`,
          NO_COLOR: "1",
        },
      },
    );
    return { status: result.status, lines: result.stdout.split("\n") };
  }

  it("skips live files with one line", () => {
    const { status, lines } = runVitest(
      "test/live/deploy.live.test.ts",
      "test/live/verify.live.test.ts",
    );
    expect(lines.filter((line) => line.includes("live tests"))).toEqual([
      skipLine,
    ]);
    expect(
      lines.some((line) => /Test Files\s+2 skipped \(2\)/.test(line)),
    ).toBe(true);
    expect(status).toBe(0);
  });

  it("runs live files on a named stack", async () => {
    const double = await new KibanaDouble({
      username: "elastic",
      password: "from-env",
    }).start();
    try {
      // The child must not block this process, which serves the double.
      const { stdout } = await promisify(execFile)(
        process.execPath,
        [
          "node_modules/vitest/vitest.mjs",
          "run",
          "test/live/deploy.live.test.ts",
        ],
        {
          cwd: projectRoot,
          env: {
            PATH: process.env.PATH,
            HOME: home,
            NO_COLOR: "1",
            // The deploy suite never reaches Elasticsearch.
            LIVE_ES_URL: "http://127.0.0.1:9",
            LIVE_KIBANA_URL: double.url,
            ELASTIC_PASSWORD: "from-env",
          },
        },
      );
      expect(stdout).toMatch(/Tests\s+5 passed \(5\)/);
      const spaces = double.requests.filter(
        (request) =>
          request.path.startsWith("/api/spaces/space") &&
          request.method !== "GET",
      );
      const space = /^\/api\/spaces\/space\/(deploy-test-[0-9a-f]{8})$/.exec(
        spaces[1]?.path ?? "",
      )?.[1];
      expect(spaces.map((request) => request.method)).toEqual([
        "POST",
        "DELETE",
      ]);
      const ruleSpaces = double.requests
        .filter((request) => request.path.startsWith("/api/detection_engine"))
        .map((request) => request.space);
      expect(new Set(ruleSpaces)).toEqual(new Set([space]));
    } finally {
      await double.stop();
    }
  });

  it("skips the setup without live files", () => {
    const { status, lines } = runVitest("test/live/stack-plan.test.ts");
    expect(lines.filter((line) => line.includes("live tests"))).toEqual([]);
    expect(lines.some((line) => /Test Files\s+1 passed \(1\)/.test(line))).toBe(
      true,
    );
    expect(status).toBe(0);
  });
});
