import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import {
  readRegressionInfo,
  type RegressionCase,
} from "../../src/harness/regression.js";
import { ingestWinlogJson } from "../../src/harness/winlog.js";
import { sharedDataPath } from "../shared-data.js";

/** SigmaHQ's regression cases, read in place. */
export const REGRESSION_ROOT = sharedDataPath("sigmahq", "regression");

/** A regression case plus the Sigma rule text it tests. */
export interface LoadedCase extends RegressionCase {
  ruleFile: string;
  ruleText: string;
  /** Records that the ingestion skipped as unmapped event types. */
  skippedRecords: number;
}

/** Loads every case folder: rule.yml, info.yml and the event JSON files. */
export function loadRegressionCases(root = REGRESSION_ROOT): LoadedCase[] {
  return readdirSync(root, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort()
    .map((name) => loadCase(path.join(root, name), name));
}

function loadCase(folder: string, name: string): LoadedCase {
  const infoFile = path.join(folder, "info.yml");
  const info = readRegressionInfo(readFileSync(infoFile, "utf8"), infoFile);
  const ruleFile = path.join(folder, "rule.yml");
  const eventFiles = readdirSync(folder)
    .filter((file) => file.endsWith(".json"))
    .sort()
    .map((file) => path.join(folder, file));
  const results = eventFiles.map((file) =>
    ingestWinlogJson(readFileSync(file, "utf8"), file),
  );
  return {
    name,
    ruleId: info.ruleId,
    matchCount: info.matchCount,
    events: results.flatMap((result) => result.documents),
    ruleFile,
    ruleText: readFileSync(ruleFile, "utf8"),
    skippedRecords: results.reduce(
      (sum, result) => sum + result.skipped.length,
      0,
    ),
  };
}
