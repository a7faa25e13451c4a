import { type Command, Option } from "commander";
import { UserError } from "../../errors.js";
import type { DiagramFormat } from "../../render/diagram.js";
import { configOption, envOption } from "../shared.js";

export function registerGraph(program: Command): void {
  program
    .command("graph")
    .description("draw a pipeline's task graph as Mermaid (default) or Graphviz DOT")
    .argument("<spec>", "one spec file")
    .addOption(new Option("-f, --format <format>", "diagram language").choices(["mermaid", "dot"]).default("mermaid"))
    .option("-o, --out <file>", "write to a file instead of standard output (only a new file, or one pipegen wrote)")
    .addOption(envOption())
    .addOption(configOption())
    .addHelpText(
      "after",
      "\nExamples:\n  pipegen graph pipelines/products.pipeline.ts\n  pipegen graph pipelines/sales.pipeline.yaml --format dot | dot -Tsvg > sales.svg",
    )
    .action(async (spec: string, opts: { format: DiagramFormat; out?: string; env?: string; config?: string }) => {
      const { validatePipelines } = await import("../../pipeline-run.js");
      const { renderDiagram } = await import("../../render/diagram.js");
      const { taskGraph } = await import("../../render/task-graph.js");
      const pipelines = await validatePipelines({ paths: [spec], env: opts.env, config: opts.config });
      if (pipelines.length !== 1)
        throw new UserError(`${spec} holds ${pipelines.length} specs; graph draws one pipeline at a time`);
      const [pipeline] = pipelines;
      const text = renderDiagram(taskGraph(pipeline!), pipeline!.pipeline.id, opts.format);
      if (!opts.out) {
        process.stdout.write(text);
        return;
      }
      const { writeOwnedFile } = await import("../../write/index.js");
      await writeOwnedFile(opts.out, text, "graph", `--out ${opts.out}`);
    });
}
