import path from "node:path";
import type { Command } from "commander";
import { StaleOutputError } from "../../errors.js";
import type { AirflowVersion } from "../../spec/airflow-versions.js";
import { airflowVersionOption, color, configOption, envOption, keptWarning } from "../shared.js";

export function registerRender(program: Command): void {
  program
    .command("render")
    .description("validate specs, then write the MWAA bundle (dags/, requirements.txt, startup.sh)")
    .argument("[paths...]", "spec files or folders", ["pipelines"])
    .option(
      "-o, --out <dir>",
      "output folder, laid out like the MWAA bucket; pipegen's own: it holds only what pipegen wrote",
      "dist",
    )
    .option("--check", "write nothing; exit 1 and name the stale files when the output differs")
    .addOption(airflowVersionOption())
    .addOption(envOption())
    .addOption(configOption())
    .option("-q, --quiet", "print nothing on success")
    .addHelpText(
      "after",
      "\nExamples:\n  pipegen render\n  pipegen render --out build/mwaa\n  pipegen render --env prod --out dist/prod\n  pipegen render --check   # in CI: fail when dist/ was not re-rendered",
    )
    .action(
      async (
        paths: string[],
        opts: {
          out: string;
          check?: boolean;
          airflowVersion?: AirflowVersion;
          env?: string;
          config?: string;
          quiet?: boolean;
        },
      ) => {
        const { renderPipelines } = await import("../../pipeline-run.js");
        const { diffBundle, writeBundle } = await import("../../write/index.js");
        const files = await renderPipelines({
          paths,
          airflowVersion: opts.airflowVersion,
          env: opts.env,
          config: opts.config,
        });
        const outDir = path.resolve(opts.out);
        if (opts.check) {
          const { changes } = await diffBundle(outDir, files, { label: `--out ${opts.out}` });
          if (changes.length > 0) throw new StaleOutputError(changes);
          if (!opts.quiet)
            process.stdout.write(`${color.green("✓")} ${opts.out} is up to date (${files.length} files)\n`);
          return;
        }
        const result = await writeBundle(outDir, files, { label: `--out ${opts.out}` });
        if (result.kept) process.stderr.write(keptWarning(opts.out, result.kept));
        if (opts.quiet) return;
        for (const c of result.written) {
          const verb = c.reason === "missing" ? "added" : c.reason === "extra" ? "removed" : "updated";
          process.stdout.write(`  ${verb.padEnd(7)} ${path.join(opts.out, c.path)}\n`);
        }
        process.stdout.write(
          `${color.green("✓")} rendered ${files.length} files to ${opts.out} (${result.written.length} changed, ${result.unchanged} unchanged)\n`,
        );
      },
    );
}
