/** Deploy settings: flags over environment variables over the config file over defaults, and clear errors. */
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { Option } from "commander";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { buildProgram } from "../../src/cli/program.js";
import { airflowVersionOption } from "../../src/cli/shared.js";
import { DeploySettingsError } from "../../src/deploy/errors.js";
import { type DeployFlags, normalizePrefix, resolveDeploySettings } from "../../src/deploy/settings.js";
import {
  DEPLOY_OPTIONS,
  type DeployOptionName,
  type DeployOptionSpec,
  SETTING_NAMES,
  type SettingName,
} from "../../src/spec/deploy-settings.js";
import { ROOT } from "../helpers/cli.js";

let cwd: string;
beforeEach(async () => {
  cwd = await mkdtemp(path.join(tmpdir(), "pipegen-settings-"));
});
afterEach(() => rm(cwd, { recursive: true, force: true }));

const resolve = (flags: DeployFlags, env: Record<string, string> = {}) =>
  resolveDeploySettings(flags, [], { env, cwd });

describe("resolveDeploySettings", () => {
  it("takes flags over environment variables over the config file, and says where each came from", async () => {
    await writeFile(
      path.join(cwd, "pipegen.config.yaml"),
      "deploy:\n  bucket: from-config\n  prefix: /cfg/prefix/\n  environment: cfg-env\n  region: eu-west-1\n  prune: true\n  concurrency: 4\n",
    );
    const s = await resolve(
      { bucket: "from-flag" },
      { PIPEGEN_BUCKET: "from-env", PIPEGEN_ENVIRONMENT: "env-env", AWS_REGION: "us-east-1" },
    );
    expect(s).toMatchObject({
      bucket: "from-flag",
      prefix: "cfg/prefix/",
      environment: "env-env",
      region: "eu-west-1",
      prune: true,
      wait: false,
      concurrency: 4,
      retries: 5,
      waitTimeoutMinutes: 60,
      paths: ["pipelines"],
    });
    expect(s.sources).toEqual({
      bucket: "--bucket",
      prefix: "pipegen.config.yaml deploy.prefix",
      environment: "PIPEGEN_ENVIRONMENT",
      region: "pipegen.config.yaml deploy.region",
      prune: "pipegen.config.yaml deploy.prune",
      concurrency: "pipegen.config.yaml deploy.concurrency",
    });
  });

  it.each([
    [
      {},
      { PIPEGEN_BUCKET: "b-env", PIPEGEN_PRUNE: "yes", PIPEGEN_CONCURRENCY: "8", AWS_DEFAULT_REGION: "ap-south-1" },
      { bucket: "b-env", prune: true, concurrency: 8, region: "ap-south-1" },
    ],
    [{ prune: false }, { PIPEGEN_BUCKET: "b-env", PIPEGEN_PRUNE: "1" }, { prune: false }],
    // CI systems expand unset variables to "": that means unset.
    [{ bucket: "b-flag" }, { PIPEGEN_PREFIX: "", PIPEGEN_ENVIRONMENT: " " }, { prefix: "", environment: undefined }],
    [
      { bucket: "b-flag", region: "eu-central-1" },
      { PIPEGEN_REGION: "us-west-2", AWS_REGION: "us-east-1" },
      { region: "eu-central-1" },
    ],
    [{ bucket: "b-flag" }, { PIPEGEN_REGION: "us-west-2", AWS_REGION: "us-east-1" }, { region: "us-west-2" }],
    [{ bucket: "b-flag", from: "dist" }, {}, { from: "<cwd>/dist" }],
  ] as const)("flags %j with env %j resolve to %j", async (flags, env, want) => {
    const s = await resolve(flags, env);
    const expected = Object.fromEntries(
      Object.entries(want).map(([k, v]) => [k, typeof v === "string" ? v.replace("<cwd>", cwd) : v]),
    );
    expect(s).toMatchObject(expected);
  });

  it.each([
    [
      {},
      {},
      "no bucket to deploy to: pass --bucket <name>, set PIPEGEN_BUCKET, or set deploy.bucket in pipegen.config.yaml",
    ],
    [
      { bucket: "My_Bucket" },
      {},
      "--bucket \"My_Bucket\" is not a valid S3 bucket name: only lowercase letters, digits, '.' and '-', starting and ending with a letter or digit",
    ],
    [
      { bucket: "ok-bucket", prefix: "a/../b" },
      {},
      '--prefix "a/../b" must be a plain key prefix such as team-a/ (no empty, "." or ".." segments)',
    ],
    [
      { bucket: "ok-bucket" },
      { PIPEGEN_ENVIRONMENT: "9lives" },
      "PIPEGEN_ENVIRONMENT \"9lives\" must be an MWAA environment name (letters, digits, '-', '_'; starts with a letter)",
    ],
    [
      { bucket: "ok-bucket" },
      { PIPEGEN_ENVIRONMENT: `e${"x".repeat(80)}` },
      `PIPEGEN_ENVIRONMENT "e${"x".repeat(80)}" must be at most 80 characters`,
    ],
    [{ bucket: "ok-bucket", region: "Europe" }, {}, '--region "Europe" must be an AWS region code such as eu-west-1'],
    [{ bucket: "ok-bucket" }, { PIPEGEN_PRUNE: "maybe" }, 'PIPEGEN_PRUNE must be true or false, got "maybe"'],
    [{ bucket: "ok-bucket", concurrency: "0" }, {}, '--concurrency must be a whole number from 1 to 64, got "0"'],
    [
      { bucket: "ok-bucket", waitTimeout: "1.5" },
      {},
      '--wait-timeout must be a whole number from 1 to 720 minutes, got "1.5"',
    ],
    [
      { bucket: "ok-bucket", wait: true },
      {},
      "--wait waits for the MWAA environment to finish updating, so it needs --environment (or PIPEGEN_ENVIRONMENT)",
    ],
    [
      { bucket: "ok-bucket", from: "dist", airflowVersion: "2.10.3" },
      {},
      "--airflow-version applies when pipegen renders the bundle; it cannot change the existing bundle given by --from",
    ],
    [{ bucket: "ok-bucket", config: "nope.yaml" }, {}, "config file nope.yaml does not exist"],
  ] as const)("flags %j with env %j fail: %s", async (flags, env, message) => {
    const error = await resolve(flags as DeployFlags, env).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DeploySettingsError);
    expect((error as Error).message).toBe(message);
  });

  it.each([
    [
      "pipegen.config.yaml",
      "deploy:\n  bucket: ok-bucket\n  prunee: true\n",
      'pipegen.config.yaml:3:3 deploy.prunee: unknown key "prunee" — did you mean "prune"?',
    ],
    [
      "pipegen.config.yaml",
      "deploy:\n  bucket: ok-bucket\n  dryRun: true\n",
      'pipegen.config.yaml:3:3 deploy.dryRun: unknown key "dryRun" — known keys: bucket, prefix, environment, region, account, from, prune, wait, waitTimeout, preflight, concurrency, retries',
    ],
    [
      "pipegen.config.yaml",
      "deploy:\n  bucket: Not_A_Bucket\n",
      "pipegen.config.yaml:2:11 deploy.bucket: is not a valid S3 bucket name: only lowercase letters, digits, '.' and '-', starting and ending with a letter or digit",
    ],
    [
      "pipegen.config.yaml",
      "deploy:\n  bucket: ok-bucket\n  wait: sometimes\n",
      'pipegen.config.yaml:3:9 deploy.wait: expected a boolean, got "sometimes"',
    ],
    [
      "pipegen.config.yml",
      "deplyo:\n  bucket: x\n",
      'pipegen.config.yml:1:1 deplyo: unknown key "deplyo" — did you mean "deploy"?',
    ],
    [
      "pipegen.config.json",
      '{"deploy": {"bucket": "ok-bucket",}}',
      "pipegen.config.json:1:35 is not valid JSON: Expected double-quoted property name — fix the JSON syntax, or write the config as pipegen.config.yaml",
    ],
  ])("%s with %j fails: %s", async (name, text, message) => {
    await writeFile(path.join(cwd, name), text);
    const error = await resolve({}).catch((e: unknown) => e);
    expect((error as Error).message).toBe(message);
  });

  it("takes the --env environment's deploy section over the top-level one, and says so", async () => {
    await writeFile(
      path.join(cwd, "pipegen.config.yaml"),
      [
        "deploy: { bucket: shared-bucket, region: eu-west-1, concurrency: 4 }",
        "environments:",
        "  dev: { deploy: { bucket: dev-bucket } }",
        "  prod: { deploy: { bucket: prod-bucket, account: '444455556666' } }",
        "",
      ].join("\n"),
    );
    const prod = await resolve({ env: "prod" });
    expect(prod).toMatchObject({ bucket: "prod-bucket", account: "444455556666", region: "eu-west-1", env: "prod" });
    expect(prod.sources).toEqual({
      bucket: "pipegen.config.yaml environments.prod.deploy.bucket",
      account: "pipegen.config.yaml environments.prod.deploy.account",
      region: "pipegen.config.yaml deploy.region",
      concurrency: "pipegen.config.yaml deploy.concurrency",
    });
    expect((await resolve({ env: "dev", bucket: "flag-bucket" })).sources.bucket).toBe("--bucket");
    expect((await resolve({})).bucket).toBe("shared-bucket");
    const error = await resolve({ env: "qa" }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DeploySettingsError);
    expect((error as Error).message).toBe("--env qa: pipegen.config.yaml declares the environments dev, prod");
  });

  it("reads the file --config names, relative to the working directory", async () => {
    await writeFile(
      path.join(cwd, "deploy.json"),
      JSON.stringify({ deploy: { bucket: "json-bucket", wait: true, environment: "prod-airflow", waitTimeout: 90 } }),
    );
    const s = await resolve({ config: "deploy.json" });
    expect(s).toMatchObject({ bucket: "json-bucket", wait: true, environment: "prod-airflow", waitTimeoutMinutes: 90 });
    expect(s.sources.bucket).toBe("deploy.json deploy.bucket");
  });
});

