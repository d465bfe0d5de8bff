import { mkdtempSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { externalStack, readContainerLogs, type LiveStack } from "./stack.js";

const running = {
  kind: "external",
  elasticsearchUrl: "http://127.0.0.1:9200",
  kibanaUrl: "http://127.0.0.1:5601",
} as const;

describe("externalStack", () => {
  it("defaults to the compose password", () => {
    const stack = externalStack(running, {});
    expect(stack.password).toBe("changeme");
    expect(stack.version).toBe("unknown");
    expect(stack.logDirectory).toBeNull();
  });
});

describe("readContainerLogs", () => {
  it("prints a hint without log files", () => {
    expect(readContainerLogs(externalStack(running, {}))).toBe(
      "container logs are not collected for a stack started outside the " +
        "tests: run `npm run stack:logs`",
    );
  });

  it("prints the last lines per container", () => {
    const directory = mkdtempSync(path.join(os.tmpdir(), "live-logs-"));
    const lines = Array.from({ length: 302 }, (_, index) => `line ${index}`);
    writeFileSync(path.join(directory, "kibana.log"), lines.join("\n"));
    writeFileSync(path.join(directory, "elasticsearch.log"), "a\n\nb\n");
    writeFileSync(path.join(directory, "notes.txt"), "not a log");
    const stack: LiveStack = {
      ...externalStack(running, {}),
      logDirectory: directory,
    };
    expect(readContainerLogs(stack)).toBe(
      "----- last 2 log lines of elasticsearch -----\na\nb\n" +
        "----- last 300 log lines of kibana -----\n" +
        lines.slice(2).join("\n"),
    );
  });
});
