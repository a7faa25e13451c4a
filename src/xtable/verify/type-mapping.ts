/**
 * The Delta → Iceberg type mapping that `pipegen xtable verify` checks, as
 * Apache XTable 0.4.0 applies it (Delta Kernel source
 * `DeltaKernelSchemaExtractor` → `InternalType` → `IcebergSchemaExtractor`).
 * README.md ("pipegen xtable verify") carries the same table.
 *
 * | Delta                   | Iceberg                                    |
 * | ----------------------- | ------------------------------------------ |
 * | boolean                 | boolean                                    |
 * | byte, short             | none: XTable rejects them (refused)        |
 * | integer                 | int                                        |
 * | long                    | long                                       |
 * | float                   | float                                      |
 * | double                  | double                                     |
 * | decimal(p,s)            | decimal(p, s)                              |
 * | string                  | string                                     |
 * | binary                  | binary                                     |
 * | date                    | date                                       |
 * | timestamp               | timestamptz                                |
 * | timestamp_ntz           | timestamp                                  |
 * | struct                  | struct (same field names, in order)        |
 * | array (containsNull)    | list (element-required = !containsNull)    |
 * | map (valueContainsNull) | map (key required, value-required = !valueContainsNull) |
 * | anything else (variant) | none: unsupported (refused)                |
 *
 * Nullability: an Iceberg field is `required` exactly when the Delta field
 * is not `nullable`. Generated columns are dropped by XTable and are refused.
 */
import type { DeltaType } from "./delta-schema.js";
import type { IcebergType } from "./iceberg-metadata.js";

/** Delta primitive type name → Iceberg primitive type name. */
export const DELTA_TO_ICEBERG_PRIMITIVES: Readonly<Record<string, string>> = {
  boolean: "boolean",
  integer: "int",
  long: "long",
  float: "float",
  double: "double",
  string: "string",
  binary: "binary",
  date: "date",
  timestamp: "timestamptz",
  timestamp_ntz: "timestamp",
};

const DECIMAL = /^decimal\(\s*(\d+)\s*,\s*(-?\d+)\s*\)$/;

/** The Iceberg primitive a Delta primitive maps to, or null when XTable cannot translate it. */
export function icebergPrimitiveFor(deltaType: string): string | null {
  const decimal = DECIMAL.exec(deltaType);
  if (decimal) return `decimal(${decimal[1]}, ${decimal[2]})`;
  return DELTA_TO_ICEBERG_PRIMITIVES[deltaType] ?? null;
}

/** Iceberg writes `decimal(10, 2)`; other writers may drop the space. */
export function normaliseIcebergPrimitive(type: string): string {
  return type.replace(/\s+/g, "").replace(/^decimal\((\d+),(-?\d+)\)$/, "decimal($1, $2)");
}

/** A short rendering of a type for reports: primitives as they are, nested types by kind. */
export function describeDelta(type: DeltaType): string {
  return typeof type === "string" ? type : type.type;
}

export function describeIceberg(type: IcebergType): string {
  return typeof type === "string" ? normaliseIcebergPrimitive(type) : type.type;
}
