import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { PassThrough } from "node:stream";
import { describe, expect, it } from "vitest";
import { ContainerLogs, readContainerLogs } from "./container-logs.js";

function temporaryDirectory(): string {
  return mkdtempSync(path.join(os.tmpdir(), "live-logs-"));
}

describe("ContainerLogs", () => {
  it("joins lines split across chunks", () => {
    const directory = temporaryDirectory();
    const logs = new ContainerLogs(directory);
    const stream = new PassThrough();
    logs.consume("setup", stream);
    stream.emit("data", Buffer.from("first\nsec"));
    expect(logs.render()).toBe(
      "----- last 2 log lines of setup -----\nfirst\nsec",
    );
    stream.emit("data", "ond\nthird");
    expect(readFileSync(path.join(directory, "setup.log"), "utf8")).toBe(
      "first\nsecond\nthird",
    );
    expect(logs.render()).toBe(
      "----- last 3 log lines of setup -----\nfirst\nsecond\nthird",
    );
    expect(readContainerLogs(directory)).toBe(
      "----- last 3 log lines of setup -----\nfirst\nsecond\nthird",
    );
  });
});

describe("readContainerLogs", () => {
  it("prints a hint without log files", () => {
    expect(readContainerLogs(null)).toBe(
      "container logs are not collected for a stack started outside the " +
        "tests: run `npm run stack:logs`",
    );
  });

  it("prints the last lines per container", () => {
    const directory = temporaryDirectory();
    const lines = Array.from({ length: 302 }, (_, index) => `line ${index}`);
    writeFileSync(path.join(directory, "kibana.log"), lines.join("\n"));
    writeFileSync(path.join(directory, "elasticsearch.log"), "a\n\nb\n");
    writeFileSync(path.join(directory, "notes.txt"), "not a log");
    expect(readContainerLogs(directory)).toBe(
      "----- last 2 log lines of elasticsearch -----\na\nb\n" +
        "----- last 300 log lines of kibana -----\n" +
        lines.slice(2).join("\n"),
    );
  });
});
