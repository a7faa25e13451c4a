/**
 * Every option of `pipegen deploy`, declared once: its flag, environment
 * variable, config key, default and help text. Derived from this table:
 * the command's options and help (cli/commands/deploy.ts), the reading
 * of flags, environment variables and the config file (deploy/settings.ts), and the
 * settings table in docs/ci.md (test/unit/deploy-settings.test.ts checks it,
 * and rewrites it with UPDATE_DOCS=1).
 *
 * It lives with the schemas because the project config's `deploy` sections
 * (spec/config.ts) are checked against it. Light on purpose: the CLI reads it
 * at start-up to declare its options, and must not load the settings parser
 * (zod, yaml) for that.
 */
import type { AirflowVersion } from "./airflow-versions.js";

/** Config files looked up in the working directory when `--config` is not given. */
export const CONFIG_FILE_NAMES = [
  "pipegen.config.yaml",
  "pipegen.config.yml",
  "pipegen.config.json",
  "pipegen.config.ts",
] as const;

interface OptionBase {
  /** The flag. Commander names the parsed value after it (`--wait-timeout` → `waitTimeout`): that must be the key. */
  readonly flag: `--${string}`;
  /** Read when the flag is not given. */
  readonly env?: `PIPEGEN_${string}`;
  /**
   * A key of the config file's `deploy` section (the option's own key). Such
   * a setting comes from its flag, else its variable, else the config file,
   * else its default, and the plan says where it came from.
   */
  readonly inConfigFile?: true;
}

/** A value passed as text: a name, a path. */
interface TextOption extends OptionBase {
  readonly kind: "text";
  /** The value's placeholder in help, e.g. `<name>`. */
  readonly arg: `<${string}>`;
  readonly help: string;
  /** Read after the config file: variables the AWS SDK reads too, so a CI job that sets them for the SDK needs no more. */
  readonly fallbackEnv?: readonly string[];
}

/** A whole number within bounds. */
interface IntOption extends OptionBase {
  readonly kind: "int";
  readonly arg: `<${string}>`;
  /** Help text; the default is appended: "parallel S3 requests (default 16)". */
  readonly help: string;
  readonly default: number;
  readonly min: number;
  readonly max: number;
  /** Named in the range of an error: "from 1 to 720 minutes". */
  readonly unit?: string;
}

/** On or off. */
interface BoolOption extends OptionBase {
  readonly kind: "bool";
  readonly help: string;
  readonly default: boolean;
  /** Help of the `--no-…` flag, which turns off a setting the config file turned on. */
  readonly negatedHelp?: string;
}

/** `--airflow-version`: its flag, help and choices are the ones `render` and `validate` share (src/cli/shared.ts). */
interface AirflowVersionOption extends OptionBase {
  readonly kind: "airflowVersion";
}

/** One entry of the table. */
export type DeployOptionSpec = TextOption | IntOption | BoolOption | AirflowVersionOption;

