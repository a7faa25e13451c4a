/**
 * Environment profiles through the built bin, in a copy of the example
 * project (examples/clickstream): `render --env` for dev and for prod differ
 * exactly where the profiles' values differ, `render --check` holds per
 * environment, `validate` checks every environment, `iam --env` and
 * `deploy --env` take the environment's account, region, MWAA environment
 * and bucket, and broken configs and references are refused with
 * file:line:col. S3 is moto in server mode on loopback.
 */
import { cp, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { S3Client } from "@aws-sdk/client-s3";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import config from "../examples/clickstream/pipegen.config.js";
import { pipegen } from "./helpers/cli.js";
import { bucketContents, makeBucket, sha256 } from "./helpers/deploy.js";
import { EXAMPLE_PROJECT } from "./helpers/golden.js";
import { MOTO_AWS_ENV, type MotoServer, startMoto } from "./helpers/moto.js";

let work: string;
beforeEach(async () => {
  work = await mkdtemp(path.join(tmpdir(), "pipegen-env-cli-"));
  await cp(EXAMPLE_PROJECT, work, { recursive: true });
});
afterEach(() => rm(work, { recursive: true, force: true }));

const cli = (args: string[], env: Record<string, string> = {}) => pipegen(args, { cwd: work, env });

type Env = "dev" | "prod";
const valuesOf = (env: Env): Record<string, string | number> => ({
  ...config.values,
  ...config.environments[env].values,
});

/** A bundle folder's files (pipegen's own manifest aside), by path. */
async function filesOf(dir: string): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  const walk = async (sub: string) => {
    for (const e of await readdir(path.join(dir, sub), { withFileTypes: true })) {
      const rel = sub ? `${sub}/${e.name}` : e.name;
      if (e.isDirectory()) await walk(rel);
      else if (rel !== ".pipegen-files.json") out.set(rel, await readFile(path.join(dir, rel), "utf8"));
    }
  };
  await walk("");
  return out;
}

/**
 * A dev line with each dev value replaced by the prod value of the same
 * name, in one pass: strings wherever they stand (the longest first, so that
 * a value inside another is not replaced on its own), numbers as whole numbers.
 */
