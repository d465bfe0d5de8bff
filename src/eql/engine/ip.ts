/**
 * IPv4 and IPv6 addresses as 128-bit numbers, for `cidrMatch` and for
 * comparing values of `ip` fields. IPv4 addresses map into `::ffff:0:0/96`,
 * as Elasticsearch stores them.
 */

const IPV4_MAPPED_PREFIX = 0xffffn << 32n;

/** Parses an IPv4 or IPv6 address; returns undefined when invalid. */
export function parseIp(text: string): bigint | undefined {
  const ipv4 = parseIpv4(text);
  if (ipv4 !== undefined) return IPV4_MAPPED_PREFIX | ipv4;
  return parseIpv6(text);
}

function parseIpv4(text: string): bigint | undefined {
  const parts = text.split(".");
  if (parts.length !== 4) return undefined;
  let value = 0n;
  for (const part of parts) {
    if (!/^\d{1,3}$/.test(part) || Number(part) > 255) return undefined;
    value = (value << 8n) | BigInt(Number(part));
  }
  return value;
}

function parseIpv6(text: string): bigint | undefined {
  const zoneless = text.replace(/%.*$/, "");
  let head = zoneless;
  let tailGroups: string[] = [];
  const doubleColon = zoneless.indexOf("::");
  if (doubleColon >= 0) {
    if (zoneless.indexOf("::", doubleColon + 1) >= 0) return undefined;
    head = zoneless.slice(0, doubleColon);
    const tail = zoneless.slice(doubleColon + 2);
    tailGroups = tail === "" ? [] : tail.split(":");
  }
  const headGroups = head === "" ? [] : head.split(":");
  const groups = [...headGroups, ...tailGroups];
  const words: number[] = [];
  for (let i = 0; i < groups.length; i++) {
    const group = groups[i]!;
    if (i === groups.length - 1 && group.includes(".")) {
      const ipv4 = parseIpv4(group);
      if (ipv4 === undefined) return undefined;
      words.push(Number(ipv4 >> 16n), Number(ipv4 & 0xffffn));
    } else if (/^[0-9a-fA-F]{1,4}$/.test(group)) {
      words.push(Number.parseInt(group, 16));
    } else {
      return undefined;
    }
  }
  if (doubleColon < 0 && words.length !== 8) return undefined;
  if (doubleColon >= 0 && words.length > 7) return undefined;
  const missing = 8 - words.length;
  const headCount = doubleColon >= 0 ? countWords(headGroups) : words.length;
  const all = [
    ...words.slice(0, headCount),
    ...new Array<number>(missing).fill(0),
    ...words.slice(headCount),
  ];
  return all.reduce((value, word) => (value << 16n) | BigInt(word), 0n);
}

function countWords(groups: string[]): number {
  return groups.reduce((sum, group) => sum + (group.includes(".") ? 2 : 1), 0);
}

/** A CIDR block such as `10.0.0.0/8` or `2001:db8::/32`. */
export interface CidrBlock {
  network: bigint;
  mask: bigint;
}

/** Parses a CIDR block or a single address; undefined when invalid. */
export function parseCidr(text: string): CidrBlock | undefined {
  const [address, prefixText] = text.split("/");
  const ip = parseIp(address ?? "");
  if (ip === undefined) return undefined;
  const isIpv4 = parseIpv4(address!) !== undefined;
  const bits = isIpv4 ? 32 : 128;
  const prefix = prefixText === undefined ? bits : Number(prefixText);
  if (!Number.isInteger(prefix) || prefix < 0 || prefix > bits) {
    return undefined;
  }
  const hostBits = BigInt(bits - prefix);
  const all = (1n << 128n) - 1n;
  const mask = all ^ ((1n << hostBits) - 1n);
  return { network: ip & mask, mask };
}

export function cidrContains(block: CidrBlock, ip: bigint): boolean {
  return (ip & block.mask) === block.network;
}

/** Canonical text of an address, so `::1` equals `0:0:0:0:0:0:0:1`. */
export function canonicalIp(text: string): string {
  const ip = parseIp(text);
  return ip === undefined ? text : ip.toString(16);
}
