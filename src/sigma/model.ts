/**
 * Sigma rule model (Sigma specification version 2), as loaded and validated
 * from YAML. The detection part is kept as parsed search identifiers and a
 * parsed condition, so converters never look at raw YAML.
 */

/** Origin of a value for error messages: its file, line and YAML path. */
export interface SourceLocation {
  file: string;
  /** 1-based line of the value in the file, when the parser recorded it. */
  line?: number;
  /** YAML path such as `detection.selection.Image|endswith`. */
  path: string;
}

export interface SigmaLogsource {
  product?: string;
  category?: string;
  service?: string;
  definition?: string;
}

/** A validated Sigma rule. */
export interface SigmaRule {
  /** Path of the YAML file the rule came from. */
  file: string;
  title: string;
  /** UUID from the rule's `id`. Sigma v2 makes it optional; we require it. */
  id: string;
  name?: string;
  status?: string;
  description?: string;
  license?: string;
  author?: string;
  references: string[];
  date?: string;
  modified?: string;
  tags: string[];
  level?: "informational" | "low" | "medium" | "high" | "critical";
  falsepositives: string[];
  fields: string[];
  logsource: SigmaLogsource;
  detection: SigmaDetection;
  /** Line of each top-level key, for error messages. */
  lines: Record<string, number>;
}

/** `detection`: named search identifiers plus the condition. */
export interface SigmaDetection {
  searches: Map<string, SigmaSearch>;
  condition: SigmaCondition;
  /** The condition text as written, for messages. */
  conditionText: string;
  timeframe?: string;
}

/**
 * One search identifier. A map is an AND of its items, and a list of maps is
 * an OR of those ANDs. A plain list or scalar is a keyword search.
 */
export type SigmaSearch =
  | {
      kind: "maps";
      alternatives: SigmaDetectionItem[][];
      where: SourceLocation;
    }
  | { kind: "keywords"; items: SigmaDetectionItem[]; where: SourceLocation };

/** `Field|mod1|mod2: value or list`. `field` is null for keywords. */
export interface SigmaDetectionItem {
  field: string | null;
  modifiers: string[];
  values: SigmaValue[];
  /** True with the `all` modifier: every value must match. */
  matchAll: boolean;
  where: SourceLocation;
}

/** A value of a detection item after YAML parsing, before modifiers. */
export type SigmaValue =
  | { kind: "string"; text: string }
  /**
   * A YAML integer or float. `text` is the number as written in the file
   * (such as `10.10` or `0x10`), which string fields match.
   */
  | { kind: "number"; value: number; text?: string }
  | { kind: "boolean"; value: boolean }
  | { kind: "null" };

/** Parsed condition expression. */
export type SigmaCondition =
  | { kind: "ref"; name: string }
  | { kind: "and"; operands: SigmaCondition[] }
  | { kind: "or"; operands: SigmaCondition[] }
  | { kind: "not"; operand: SigmaCondition }
  /**
   * `1 of pattern` or `all of pattern`. `pattern` is `them` for `1 of them`
   * and `all of them`, which cover every search identifier not starting
   * with `_`; otherwise `*` in it matches any run of characters.
   */
  | { kind: "quantifier"; quantity: "1" | "all"; pattern: string };
