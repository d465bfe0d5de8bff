import { readFileSync } from "node:fs";
import type { KibanaRule } from "../../src/kibana/rule.js";

const base: KibanaRule = JSON.parse(
  readFileSync("test/fixtures/kibana/rule/expected.rule.json", "utf8"),
);

/** Returns a valid built rule body with a distinct rule_id and name per index. */
export function kibanaRule(
  index: number,
  overrides: Partial<KibanaRule> = {},
): KibanaRule {
  const suffix = String(index).padStart(4, "0");
  return {
    ...structuredClone(base),
    rule_id: `00000000-0000-4000-8000-00000000${suffix}`,
    name: `Generated rule ${suffix}`,
    query: `process where process.name : "tool-${suffix}.exe"`,
    ...overrides,
  };
}
