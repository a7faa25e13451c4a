import type { Command } from "commander";
import { configOption } from "../shared.js";

export function registerSchema(program: Command): void {
  program
    .command("schema")
    .description(
      "print or write the JSON Schema of pipeline specs, for YAML editor completion; in a project with environments, it lists the ${env.<name>} references the config declares",
    )
    .option("-o, --out <file>", "write to a file instead of standard output (only a new file, or one pipegen wrote)")
    .addOption(configOption())
    .option(
      "--templates <folder>",
      "include the step templates (*.template.ts) under this folder: each `use:` gets its config schema",
    )
    .addHelpText(
      "after",
      "\nExamples:\n  pipegen schema --out schema/pipeline.schema.json\n  # then, first line of a YAML spec:\n  # yaml-language-server: $schema=../schema/pipeline.schema.json\n  pipegen schema --templates pipelines --out schema/pipeline.schema.json",
    )
    .action(async (opts: { out?: string; config?: string; templates?: string }) => {
      const { pipelineJsonSchema } = await import("../../spec/json-schema.js");
      const { loadProjectConfig } = await import("../../validate/config.js");
      const config = await loadProjectConfig(process.cwd(), opts.config);
      const names = new Set([...(config?.environments.values() ?? [])].flatMap((e) => [...e.values.keys()]));
      let templates: import("../../spec/template.js").StepTemplate[] = [];
      if (opts.templates !== undefined) {
        const { loadStepTemplates } = await import("../../pipeline-run.js");
        templates = await loadStepTemplates({ paths: [opts.templates] });
      }
      const text = pipelineJsonSchema({ ...(names.size > 0 ? { envValues: [...names] } : {}), templates });
      if (!opts.out) {
        process.stdout.write(text);
        return;
      }
      const { writeOwnedFile } = await import("../../write/index.js");
      await writeOwnedFile(opts.out, text, "schema", `--out ${opts.out}`);
    });
}
