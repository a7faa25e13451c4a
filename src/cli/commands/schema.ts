import type { Command } from "commander";
import { writeOutputFile } from "../../write/files.js";

export function registerSchema(program: Command): void {
  program
    .command("schema")
    .description("print or write the JSON Schema of pipeline specs, for YAML editor completion")
    .option("-o, --out <file>", "write to a file instead of standard output")
    .addHelpText(
      "after",
      "\nExamples:\n  pipegen schema --out schema/pipeline.schema.json\n  # then, first line of a YAML spec:\n  # yaml-language-server: $schema=../schema/pipeline.schema.json",
    )
    .action(async (opts: { out?: string }) => {
      const { pipelineJsonSchema } = await import("../../spec/json-schema.js");
      const text = pipelineJsonSchema();
      if (!opts.out) {
        process.stdout.write(text);
        return;
      }
      await writeOutputFile(opts.out, text);
    });
}
