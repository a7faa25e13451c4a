import type { PipelineInput } from "./pipeline.js";

/**
 * Declares a pipeline in TypeScript with full type checking and editor
 * completion. It returns the spec unchanged: validation happens when pipegen
 * loads the file, with the same schema as YAML specs.
 *
 * @example
 * export default definePipeline({ id: "sales", airflowVersion: "3.0.6", schedule: "@daily", ... });
 */
export function definePipeline<const T extends PipelineInput>(spec: T): T {
  return spec;
}

/**
 * zod, as pipegen uses it: a template's `config` schema is built with this
 * `z`, so pipegen can validate it and describe it as JSON Schema whatever
 * copy of zod the project has.
 */
export { z } from "zod";
export { defineTemplate, type StepTemplate, type TemplateDefinition } from "./template.js";
