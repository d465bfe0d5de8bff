import { InputError } from "../../errors.js";

/**
 * A Windows event record that cannot be turned into an ECS document. The
 * message names the file, the 1-based record number and the field.
 */
export class WinlogRecordError extends InputError {
  constructor(
    readonly file: string,
    readonly record: number,
    /** Path of the field inside the record, or null for JSON syntax. */
    readonly field: string | null,
    problem: string,
    options?: { cause?: unknown },
  ) {
    const where = field === null ? "" : ` ${field}:`;
    super(`${file} record ${record}:${where} ${problem}`, options);
  }
}
