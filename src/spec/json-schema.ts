/** The JSON Schema of a spec, for YAML editor completion and checks. */
import { z } from "zod";
import { pipeline } from "./pipeline.js";

export const SCHEMA_ID = "https://pipegen.dev/schema/pipeline.schema.json";

/** The spec's JSON Schema as formatted JSON text (what a spec author writes: input types). */
export function pipelineJsonSchema(): string {
  const schema = z.toJSONSchema(pipeline, { io: "input", unrepresentable: "any", target: "draft-2020-12" });
  return `${JSON.stringify({ ...schema, $id: SCHEMA_ID, title: "pipegen pipeline spec" }, null, 2)}\n`;
}
