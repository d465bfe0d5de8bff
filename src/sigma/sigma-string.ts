/**
 * Sigma string values with wildcards. `*` matches any run of characters and
 * `?` one character. A backslash escapes `*`, `?` and itself; any other
 * backslash is a plain character (Sigma specification v2, "Escaping").
 */

export type StringPart =
  | { kind: "text"; text: string }
  | { kind: "wildcard"; char: "*" | "?" };

/** A Sigma string as literal text and wildcards. */
export interface SigmaString {
  parts: StringPart[];
}

/** Parses a Sigma value, applying Sigma's backslash escaping. */
export function parseSigmaString(raw: string): SigmaString {
  const parts: StringPart[] = [];
  let text = "";
  for (let i = 0; i < raw.length; i++) {
    const char = raw[i]!;
    const next = raw[i + 1];
    if (char === "\\" && (next === "*" || next === "?" || next === "\\")) {
      text += next;
      i++;
    } else if (char === "*" || char === "?") {
      if (text !== "") parts.push({ kind: "text", text });
      text = "";
      parts.push({ kind: "wildcard", char });
    } else {
      text += char;
    }
  }
  if (text !== "") parts.push({ kind: "text", text });
  return { parts: mergeText(parts) };
}

/** Builds a string of one literal text part. */
export function literalString(text: string): SigmaString {
  return { parts: text === "" ? [] : [{ kind: "text", text }] };
}

/** True when the string has a `*` or `?` wildcard. */
export function hasWildcard(value: SigmaString): boolean {
  return value.parts.some((part) => part.kind === "wildcard");
}

/** The literal text of a string without wildcards. */
export function plainText(value: SigmaString): string {
  return value.parts
    .map((part) => (part.kind === "text" ? part.text : part.char))
    .join("");
}

/** Joins strings and keeps adjacent text parts merged. */
export function concatStrings(...values: SigmaString[]): SigmaString {
  return { parts: mergeText(values.flatMap((value) => value.parts)) };
}

/** Adds a `*` at the start unless the string already starts with one. */
export function prefixAnyString(value: SigmaString): SigmaString {
  const first = value.parts[0];
  if (first?.kind === "wildcard" && first.char === "*") return value;
  return { parts: [{ kind: "wildcard", char: "*" }, ...value.parts] };
}

/** Adds a `*` at the end unless the string already ends with one. */
export function suffixAnyString(value: SigmaString): SigmaString {
  const last = value.parts[value.parts.length - 1];
  if (last?.kind === "wildcard" && last.char === "*") return value;
  return { parts: [...value.parts, { kind: "wildcard", char: "*" }] };
}

/** Writes a string back in Sigma syntax, escaping literal `*`, `?`, `\`. */
export function formatSigmaString(value: SigmaString): string {
  return value.parts
    .map((part) =>
      part.kind === "wildcard" ? part.char : part.text.replace(/[*?\\]/g, "\\$&"),
    )
    .join("");
}

function mergeText(parts: StringPart[]): StringPart[] {
  const merged: StringPart[] = [];
  for (const part of parts) {
    const last = merged[merged.length - 1];
    if (part.kind === "text" && part.text === "") continue;
    if (part.kind === "text" && last?.kind === "text") {
      merged[merged.length - 1] = { kind: "text", text: last.text + part.text };
    } else {
      merged.push(part);
    }
  }
  return merged;
}
