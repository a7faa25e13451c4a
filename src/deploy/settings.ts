/**
 * Deploy settings: where the bundle goes and how. Each setting comes from, in
 * order of precedence, a command-line flag, an environment variable (what a
 * CI job sets), the `deploy` section of the config file, or a default. The
 * source of every value is kept, so the plan can say why it deploys where it
 * does. Flags, variables, config keys and defaults are those of the table in
 * deploy-settings.ts.
 */
import path from "node:path";
import { z } from "zod";
import { formatProblem, SpecError, UserError } from "../errors.js";
import { normalizePrefix as keyPrefix } from "../runner/location.js";
import { AIRFLOW_VERSIONS, type AirflowVersion } from "../spec/airflow-versions.js";
import { awsAccountId, awsRegion, s3BucketName } from "../spec/common.js";
import type { DeployConfigData } from "../spec/config.js";
import { CONFIG_FILE_NAMES, DEPLOY_OPTIONS, type DeployFlags, type SettingName } from "../spec/deploy-settings.js";
import { chooseEnvironment, loadProjectConfig, type ProjectConfig } from "../validate/config.js";
import { describeIssue } from "../validate/messages.js";
import { DeploySettingsError } from "./errors.js";

export type { DeployFlags } from "../spec/deploy-settings.js";

/** The resolved settings of one deploy, validated. */
export interface DeploySettings {
  readonly bucket: string;
  /** Key prefix inside the bucket: "" or a path ending in "/", e.g. "team-a/". */
  readonly prefix: string;
  /** MWAA environment to update when requirements.txt, startup.sh or plugins.zip change. */
  readonly environment: string | undefined;
  /** AWS region; undefined lets the SDK resolve it (profile config). */
  readonly region: string | undefined;
  /**
   * The account the bucket must belong to (sent as ExpectedBucketOwner on every
   * S3 call); undefined: the specs' aws.account, else the credentials' account.
   */
  readonly account: string | undefined;
  /** Deploy this existing bundle folder instead of rendering the specs. */
  readonly from: string | undefined;
  /** Spec files or folders (rendered in memory, or checked by --preflight). */
  readonly paths: readonly string[];
  /** The environment of the project config: its deploy settings, and the values the specs read. */
  readonly env: string | undefined;
  /** The config file given with --config or PIPEGEN_CONFIG; undefined: pipegen.config.* in the working directory. */
  readonly config: string | undefined;
  readonly airflowVersion: AirflowVersion | undefined;
  readonly dryRun: boolean;
  readonly prune: boolean;
  readonly wait: boolean;
  readonly waitTimeoutMinutes: number;
  readonly preflight: boolean;
  /** Parallel S3 requests. */
  readonly concurrency: number;
  /** Retries of a transient S3 or MWAA failure before the deploy gives up. */
  readonly retries: number;
  readonly json: boolean;
  /**
   * Where each non-default setting came from: "--bucket", "PIPEGEN_BUCKET",
   * "pipegen.config.yaml environments.prod.deploy.bucket", "pipegen.config.yaml deploy.bucket".
   */
  readonly sources: Readonly<Partial<Record<SettingName, string>>>;
}

const mwaaEnvironmentName = z
  .string()
  .regex(/^[a-zA-Z][0-9a-zA-Z_-]*$/, {
    message: "must be an MWAA environment name (letters, digits, '-', '_'; starts with a letter)",
  })
  .max(80);

type DeployConfig = Readonly<Partial<Record<SettingName, unknown>>>;

/** The deploy sections that apply: the environment's, then the top-level one. */
interface ConfigSections {
  readonly name: string;
  readonly env: { readonly name: string; readonly deploy: DeployConfigData | undefined } | undefined;
  readonly deploy: DeployConfig | undefined;
}

interface ResolveContext {
  readonly env?: Readonly<Record<string, string | undefined>>;
  readonly cwd?: string;
}

/**
 * Resolves every setting from flags, environment variables, the config file
 * and defaults, and validates the result.
 * @throws {DeploySettingsError} naming the setting, its source and how to fix it
 */
