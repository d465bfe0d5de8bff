/**
 * Vitest global setup: finds out once per run whether a Docker engine
 * responds, prints one line when it does not, and hands the result to the
 * live suites through `inject("docker")`.
 */
import type { TestProject } from "vitest/node";
import { detectDocker, type DockerAvailability } from "./docker.js";

declare module "vitest" {
  export interface ProvidedContext {
    docker: DockerAvailability;
  }
}

export default async function setup(project: TestProject): Promise<void> {
  const docker = await detectDocker();
  if (!docker.available) {
    console.log(`skipping the live tests in test/live: ${docker.reason}`);
  }
  project.provide("docker", docker);
}
