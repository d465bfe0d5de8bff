/**
 * The two ways Elastic's ingest pipelines turn a Windows command line into
 * `process.args`. They differ, so the same command line gives different
 * arguments in the Sysmon and the Security data streams.
 */

/**
 * Splits a command line the way the Windows integration's Sysmon pipeline
 * does: the CommandLineToArgvW rules, with 2n backslashes before a quote
 * giving n backslashes, and `""` inside quotes giving a literal quote and
 * closing the quoted part (the pre-2008 msvcrt rule). Quotes are removed.
 */
export function splitWindowsCommandLine(commandLine: string): string[] {
  const args: string[] = [];
  let index = 0;
  while (index < commandLine.length) {
    if (isArgvBlank(commandLine[index])) {
      index += 1;
      continue;
    }
    const next = readArgument(commandLine, index);
    args.push(next.arg);
    index = next.end;
  }
  return args;
}

function isArgvBlank(char: string | undefined): boolean {
  return char === " " || char === "\t";
}

function readArgument(
  commandLine: string,
  start: number,
): { arg: string; end: number } {
  let arg = "";
  let inQuote = false;
  let backslashes = 0;
  let index = start;
  for (; index < commandLine.length; index += 1) {
    const char = commandLine[index] as string;
    if (isArgvBlank(char) && !inQuote) {
      return { arg: arg + "\\".repeat(backslashes), end: index + 1 };
    }
    if (char === '"') {
      arg += "\\".repeat(Math.floor(backslashes / 2));
      if (backslashes % 2 === 1) {
        arg += '"';
      } else {
        if (inQuote && commandLine[index + 1] === '"') {
          arg += '"';
          index += 1;
        }
        inQuote = !inQuote;
      }
      backslashes = 0;
    } else if (char === "\\") {
      backslashes += 1;
    } else {
      arg += "\\".repeat(backslashes) + char;
      backslashes = 0;
    }
  }
  return { arg: arg + "\\".repeat(backslashes), end: index };
}

/**
 * Splits a command line the way the System integration's Security pipeline
 * does for event 4688: at every whitespace character outside double quotes,
 * keeping the quote characters in the arguments. Runs of whitespace, and
 * whitespace at the end, give empty arguments, as they do there.
 */
export function splitSecurityCommandLine(commandLine: string): string[] {
  const args: string[] = [];
  let start = 0;
  let inQuote = false;
  for (let index = 0; index < commandLine.length; index += 1) {
    const char = commandLine[index] as string;
    if (char === '"') inQuote = !inQuote;
    if (isJavaWhitespace(char) && !inQuote) {
      args.push(commandLine.slice(start, index));
      start = index + 1;
    }
    if (index === commandLine.length - 1) args.push(commandLine.slice(start));
  }
  return args;
}

/**
 * Java's Character.isWhitespace, which the Painless script calls: the
 * Unicode space, line and paragraph separators other than the no-break
 * spaces, plus tab, line feed, vertical tab, form feed, carriage return and
 * the four information separators U+001C to U+001F.
 */
function isJavaWhitespace(char: string): boolean {
  if (/[\t\n\u000B\f\r\u001C-\u001F]/.test(char)) return true;
  if (char === "\u00A0" || char === "\u2007" || char === "\u202F") return false;
  return /[\p{Zs}\p{Zl}\p{Zp}]/u.test(char);
}
