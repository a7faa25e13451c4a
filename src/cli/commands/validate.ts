import type { Command } from "commander";
import { validatePipelines } from "../../pipeline-run.js";
import type { AirflowVersion } from "../../spec/airflow-versions.js";
import { airflowVersionOption, color } from "../shared.js";

export function registerValidate(program: Command): void {
  program
    .command("validate")
    .description("check specs and report every problem in every file")
    .argument("[paths...]", "spec files or folders", ["pipelines"])
    .addOption(airflowVersionOption())
    .option("-q, --quiet", "print nothing on success")
    .addHelpText("after", "\nExamples:\n  pipegen validate\n  pipegen validate pipelines/products.pipeline.ts")
    .action(async (paths: string[], opts: { airflowVersion?: AirflowVersion; quiet?: boolean }) => {
      const pipelines = await validatePipelines({ paths, airflowVersion: opts.airflowVersion });
      if (!opts.quiet) process.stdout.write(`${color.green("✓")} ${pipelines.length} pipeline${pipelines.length === 1 ? "" : "s"} valid\n`);
    });
}
