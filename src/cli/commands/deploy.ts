import { type Command, Option } from "commander";
import { terminalProgress } from "../../deploy/progress.js";
import {
  DeployIncompleteError,
  type DeployReport,
  formatOutcome,
  formatPlan,
  type PlanReport,
} from "../../deploy/report.js";
import {
  CONFIG_FILE_NAMES,
  DEPLOY_OPTIONS,
  type DeployFlags,
  type DeployOptionSpec,
  SETTING_NAMES,
} from "../../spec/deploy-settings.js";
import { airflowVersionOption, color } from "../shared.js";

const SETTINGS = SETTING_NAMES.map((name) => ({ name, ...DEPLOY_OPTIONS[name] }));

const HELP = `
Settings come from flags, then environment variables, then, with --env, the
environment's "deploy" section (environments.<env>.deploy), then the "deploy"
section of ${CONFIG_FILE_NAMES.join(" / ")} (or --config):
  ${SETTINGS.map((s) => `${s.env.padEnd(22)} ${s.name}`).join("\n  ")}
  ${SETTINGS.flatMap((s) => ("fallbackEnv" in s ? [`${s.fallbackEnv.join(" / ")} when no ${s.name} is set otherwise.`] : [])).join("\n  ")}
Credentials come from the AWS SDK's usual chain (in CI: an assumed OIDC role).

Upload order: startup.sh, plugins and runner artifacts; then requirements.txt
and the modules DAGs import; then DAG files; then dags/.airflowignore; then
pipegen's manifest (<prefix>.pipegen/manifest.json). Each group is complete
before the next starts.

Examples:
  pipegen deploy --bucket my-mwaa-bucket --dry-run
  pipegen deploy --bucket my-mwaa-bucket --environment prod-airflow --wait
  pipegen deploy --env prod --wait
  pipegen render && pipegen deploy --from dist --prune`;

/** The commander options of one entry of the settings table. */
function optionsOf(spec: DeployOptionSpec): Option[] {
  switch (spec.kind) {
    case "text":
      return [new Option(`${spec.flag} ${spec.arg}`, spec.help)];
    case "int":
      return [new Option(`${spec.flag} ${spec.arg}`, `${spec.help} (default ${spec.default})`)];
    case "bool":
      return [
        new Option(spec.flag, spec.help),
        ...(spec.negatedHelp ? [new Option(`--no-${spec.flag.slice(2)}`, spec.negatedHelp)] : []),
      ];
    case "airflowVersion":
      return [airflowVersionOption()];
  }
}

/** Adds `pipegen deploy`, its options from the settings table, and its help. */
export function registerDeploy(program: Command): void {
  const command = program
    .command("deploy")
    .description(
      "upload the bundle to MWAA's S3 bucket in dependency order, and update the environment when requirements.txt, startup.sh or plugins.zip changed",
    )
    .argument("[paths...]", "spec files or folders to render (with --from: to check with --preflight)");
  for (const spec of Object.values(DEPLOY_OPTIONS)) for (const option of optionsOf(spec)) command.addOption(option);
  command.addHelpText("after", HELP).action(async (paths: string[], flags: DeployFlags, cmd: Command) => {
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