/** The options, in the order `pipegen deploy --help` lists them. */
export const DEPLOY_OPTIONS = {
  bucket: {
    kind: "text",
    flag: "--bucket",
    arg: "<name>",
    env: "PIPEGEN_BUCKET",
    inConfigFile: true,
    help: "the environment's S3 bucket (must be versioned)",
  },
  prefix: {
    kind: "text",
    flag: "--prefix",
    arg: "<prefix>",
    env: "PIPEGEN_PREFIX",
    inConfigFile: true,
    help: "key prefix inside the bucket (default: the bucket root)",
  },
  environment: {
    kind: "text",
    flag: "--environment",
    arg: "<name>",
    env: "PIPEGEN_ENVIRONMENT",
    inConfigFile: true,
    help: "MWAA environment to update when requirements.txt, startup.sh or plugins.zip change",
  },
  region: {
    kind: "text",
    flag: "--region",
    arg: "<region>",
    env: "PIPEGEN_REGION",
    inConfigFile: true,
    fallbackEnv: ["AWS_REGION", "AWS_DEFAULT_REGION"],
    help: "AWS region",
  },
  account: {
    kind: "text",
    flag: "--account",
    arg: "<id>",
    env: "PIPEGEN_ACCOUNT",
    inConfigFile: true,
    help: "the account the bucket must belong to (default: aws.account in the specs, else the credentials' account); every S3 call carries it as ExpectedBucketOwner",
  },
  from: {
    kind: "text",
    flag: "--from",
    arg: "<dir>",
    env: "PIPEGEN_FROM",
    inConfigFile: true,
    help: "deploy this rendered bundle folder (e.g. dist) instead of rendering the specs",
  },
  airflowVersion: { kind: "airflowVersion", flag: "--airflow-version" },
  env: {
    kind: "text",
    flag: "--env",
    arg: "<name>",
    help: "the environment of the config file: its deploy settings, and the values the specs read",
  },
  config: {
    kind: "text",
    flag: "--config",
    arg: "<file>",
    env: "PIPEGEN_CONFIG",
    help: `config file (default: ${CONFIG_FILE_NAMES[0]} if present)`,
  },
  dryRun: { kind: "bool", flag: "--dry-run", default: false, help: "print the plan and write nothing" },
  prune: {
    kind: "bool",
    flag: "--prune",
    env: "PIPEGEN_PRUNE",
    inConfigFile: true,
    default: false,
    help: "delete objects pipegen deployed earlier that the bundle no longer has",
    negatedHelp: "keep them (overrides the config file)",
  },
  wait: {
    kind: "bool",
    flag: "--wait",
    env: "PIPEGEN_WAIT",
    inConfigFile: true,
    default: false,
    help: "wait for the environment update to finish, and upload DAG files only after it succeeded",
    negatedHelp: "do not wait (overrides the config file)",
  },
  waitTimeout: {
    kind: "int",
    flag: "--wait-timeout",
    arg: "<minutes>",
    env: "PIPEGEN_WAIT_TIMEOUT",
    inConfigFile: true,
    default: 60,
    min: 1,
    max: 720,
    unit: "minutes",
    help: "give up waiting after this long",
  },
  preflight: {
    kind: "bool",
    flag: "--preflight",
    env: "PIPEGEN_PREFLIGHT",
    inConfigFile: true,
    default: false,
    help: "first check that every Glue crawler, job and database and every sensed S3 bucket the pipelines name exists",
    negatedHelp: "skip that check (overrides the config file)",
  },
  concurrency: {
    kind: "int",
    flag: "--concurrency",
    arg: "<n>",
    env: "PIPEGEN_CONCURRENCY",
    inConfigFile: true,
    default: 16,
    min: 1,
    max: 64,
    help: "parallel S3 requests",
  },
  retries: {
    kind: "int",
    flag: "--retries",
    arg: "<n>",
    env: "PIPEGEN_RETRIES",
    inConfigFile: true,
    default: 5,
    min: 0,
    max: 20,
    help: "retries of a transient S3 or MWAA failure",
  },
  json: {
    kind: "bool",
    flag: "--json",
    default: false,
    help: "print the plan and the outcome as one JSON document on stdout",
  },
} as const satisfies Record<string, DeployOptionSpec>;

/** An option's key: its commander attribute and, for settings, its config key. */
export type DeployOptionName = keyof typeof DEPLOY_OPTIONS;

/** The settings with a config key: flag, else variable, else config file, else default. */
export type SettingName = {
  [K in DeployOptionName]: (typeof DEPLOY_OPTIONS)[K] extends { readonly inConfigFile: true } ? K : never;
}[DeployOptionName];

/** The config file's keys, in table order. */
export const SETTING_NAMES = (Object.keys(DEPLOY_OPTIONS) as DeployOptionName[]).filter(
  (name): name is SettingName => "inConfigFile" in DEPLOY_OPTIONS[name],
);

type FlagValue<O> = O extends { readonly kind: "bool" }
  ? boolean
  : O extends { readonly kind: "airflowVersion" }
    ? AirflowVersion
    : string;

/** Command-line flags as commander parses them; everything optional. */
export type DeployFlags = { readonly [K in DeployOptionName]?: FlagValue<(typeof DEPLOY_OPTIONS)[K]> };