export async function resolveDeploySettings(
  flags: DeployFlags,
  paths: readonly string[],
  ctx: ResolveContext = {},
): Promise<DeploySettings> {
  const env = ctx.env ?? process.env;
  const cwd = ctx.cwd ?? process.cwd();
  const config = flags.config ?? nonEmpty(env[DEPLOY_OPTIONS.config.env]);
  const settings = new SettingReader(flags, env, await configSections(cwd, config, flags.env));
  const { sources } = settings;
  const { bucket: bucketOption, environment: environmentOption } = DEPLOY_OPTIONS;

  // Read in this order, which is the order the plan lists where settings came
  // from, and the order in which problems are found.
  const bucket = settings.read("bucket");
  if (bucket === undefined)
    throw new DeploySettingsError(
      `no bucket to deploy to: pass ${bucketOption.flag} ${bucketOption.arg}, set ${bucketOption.env}, or set deploy.bucket in ${CONFIG_FILE_NAMES[0]}`,
    );
  check(s3BucketName, bucket, sources.bucket!);

  const prefix = normalizePrefix(settings.read("prefix") ?? "", sources.prefix);
  const environment = settings.read("environment");
  if (environment !== undefined) check(mwaaEnvironmentName, environment, sources.environment!);
  const region = settings.read("region");
  if (region !== undefined) check(awsRegion, region, sources.region!);
  const account = settings.read("account");
  if (account !== undefined) check(awsAccountId, account, sources.account!);

  const from = settings.read("from");
  const airflowVersionFlag = DEPLOY_OPTIONS.airflowVersion.flag;
  if (from !== undefined && flags.airflowVersion)
    throw new DeploySettingsError(
      `${airflowVersionFlag} applies when pipegen renders the bundle; it cannot change the existing bundle given by ${sources.from}`,
    );
  if (flags.airflowVersion && !(AIRFLOW_VERSIONS as readonly string[]).includes(flags.airflowVersion))
    throw new DeploySettingsError(`${airflowVersionFlag} must be one of ${AIRFLOW_VERSIONS.join(", ")}`);

  const wait = settings.read("wait");
  if (wait && environment === undefined)
    throw new DeploySettingsError(
      `${sources.wait} waits for the MWAA environment to finish updating, so it needs ${environmentOption.flag} (or ${environmentOption.env})`,
    );

  return {
    bucket,
    prefix,
    environment,
    region,
    account,
    from: from === undefined ? undefined : path.resolve(cwd, from),
    paths: paths.length > 0 ? paths : ["pipelines"],
    env: flags.env,
    config,
    airflowVersion: flags.airflowVersion,
    dryRun: flags.dryRun ?? DEPLOY_OPTIONS.dryRun.default,
    prune: settings.read("prune"),
    wait,
    waitTimeoutMinutes: settings.read("waitTimeout"),
    preflight: settings.read("preflight"),
    concurrency: settings.read("concurrency"),
    retries: settings.read("retries"),
    json: flags.json ?? DEPLOY_OPTIONS.json.default,
    sources,
  };
}

type Spec<K extends SettingName> = (typeof DEPLOY_OPTIONS)[K];

/** A setting's value: text, or undefined when no source has it; a number or a boolean, defaulted. */
type SettingValue<K extends SettingName> =
  Spec<K> extends { readonly kind: "bool" }
    ? boolean
    : Spec<K> extends { readonly kind: "int" }
      ? number
      : string | undefined;

/** Reads settings from their sources, in precedence order, and records where each came from. */
class SettingReader {
  /** Where each setting read so far came from, in the order they were read. */
  readonly sources: Partial<Record<SettingName, string>> = {};

  constructor(
    private readonly flags: DeployFlags,
    private readonly env: Readonly<Record<string, string | undefined>>,
    private readonly configFile: ConfigSections | undefined,
  ) {}

  /**
   * The value of a setting, parsed as its kind, or its default.
   * @throws {DeploySettingsError} when the value is not of its kind or out of range
   */
  read<K extends SettingName>(name: K): SettingValue<K> {
    const spec: Spec<SettingName> = DEPLOY_OPTIONS[name];
    const got = this.#pick(name);
    if (!got) return (spec.kind === "text" ? undefined : spec.default) as SettingValue<K>;
    this.sources[name] = got.source;
    switch (spec.kind) {
      case "text":
        return String(got.value) as SettingValue<K>;
      case "bool":
        return parseBool(got) as SettingValue<K>;
      case "int":
        return parseWholeNumber(got, spec) as SettingValue<K>;
    }
  }

