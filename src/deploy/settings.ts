/**
 * Deploy settings: where the bundle goes and how. Each setting comes from, in
 * order of precedence, a command-line flag, an environment variable (what a
 * CI job sets), the `deploy` section of the config file, or a default. The
 * source of every value is kept, so the plan can say why it deploys where it
 * does.
 */
import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { isMap, LineCounter, type Node, parseDocument } from "yaml";
import { z } from "zod";
import { AIRFLOW_VERSIONS, type AirflowVersion } from "../spec/airflow-versions.js";
import { awsAccountId, awsRegion, s3BucketName } from "../spec/common.js";
import { describeIssue } from "../validate/messages.js";
import { DeploySettingsError } from "./errors.js";
import { CONFIG_FILE_NAMES, SETTINGS, type SettingName } from "./setting-names.js";

export { CONFIG_FILE_NAMES, SETTING_ENV_VARS, type SettingName } from "./setting-names.js";

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
  /** Where each non-default setting came from: "--bucket", "PIPEGEN_BUCKET", "pipegen.config.yaml". */
  readonly sources: Readonly<Partial<Record<SettingName, string>>>;
}

/** Command-line flags as commander parses them; everything optional. */
export interface DeployFlags {
  readonly bucket?: string;
  readonly prefix?: string;
  readonly environment?: string;
  readonly region?: string;
  readonly account?: string;
  readonly from?: string;
  readonly config?: string;
  readonly airflowVersion?: AirflowVersion;
  readonly dryRun?: boolean;
  readonly prune?: boolean;
  readonly wait?: boolean;
  readonly waitTimeout?: string;
  readonly preflight?: boolean;
  readonly concurrency?: string;
  readonly retries?: string;
  readonly json?: boolean;
}

const mwaaEnvironmentName = z
  .string()
  .regex(/^[a-zA-Z][0-9a-zA-Z_-]*$/, {
    message: "must be an MWAA environment name (letters, digits, '-', '_'; starts with a letter)",
  })
  .max(80);

/** The `deploy` section of pipegen.config.{yaml,yml,json}. */
export const deployConfigSchema = z
  .strictObject({
    bucket: z.string(),
    prefix: z.string(),
    environment: z.string(),
    region: z.string(),
    account: z.string(),
    from: z.string(),
    prune: z.boolean(),
    wait: z.boolean(),
    /** Minutes. */
    waitTimeout: z.number(),
    preflight: z.boolean(),
    concurrency: z.number(),
    retries: z.number(),
  })
  .partial();

const configFileSchema = z.strictObject({ deploy: deployConfigSchema.optional() });

export type DeployConfig = z.output<typeof deployConfigSchema>;

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
  const configFile = await loadConfigFile(flags.config ?? nonEmpty(env.PIPEGEN_CONFIG), cwd);
  const config = configFile?.deploy ?? {};
  const configName = configFile?.name ?? "";
  const sources: Partial<Record<SettingName, string>> = {};

  const pick = <K extends SettingName>(name: K, fromFlag: unknown): { value: unknown; source: string } | undefined => {
    if (fromFlag !== undefined) return { value: fromFlag, source: SETTINGS[name].flag };
    const fromEnv = nonEmpty(env[SETTINGS[name].env]);
    if (fromEnv !== undefined) return { value: fromEnv, source: SETTINGS[name].env };
    const fromConfig = (config as Record<string, unknown>)[name];
    if (fromConfig !== undefined) return { value: fromConfig, source: `${configName} deploy.${name}` };
    return undefined;
  };
  const text = (name: SettingName, fromFlag: string | undefined): string | undefined => {
    const got = pick(name, fromFlag);
    if (!got) return undefined;
    sources[name] = got.source;
    return String(got.value);
  };
  const bool = (name: SettingName, fromFlag: boolean | undefined, fallback: boolean): boolean => {
    const got = pick(name, fromFlag);
    if (!got) return fallback;
    sources[name] = got.source;
    if (typeof got.value === "boolean") return got.value;
    const v = String(got.value).toLowerCase();
    if (["1", "true", "yes", "on"].includes(v)) return true;
    if (["0", "false", "no", "off"].includes(v)) return false;
    throw new DeploySettingsError(`${got.source} must be true or false, got "${String(got.value)}"`);
  };
  const int = (
    name: SettingName,
    fromFlag: string | undefined,
    fallback: number,
    min: number,
    max: number,
    unit = "",
  ): number => {
    const got = pick(name, fromFlag);
    if (!got) return fallback;
    sources[name] = got.source;
    const n =
      typeof got.value === "number" ? got.value : /^\s*\d+\s*$/.test(String(got.value)) ? Number(got.value) : NaN;
    if (!Number.isInteger(n) || n < min || n > max)
      throw new DeploySettingsError(
        `${got.source} must be a whole number from ${min} to ${max}${unit}, got "${String(got.value)}"`,
      );
    return n;
  };

  const bucket = text("bucket", flags.bucket);
  if (bucket === undefined)
    throw new DeploySettingsError(
      `no bucket to deploy to: pass --bucket <name>, set ${SETTINGS.bucket.env}, or set deploy.bucket in ${CONFIG_FILE_NAMES[0]}`,
    );
  check(s3BucketName, bucket, sources.bucket!);

  const prefix = normalizePrefix(text("prefix", flags.prefix) ?? "", sources.prefix);
  const environment = text("environment", flags.environment);
  if (environment !== undefined) check(mwaaEnvironmentName, environment, sources.environment!);

  let region = text("region", flags.region);
  for (const name of ["AWS_REGION", "AWS_DEFAULT_REGION"]) {
    if (region !== undefined) break;
    region = nonEmpty(env[name]);
    if (region !== undefined) sources.region = name;
  }
  if (region !== undefined) check(awsRegion, region, sources.region!);

  const account = text("account", flags.account);
  if (account !== undefined) check(awsAccountId, account, sources.account!);

  const from = text("from", flags.from);
  if (from !== undefined && flags.airflowVersion)
    throw new DeploySettingsError(
      `--airflow-version applies when pipegen renders the bundle; it cannot change the existing bundle given by ${sources.from}`,
    );
  if (flags.airflowVersion && !(AIRFLOW_VERSIONS as readonly string[]).includes(flags.airflowVersion))
    throw new DeploySettingsError(`--airflow-version must be one of ${AIRFLOW_VERSIONS.join(", ")}`);

  const wait = bool("wait", flags.wait, false);
  if (wait && environment === undefined)
    throw new DeploySettingsError(
      `${sources.wait} waits for the MWAA environment to finish updating, so it needs --environment (or ${SETTINGS.environment.env})`,
    );

  return {
    bucket,
    prefix,
    environment,
    region,
    account,
    from: from === undefined ? undefined : path.resolve(cwd, from),
    paths: paths.length > 0 ? paths : ["pipelines"],
    airflowVersion: flags.airflowVersion,
    dryRun: flags.dryRun ?? false,
    prune: bool("prune", flags.prune, false),
    wait,
    waitTimeoutMinutes: int("waitTimeout", flags.waitTimeout, 60, 1, 720, " minutes"),
    preflight: bool("preflight", flags.preflight, false),
    concurrency: int("concurrency", flags.concurrency, 16, 1, 64),
    retries: int("retries", flags.retries, 5, 0, 20),
    json: flags.json ?? false,
    sources,
  };
}

