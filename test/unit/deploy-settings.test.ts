/** Deploy settings: flags over environment variables over the config file over defaults, and clear errors. */
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { DeploySettingsError } from "../../src/deploy/errors.js";
import { type DeployFlags, normalizePrefix, resolveDeploySettings } from "../../src/deploy/settings.js";

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
      'pipegen.config.yaml:3:3 deploy.prunee: unknown setting "prunee"; known deploy settings: bucket, prefix, environment, region, account, from, prune, wait, waitTimeout, preflight, concurrency, retries',
    ],
    [
      "pipegen.config.yaml",
      "deploy:\n  bucket: ok-bucket\n  wait: sometimes\n",
      'pipegen.config.yaml:3:9 deploy.wait: expected a boolean, got "sometimes"',
    ],
    [
      "pipegen.config.yml",
      "deplyo:\n  bucket: x\n",
      'pipegen.config.yml:1:1 deplyo: unknown setting "deplyo"; known sections: deploy',
    ],
    [
      "pipegen.config.json",
      '{"deploy": {"bucket": "ok-bucket",}}',
      "pipegen.config.json:1:35 is not valid JSON: Expected double-quoted property name",
    ],
  ])("%s with %j fails: %s", async (name, text, message) => {
    await writeFile(path.join(cwd, name), text);
    const error = await resolve({}).catch((e: unknown) => e);
    expect((error as Error).message).toBe(message);
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
