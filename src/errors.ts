/**
 * Base class of every error this tool raises on purpose. The CLI prints the
 * message of a DetectionsError without a stack trace unless `--debug` is set.
 */
export class DetectionsError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** Invalid user input: a file, an option or a value the user can fix. */
export class InputError extends DetectionsError {}

/** Missing configuration, such as a Kibana URL or credentials. */
export class ConfigurationError extends DetectionsError {}
