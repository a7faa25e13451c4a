/**
 * Delta table schemas as the Delta protocol writes them in `metaData.schemaString`
 * ("Schema Serialization Format"): a struct of fields whose types are either a
 * primitive name (`long`, `decimal(10,2)`, `timestamp_ntz`) or a nested
 * struct / array / map object.
 */

/** A Delta data type. */
export type DeltaType = string | DeltaStructType | DeltaArrayType | DeltaMapType;

export interface DeltaField {
  readonly name: string;
  readonly type: DeltaType;
  readonly nullable: boolean;
  readonly metadata: Readonly<Record<string, unknown>>;
}

export interface DeltaStructType {
  readonly type: "struct";
  readonly fields: readonly DeltaField[];
}

export interface DeltaArrayType {
  readonly type: "array";
  readonly elementType: DeltaType;
  readonly containsNull: boolean;
}

export interface DeltaMapType {
  readonly type: "map";
  readonly keyType: DeltaType;
  readonly valueType: DeltaType;
  readonly valueContainsNull: boolean;
}

/**
 * Parses `schemaString`.
 * @throws {Error} with what is malformed
 */
export function parseDeltaSchema(schemaString: string): DeltaStructType {
  const root: unknown = JSON.parse(schemaString);
  const type = checkType(root, "schema");
  if (typeof type === "string" || type.type !== "struct") throw new Error("the schema is not a struct");
  return type;
}

function checkType(value: unknown, where: string): DeltaType {
  if (typeof value === "string") return value;
  if (typeof value !== "object" || value === null) throw new Error(`${where}: a type must be a name or an object`);
  const v = value as Record<string, unknown>;
  switch (v.type) {
    case "struct": {
      if (!Array.isArray(v.fields)) throw new Error(`${where}: a struct needs a 'fields' list`);
      const fields = v.fields.map((f: unknown, i) => {
        if (typeof f !== "object" || f === null) throw new Error(`${where}.fields[${i}] is not an object`);
        const field = f as Record<string, unknown>;
        if (typeof field.name !== "string") throw new Error(`${where}.fields[${i}] has no name`);
        const path = where === "schema" ? field.name : `${where}.${field.name}`;
        return {
          name: field.name,
          type: checkType(field.type, path),
          nullable: field.nullable !== false,
          metadata:
            typeof field.metadata === "object" && field.metadata !== null
              ? (field.metadata as Record<string, unknown>)
              : {},
        };
      });
      return { type: "struct", fields };
    }
    case "array":
      return {
        type: "array",
        elementType: checkType(v.elementType, `${where}.element`),
        containsNull: v.containsNull !== false,
      };
    case "map":
      return {
        type: "map",
        keyType: checkType(v.keyType, `${where}.key`),
        valueType: checkType(v.valueType, `${where}.value`),
        valueContainsNull: v.valueContainsNull !== false,
      };
    default:
      throw new Error(`${where}: unknown nested type ${JSON.stringify(v.type)}`);
  }
}

/** Visits every field, nested ones included, with its dotted path (`s.a`, `l.element.x`). */
export function* walkFields(struct: DeltaStructType, prefix = ""): Generator<{ path: string; field: DeltaField }> {
  for (const field of struct.fields) {
    const path = prefix ? `${prefix}.${field.name}` : field.name;
    yield { path, field };
    yield* walkNested(field.type, path);
  }
}

function* walkNested(type: DeltaType, path: string): Generator<{ path: string; field: DeltaField }> {
  if (typeof type === "string") return;
  if (type.type === "struct") yield* walkFields(type, path);
  else if (type.type === "array") yield* walkNested(type.elementType, `${path}.element`);
  else {
    yield* walkNested(type.keyType, `${path}.key`);
    yield* walkNested(type.valueType, `${path}.value`);
  }
}

/** Every primitive type name used in a type, with where it is used. */
export function* primitiveTypes(type: DeltaType, path: string): Generator<{ path: string; name: string }> {
  if (typeof type === "string") yield { path, name: type };
  else if (type.type === "struct")
    for (const f of type.fields) yield* primitiveTypes(f.type, path ? `${path}.${f.name}` : f.name);
  else if (type.type === "array") yield* primitiveTypes(type.elementType, `${path}.element`);
  else {
    yield* primitiveTypes(type.keyType, `${path}.key`);
    yield* primitiveTypes(type.valueType, `${path}.value`);
  }
}
