/**
 * Container output of the live stack. The global setup collects it, and the
 * test files, which run in other processes, read it from files.
 */
import { appendFileSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";

const keptLogLines = 300;

/**
 * Keeps the last lines of each container's output in memory, for the error
 * of a failed start, and appends all of it to `<directory>/<service>.log`,
 * so that test files in other processes can print it.
 */
export class ContainerLogs {
  private readonly lines = new Map<string, string[]>();
  /** Text after each container's last newline, which the next chunk ends. */
  private readonly partial = new Map<string, string>();

  constructor(readonly directory: string) {}

  consume(name: string, stream: NodeJS.ReadableStream): void {
    const kept = this.lines.get(name) ?? [];
    this.lines.set(name, kept);
    const file = path.join(this.directory, `${name}.log`);
    stream.on("data", (chunk: Buffer | string) => {
      appendFileSync(file, chunk);
      const text = (this.partial.get(name) ?? "") + chunk.toString();
      const end = text.lastIndexOf("\n") + 1;
      this.partial.set(name, text.slice(end));
      kept.push(...splitLines(text.slice(0, end)));
      if (kept.length > keptLogLines)
        kept.splice(0, kept.length - keptLogLines);
    });
  }

  render(): string {
    const lines = new Map<string, string[]>();
    for (const [name, kept] of this.lines) {
      const partial = this.partial.get(name) ?? "";
      lines.set(name, partial ? [...kept, partial] : kept);
    }
    return renderSections(lines);
  }
}

function splitLines(text: string): string[] {
  return text.split("\n").filter((line) => line);
}

function renderSections(lines: Map<string, string[]>): string {
  const sections = [...lines].map(
    ([name, kept]) =>
      `----- last ${kept.length} log lines of ${name} -----\n${kept.join("\n")}`,
  );
  return sections.join("\n");
}

/**
 * Returns the last lines of each `<service>.log` file in `logDirectory`, one
 * section per container, or a hint when the tests did not start the stack
 * and so have no log folder.
 */
export function readContainerLogs(logDirectory: string | null): string {
  if (logDirectory === null) {
    return (
      "container logs are not collected for a stack started outside the " +
      "tests: run `npm run stack:logs`"
    );
  }
  const lines = new Map<string, string[]>();
  const files = readdirSync(logDirectory).filter((file) =>
    file.endsWith(".log"),
  );
  for (const file of files.sort()) {
    const text = readFileSync(path.join(logDirectory, file), "utf8");
    lines.set(
      file.slice(0, -".log".length),
      splitLines(text).slice(-keptLogLines),
    );
  }
  return renderSections(lines);
}