/**
 * "" stays ""; anything else loses leading and trailing slashes and gains one
 * trailing slash: "/team-a/mwaa/" → "team-a/mwaa/".
 */
export function normalizePrefix(raw: string, source = "--prefix"): string {
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
  return `${trimmed}/`;
}

function check(schema: z.ZodType, value: string, source: string): void {
  const r = schema.safeParse(value);
  if (!r.success) throw new DeploySettingsError(`${source} "${value}" ${r.error.issues[0]!.message}`);
}

function nonEmpty(value: string | undefined): string | undefined {
  // CI systems set unset variables to "" (e.g. `${{ vars.MISSING }}` in GitHub Actions).
  return value === undefined || value.trim() === "" ? undefined : value.trim();
}

async function loadConfigFile(
  explicit: string | undefined,
  cwd: string,
): Promise<{ name: string; deploy: DeployConfig | undefined } | undefined> {
  let file: string | undefined;
  if (explicit !== undefined) {
    file = path.resolve(cwd, explicit);
    if (!existsSync(file)) throw new DeploySettingsError(`config file ${explicit} does not exist`);
  } else {
    file = CONFIG_FILE_NAMES.map((n) => path.join(cwd, n)).find((f) => existsSync(f));
    if (!file) return undefined;
  }
  const name = path.relative(cwd, file) || file;
  const text = await readFile(file, "utf8");
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, uniqueKeys: true, strict: true, prettyErrors: false });
  const yamlError = doc.errors[0];
  if (yamlError) {
    const pos = lineCounter.linePos(yamlError.pos[0]);
    throw new DeploySettingsError(
      `${name}:${pos.line}:${pos.col} is not valid YAML/JSON: ${yamlError.message.split("\n")[0]}`,
    );
  }
  let data: unknown = doc.toJS() ?? {};
  if (file.endsWith(".json")) {
    // YAML accepts more than JSON (trailing commas, comments); a .json file must be JSON.
    try {
      data = JSON.parse(text);
    } catch (error) {
      const message = (error as Error).message;
      const at = /position (\d+)/.exec(message);
      const pos = lineCounter.linePos(at ? Number(at[1]) : 0);
      throw new DeploySettingsError(
        `${name}:${pos.line}:${pos.col} is not valid JSON: ${message.replace(/ in JSON at position \d+.*$/, "")}`,
      );
    }
  }
  const parsed = configFileSchema.safeParse(data, { reportInput: true });
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const keys = issue.code === "unrecognized_keys" ? [...issue.path, issue.keys[0]!] : issue.path;
    // Point at the unknown key, or at the value that is wrong.
    const node =
      issue.code === "unrecognized_keys"
        ? locateKey(doc.contents, keys.map(String))
        : ((doc.getIn(keys, true) as Node | undefined) ?? locateKey(doc.contents, keys.map(String)));
    const offset = node?.range?.[0] ?? 0;
    const pos = lineCounter.linePos(offset);
    const where = keys.join(".");
    const message =
      issue.code === "unrecognized_keys"
        ? `unknown setting "${issue.keys[0]}"; known ${issue.path.length === 0 ? "sections: deploy" : `deploy settings: ${Object.keys(deployConfigSchema.shape).join(", ")}`}`
        : describeIssue(issue).message;
    throw new DeploySettingsError(`${name}:${pos.line}:${pos.col} ${where ? `${where}: ` : ""}${message}`);
  }
  return { name, deploy: parsed.data.deploy };
}

function locateKey(contents: unknown, keys: readonly string[]): Node | undefined {
  let node = contents;
  let found: Node | undefined;
  for (const k of keys) {
    if (!isMap(node)) return found;
    const pair = node.items.find((p) => String((p.key as { value?: unknown } | null)?.value) === k);
    if (!pair) return found;
    found = pair.key as Node;
    node = pair.value;
  }
  return found;
}
