/**
 * Case folding of field values, remembered between the tests that read the
 * same field of the same event.
 */
import { foldCase } from "./values.js";

const ASCII_ONLY = /^[\x00-\x7f]*$/;

/**
 * Remembers the last string it folded and the last string it checked for
 * ASCII. The memo is keyed on the string itself, so it can never return a
 * stale result. One cache serves one field: the memoizing field readers of
 * a rule set return the same string to every rule, which makes the key
 * check a pointer comparison.
 */
export class FoldCache {
  private foldedInput: string | undefined = undefined;
  private folded = "";
  private asciiInput: string | undefined = undefined;
  private ascii = false;

  /** Returns `foldCase(text)`. */
  fold(text: string): string {
    if (text !== this.foldedInput) {
      this.folded = foldCase(text);
      this.foldedInput = text;
    }
    return this.folded;
  }

  /** True when every UTF-16 code unit of `text` is below 0x80. */
  isAscii(text: string): boolean {
    if (text !== this.asciiInput) {
      this.ascii = ASCII_ONLY.test(text);
      this.asciiInput = text;
    }
    return this.ascii;
  }
}
