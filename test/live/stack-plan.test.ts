import { describe, expect, it } from "vitest";
import type { DockerAvailability } from "./docker.js";
import { planLiveStack } from "./stack-plan.js";

/** Returns a Docker check that records its calls and returns `result`. */
function dockerCheck(result: DockerAvailability) {
  const calls: number[] = [];
  const detect = async (): Promise<DockerAvailability> => {
    calls.push(calls.length);
    return result;
  };
  return { detect, calls };
}

const reachable: DockerAvailability = {
  available: true,
  endpoint: "unix:///var/run/docker.sock",
};
const unreachable: DockerAvailability = {
  available: false,
  reason: "no Docker engine found",
};
const running = {
  LIVE_ES_URL: "http://127.0.0.1:9200",
  LIVE_KIBANA_URL: "http://127.0.0.1:5601",
};

describe("planLiveStack", () => {
  it("starts a stack with Docker", async () => {
    const docker = dockerCheck(reachable);
    expect(await planLiveStack({}, docker.detect)).toEqual({ kind: "start" });
    expect(docker.calls).toHaveLength(1);
  });

  it("skips without Docker", async () => {
    const docker = dockerCheck(unreachable);
    expect(await planLiveStack({}, docker.detect)).toEqual({
      kind: "skip",
      reason: "no Docker engine found",
    });
  });

  it("uses named stack with Docker", async () => {
    const docker = dockerCheck(reachable);
    expect(await planLiveStack(running, docker.detect)).toEqual({
      kind: "external",
      elasticsearchUrl: "http://127.0.0.1:9200",
      kibanaUrl: "http://127.0.0.1:5601",
    });
    expect(docker.calls).toHaveLength(0);
  });

  it("uses named stack without Docker", async () => {
    const docker = dockerCheck(unreachable);
    expect(await planLiveStack(running, docker.detect)).toEqual({
      kind: "external",
      elasticsearchUrl: "http://127.0.0.1:9200",
      kibanaUrl: "http://127.0.0.1:5601",
    });
    expect(docker.calls).toHaveLength(0);
  });

  it("treats empty URLs as unset", async () => {
    const docker = dockerCheck(unreachable);
    const env = { LIVE_ES_URL: "", LIVE_KIBANA_URL: "" };
    expect(await planLiveStack(env, docker.detect)).toEqual({
      kind: "skip",
      reason: "no Docker engine found",
    });
  });

  it("rejects Elasticsearch URL alone", async () => {
    const docker = dockerCheck(reachable);
    const env = { LIVE_ES_URL: "http://127.0.0.1:9200" };
    await expect(planLiveStack(env, docker.detect)).rejects.toThrow(
      "LIVE_ES_URL is set but LIVE_KIBANA_URL is not: set both to test a " +
        "running stack, or neither to start one with testcontainers",
    );
    expect(docker.calls).toHaveLength(0);
  });

  it("rejects Kibana URL alone", async () => {
    const docker = dockerCheck(reachable);
    const env = { LIVE_KIBANA_URL: "http://127.0.0.1:5601" };
    await expect(planLiveStack(env, docker.detect)).rejects.toThrow(
      "LIVE_KIBANA_URL is set but LIVE_ES_URL is not: set both to test a " +
        "running stack, or neither to start one with testcontainers",
    );
  });
});
