/**
 * Index-pattern matching as Elasticsearch resolves a search target such as a
 * rule's `index` list. `*` matches any run of characters and names compare
 * case-sensitively. An entry may contain comma-separated expressions, and an
 * expression starting with `-` removes the names that the expressions before
 * it matched.
 */

function wildcardToRegExp(pattern: string): RegExp {
  const source = pattern
    .split("*")
    .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, "\\$&"))
    .join(".*");
  return new RegExp(`^${source}$`, "s");
}

/** Returns whether an index or data stream name is one of the targets. */
export function matchesIndexPatterns(
  name: string,
  patterns: readonly string[],
): boolean {
  let matched = false;
  const expressions = patterns.flatMap((entry) => entry.split(","));
  expressions.forEach((raw, position) => {
    const expression = raw.trim();
    if (expression === "") return;
    // A leading "-" excludes only after an earlier expression; first in the
    // list it is part of a name.
    if (expression.startsWith("-") && position > 0) {
      if (wildcardToRegExp(expression.slice(1)).test(name)) matched = false;
      return;
    }
    if (wildcardToRegExp(expression).test(name)) matched = true;
  });
  return matched;
}
