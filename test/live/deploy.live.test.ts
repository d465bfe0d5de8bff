/**
 * Runs the deploy suite against a real Kibana from testcontainers, in a
 * Kibana space of its own, so it leaves the default space and the other live
 * suites' spaces alone. Without a Docker engine the suite skips with one
 * line saying so.
 */
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll } from "vitest";
import { applyPlan, planAgainstKibana } from "../../src/kibana/apply.js";
import { KibanaClient } from "../../src/kibana/client.js";
import type { KibanaConnection } from "../../src/kibana/connection.js";
import { defineDeploySuite } from "../kibana/deploy-suite.js";
import { quietIo } from "../kibana/deploy-helpers.js";
import { describeLive } from "./stack.js";

const spacesPath = "/api/spaces/space";

describeLive("deploy to a live Kibana", (stack) => {
  const space = `deploy-test-${randomBytes(4).toString("hex")}`;
  const connection = (): KibanaConnection => ({
    url: new URL(stack().kibanaUrl),
    auth: {
      kind: "basic",
      username: stack().username,
      password: stack().password,
      source: "KIBANA_USERNAME and KIBANA_PASSWORD",
    },
    space,
  });

  /** Sends one request to the Spaces API, which lives outside any space. */
  async function spacesRequest(
    method: "POST" | "DELETE",
    path: string,
    body?: object,
  ): Promise<void> {
    const client = new KibanaClient(connection());
    try {
      await client.send({
        method,
        path,
        spaceless: true,
        ...(body
          ? { body: JSON.stringify(body), contentType: "application/json" }
          : {}),
        idempotent: method === "DELETE",
      });
    } finally {
      await client.close();
    }
  }

  beforeAll(() =>
    spacesRequest("POST", spacesPath, {
      id: space,
      name: space,
      description: "Temporary space of the live deploy tests",
      disabledFeatures: [],
    }),
  );

  // Deleting the space deletes the rules in it.
  afterAll(() => spacesRequest("DELETE", `${spacesPath}/${space}`));

  defineDeploySuite({
    connection,
    // Deleting every managed rule in the space gives each test an empty start.
    reset: async () => {
      const client = new KibanaClient(connection());
      try {
        const options = { prune: true, force: true };
        const context = await planAgainstKibana(client, [], options);
        await applyPlan(client, context, options, quietIo);
      } finally {
        await client.close();
      }
    },
  });
});
