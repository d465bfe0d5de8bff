/**
 * Reads expected verdicts from a TSV file: a header row, a column
 * `event.id`, and one column per rule named by the rule's key (its file name
 * in `rules/` without `.yml`) holding `alert` or `no_alert`. Other columns,
 * such as a `why` column, are ignored.
 */
import { InputError } from "../errors.js";

export type Verdict = "alert" | "no_alert";

/** Expected verdicts by event id and rule key. */
export interface Expectations {
  file: string;
  /** Rule keys that have a column in the file, in column order. */
  rules: string[];
  /** Event ids in file order. */
  eventIds: string[];
  /** Verdict of each listed event for each rule column. */
  verdicts: Map<string, Map<string, Verdict>>;
}

/** A line of an expectations file that cannot be read. */
export class ExpectationFileError extends InputError {
  constructor(
    readonly file: string,
    readonly line: number,
    readonly problem: string,
  ) {
    super(`${file}:${line}: ${problem}`);
  }
}

const EVENT_ID = "event.id";
const verdictValues: readonly string[] = ["alert", "no_alert"];

/**
 * Parses expectations for the given rule keys. Throws ExpectationFileError
 * naming file:line for a missing `event.id` column, a file with no column
 * for any of the rules, a short row, an empty or repeated event id, or a
 * verdict other than `alert` or `no_alert`.
 */
export function parseExpectations(
  text: string,
  file: string,
  ruleKeys: readonly string[],
): Expectations {
  const rows = text
    .replace(/^\uFEFF/, "")
    .split("\n")
    .map((row) => row.replace(/\r$/, ""));
  const header = rows[0]?.split("\t") ?? [];
  const idColumn = header.indexOf(EVENT_ID);
  if (idColumn === -1) {
    throw new ExpectationFileError(
      file,
      1,
      `the header has no "${EVENT_ID}" column (found: ${header.join(", ") || "nothing"}). The first row must name the columns, separated by tabs.`,
    );
  }
  const ruleColumns = findRuleColumns(header, file, ruleKeys);
  const expectations: Expectations = {
    file,
    rules: ruleColumns.map(([rule]) => rule),
    eventIds: [],
    verdicts: new Map(),
  };
  rows.slice(1).forEach((row, offset) => {
    if (row.trim() === "") return;
    readRow(row.split("\t"), offset + 2, idColumn, ruleColumns, expectations);
  });
  return expectations;
}

function findRuleColumns(
  header: string[],
  file: string,
  ruleKeys: readonly string[],
): [string, number][] {
  const columns: [string, number][] = [];
  header.forEach((name, column) => {
    if (!ruleKeys.includes(name)) return;
    if (columns.some(([rule]) => rule === name)) {
      throw new ExpectationFileError(
        file,
        1,
        `the header names column "${name}" twice.`,
      );
    }
    columns.push([name, column]);
  });
  if (columns.length === 0) {
    throw new ExpectationFileError(
      file,
      1,
      `no column is named after a rule (found: ${header.join(", ")}; rules: ${ruleKeys.join(", ")}). Name each verdict column after a rule file in rules/ without .yml.`,
    );
  }
  return columns;
}

function readRow(
  cells: string[],
  line: number,
  idColumn: number,
  ruleColumns: [string, number][],
  expectations: Expectations,
): void {
  const { file } = expectations;
  const needed =
    Math.max(idColumn, ...ruleColumns.map(([, column]) => column)) + 1;
  if (cells.length < needed) {
    throw new ExpectationFileError(
      file,
      line,
      `the row has ${cells.length} cells but the header needs at least ${needed}. Separate the cells with tabs.`,
    );
  }
  const id = cells[idColumn]?.trim() ?? "";
  if (id === "") {
    throw new ExpectationFileError(
      file,
      line,
      `the "${EVENT_ID}" cell is empty.`,
    );
  }
  if (expectations.verdicts.has(id)) {
    throw new ExpectationFileError(
      file,
      line,
      `event id "${id}" is listed twice.`,
    );
  }
  const verdicts = new Map<string, Verdict>();
  for (const [rule, column] of ruleColumns) {
    verdicts.set(rule, readVerdict(cells[column] ?? "", rule, file, line));
  }
  expectations.eventIds.push(id);
  expectations.verdicts.set(id, verdicts);
}

function readVerdict(
  cell: string,
  rule: string,
  file: string,
  line: number,
): Verdict {
  const value = cell.trim();
  if (verdictValues.includes(value)) return value as Verdict;
  throw new ExpectationFileError(
    file,
    line,
    `column "${rule}" holds ${JSON.stringify(value)}; expected alert or no_alert.`,
  );
}

/** Returns the expected verdict, or null when the file gives none. */
export function expectedVerdict(
  expectations: Expectations | undefined,
  eventId: string,
  rule: string,
): Verdict | null {
  return expectations?.verdicts.get(eventId)?.get(rule) ?? null;
}
