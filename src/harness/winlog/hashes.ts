/**
 * Parses Sysmon's `Hashes` value, `MD5=4FCF...,SHA256=6FEB...,IMPHASH=4479...`,
 * as the Windows integration's pipeline does: algorithm names and values are
 * lowercased, and empty or all-zero values are dropped. Pairs without `=`
 * are ignored. Order follows the input.
 */
export function parseSysmonHashes(value: string): Map<string, string> {
  const hashes = new Map<string, string>();
  for (const pair of value.split(",")) {
    const separator = pair.indexOf("=");
    if (separator <= 0) continue;
    const algorithm = pair.slice(0, separator).trim().toLowerCase();
    const hash = pair
      .slice(separator + 1)
      .trim()
      .toLowerCase();
    if (/^0*$/.test(hash)) continue;
    hashes.set(algorithm, hash);
  }
  return hashes;
}
