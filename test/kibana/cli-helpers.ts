import { execFile } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { kibanaRule } from "./rule-fixture.js";

export interface CliResult {
  status: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs the built CLI as a child process, so a double in this process keeps
 * serving. Only PATH and the given variables reach the child.
 */
export function runCli(
  args: string[],
  env: Record<string, string>,
): Promise<CliResult> {
  return new Promise((resolve) => {
    execFile(
      "node",
      ["dist/cli.js", ...args],
      { env: { PATH: process.env.PATH ?? "", ...env } },
      (error, stdout, stderr) =>
        resolve({ status: error ? Number(error.code) : 0, stdout, stderr }),
    );
  });
}

/** Writes built rules 1..count and an empty version lock to a new folder. */
export function writeRules(count = 2): string {
  const dir = mkdtempSync(path.join(tmpdir(), "detections-rules-"));
  for (let index = 1; index <= count; index += 1) {
    writeFileSync(
      path.join(dir, `rule_${index}.json`),
      JSON.stringify(kibanaRule(index), null, 2),
    );
  }
  writeFileSync(path.join(dir, "version.lock.json"), "{}\n");
  return dir;
}
