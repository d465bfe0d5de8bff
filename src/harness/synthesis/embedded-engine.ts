/**
 * The embedded EQL engine as event synthesis uses it: a rule matches an
 * event when its index patterns cover the event's data stream and its
 * compiled query matches the document. Compiled queries are cached per
 * rule and per condition node.
 */
import type { Expr } from "../../eql/ast.js";
import { compileQuery, type CompiledQuery } from "../../eql/engine/index.js";
import { matchesIndexPatterns } from "../index-pattern.js";
import type { SynthesisEngine, SynthesisRule } from "../synthesize.js";
import type { EcsDocument } from "../winlog.js";

/** Creates the embedded engine adapter for synthesis. */
export function embeddedSynthesisEngine(): SynthesisEngine {
  const rules = new WeakMap<SynthesisRule, CompiledQuery>();
  const conditions = new WeakMap<Expr, CompiledQuery>();
  return {
    matchesRule(
      rule: SynthesisRule,
      document: EcsDocument,
      index: string,
    ): boolean {
      if (!matchesIndexPatterns(index, rule.index)) return false;
      let compiled = rules.get(rule);
      if (!compiled) {
        compiled = compileQuery(rule.query);
        rules.set(rule, compiled);
      }
      return compiled.matches(document);
    },
    holds(condition: Expr, document: EcsDocument): boolean {
      let compiled = conditions.get(condition);
      if (!compiled) {
        compiled = compileQuery({
          kind: "event",
          category: "any",
          condition,
          pipes: [],
        });
        conditions.set(condition, compiled);
      }
      return compiled.matches(document);
    },
  };
}
