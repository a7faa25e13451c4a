import type { Command } from "commander";
import { VerificationFailedError } from "../../xtable/errors.js";
import { RUNNER_ENV_VAR } from "../../xtable/runner-env.js";
import { color } from "../shared.js";

export function registerXTable(program: Command): void {
  const xtable = program
    .command("xtable")
    .description("run Apache XTable locally and verify the Iceberg metadata it writes");

  xtable
    .command("run")
    .description("sync Delta tables to Iceberg with pipegen's XTable runner; fails unless every table × format synced")
    .option("--config <dataset.yaml>", "XTable dataset config (sourceFormat, targetFormats, datasets)")
    .option("--catalog <catalog.yaml>", "Iceberg catalog config (catalogImpl, catalogName, catalogOptions)")
    .option("--pipeline <spec>", "a spec file whose xtable step to run (with --step)")
    .option("--step <id>", "the id of the xtable step in --pipeline")
    .option(
      "--runner <dir>",
      `the runner folder (launcher jar + dependencies); default $${RUNNER_ENV_VAR}, else the one jars/build.sh builds (built first if missing)`,
    )
    .option("--max-heap <size>", "JVM maximum heap, e.g. 512m (default: the step's maxHeap, else 2g)")
    .option("-q, --quiet", "do not stream the JVM's output")
    .addHelpText(
      "after",
      "\nTables XTable would translate wrongly are refused: deletion vectors, column mapping, TINYINT/SMALLINT,\ngenerated columns and percent-escaped file paths. Local tables are checked before the JVM starts;\nthe runner checks every table again (s3:// ones too) and writes nothing for a refused one.\n\nExamples:\n  pipegen xtable run --config dataset.yaml\n  pipegen xtable run --pipeline pipelines/orders.pipeline.yaml --step translate_tables",
    )
    .action(
      async (opts: {
        config?: string;
        catalog?: string;
        pipeline?: string;
        step?: string;
        runner?: string;
        maxHeap?: string;
        quiet?: boolean;
      }) => {
        const { runXTable } = await import("../../xtable/run.js");
        const result = await runXTable({
          ...opts,
          onNote: (message) => process.stderr.write(`${color.yellow("!")} ${message}\n`),
          onOutput: opts.quiet ? undefined : (line) => process.stderr.write(`${color.dim("│")} ${line}\n`),
        });
        for (const d of result.datasets) {
          const how = d.sync ? ` (${d.sync.toLowerCase().replaceAll("_", " ")})` : "";
          process.stdout.write(`${color.green("✓")} ${d.table} → ${d.format}${how}\n`);
        }
        process.stdout.write(
          `${color.green("✓")} ${result.datasets.length} sync${result.datasets.length === 1 ? "" : "s"} succeeded\n`,
        );
      },
    );

  xtable
    .command("verify")
    .description("compare a Delta table's log with the Iceberg metadata XTable wrote beside it")
    .argument("<table>", "the table's root: a folder, or an S3 URI s3://bucket/prefix (holds _delta_log and metadata)")
    .option("--json", "print the report as JSON")
    .addHelpText(
      "after",
      "\nChecks: data files, schema (names, types, nullability), partition spec and values, record counts,\nthe Delta version recorded in XTABLE_METADATA, and Delta features XTable mistranslates.\nExit 1 when anything differs.\n\nS3 tables are read with the standard AWS credential chain and region (AWS_PROFILE, AWS_REGION, ...);\nAWS_ENDPOINT_URL points them at another endpoint.\n\nExamples:\n  pipegen xtable verify /data/lake/sales\n  pipegen xtable verify s3://my-lake/warehouse/sales --json",
    )
    .action(async (table: string, opts: { json?: boolean }) => {
      const { reportDifferences, verifyTable } = await import("../../xtable/verify/index.js");
      const { formatReport, reportJson } = await import("../../xtable/verify/report.js");
      const report = await verifyTable(table);
      process.stdout.write(
        opts.json ? reportJson(report) : formatReport(report, { ok: color.green, bad: color.red, dim: color.dim }),
      );
      if (!report.ok) {
        const differences = reportDifferences(report);
        throw new VerificationFailedError(
          `${report.table}: ${differences.length} difference${differences.length === 1 ? "" : "s"} between the Delta log and the Iceberg metadata (${[...new Set(report.checks.filter((c) => !c.ok).map((c) => c.check))].join(", ")})`,
        );
      }
    });
}
