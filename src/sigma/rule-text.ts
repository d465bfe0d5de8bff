/**
 * Decodes the bytes of a rule file. Sigma rules are UTF-8 YAML, and a file
 * in another encoding would otherwise turn into replacement characters
 * that end up in the Kibana rule name or query without a word.
 */
import { SigmaRuleError } from "./errors.js";

const REPLACEMENT = "\uFFFD";

/**
 * Decodes `bytes` as UTF-8 (a leading byte order mark is dropped). Throws
 * SigmaRuleError naming the line and byte offset of the first invalid byte.
 */
export function decodeRuleText(bytes: Uint8Array, file: string): string {
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch (error) {
    if (!(error instanceof TypeError)) throw error;
    const offset = firstInvalidByte(bytes);
    throw new SigmaRuleError(
      { file, line: lineAt(bytes, offset), path: "(document)" },
      `invalid UTF-8 at byte ${offset} ` +
        `(0x${bytes[offset]!.toString(16).toUpperCase().padStart(2, "0")})`,
      "Save the file as UTF-8",
      { cause: error },
    );
  }
}

/**
 * Finds the offset of the first byte that is not valid UTF-8. The lossy
 * decoding matches the bytes up to that point, so the UTF-8 length of the
 * text before the first replacement character that the bytes do not
 * spell out (EF BF BD) is the offset.
 */
function firstInvalidByte(bytes: Uint8Array): number {
  const lossy = new TextDecoder("utf-8", { ignoreBOM: true }).decode(bytes);
  const encoder = new TextEncoder();
  let index = lossy.indexOf(REPLACEMENT);
  while (index >= 0) {
    const offset = encoder.encode(lossy.slice(0, index)).length;
    const spelled =
      bytes[offset] === 0xef &&
      bytes[offset + 1] === 0xbf &&
      bytes[offset + 2] === 0xbd;
    if (!spelled) return offset;
    index = lossy.indexOf(REPLACEMENT, index + 1);
  }
  return 0;
}

function lineAt(bytes: Uint8Array, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset; i++) if (bytes[i] === 0x0a) line++;
  return line;
}
