/**
 * Case folding of field values, remembered between the tests that read the
 * same field of the same event.
 */
import { foldAsciiCase } from "./case-folding.js";

/**
 * Remembers the last string it folded. The memo is keyed on the string
 * itself, so it can never return a stale result. One cache serves one
 * field: the memoizing field readers of a rule set return the same string
 * to every rule, which makes the key check a pointer comparison.
 */
export class FoldCache {
  private foldedInput: string | undefined = undefined;
  private folded = "";

  /**
   * Returns `foldAsciiCase(text)`, the folding of Elasticsearch's
   * case-insensitive queries on a field.
   */
  fold(text: string): string {
    if (text !== this.foldedInput) {
      this.folded = foldAsciiCase(text);
      this.foldedInput = text;
    }
    return this.folded;
  }
}