  /** The first source that sets the setting: flag, variable, config file, then the fallback variables. */
  #pick(name: SettingName): { value: unknown; source: string } | undefined {
    const spec: Spec<SettingName> = DEPLOY_OPTIONS[name];
    const fromFlag = this.flags[name];
    if (fromFlag !== undefined) return { value: fromFlag, source: spec.flag };
    const fromEnv = nonEmpty(this.env[spec.env]);
    if (fromEnv !== undefined) return { value: fromEnv, source: spec.env };
    const fromEnvironment = this.configFile?.env?.deploy?.[name];
    if (fromEnvironment !== undefined)
      return {
        value: fromEnvironment,
        source: `${this.configFile!.name} environments.${this.configFile!.env!.name}.deploy.${name}`,
      };
    const fromConfig = this.configFile?.deploy?.[name];
    if (fromConfig !== undefined) return { value: fromConfig, source: `${this.configFile!.name} deploy.${name}` };
    for (const variable of "fallbackEnv" in spec ? spec.fallbackEnv : []) {
      const value = nonEmpty(this.env[variable]);
      if (value !== undefined) return { value, source: variable };
    }
    return undefined;
  }
}

function parseBool({ value, source }: { value: unknown; source: string }): boolean {
  if (typeof value === "boolean") return value;
  const v = String(value).toLowerCase();
  if (["1", "true", "yes", "on"].includes(v)) return true;
  if (["0", "false", "no", "off"].includes(v)) return false;
  throw new DeploySettingsError(`${source} must be true or false, got "${String(value)}"`);
}

function parseWholeNumber(
  { value, source }: { value: unknown; source: string },
  { min, max, ...spec }: { min: number; max: number; unit?: string },
): number {
  const n = typeof value === "number" ? value : /^\s*\d+\s*$/.test(String(value)) ? Number(value) : NaN;
  if (!Number.isInteger(n) || n < min || n > max)
    throw new DeploySettingsError(
      `${source} must be a whole number from ${min} to ${max}${spec.unit ? ` ${spec.unit}` : ""}, got "${String(value)}"`,
    );
  return n;
}

/**
 * "" stays ""; anything else loses leading and trailing slashes and gains one
 * trailing slash: "/team-a/mwaa/" → "team-a/mwaa/".
 */
export function normalizePrefix(raw: string, source: string = DEPLOY_OPTIONS.prefix.flag): string {
  const trimmed = raw.trim().replace(/^\/+|\/+$/g, "");
  if (trimmed === "") return "";
  const segments = trimmed.split("/");
  if (segments.some((s) => s === "" || s === "." || s === ".."))
    throw new DeploySettingsError(
      `${source} "${raw}" must be a plain key prefix such as team-a/ (no empty, "." or ".." segments)`,
    );
  // biome-ignore lint/suspicious/noControlCharactersInRegex: refusing control characters is the point
  if (/[\\\u0000-\u001f]/.test(trimmed))
    throw new DeploySettingsError(`${source} "${raw}" must not contain backslashes or control characters`);
  // The same normalisation as the spec's xtableRunner.prefix, which deploy compares with this one.
  return keyPrefix(raw);
}

function check(schema: z.ZodType, value: string, source: string): void {
  const r = schema.safeParse(value, { reportInput: true });
  if (!r.success) throw new DeploySettingsError(`${source} "${value}" ${describeIssue(r.error.issues[0]!).message}`);
}

function nonEmpty(value: string | undefined): string | undefined {
  // CI systems set unset variables to "" (e.g. `${{ vars.MISSING }}` in GitHub Actions).
  return value === undefined || value.trim() === "" ? undefined : value.trim();
}

/**
 * The config file's deploy sections, read by the module that reads the
 * whole project config (specs read its environments' values).
 * @throws {DeploySettingsError} naming the first problem in the file, or an unknown environment
 */
async function configSections(
  cwd: string,
  given: string | undefined,
  envName: string | undefined,
): Promise<ConfigSections | undefined> {
  let config: ProjectConfig | undefined;
  try {
    config = await loadProjectConfig(cwd, given);
    const choice = chooseEnvironment(config, envName);
    if (!config) return undefined;
    const env = choice.selected && config.environments.get(choice.selected.name)!;
    return { name: config.file, env, deploy: config.deploy };
  } catch (error) {
    if (error instanceof SpecError) throw new DeploySettingsError(error.problems.map(formatProblem).join("\n"));
    if (error instanceof UserError) throw new DeploySettingsError(error.message);
    throw error;
  }
}
