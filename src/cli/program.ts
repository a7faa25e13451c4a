/**
 * The `pipegen` command line. Each command lives in commands/<name>.ts;
 * commands return normally on success and throw typed errors otherwise, and
 * only the bin turns errors into exit codes. A command module imports only
 * what its options need; its action imports the rest, so that `render` does
 * not load XTable's Parquet and Avro readers, nor `--version` the schema.
 */
import { Command } from "commander";
import { registerDeploy } from "./commands/deploy.js";
import { registerGraph } from "./commands/graph.js";
import { registerIam } from "./commands/iam.js";
import { registerInit } from "./commands/init.js";
import { registerRender } from "./commands/render.js";
import { registerSchema } from "./commands/schema.js";
import { registerTemplates } from "./commands/templates.js";
import { registerValidate } from "./commands/validate.js";
import { registerXTable } from "./commands/xtable.js";

const EXIT_CODES = `
Exit codes:
  0  success
  1  user error: invalid specs, bad arguments, or stale output with --check
  2  internal error (a bug in pipegen: please report it)`;

export function buildProgram(version: string): Command {
  const program = new Command("pipegen")
    .description(
      "Typed pipeline specs to verified Amazon MWAA bundles: Airflow DAGs for S3, Glue, Redshift and Apache XTable.",
    )
    .version(version, "-v, --version")
    .showHelpAfterError("(run with --help for usage)")
    .addHelpText("after", EXIT_CODES)
    .exitOverride();
  registerValidate(program);
  registerRender(program);
  registerSchema(program);
  registerDeploy(program);
  registerGraph(program);
  registerTemplates(program);
  registerInit(program, version);
  registerXTable(program);
  registerIam(program);
  return program;
}
