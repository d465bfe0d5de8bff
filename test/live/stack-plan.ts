/**
 * Decides how a test run gets its live stack: a running stack named by
 * LIVE_ES_URL and LIVE_KIBANA_URL, one stack started with testcontainers,
 * or none, so the live suites skip. The global setup of the live project
 * acts on the decision; Vitest calls that setup only when at least one live
 * test file is in the run.
 */
import type { DockerAvailability } from "./docker.js";

export type LiveStackPlan =
  | { kind: "external"; elasticsearchUrl: string; kibanaUrl: string }
  | { kind: "start" }
  | { kind: "skip"; reason: string };

/**
 * Returns the plan for this run. Calls `detectDocker` only when no running
 * stack is named, because a named stack needs no local Docker engine.
 * Throws when only one of LIVE_ES_URL and LIVE_KIBANA_URL is set.
 */
export async function planLiveStack(
  env: Record<string, string | undefined>,
  detectDocker: () => Promise<DockerAvailability>,
): Promise<LiveStackPlan> {
  const elasticsearchUrl = env.LIVE_ES_URL;
  const kibanaUrl = env.LIVE_KIBANA_URL;
  if (elasticsearchUrl && kibanaUrl) {
    return { kind: "external", elasticsearchUrl, kibanaUrl };
  }
  if (elasticsearchUrl || kibanaUrl) {
    const [set, unset] = elasticsearchUrl
      ? ["LIVE_ES_URL", "LIVE_KIBANA_URL"]
      : ["LIVE_KIBANA_URL", "LIVE_ES_URL"];
    throw new Error(
      `${set} is set but ${unset} is not: set both to test a running ` +
        "stack, or neither to start one with testcontainers",
    );
  }
  const docker = await detectDocker();
  if (!docker.available) return { kind: "skip", reason: docker.reason };
  return { kind: "start" };
}
