import { configDefaults, defineConfig } from "vitest/config";

/** Test files that need an Elasticsearch and Kibana stack. */
export const liveTestFiles = "test/live/**/*.live.test.ts";

const timeouts = { testTimeout: 60_000, hookTimeout: 600_000 };

export default defineConfig({
  test: {
    // Prints once per run whether the shared reference data exists.
    globalSetup: ["test/shared-data-setup.ts"],
    // Stopping the live stack's containers can take longer than the
    // default 10 s.
    teardownTimeout: 120_000,
    // No project extends the root config, so that the setup above runs
    // once and not once per project.
    projects: [
      {
        test: {
          name: "unit",
          include: ["test/**/*.test.ts"],
          exclude: [...configDefaults.exclude, liveTestFiles],
          ...timeouts,
        },
      },
      {
        test: {
          name: "live",
          include: [liveTestFiles],
          // Vitest calls a project's global setup only when the run has
          // test files of that project, so a run without live test files
          // neither looks for Docker nor starts a stack.
          globalSetup: ["test/live/global-setup.ts"],
          // The live test files share one stack. One file at a time keeps
          // the load on its 2 GiB Kibana low, and keeps a live verification,
          // whose rules read the events of every namespace, from seeing
          // events that another file indexed.
          fileParallelism: false,
          ...timeouts,
        },
      },
    ],
  },
});
