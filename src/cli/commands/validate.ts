import type { Command } from "commander";
import { SpecError } from "../../errors.js";
import type { AirflowVersion } from "../../spec/airflow-versions.js";
import { airflowVersionOption, color } from "../shared.js";

export function registerValidate(program: Command): void {
  program
    .command("validate")
    .description("check specs and report every problem in every file")
    .argument("[paths...]", "spec files or folders", ["pipelines"])
    .addOption(airflowVersionOption())
    .option("-q, --quiet", "print nothing on success")
    .option(
      "--json",
      'print {"valid", "pipelines", "problems"} as JSON on standard output (problems still go to stderr too)',
    )
    .addHelpText(
      "after",
      "\nExamples:\n  pipegen validate\n  pipegen validate pipelines/products.pipeline.ts\n  pipegen validate --json | jq '.problems[].message'",
    )
    .action(async (paths: string[], opts: { airflowVersion?: AirflowVersion; quiet?: boolean; json?: boolean }) => {
      try {
        const { validatePipelines } = await import("../../pipeline-run.js");
        const pipelines = await validatePipelines({ paths, airflowVersion: opts.airflowVersion });
        const { specWarnings } = await import("../../validate/warnings.js");
        const { placeProblem } = await import("../../problem.js");
        const locators = new Map(pipelines.map((p) => [p.file, p.locate]));
        const warnings = specWarnings(pipelines).map((w) => placeProblem(w, locators.get(w.file)!));
        for (const w of warnings)
          process.stderr.write(`${color.yellow("warning")} ${w.file}:${w.line}:${w.column} ${w.path}: ${w.message}\n`);
        if (opts.json) {
          const summary = pipelines.map((p) => ({ id: p.pipeline.id, file: p.file, airflowVersion: p.target.version }));
          process.stdout.write(
            `${JSON.stringify({ valid: true, pipelines: summary, problems: [], ...(warnings.length > 0 ? { warnings } : {}) }, null, 2)}\n`,
          );
        } else if (!opts.quiet)
          process.stdout.write(
            `${color.green("✓")} ${pipelines.length} pipeline${pipelines.length === 1 ? "" : "s"} valid\n`,
          );
      } catch (error) {
        if (opts.json && error instanceof SpecError)
          process.stdout.write(
            `${JSON.stringify({ valid: false, pipelines: [], problems: error.problems }, null, 2)}\n`,
          );
        throw error;
      }
    });
}
