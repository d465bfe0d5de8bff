import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    testTimeout: 60_000,
    hookTimeout: 600_000,
    // Checks once whether Docker answers, for the suites in test/live, and
    // whether the shared reference data exists.
    globalSetup: ["test/live/global-setup.ts", "test/shared-data-setup.ts"],
  },
});
