import path from "node:path";
import { type Command, Option } from "commander";
import { explainIam } from "../../iam/explain.js";
import { buildIam, type IamOptions, PARTITIONS, type Partition } from "../../iam/index.js";
import { color, configOption, envOption, keptWarning } from "../shared.js";

interface IamFlags {
  readonly account?: string;
  readonly region?: string;
  readonly partition: Partition;
  readonly out: string;
  readonly json?: boolean;
  readonly executionRole?: string;
  readonly environment?: string;
  readonly dagBucket?: string;
  readonly kmsKey?: string;
  readonly env?: string;
  readonly config?: string;
}

export function registerIam(program: Command): void {
  program
    .command("iam")
    .description(
      "write least-privilege IAM policies for the pipelines: the MWAA execution role, Glue roles, the roles Redshift assumes for UNLOAD (with their trust policies) and cross-account bucket policies",
    )
    .argument("[paths...]", "spec files or folders", ["pipelines"])
    .option("--account <id>", "AWS account of the MWAA environment (default: aws.account in the specs)")
    .option("--region <region>", "AWS region of the MWAA environment (default: aws.region in the specs)")
    .addOption(new Option("--partition <partition>", "AWS partition").choices(PARTITIONS).default("aws"))
    .option(
      "-o, --out <dir>",
      "output folder for the policy documents, pipegen's own: it holds only what pipegen wrote, and stale documents are removed",
      "iam",
    )
    .option("--json", "print the documents and the reason for every statement as JSON instead of text")
    .option(
      "--execution-role <name|arn>",
      "the MWAA execution role, named as principal in cross-account bucket policies",
    )
    .option("--environment <name>", "MWAA environment name; with --dag-bucket, adds MWAA's own baseline document")
    .option("--dag-bucket <bucket>", "the environment's source bucket (dags/, requirements.txt)")
    .option("--kms-key <arn>", "the environment's customer managed KMS key (default: the AWS owned key)")
    .addOption(envOption())
    .addOption(configOption())
    .addHelpText(
      "after",
      `
--env also takes --account, --region, --environment and --dag-bucket from the
environment's deploy settings in pipegen.config (account, region, environment,
bucket) when the flags do not give them.

Examples:
  pipegen iam --account 111122223333 --region us-east-1
  pipegen iam --execution-role mwaa-exec --environment prod --dag-bucket my-mwaa-bucket --out iam/
  pipegen iam --env prod --out iam/prod
  pipegen iam pipelines/products.pipeline.ts --json`,
    )
    .action(async (paths: string[], flags: IamFlags) => {
      const { validatePipelines } = await import("../../pipeline-run.js");
      const { deploySettingsFor, loadProjectConfig } = await import("../../validate/config.js");
      const config = await loadProjectConfig(process.cwd(), flags.config);
      const pipelines = await validatePipelines({ paths, env: flags.env, config: flags.config });
      const deploy = deploySettingsFor(config, flags.env);
      // The baseline needs both; a config that gives only one leaves it to the flags.
      const baseline =
        flags.environment === undefined && flags.dagBucket === undefined && deploy.environment && deploy.bucket
          ? { environment: deploy.environment, dagBucket: deploy.bucket }
          : { environment: flags.environment, dagBucket: flags.dagBucket };
      const options: IamOptions = {
        account: flags.account ?? deploy.account,
        region: flags.region ?? deploy.region,
        partition: flags.partition,
        executionRole: flags.executionRole,
        ...baseline,
        kmsKey: flags.kmsKey,
      };
      const result = buildIam(pipelines, options);
      const { writeBundle } = await import("../../write/index.js");
      const written = await writeBundle(path.resolve(flags.out), result.files, {
        kind: "iam",
        label: `--out ${flags.out}`,
      });
      if (written.kept) process.stderr.write(keptWarning(flags.out, written.kept));
      if (flags.json) {
        const documents = result.documents.map((d) => ({
          file: path.join(flags.out, d.file),
          kind: d.kind,
          attachTo: d.attachTo,
          size: d.size,
          grants: d.grants,
          policy: d.policy,
        }));
        process.stdout.write(`${JSON.stringify({ ...result.placement, documents, notes: result.notes }, null, 2)}\n`);
        return;
      }
      process.stdout.write(explainIam(result, flags.out.replace(/\/+$/, "")));
      process.stdout.write(
        `${color.green("✓")} wrote ${result.files.length} IAM document${result.files.length === 1 ? "" : "s"} to ${flags.out} for ${pipelines.length} pipeline${pipelines.length === 1 ? "" : "s"}\n`,
      );
    });
}
