/**
 * Byte encodings of the Sigma modifiers `base64`, `base64offset`, `wide`,
 * `utf16le`, `utf16be` and `utf16`, as the Sigma specification v2 and
 * pySigma define them.
 */

/** Encodes text as UTF-8 bytes, the default before `base64`. */
export function utf8Bytes(text: string): Uint8Array {
  return new TextEncoder().encode(text);
}

/** UTF-16 little endian, without a byte order mark. */
export function utf16leBytes(text: string): Uint8Array {
  const bytes = new Uint8Array(text.length * 2);
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    bytes[i * 2] = unit & 0xff;
    bytes[i * 2 + 1] = unit >> 8;
  }
  return bytes;
}

/** UTF-16 big endian, without a byte order mark. */
export function utf16beBytes(text: string): Uint8Array {
  const bytes = new Uint8Array(text.length * 2);
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    bytes[i * 2] = unit >> 8;
    bytes[i * 2 + 1] = unit & 0xff;
  }
  return bytes;
}

/** UTF-16 little endian after the byte order mark FF FE, as `utf16`. */
export function utf16Bytes(text: string): Uint8Array {
  return concatBytes(Uint8Array.of(0xff, 0xfe), utf16leBytes(text));
}

/** Standard Base64 with padding. */
export function base64(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString("base64");
}

/**
 * The three Base64 forms of `bytes` found inside a longer encoded text, for
 * the value starting at byte offset 0, 1 and 2 of a 3-byte group. Each form
 * keeps only the characters that do not depend on the neighbouring bytes:
 * pySigma encodes `i` spaces plus the value, drops 0, 2 or 3 leading
 * characters, and cuts the tail by the length modulo 3.
 */
export function base64Offsets(bytes: Uint8Array): string[] {
  const startOffsets = [0, 2, 3];
  const endOffsets = [0, -3, -2];
  return [0, 1, 2].map((shift) => {
    const padded = concatBytes(new Uint8Array(shift).fill(0x20), bytes);
    const encoded = base64(padded);
    const end = endOffsets[(bytes.length + shift) % 3]!;
    return encoded.slice(startOffsets[shift], end === 0 ? undefined : end);
  });
}

/** Reads bytes as text, one character per byte (ISO 8859-1). */
export function latin1Text(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString("latin1");
}

function concatBytes(a: Uint8Array, b: Uint8Array): Uint8Array {
  const joined = new Uint8Array(a.length + b.length);
  joined.set(a, 0);
  joined.set(b, a.length);
  return joined;
}
