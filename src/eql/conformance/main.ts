/**
 * `npm run conformance`: runs Elasticsearch's EQL conformance suites on the
 * embedded engine and prints pass and fail counts per suite file. Exits 1
 * when a query fails that the known-failures list does not name, or when a
 * listed query passes. Exits 2 when the data folder does not exist.
 */
import { stat } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { loadSuites } from "./load.js";
import {
  formatReport,
  type SuiteSummary,
  unexpectedOutcomes,
} from "./report.js";
import { runSuite } from "./suite.js";

const projectRoot = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  "../../..",
);
// SHARED_DATA_DIR, when set, names the shared reference data folder, as in
// the tests. A relative value is resolved from the project root.
const sharedDataDirectory = path.resolve(
  projectRoot,
  process.env.SHARED_DATA_DIR || path.join("..", "shared", "data"),
);
const defaultDirectory = path.join(sharedDataDirectory, "eql-spec");

async function isDirectory(directory: string): Promise<boolean> {
  try {
    return (await stat(directory)).isDirectory();
  } catch {
    return false;
  }
}

async function main(): Promise<void> {
  const directory = process.argv[2] ?? defaultDirectory;
  if (!(await isDirectory(directory))) {
    console.error(
      `error: ${directory}: EQL conformance data not found. Pass the ` +
        "folder of Elasticsearch's EQL test data (test_queries.toml, " +
        "test_data.json and the rest) as the first argument, or set " +
        "SHARED_DATA_DIR to the folder that contains eql-spec/.",
    );
    process.exitCode = 2;
    return;
  }
  const suites = await loadSuites(directory);
  const summaries: SuiteSummary[] = [];
  const outcomes = suites.flatMap((suite) => {
    const results = runSuite(suite);
    summaries.push({
      file: suite.file,
      passed: results.filter((result) => result.passed).length,
      failed: results.filter((result) => !result.passed),
      skipped: suite.skipped,
    });
    return results;
  });
  for (const line of formatReport(summaries, outcomes)) console.log(line);
  const { newFailures, fixedFailures } = unexpectedOutcomes(outcomes);
  process.exitCode = newFailures.length + fixedFailures.length > 0 ? 1 : 0;
}

await main();