describe("normalizePrefix", () => {
  it.each([
    ["", ""],
    ["/", ""],
    ["team-a", "team-a/"],
    ["/team-a/mwaa/", "team-a/mwaa/"],
    ["  x ", "x/"],
  ])("%j → %j", (raw, want) => expect(normalizePrefix(raw)).toBe(want));
});

describe("the settings table", () => {
  const entries = Object.entries(DEPLOY_OPTIONS) as [DeployOptionName, DeployOptionSpec][];
  /** A valid value of each setting, as an environment variable or a config file would give it. */
  const valid: Record<SettingName, string> = {
    bucket: "table-bucket",
    prefix: "team-a",
    environment: "prod-airflow",
    region: "eu-west-1",
    account: "111122223333",
    from: "dist",
    prune: "true",
    wait: "true",
    waitTimeout: "90",
    preflight: "true",
    concurrency: "4",
    retries: "0",
  };
  const configValue = (name: SettingName) => {
    const kind = DEPLOY_OPTIONS[name].kind;
    return kind === "bool" ? true : kind === "int" ? Number(valid[name]) : valid[name];
  };
  // --wait needs an environment; the environment's own row gives it one from the same source.
  const companions = (name: SettingName): SettingName[] => (name === "wait" ? ["wait", "environment"] : [name]);

  it.each(entries)("%s: commander names the value of its flag after the table's key", (name, spec) => {
    expect(new Option(spec.flag).attributeName()).toBe(name);
  });

  it("declares every option of `pipegen deploy`, in the order --help lists them", () => {
    const command = buildProgram("0.0.0").commands.find((c) => c.name() === "deploy")!;
    const want = entries.flatMap(([, spec]) =>
      spec.kind === "bool" && spec.negatedHelp ? [spec.flag, `--no-${spec.flag.slice(2)}`] : [spec.flag],
    );
    expect(command.options.map((o) => o.long)).toEqual(want);
  });

  it.each(SETTING_NAMES)("%s comes from its environment variable, and says so", async (name) => {
    const env = Object.fromEntries(companions(name).map((n) => [DEPLOY_OPTIONS[n].env, valid[n]]));
    const s = await resolve(name === "bucket" ? {} : { bucket: "flag-bucket" }, env);
    expect(s.sources[name]).toBe(DEPLOY_OPTIONS[name].env);
  });

  it.each(SETTING_NAMES)("%s comes from its config key, and says so", async (name) => {
    const deploy = Object.fromEntries(companions(name).map((n) => [n, configValue(n)]));
    await writeFile(
      path.join(cwd, "pipegen.config.json"),
      JSON.stringify({ deploy: { bucket: "cfg-bucket", ...deploy } }),
    );
    const s = await resolve({});
    expect(s.sources[name]).toBe(`pipegen.config.json deploy.${name}`);
  });

  it("defaults every number and switch to the table's default", async () => {
    const s = await resolve({ bucket: "ok-bucket" });
    const { waitTimeout, concurrency, retries, prune, wait, preflight, dryRun, json } = DEPLOY_OPTIONS;
    expect(s).toMatchObject({
      waitTimeoutMinutes: waitTimeout.default,
      concurrency: concurrency.default,
      retries: retries.default,
      prune: prune.default,
      wait: wait.default,
      preflight: preflight.default,
      dryRun: dryRun.default,
      json: json.default,
      sources: {},
    });
  });

  it("is the table in docs/ci.md (UPDATE_DOCS=1 rewrites it)", async () => {
    const file = path.join(ROOT, "docs/ci.md");
    const text = await readFile(file, "utf8");
    const start = text.indexOf("-->\n", text.indexOf("<!-- Generated from src/spec/deploy-settings.ts")) + 4;
    const end = text.indexOf("<!-- End of generated settings -->");
    expect(start).toBeGreaterThan(3);
    expect(end).toBeGreaterThan(start);
    if (process.env.UPDATE_DOCS) await writeFile(file, text.slice(0, start) + settingsDoc() + text.slice(end));
    else expect(text.slice(start, end)).toBe(settingsDoc());
  });
});