function devToProd(line: string): string {
  const dev = valuesOf("dev");
  const prod = valuesOf("prod");
  const byText = new Map(
    Object.keys(dev)
      .filter((n) => dev[n] !== prod[n])
      .map((n) => [String(dev[n]), String(prod[n])] as const),
  );
  const alternatives = [...byText.keys()]
    .sort((a, b) => b.length - a.length)
    .map((t) => (/^\d+$/.test(t) ? `(?<![\\w.])${t}(?![\\w.])` : t.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")));
  return line.replace(new RegExp(alternatives.join("|"), "g"), (match) => byText.get(match)!);
}

describe("render --env", () => {
  it("renders dev and prod that differ exactly where the profiles' values differ", async () => {
    for (const env of ["dev", "prod"] as const) {
      const r = await cli(["render", "--env", env, "--out", `dist/${env}`, "--quiet"]);
      expect(r.stderr).toBe("");
      expect(r.exitCode).toBe(0);
    }
    const dev = await filesOf(path.join(work, "dist/dev"));
    const prod = await filesOf(path.join(work, "dist/prod"));
    const changedStrings = Object.entries(valuesOf("dev")).flatMap(([name, value]) =>
      typeof value === "string" && value !== valuesOf("prod")[name] ? [value] : [],
    );
    expect([...dev.keys()].sort()).toEqual([...prod.keys()].sort());
    let differing = 0;
    for (const [file, text] of dev) {
      const devLines = text.split("\n");
      const prodLines = prod.get(file)!.split("\n");
      expect(prodLines.length, file).toBe(devLines.length);
      devLines.forEach((line, i) => {
        if (line === prodLines[i])
          // A line that stays holds no value that changes (numbers, such as 2, are too common to look for).
          for (const value of changedStrings) expect(line, `${file}:${i + 1}`).not.toContain(value);
        else {
          // A line that changes is the prod line once dev's values are replaced by prod's.
          expect(devToProd(line), `${file}:${i + 1}`).toBe(prodLines[i]);
          differing++;
        }
      });
    }
    // The values reach the DAGs: buckets, the workgroup and its secret, roles, the Glue job's size.
    expect(differing).toBeGreaterThanOrEqual(12);
    const devDag = dev.get("dags/clickstream.py")!;
    for (const name of ["landingBucket", "lakeBucket", "workgroup", "redshiftSecret", "glueRole"] as const)
      expect(devDag, name).toContain(String(valuesOf("dev")[name]));
  });

  it("keeps render --check deterministic per environment", async () => {
    expect((await cli(["render", "--env", "prod", "--out", "dist", "--quiet"])).exitCode).toBe(0);
    const same = await cli(["render", "--env", "prod", "--out", "dist", "--check"]);
    expect(same.exitCode).toBe(0);
    expect(same.stdout).toBe("✓ dist is up to date (5 files)");
    const other = await cli(["render", "--env", "dev", "--out", "dist", "--check"]);
    expect(other.exitCode).toBe(1);
    expect(other.stderr.split("\n")).toEqual([
      "  changed dags/clickstream.py",
      "  changed dags/clickstream_features.py",
      "  changed dags/clickstream_report.py",
      "✗ 3 files are stale: run `pipegen render` and commit the result",
    ]);
  });

  it("refuses specs that read environment values without --env, at each reference", async () => {
    const r = await cli(["render", "--out", "dist"]);
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toContain(
      "pipelines/clickstream_report.pipeline.yaml:36:16 connections.redshift.workgroup: reads env.workgroup, but no environment was given — pass --env with one of dev, prod",
    );
    expect(r.stderr).toMatch(
      /pipelines\/clickstream\.pipeline\.ts:\d+:\d+ reads env\.\w+, but no environment was given — pass --env with one of dev, prod/,
    );
    expect(await readdir(work)).not.toContain("dist");
  });

  it("refuses an environment the config does not declare", async () => {
    const r = await cli(["render", "--env", "staging"]);
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toBe("✗ --env staging: pipegen.config.ts declares the environments dev, prod");
  });
});

describe("validate", () => {
  it("checks every environment unless --env names one", async () => {
    expect((await cli(["validate"])).stdout).toBe("✓ 3 pipelines valid for environments dev, prod");
    expect((await cli(["validate", "--env", "prod"])).stdout).toBe("✓ 3 pipelines valid for environment prod");
    const json = JSON.parse((await cli(["validate", "--json"])).stdout) as { pipelines: { id: string; env: string }[] };
    expect(json.pipelines.map((p) => `${p.env} ${p.id}`)).toEqual([
      "dev clickstream",
      "dev clickstream_features",
      "dev clickstream_report",
      "prod clickstream",
      "prod clickstream_features",
      "prod clickstream_report",
    ]);
  });

  it("refuses a config where a value is set for one environment only, at the value", async () => {
    const file = path.join(work, "pipegen.config.ts");
    await writeFile(
      file,
      (await readFile(file, "utf8")).replace(
        '        unloadRole: "arn:aws:iam::444455556666:role/redshift-unload",\n',
        "",
      ),
    );
    const r = await cli(["validate"]);
    expect(r.exitCode).toBe(1);
    expect(r.stderr.split("\n")).toEqual([
      'pipegen.config.ts:24:21 environments.dev.values.unloadRole: is set for dev only; prod has no value "unloadRole" — set unloadRole in environments.prod.values too, or in the top-level values as the default of every environment',
      "✗ 1 problem in pipegen.config.ts; nothing was written",
    ]);
  });

  it("says where a value that does not fit comes from, and for which environment", async () => {
    const file = path.join(work, "pipegen.config.ts");
    await writeFile(
      file,
      (await readFile(file, "utf8")).replace('lakeBucket: "clicks-lake",', 'lakeBucket: "Clicks_Lake",'),
    );
    const r = await cli(["validate"]);
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toContain(
      "pipelines/clickstream_report.pipeline.yaml:49:9 steps[1].to: with --env prod: names an invalid S3 bucket 'Clicks_Lake': only lowercase letters, digits, '.' and '-', starting and ending with a letter or digit — env.lakeBucket is \"Clicks_Lake\" in prod (pipegen.config.ts:34:21)",
    );
    // A template instance's problem is placed at its use:, and names the value under with: that caused it.
    expect(r.stderr).toContain(
      "pipelines/clickstream_features.pipeline.yaml:31:10 steps[0].use: with --env prod: refresh_and_unload@1 makes step \"features_unload\", whose to names an invalid S3 bucket 'Clicks_Lake': only lowercase letters, digits, '.' and '-', starting and ending with a letter or digit — check the values under `with:`, or the template; env.lakeBucket is \"Clicks_Lake\" in prod (pipegen.config.ts:34:21)",
    );
    expect(r.stderr).toMatch(
      /pipelines\/clickstream\.pipeline\.ts:\d+:\d+ steps\[2\]\.scriptLocation: with --env prod: names an invalid S3 bucket 'Clicks_Lake'.* — env\.lakeBucket is "Clicks_Lake" in prod \(pipegen\.config\.ts:34:21\)\n/,
    );
  });

  it("refuses a reference to a value the config does not declare, with the closest name", async () => {
    const file = path.join(work, "pipelines/clickstream_report.pipeline.yaml");
    await writeFile(file, (await readFile(file, "utf8")).replace("${env.unloadRole}", "${env.unloadrole}"));
    const r = await cli(["validate"]);
    expect(r.stderr.split("\n")).toEqual([
      "pipelines/clickstream_report.pipeline.yaml:50:14 steps[1].iamRole: reads env.unloadrole, which pipegen.config.ts does not declare — did you mean env.unloadRole?",
      "✗ 1 problem in 1 spec file; nothing was written",
    ]);
  });
});

describe("iam --env", () => {
  it.each(["dev", "prod"] as const)(
    "writes %s's documents, for its account, region and MWAA environment",
    async (env) => {
      const r = await cli(["iam", "--env", env, "--out", `iam/${env}`]);
      expect(r.exitCode).toBe(0);
      const { account, region, environment, bucket } = config.environments[env].deploy;
      expect(r.stdout.split("\n")[0]).toBe(`IAM for account ${account}, region ${region}`);
      const files = await readdir(path.join(work, "iam", env));
      expect(files).toContain("mwaa-execution-role-baseline.json");
      const baseline = await readFile(path.join(work, "iam", env, "mwaa-execution-role-baseline.json"), "utf8");
      expect(baseline).toContain(`arn:aws:airflow:${region}:${account}:environment/${environment}`);
      expect(baseline).toContain(`arn:aws:s3:::${bucket}`);
      const execution = await readFile(path.join(work, "iam", env, "mwaa-execution-role.json"), "utf8");
      const values = valuesOf(env);
      expect(execution).toContain(`arn:aws:s3:::${values.landingBucket}`);
      expect(execution).toContain(`workgroup/${values.workgroupId}`);
      const other = valuesOf(env === "dev" ? "prod" : "dev");
      expect(execution).not.toMatch(new RegExp(`:::${other.landingBucket}["/]`));
      expect(execution).not.toContain(String(other.workgroupId));
      // The operator step's declared statement and both DAGs' failure notifications, on this environment's topics only.
      const statements = (
        JSON.parse(execution) as { Statement: { Action: string | string[]; Resource: string | string[] }[] }
      ).Statement.filter((st) => [st.Action].flat().includes("sns:Publish"))
        .flatMap((st) => [st.Resource].flat())
        .sort();
      expect([...new Set(statements)]).toEqual([values.alertsTopic, values.reportTopic].sort());
      // clickstream_features' operator step declares lambda:InvokeFunction on this environment's function only.
      const invoke = (
        JSON.parse(execution) as { Statement: { Action: string | string[]; Resource: string | string[] }[] }
      ).Statement.filter((st) => [st.Action].flat().includes("lambda:InvokeFunction"));
      expect(invoke.map((st) => [[st.Action].flat(), [st.Resource].flat()])).toEqual([
        [["lambda:InvokeFunction"], [values.recommenderFunction]],
      ]);
    },
  );
});

describe("deploy --env", () => {
  let moto: MotoServer;
  let s3: S3Client;
  beforeAll(async () => {
    moto = await startMoto();
    s3 = new S3Client({
      endpoint: moto.endpoint,
      region: "us-east-1",
      credentials: { accessKeyId: MOTO_AWS_ENV.AWS_ACCESS_KEY_ID, secretAccessKey: MOTO_AWS_ENV.AWS_SECRET_ACCESS_KEY },
    });
  }, 60_000);
  afterAll(async () => moto?.stop());

  it("uploads each environment's rendering to that environment's bucket, from its deploy settings", async () => {
    const buckets = { dev: await makeBucket(s3), prod: await makeBucket(s3) };
    // The example's settings with this test's buckets, and no account (moto's is its own) or
    // MWAA environment (MWAA has no local server; test/deploy.test.ts covers it in-process).
    const file = path.join(work, "pipegen.config.ts");
    let text = await readFile(file, "utf8");
    for (const env of ["dev", "prod"] as const) {
      const { bucket, account, region, environment } = config.environments[env].deploy;
      text = text.replace(
        `deploy: { bucket: "${bucket}", account: "${account}", region: "${region}", environment: "${environment}" }`,
        `deploy: { bucket: "${buckets[env]}", region: "${region}" }`,
      );
    }
    expect(text).not.toContain("-mwaa-source");
    await writeFile(file, text);
    const env = { ...MOTO_AWS_ENV, AWS_ENDPOINT_URL_S3: moto.endpoint, AWS_ENDPOINT_URL_STS: moto.endpoint };

    const plan = await cli(["deploy", "--env", "prod", "--dry-run"], env);
    expect(plan.exitCode, plan.stderr).toBe(0);
    expect(plan.stdout.split("\n").slice(0, 2)).toEqual([
      `Deploy to s3://${buckets.prod}/ in us-east-1`,
      "  settings: bucket from pipegen.config.ts environments.prod.deploy.bucket, region from pipegen.config.ts environments.prod.deploy.region",
    ]);

    for (const name of ["dev", "prod"] as const) {
      const r = await cli(["deploy", "--env", name], env);
      expect(r.exitCode, r.stderr).toBe(0);
      expect((await cli(["render", "--env", name, "--out", `dist/${name}`, "--quiet"])).exitCode).toBe(0);
      const rendered = await readFile(path.join(work, `dist/${name}/dags/clickstream.py`));
      expect((await bucketContents(s3, buckets[name])).get("dags/clickstream.py")?.sha256).toBe(sha256(rendered));
    }
  });
});
