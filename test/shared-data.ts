/**
 * The reference data that tests read in place, outside the repository. It
 * lives in `shared/data` beside the project folder, or in the folder that
 * SHARED_DATA_DIR names (a relative value is resolved from the project
 * root). A plain clone, as in a GitHub Actions checkout, has no such folder:
 * tests that need it then skip, and the global setup prints why once.
 */
import { statSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, it } from "vitest";

const projectRoot = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  "..",
);

const configured = process.env.SHARED_DATA_DIR || undefined;

/** Absolute path of the shared reference data folder. */
export const SHARED_DATA_DIR: string = path.resolve(
  projectRoot,
  configured ?? path.join("..", "shared", "data"),
);

function isDirectory(folder: string): boolean {
  try {
    return statSync(folder).isDirectory();
  } catch {
    return false;
  }
}

/** True when the shared reference data folder exists. */
export const hasSharedData: boolean = isDirectory(SHARED_DATA_DIR);

/** Line the global setup prints once when the folder does not exist. */
export const SHARED_DATA_SKIP_MESSAGE: string =
  `${configured ?? "../shared/data"} not found: ` +
  "skipping tests that read the shared reference data";

/** Returns the absolute path of a file or folder in the shared data. */
export function sharedDataPath(...segments: string[]): string {
  return path.join(SHARED_DATA_DIR, ...segments);
}

/** `describe` that skips its tests when the shared data is missing. */
export const describeWithSharedData: ReturnType<typeof describe.skipIf> =
  describe.skipIf(!hasSharedData);

/** `it` that skips when the shared data is missing. */
export const itWithSharedData: ReturnType<typeof it.skipIf> =
  it.skipIf(!hasSharedData);
