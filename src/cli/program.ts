/**
 * The `pipegen` command line. Commands return normally on success and throw
 * typed errors otherwise; only the bin turns errors into exit codes.
 */
import { Command, InvalidArgumentError, Option } from "commander";
import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { StaleOutputError, UserError } from "../errors.js";
import { renderPipelines, validatePipelines } from "../pipeline-run.js";
import { AIRFLOW_VERSIONS, type AirflowVersion } from "../spec/airflow-versions.js";
import { pipelineJsonSchema } from "../spec/json-schema.js";
import { diffBundle, writeBundle } from "../write/index.js";
import { color } from "./output.js";

const EXIT_CODES = `
Exit codes:
  0  success
  1  user error: invalid specs, bad arguments, or stale output with --check
  2  internal error (a bug in pipegen: please report it)`;

export function buildProgram(version: string): Command {
  const program = new Command("pipegen")
    .description("Typed pipeline specs to verified Amazon MWAA bundles: Airflow DAGs for S3, Glue, Redshift and Apache XTable.")
    .version(version, "-v, --version")
    .showHelpAfterError("(run with --help for usage)")
    .addHelpText("after", EXIT_CODES)
    .exitOverride();

  const airflowVersionOption = () =>
    new Option("--airflow-version <version>", "render every spec for this MWAA Airflow version instead of its own").choices(AIRFLOW_VERSIONS);

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

  program
    .command("render")
    .description("validate specs, then write the MWAA bundle (dags/, requirements.txt, startup.sh)")
    .argument("[paths...]", "spec files or folders", ["pipelines"])
    .option("-o, --out <dir>", "output folder, laid out like the MWAA bucket", "dist")
    .option("--check", "write nothing; exit 1 and name the stale files when the output differs")
    .addOption(airflowVersionOption())
    .option("-q, --quiet", "print nothing on success")
    .addHelpText("after", "\nExamples:\n  pipegen render\n  pipegen render --out build/mwaa\n  pipegen render --check   # in CI: fail when dist/ was not re-rendered")
    .action(async (paths: string[], opts: { out: string; check?: boolean; airflowVersion?: AirflowVersion; quiet?: boolean }) => {
      const files = await renderPipelines({ paths, airflowVersion: opts.airflowVersion });
      const outDir = path.resolve(opts.out);
      if (opts.check) {
        const { changes } = await diffBundle(outDir, files);
        if (changes.length > 0) throw new StaleOutputError(changes);
        if (!opts.quiet) process.stdout.write(`${color.green("✓")} ${opts.out} is up to date (${files.length} files)\n`);
        return;
      }
      const result = await writeBundle(outDir, files);
      if (opts.quiet) return;
      for (const c of result.written) {
        const verb = c.reason === "missing" ? "added" : c.reason === "extra" ? "removed" : "updated";
        process.stdout.write(`  ${verb.padEnd(7)} ${path.join(opts.out, c.path)}\n`);
      }
      process.stdout.write(`${color.green("✓")} rendered ${files.length} files to ${opts.out} (${result.written.length} changed, ${result.unchanged} unchanged)\n`);
    });

  program
    .command("schema")
    .description("print or write the JSON Schema of pipeline specs, for YAML editor completion")
    .option("-o, --out <file>", "write to a file instead of standard output")
    .addHelpText("after", "\nExamples:\n  pipegen schema --out schema/pipeline.schema.json\n  # then, first line of a YAML spec:\n  # yaml-language-server: $schema=../schema/pipeline.schema.json")
    .action(async (opts: { out?: string }) => {
      const text = pipelineJsonSchema();
      if (!opts.out) {
        process.stdout.write(text);
        return;
      }
      await mkdir(path.dirname(path.resolve(opts.out)), { recursive: true });
      await writeFile(opts.out, text);
    });

  return program;
}

export { InvalidArgumentError, UserError };
