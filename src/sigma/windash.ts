/**
 * The `windash` modifier. Windows programs often accept `-`, `/` and Unicode
 * dashes alike as the flag character, so each `-` or `/` that starts a word
 * (no word character before it, one after it, as pySigma's `\B[-/]\b`) is
 * replaced by every variant: `-`, `/`, en dash, em dash and horizontal bar.
 */
import type { SigmaString, StringPart } from "./sigma-string.js";

const dashes = ["-", "/", "\u2013", "\u2014", "\u2015"];

/** Returns every combination of dash variants, in a stable order. */
export function expandWindash(value: SigmaString): SigmaString[] {
  let results: StringPart[][] = [[]];
  for (const part of value.parts) {
    if (part.kind === "wildcard") {
      results = results.map((parts) => [...parts, part]);
      continue;
    }
    const variants = expandText(part.text);
    results = results.flatMap((parts) =>
      variants.map((text) => [...parts, { kind: "text" as const, text }]),
    );
  }
  return results.map((parts) => ({ parts }));
}

function expandText(text: string): string[] {
  let variants = [""];
  for (let i = 0; i < text.length; i++) {
    const char = text[i]!;
    const options = isFlagDash(text, i) ? dashes : [char];
    variants = variants.flatMap((prefix) => options.map((dash) => prefix + dash));
  }
  return variants;
}

/** Python's `\w` in Unicode mode: letters, digits, marks and underscore. */
function isWordChar(char: string | undefined): boolean {
  return char !== undefined && /[\p{L}\p{N}\p{M}_]/u.test(char);
}

function isFlagDash(text: string, index: number): boolean {
  const char = text[index];
  if (char !== "-" && char !== "/") return false;
  return !isWordChar(text[index - 1]) && isWordChar(text[index + 1]);
}
