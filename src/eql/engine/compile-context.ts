/**
 * State shared while one query compiles: the schema, the dialect, the
 * fields the query reads, and errors that point at the query text.
 */
import type { Expr, FieldExpr } from "../ast.js";
import { EqlVerificationError } from "../errors.js";
import { positionOf } from "../token-stream.js";
import { type Accessor, AccessorCache } from "./field-access.js";
import type { FoldCache } from "./fold-cache.js";
import type { SharedConditions } from "./shared-conditions.js";
import type { FieldInfo, Schema, ValueType } from "./schema.js";
import type { NumberKind, Value } from "./values.js";

/** Static type of an expression, known before any event is read. */
export type StaticType =
  | "string"
  | "integer"
  | "float"
  /** A number whose integer or float kind is known only at run time. */
  | "number"
  | "boolean"
  | "date"
  | "ip"
  | "object"
  | "null"
  | "unknown";

/** An expression compiled into a function of the event. */
export interface CompiledValue {
  evaluate: (event: unknown) => Value;
  type: StaticType;
  /** Set when the expression folds to a constant. */
  constant?: { value: Value };
  /** Set when the expression is a plain field reference. */
  field?: FieldReference;
}

export interface FieldReference {
  path: string;
  info: FieldInfo | undefined;
  read: Accessor;
  /** Case folding of this field's values, shared by its tests. */
  foldCache: FoldCache;
}

export interface CompileContext {
  schema: Schema;
  /** Older operators of Elasticsearch's test suites; see ParseOptions. */
  legacy: boolean;
  /** Non-optional fields the query reads, for the unknown-field check. */
  readonly referencedFields: Set<string>;
  /**
   * Field readers, shared by the queries compiled together. Created on
   * first use when the caller gives none.
   */
  accessors?: AccessorCache;
  /** Conditions that the queries of a rule set compile once and share. */
  shared?: SharedConditions;
}

const STATIC_TYPES: Record<ValueType, StaticType> = {
  string: "string",
  integer: "integer",
  float: "float",
  date: "date",
  boolean: "boolean",
  ip: "ip",
  object: "object",
  unknown: "unknown",
};

/** Raises a verification error that points at `node` in the query text. */
export function verificationError(node: object, reason: string): never {
  throw new EqlVerificationError(positionOf(node), reason);
}

/**
 * Compiles a field reference. In a closed schema, an optional field that
 * the index does not have becomes `null`, and any other unknown field is an
 * error, as in Elasticsearch.
 */
export function compileField(
  expr: FieldExpr,
  context: CompileContext,
): CompiledValue {
  const info = context.schema.lookup(expr.path);
  if (info === undefined && context.schema.closed) {
    if (expr.optional) return constantValue(null);
    verificationError(
      expr,
      `unknown field ${expr.path}: the index has no such field; check ` +
        `the name, or write ?${expr.path} to treat it as optional`,
    );
  }
  if (!expr.optional) context.referencedFields.add(expr.path);
  context.accessors ??= new AccessorCache(false);
  const read = context.accessors.get(
    expr.path,
    info,
    context.schema.dynamicStrings,
  );
  const type = info ? STATIC_TYPES[info.valueType] : "unknown";
  return {
    evaluate: read,
    type,
    field: {
      path: expr.path,
      info,
      read,
      foldCache: context.accessors.foldCache(expr.path),
    },
  };
}

export function constantValue(value: Value, type?: StaticType): CompiledValue {
  return {
    evaluate: () => value,
    type: type ?? staticTypeOfConstant(value),
    constant: { value },
  };
}

function staticTypeOfConstant(value: Value): StaticType {
  if (value === null) return "null";
  if (Array.isArray(value)) return "unknown";
  if (typeof value === "string") return "string";
  if (typeof value === "boolean") return "boolean";
  return Number.isInteger(value) ? "integer" : "float";
}

/** Returns the number kind of a static type, or undefined until run time. */
export function numberKindOf(type: StaticType): NumberKind | undefined {
  if (type === "integer") return "integer";
  if (type === "float") return "float";
  return undefined;
}

export function isNumericType(type: StaticType): boolean {
  return type === "integer" || type === "float" || type === "number";
}

/** True for types whose exact comparison Elasticsearch cannot check early. */
export function isOpenType(type: StaticType): boolean {
  return type === "unknown" || type === "null";
}

/** Describes an expression for messages: its field name or its kind. */
export function describe(expr: Expr): string {
  switch (expr.kind) {
    case "field":
      return expr.path;
    case "literal":
      return JSON.stringify(expr.value);
    case "call":
      return `${expr.name}${expr.caseInsensitive ? "~" : ""}(...)`;
    default:
      return `the ${expr.kind} expression`;
  }
}

/**
 * Rejects a text field without a keyword sub-field where an exact value is
 * needed, as Elasticsearch does.
 */
export function requireExact(expr: Expr, value: CompiledValue): void {
  const info = value.field?.info;
  if (info === undefined || info.exact) return;
  verificationError(
    expr,
    `field ${value.field!.path} is of type ${info.mappingType}, which EQL ` +
      "cannot compare exactly: map it as keyword or add a keyword sub-field",
  );
}

/** Names a static type with its article: "a string", "an integer". */
export function withArticle(type: StaticType): string {
  return /^[aeiou]/.test(type) ? `an ${type}` : `a ${type}`;
}
