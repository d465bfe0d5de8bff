/**
 * `npm run conformance`: runs Elasticsearch's EQL conformance suites on the
 * embedded engine and prints pass and fail counts per suite file. Exits 1
 * when a query fails that the known-failures list does not name, or when a
 * listed query passes.
 */
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
const defaultDirectory = path.join(
  projectRoot,
  "..",
  "shared",
  "data",
  "eql-spec",
);

async function main(): Promise<void> {
  const directory = process.argv[2] ?? defaultDirectory;
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
