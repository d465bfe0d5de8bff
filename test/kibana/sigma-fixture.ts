import type { SigmaRule } from "../../src/sigma/model.js";

/** Returns a minimal validated Sigma rule (metadata only) for Kibana stage tests. */
export function sigmaRule(overrides: Partial<SigmaRule> = {}): SigmaRule {
  return {
    file: "rules/example.yml",
    title: "Mofcomp execution with a MOF argument",
    id: "0f6f3c1e-5d0e-4f55-9c3b-1f6f0c2a8b10",
    description: "Detects mofcomp.exe compiling a MOF file.",
    author: "Alice Example, Bob Example",
    references: ["https://example.org/mofcomp"],
    tags: ["attack.execution", "attack.t1047"],
    level: "medium",
    falsepositives: ["Software installers"],
    fields: [],
    logsource: { product: "windows", category: "process_creation" },
    detection: {
      searches: new Map(),
      condition: { kind: "ref", name: "selection" },
      conditionText: "selection",
    },
    lines: {},
    ...overrides,
  };
}
