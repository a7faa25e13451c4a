import { type Command, Option } from "commander";
import { DeployIncompleteError } from "../../deploy/errors.js";
import { terminalProgress } from "../../deploy/progress.js";
import { type DeployReport, formatOutcome, formatPlan, type PlanReport } from "../../deploy/report.js";
import { CONFIG_FILE_NAMES, SETTING_ENV_VARS } from "../../deploy/setting-names.js";
import type { DeployFlags } from "../../deploy/settings.js";
import { airflowVersionOption, color } from "../shared.js";

const HELP = `
Settings come from flags, then environment variables, then the "deploy"
section of ${CONFIG_FILE_NAMES.join(" / ")} (or --config):
  ${Object.entries(SETTING_ENV_VARS)
    .map(([k, v]) => `${v.padEnd(22)} ${k}`)
    .join("\n  ")}
  AWS_REGION / AWS_DEFAULT_REGION when no region is set otherwise.
Credentials come from the AWS SDK's usual chain (in CI: an assumed OIDC role).

Upload order: startup.sh, plugins and runner artifacts; then requirements.txt
and the modules DAGs import; then DAG files; then dags/.airflowignore; then
pipegen's manifest (<prefix>.pipegen/manifest.json). Each group is complete
before the next starts.

Examples:
  pipegen deploy --bucket my-mwaa-bucket --dry-run
  pipegen deploy --bucket my-mwaa-bucket --environment prod-airflow --wait
  pipegen render && pipegen deploy --from dist --prune`;

export function registerDeploy(program: Command): void {
  program
    .command("deploy")
    .description(
      "upload the bundle to MWAA's S3 bucket in dependency order, and update the environment when requirements.txt, startup.sh or plugins.zip changed",
    )
    .argument("[paths...]", "spec files or folders to render (with --from: to check with --preflight)")
    .option("--bucket <name>", "the environment's S3 bucket (must be versioned)")
    .option("--prefix <prefix>", "key prefix inside the bucket (default: the bucket root)")
    .option(
      "--environment <name>",
      "MWAA environment to update when requirements.txt, startup.sh or plugins.zip change",
    )
    .option("--region <region>", "AWS region")
    .option(
      "--account <id>",
      "the account the bucket must belong to (default: aws.account in the specs, else the credentials' account); every S3 call carries it as ExpectedBucketOwner",
    )
    .option("--from <dir>", "deploy this rendered bundle folder (e.g. dist) instead of rendering the specs")
    .addOption(airflowVersionOption())
    .option("--config <file>", `config file (default: ${CONFIG_FILE_NAMES[0]} if present)`)
    .option("--dry-run", "print the plan and write nothing")
    .option("--prune", "delete objects pipegen deployed earlier that the bundle no longer has")
    .option("--no-prune", "keep them (overrides the config file)")
    .option("--wait", "wait for the environment update to finish, and upload DAG files only after it succeeded")
    .option("--no-wait", "do not wait (overrides the config file)")
    .option("--wait-timeout <minutes>", "give up waiting after this long (default 60)")
    .option(
      "--preflight",
      "first check that every Glue crawler, job and database and every sensed S3 bucket the pipelines name exists",
    )
    .option("--no-preflight", "skip that check (overrides the config file)")
    .option("--concurrency <n>", "parallel S3 requests (default 16)")
    .option("--retries <n>", "retries of a transient S3 or MWAA failure (default 5)")
    .addOption(new Option("--json", "print the plan and the outcome as one JSON document on stdout"))
    .addHelpText("after", HELP)
    .action(async (paths: string[], flags: DeployFlags, cmd: Command) => {
      const { resolveDeploySettings } = await import("../../deploy/settings.js");
      const settings = await resolveDeploySettings(flags, paths);
      const out = (text: string) => process.stdout.write(`${text}\n`);
      const printPlan = (plan: PlanReport) => {
        if (settings.json) return;
        out(formatPlan(plan));
        if (settings.dryRun) out(color.yellow("dry run: nothing was written"));
      };
      const printReport = (report: DeployReport) => {
        if (settings.json) out(JSON.stringify(report, null, 2));
        else if (!settings.dryRun) out(formatOutcome(report));
      };
      // Loaded here, not at start-up: the AWS SDK takes a while to load, and
      // every other command would pay for it.
      const { deploy } = await import("../../deploy/deploy.js");
      try {
        const report = await deploy({
          settings,
          progress: terminalProgress(process.stderr),
          onPlan: printPlan,
          tool: `pipegen ${cmd.parent?.version() ?? ""}`.trim(),
        });
        printReport(report);
      } catch (error) {
        if (error instanceof DeployIncompleteError) printReport(error.report);
        throw error;
      }
    });
}
