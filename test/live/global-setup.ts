/**
 * Vitest global setup of the live project. Vitest calls it only when at
 * least one live test file is in the run. It gets one stack for all live
 * test files (a running one named by LIVE_ES_URL and LIVE_KIBANA_URL, or one
 * started with testcontainers), hands it to them through
 * `inject("liveStack")`, and stops a started stack when the run ends.
 * Without a stack it prints one line saying why the live tests skip.
 */
import { rmSync } from "node:fs";
import type { TestProject } from "vitest/node";
import { detectDocker, type DockerAvailability } from "./docker.js";
import { planLiveStack } from "./stack-plan.js";
import { externalStack, startStack, type LiveStackContext } from "./stack.js";

/** The part of Vitest's TestProject that the setup uses. */
export type ProvidingProject = Pick<TestProject, "provide">;

export default function setup(
  project: TestProject,
): Promise<(() => Promise<void>) | undefined> {
  return setupLiveStack(project, process.env, () => detectDocker());
}

/**
 * Carries out the plan for the run's live stack and returns the teardown
 * that stops a started stack.
 */
export async function setupLiveStack(
  project: ProvidingProject,
  env: Record<string, string | undefined>,
  detect: () => Promise<DockerAvailability>,
): Promise<(() => Promise<void>) | undefined> {
  const plan = await planLiveStack(env, detect);
  switch (plan.kind) {
    case "skip": {
      console.log(`skipping the live tests in test/live: ${plan.reason}`);
      provide(project, { available: false, reason: plan.reason });
      return undefined;
    }
    case "external": {
      provide(project, { available: true, stack: externalStack(plan, env) });
      return undefined;
    }
    case "start": {
      const stack = await startStack();
      provide(project, { available: true, stack });
      return async () => {
        await stack.stop();
        if (stack.logDirectory) {
          rmSync(stack.logDirectory, { recursive: true, force: true });
        }
      };
    }
  }
}

/** Provides only the plain fields, because Vitest serializes the value. */
function provide(project: ProvidingProject, context: LiveStackContext): void {
  if (!context.available) {
    project.provide("liveStack", context);
    return;
  }
  const { version, elasticsearchUrl, kibanaUrl, username, password } =
    context.stack;
  const { env, logDirectory } = context.stack;
  project.provide("liveStack", {
    available: true,
    stack: {
      version,
      elasticsearchUrl,
      kibanaUrl,
      username,
      password,
      env,
      logDirectory,
    },
  });
}
