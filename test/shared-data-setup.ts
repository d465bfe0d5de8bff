/**
 * Vitest global setup: prints once per run that the tests reading the
 * shared reference data skip, when that folder does not exist.
 */
import { hasSharedData, SHARED_DATA_SKIP_MESSAGE } from "./shared-data.js";

export default function setup(): void {
  if (!hasSharedData) console.log(SHARED_DATA_SKIP_MESSAGE);
}
