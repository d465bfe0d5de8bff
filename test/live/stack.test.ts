import { describe, expect, it } from "vitest";
import { externalStack } from "./stack.js";

const running = {
  kind: "external",
  elasticsearchUrl: "http://127.0.0.1:9200",
  kibanaUrl: "http://127.0.0.1:5601",
} as const;

describe("externalStack", () => {
  it("defaults to the compose password", () => {
    const stack = externalStack(running, {});
    expect(stack.password).toBe("changeme");
    expect(stack.env.KIBANA_PASSWORD).toBe("changeme");
  });

  it("has no version or log folder", () => {
    const stack = externalStack(running, {});
    expect(stack.version).toBe("unknown");
    expect(stack.logDirectory).toBeNull();
  });
});
