/** The JSON Schema of a spec, for YAML editor completion and checks. */
import { z } from "zod";
import { ENV_FIXED_KEYS } from "./fixed-keys.js";
import { pipelineFields, pipelineSource } from "./pipeline.js";
import { step } from "./steps/index.js";
import { type StepTemplate, templateStep } from "./template.js";

export const SCHEMA_ID = "https://pipegen.dev/schema/pipeline.schema.json";

/** What a reference to an environment value looks like in a spec: a whole string. */
export const ENV_REFERENCE_PATTERN = "^\\$\\{env\\.[A-Za-z][A-Za-z0-9_]*\\}$";

type JsonSchema = { [key: string]: unknown };

export interface JsonSchemaOptions {
  /**
   * The values the project's environments declare: the schema then lists
   * `${env.<name>}` for each, so that editors complete and check them.
   * Without it, any well-formed reference is accepted.
   */
  readonly envValues?: readonly string[];
  /**
   * The project's step templates: each `use:` value then gets its template's
   * own config schema, so an editor checks and completes `with:` too.
   * Without them, a template step's `with:` is any mapping.
   */
  readonly templates?: readonly StepTemplate[];
}

/**
 * The spec's JSON Schema as formatted JSON text (what a spec author writes:
 * input types). Wherever a value must be a number, a switch or a string of a
 * given shape, it may also be a reference to an environment value,
 * `${env.<name>}` (defined once, in `$defs.envReference`); a string of a
 * given shape (an ARN, a bucket name) may also be text that holds references
 * (`$defs.envText`), checked by pipegen once the values are in; free text
 * may contain references anyway.
 */
export function pipelineJsonSchema(options: JsonSchemaOptions = {}): string {
  const templates = options.templates ?? [];
  const source =
    templates.length === 0
      ? pipelineSource
      : z.strictObject({
          ...pipelineFields,
          steps: z.array(z.union([step, ...templates.map(instanceOf)])).min(1),
        });
  const schema = z.toJSONSchema(source, { io: "input", unrepresentable: "any", target: "draft-2020-12" });
  const envReference: JsonSchema = {
    description:
      "A value of the environment the spec is rendered for (pipegen render --env <name>), declared in pipegen.config",
    type: "string",
    ...(options.envValues
      ? { enum: [...options.envValues].sort().map((name) => `\${env.${name}}`) }
      : { pattern: ENV_REFERENCE_PATTERN }),
  };
  // Text that holds a reference (s3://${env.lakeBucket}/x) is checked once the value is in: only the names here.
  const names = options.envValues ? `(?:${[...options.envValues].sort().join("|")})` : "[A-Za-z][A-Za-z0-9_]*";
  const envText: JsonSchema = {
    description:
      "Text that holds ${env.<name>} references, checked (as the spec's own text) once each value is in place",
    type: "string",
    pattern: "\\$\\{env\\.",
    not: { pattern: `\\$\\{env\\.(?!${names}\\})` },
  };
  const withReferences = allowReferences(schema as JsonSchema);
  // zod puts recursive schemas (a param's JSON default) in $defs: they stay, beside the reference.
  const { $schema, $defs, ...rest } = withReferences;
  return `${JSON.stringify(
    {
      $schema,
      $id: SCHEMA_ID,
      title: "pipegen pipeline spec",
      ...rest,
      $defs: { ...($defs as JsonSchema | undefined), envReference, envText },
    },
    null,
    2,
  )}\n`;
}

const REFERENCE = { $ref: "#/$defs/envReference" };
const TEXT_WITH_REFERENCES = { $ref: "#/$defs/envText" };
/** Keywords that constrain a string's shape: text with a reference in it may still fit once the value is in. */
const SHAPE_CONSTRAINTS = ["pattern", "format", "maxLength"];
const SCALARS = new Set(["string", "number", "integer", "boolean", "null"]);
/** Keywords that constrain a string: a reference would not satisfy them. */
const STRING_CONSTRAINTS = ["pattern", "enum", "const", "format", "maxLength"];

/** True for a schema of scalars only (possibly a union of them). */
function isScalar(node: JsonSchema): boolean {
  if (Array.isArray(node.anyOf)) return (node.anyOf as JsonSchema[]).every(isScalar);
  const types = Array.isArray(node.type) ? node.type : node.type === undefined ? [] : [node.type];
  if (types.length === 0) return node.enum !== undefined || node.const !== undefined;
  return types.every((t) => SCALARS.has(t as string));
}

/** True when a string reference would not already satisfy the scalar schema. */
function refusesReference(node: JsonSchema): boolean {
  if (Array.isArray(node.anyOf)) return (node.anyOf as JsonSchema[]).every(refusesReference);
  const types = Array.isArray(node.type) ? node.type : [node.type];
  if (!types.includes("string")) return true;
  return STRING_CONSTRAINTS.some((k) => node[k] !== undefined);
}

/** The schema with every scalar that a reference would not satisfy widened to accept one. */
function allowReferences(node: JsonSchema): JsonSchema {
  const out: JsonSchema = {};
  for (const [key, value] of Object.entries(node)) {
    if (key === "properties" && value && typeof value === "object")
      out[key] = Object.fromEntries(
        Object.entries(value as Record<string, JsonSchema>).map(([name, sub]) => [
          name,
          ENV_FIXED_KEYS.has(name) ? sub : widen(sub),
        ]),
      );
    else if ((key === "items" || key === "additionalProperties") && value && typeof value === "object")
      out[key] = widen(value as JsonSchema);
    else if ((key === "anyOf" || key === "oneOf") && Array.isArray(value))
      out[key] = (value as JsonSchema[]).map(allowReferences);
    else out[key] = value;
  }
  return out;
}

function widen(node: JsonSchema): JsonSchema {
  if (!isScalar(node)) return allowReferences(node);
  if (!refusesReference(node)) return node;
  // Annotations stay on the outside, where editors show them.
  const { default: byDefault, description, ...constraint } = node;
  const alternatives = Array.isArray(constraint.anyOf) ? (constraint.anyOf as JsonSchema[]) : [constraint];
  const shaped = alternatives.some((a) => a.type === "string" && SHAPE_CONSTRAINTS.some((k) => a[k] !== undefined));
  return {
    ...(description === undefined ? {} : { description }),
    ...(byDefault === undefined ? {} : { default: byDefault }),
    // The whole reference stays listed beside text with references: editors complete the names from it.
    anyOf: [...alternatives, REFERENCE, ...(shaped ? [TEXT_WITH_REFERENCES] : [])],
  };
}

/** A template step that uses exactly this template and version. */
function instanceOf(template: StepTemplate) {
  return templateStep.extend({
    use: z.literal(`${template.name}@${template.version}`),
    with: template.config,
  });
}