/** The settings section of docs/ci.md, from the table. */
function settingsDoc(): string {
  const code = (s: string) => `\`${s}\``;
  const flagOf = (spec: DeployOptionSpec) =>
    spec.kind === "bool"
      ? [spec.flag, ...(spec.negatedHelp ? [`--no-${spec.flag.slice(2)}`] : [])].map(code).join(" / ")
      : spec.kind === "airflowVersion"
        ? code(airflowVersionOption().flags)
        : code(`${spec.flag} ${spec.arg}`);
  const rows = SETTING_NAMES.map((name) => {
    const spec = DEPLOY_OPTIONS[name];
    const fallback = "fallbackEnv" in spec ? `, then ${spec.fallbackEnv.map(code).join(", ")}` : "";
    const byDefault = spec.kind === "text" ? "" : code(String(spec.default));
    return `| ${flagOf(spec)} | ${code(spec.env)}${fallback} | ${code(name)} | ${byDefault} | ${spec.help} |`;
  });
  const others = (Object.keys(DEPLOY_OPTIONS) as DeployOptionName[])
    .filter((name) => !(SETTING_NAMES as readonly string[]).includes(name))
    .map((name) => {
      const spec: DeployOptionSpec = DEPLOY_OPTIONS[name];
      const help = spec.kind === "airflowVersion" ? airflowVersionOption().description : spec.help;
      return `- ${flagOf(spec)}${spec.env ? ` (or ${code(spec.env)})` : ""}: ${help}`;
    });
  return [
    "| flag | environment variable | config key | default | what it sets |",
    "|---|---|---|---|---|",
    ...rows,
    "",
    "Options of a single run, not read from the config file:",
    "",
    ...others,
    "",
  ].join("\n");
}
