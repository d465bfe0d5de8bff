/**
 * Runs the deploy suite against a real Kibana from testcontainers. Without a
 * Docker engine the suite skips with one line saying so.
 */
import { applyPlan, planAgainstKibana } from "../../src/kibana/apply.js";
import { KibanaClient } from "../../src/kibana/client.js";
import type { KibanaConnection } from "../../src/kibana/connection.js";
import { defineDeploySuite } from "../kibana/deploy-suite.js";
import { quietIo } from "../kibana/deploy-helpers.js";
import { describeLive } from "./stack.js";

describeLive("deploy to a live Kibana", (stack) => {
  const connection = (): KibanaConnection => ({
    url: new URL(stack().kibanaUrl),
    auth: {
      kind: "basic",
      username: stack().username,
      password: stack().password,
      source: "KIBANA_USERNAME and KIBANA_PASSWORD",
    },
  });

  defineDeploySuite({
    connection,
    // Deleting every managed rule gives each test an empty start.
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
