import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";

const cli = path.resolve("dist/cli.js");

function writeEvents(count: number): string {
  const folder = mkdtempSync(path.join(tmpdir(), "closed-stdout-"));
  const file = path.join(folder, "events.ndjson");
  const lines: string[] = [];
  for (let index = 0; index < count; index += 1) {
    const event = {
      "@timestamp": "2025-01-01T00:00:00Z",
      event: { category: ["process"], id: String(index) },
      process: { name: "cmd.exe" },
    };
    lines.push(JSON.stringify(event));
  }
  writeFileSync(file, `${lines.join("\n")}\n`);
  return file;
}

describe("detections output", () => {
  it("ends quietly when stdout closes", () => {
    // Far more output than a pipe buffers, so writes continue after head exits.
    const events = writeEvents(100_000);
    const script =
      "set -o pipefail; " +
      `node ${JSON.stringify(cli)} eql "process where true" ` +
      `--events ${JSON.stringify(events)} --size 100000 | head -1 > /dev/null`;
    const result = spawnSync("bash", ["-c", script], { encoding: "utf8" });
    expect(result.stderr).not.toContain("EPIPE");
    expect(result.status).toBe(0);
  });
});
