/**
 * Public API of the embedded EQL engine: compile a query once, then test
 * events with `matches` or stream them through `run()`.
 */
export {
  compileQuery,
  type CompiledQuery,
  type EngineOptions,
} from "./query.js";
export type { Hit, HitGroup, QueryResult, QueryRun } from "./results.js";
export { compileRuleSet, type RuleSet } from "./rule-set.js";
export type { OrderKey } from "./ordering.js";
export { compareOrderKeys, sortByOrder } from "./ordering.js";
export {
  ecsSchema,
  schemaFromMapping,
  type FieldInfo,
  type Schema,
} from "./schema.js";
export type { Scalar, Value } from "./values.js";
