/** The JSON Schema of a spec, for YAML editor completion and checks. */
import { z } from "zod";
import { pipelineFields, pipelineSource } from "./pipeline.js";
import { step } from "./steps/index.js";
import { type StepTemplate, templateStep } from "./template.js";

export const SCHEMA_ID = "https://pipegen.dev/schema/pipeline.schema.json";

/**
 * The spec's JSON Schema as formatted JSON text (what a spec author writes:
 * input types). Without templates, a template step's `with:` is any mapping;
 * given the project's templates, each `use:` value gets its template's own
 * config schema, so an editor checks and completes `with:` too.
 */
export function pipelineJsonSchema(templates: readonly StepTemplate[] = []): string {
  const source =
    templates.length === 0
      ? pipelineSource
      : z.strictObject({
          ...pipelineFields,
          steps: z.array(z.union([step, ...templates.map(instanceOf)])).min(1),
        });
  const schema = z.toJSONSchema(source, { io: "input", unrepresentable: "any", target: "draft-2020-12" });
  return `${JSON.stringify({ ...schema, $id: SCHEMA_ID, title: "pipegen pipeline spec" }, null, 2)}\n`;
}

/** A template step that uses exactly this template and version. */
function instanceOf(template: StepTemplate) {
  return templateStep.extend({
    use: z.literal(`${template.name}@${template.version}`),
    with: template.config,
  });
}
