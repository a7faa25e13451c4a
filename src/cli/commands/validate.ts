import type { Command } from "commander";
import { SpecError } from "../../errors.js";
import type { AirflowVersion } from "../../spec/airflow-versions.js";
import { airflowVersionOption, color, configOption, envOption } from "../shared.js";

interface ValidateFlags {
  readonly airflowVersion?: AirflowVersion;
  readonly env?: string;
  readonly config?: string;
  readonly quiet?: boolean;
  readonly json?: boolean;
}

export function registerValidate(program: Command): void {
  program
    .command("validate")
    .description(
      "check specs and report every problem in every file, for every environment of pipegen.config unless --env names one",
    )
    .argument("[paths...]", "spec files or folders", ["pipelines"])
    .addOption(airflowVersionOption())
    .addOption(envOption())
    .addOption(configOption())
    .option("-q, --quiet", "print nothing on success")
    .option(
      "--json",
      'print {"valid", "pipelines", "problems"} as JSON on standard output (problems still go to stderr too)',
    )
    .addHelpText(
      "after",
      "\nExamples:\n  pipegen validate\n  pipegen validate pipelines/products.pipeline.ts\n  pipegen validate --env prod\n  pipegen validate --json | jq '.problems[].message'",
    )
    .action(async (paths: string[], opts: ValidateFlags) => {
      try {
        const { validateEveryEnvironment } = await import("../../pipeline-run.js");
        const runs = await validateEveryEnvironment({
          paths,
          airflowVersion: opts.airflowVersion,
          env: opts.env,
          config: opts.config,
        });
        const { specWarnings } = await import("../../validate/warnings.js");
        const { placeProblem } = await import("../../problem.js");
        const warnings = [];
        const seen = new Set<string>();
        for (const run of runs) {
          const locators = new Map(run.pipelines.map((p) => [p.file, p.locate]));
          for (const w of specWarnings(run.pipelines).map((w) => placeProblem(w, locators.get(w.file)!))) {
            // The same warning in several environments is one warning.
            const key = JSON.stringify(w);
            if (seen.has(key)) continue;
            seen.add(key);
            warnings.push(w);
            process.stderr.write(`${color.yellow("warning")} ${w.file}:${w.line}:${w.column} ${w.path}: ${w.message}
`);
          }
        }
        const envs = runs.flatMap((r) => (r.env === undefined ? [] : [r.env]));
        const count = runs[0]?.pipelines.length ?? 0;
        if (opts.json) {
          const summary = runs.flatMap((r) =>
            r.pipelines.map((p) => ({
              id: p.pipeline.id,
              file: p.file,
              airflowVersion: p.target.version,
              ...(r.env === undefined ? {} : { env: r.env }),
            })),
          );
          process.stdout.write(
            `${JSON.stringify({ valid: true, pipelines: summary, problems: [], ...(warnings.length > 0 ? { warnings } : {}) }, null, 2)}\n`,
          );
        } else if (!opts.quiet)
          process.stdout.write(
            `${color.green("✓")} ${count} pipeline${count === 1 ? "" : "s"} valid${envs.length > 0 ? ` for ${envs.length === 1 ? "environment" : "environments"} ${envs.join(", ")}` : ""}\n`,
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
