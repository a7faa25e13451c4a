/**
 * `pipegen deploy` as CI runs it: the built bin, settings from a config file
 * and environment variables, exit codes and printed reports, an interrupted
 * (killed) deploy, and --preflight. S3 and Glue are moto in server mode on
 * loopback (S3 behind the counting, fault-injecting proxy). MWAA is not used
 * here: it has no local server, and a mock cannot reach into a child process
 * (test/deploy.test.ts covers it in-process).
 */

import { mkdtemp, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { CreateCrawlerCommand, CreateDatabaseCommand, CreateJobCommand, GlueClient } from "@aws-sdk/client-glue";
import { CreateBucketCommand, S3Client } from "@aws-sdk/client-s3";
import { execa } from "execa";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { uploadClassOf } from "../src/deploy/bundle.js";
import { renderPipelines } from "../src/pipeline-run.js";
import { runnerArchivePath } from "../src/runner/location.js";
import { runnerPin } from "../src/runner/pin.js";
import { BIN, pipegen, ROOT } from "./helpers/cli.js";
import {
  type BundleSpec,
  bucketContents,
  examplesDeployingTo,
  makeBucket,
  requestsTo,
  sha256,
  withoutRunner,
  writeBundleDir,
} from "./helpers/deploy.js";
import { MOTO_AWS_ENV, type MotoServer, startMoto } from "./helpers/moto.js";
import { type S3Proxy, startS3Proxy, WRITE_OPS } from "./helpers/s3-proxy.js";

Object.assign(process.env, MOTO_AWS_ENV, { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true" });

let moto: MotoServer;
let proxy: S3Proxy;
let s3: S3Client;
let work: string;
let examples: BundleSpec;

beforeAll(async () => {
  moto = await startMoto();
  proxy = await startS3Proxy(moto.endpoint);
  s3 = new S3Client({ endpoint: moto.endpoint, region: "us-east-1" });
  // startup.sh naming no XTable runner: these tests are about everything else (test/deploy-runner.test.ts).
  examples = withoutRunner(
    Object.fromEntries((await renderPipelines({ paths: ["pipelines"], cwd: ROOT })).map((f) => [f.path, f.content])),
  );
}, 60_000);
afterAll(async () => {
  await proxy?.close();
  await moto?.stop();
});
beforeEach(async () => {
  proxy.clearLog();
  proxy.setRule(undefined);
  proxy.onRequest = undefined;
  work = await mkdtemp(path.join(tmpdir(), "pipegen-deploy-cli-"));
});
afterEach(() => rm(work, { recursive: true, force: true }));

/** What a CI job would set: credentials, a region, and here the local endpoints. */
const ciEnv = () => ({
  ...MOTO_AWS_ENV,
  AWS_ENDPOINT_URL_S3: proxy.endpoint,
  AWS_ENDPOINT_URL_GLUE: moto.endpoint,
  AWS_ENDPOINT_URL_STS: moto.endpoint,
});
const deployCli = (args: string[], env: Record<string, string> = {}) =>
  pipegen(["deploy", ...args], { cwd: work, env: { ...ciEnv(), ...env } });
const writes = (bucket: string) => requestsTo(proxy.log, bucket).filter((r) => WRITE_OPS.has(r.op));

describe("pipegen deploy (the bin)", () => {
  it("takes settings from the config file and CI variables, prints the plan, and writes nothing with --dry-run", async () => {
    const bucket = await makeBucket(s3);
    await writeBundleDir(path.join(work, "dist"), examples);
    await writeFile(
      path.join(work, "pipegen.config.yaml"),
      `deploy:\n  bucket: ${bucket}\n  prefix: from-config\n  from: dist\n`,
    );
    const r = await deployCli(["--dry-run"], { PIPEGEN_PREFIX: "team-a" });
    expect(r.stderr).toBe("");
    expect(r.exitCode).toBe(0);
    expect(r.stdout.split("\n")).toEqual([
      `Deploy to s3://${bucket}/team-a/ in us-east-1`,
      "  settings: bucket from pipegen.config.yaml deploy.bucket, prefix from PIPEGEN_PREFIX, region from AWS_REGION, from from pipegen.config.yaml deploy.from",
      "  add     startup.sh",
      "  add     dags/pipegen_xtable/__init__.py",
      "  add     dags/pipegen_xtable/operator.py",
      "  add     requirements.txt",
      "  add     dags/daily_landing.py",
      "  add     dags/orders_lakehouse.py",
      "  add     dags/partner_feed.py",
      "  add     dags/products.py",
      "  add     dags/sales.py",
      "  add     dags/sales_features.py",
      "  add     dags/.airflowignore",
      expect.stringMatching(
        /^Plan: 11 to add, 0 to change, 0 to delete, 0 unchanged \(\d+\.\d KiB to upload\); environment: none \(no --environment; MWAA is not called\)$/,
      ),
      "dry run: nothing was written",
    ]);
    expect(writes(bucket)).toEqual([]);
  });

  it("deploys, then reports nothing to do; --json gives the same report as data", async () => {
    const bucket = await makeBucket(s3);
    const first = await deployCli(["--bucket", bucket, "--json"], {
      PIPEGEN_FROM: await writeBundleDir(path.join(work, "dist"), examples),
    });
    expect(first.exitCode).toBe(0);
    const report = JSON.parse(first.stdout) as {
      outcome: string;
      uploaded: { path: string; versionId: string }[];
      manifest: string;
    };
    expect(report.outcome).toBe("deployed");
    expect(report.manifest).toBe("written");
    const contents = await bucketContents(s3, bucket);
    for (const u of report.uploaded) expect(u.versionId).toBe(contents.get(u.path)!.versionId);

    const again = await deployCli(["--bucket", bucket, "--from", "dist"]);
    expect(again.exitCode).toBe(0);
    expect(again.stdout.split("\n").slice(-2)).toEqual([
      "Plan: 0 to add, 0 to change, 0 to delete, 11 unchanged; environment: none (no --environment; MWAA is not called)",
      "✓ nothing to do: the bucket already holds this bundle",
    ]);
  });

  it("deploys a dist/ that pipegen render wrote exactly as the bundle, with the XTable runner it names: render's manifest stays on disk", async () => {
    const bucket = await makeBucket(s3);
    await examplesDeployingTo(ROOT, work, bucket);
    const render = await pipegen(["render", "-q"], { cwd: work });
    expect(render.exitCode, render.stderr).toBe(0);
    expect(await readdir(path.join(work, "dist"))).toContain(".pipegen-files.json");
    const rendered = Object.fromEntries(
      (await renderPipelines({ paths: ["pipelines"], cwd: work })).map((f) => [f.path, f.content]),
    );
    await writeBundleDir(path.join(work, "plain"), rendered);
    const plan = async (from: string) => (await deployCli(["--bucket", bucket, "--from", from, "--dry-run"])).stdout;
    expect(await plan("dist")).toBe(await plan("plain"));
    const runner = runnerArchivePath(runnerPin().sha256);
    expect(await plan("dist")).toContain(`  add     ${runner}`);
    const r = await deployCli(["--bucket", bucket, "--from", "dist"]);
    expect(r.exitCode, r.stderr).toBe(0);
    const contents = await bucketContents(s3, bucket);
    expect([...contents.keys()].sort()).toEqual([...Object.keys(rendered), runner, ".pipegen/manifest.json"].sort());
    for (const [p, body] of Object.entries(rendered)) expect(contents.get(p)!.sha256).toBe(sha256(body));
    expect(contents.get(runner)!.sha256).toBe(runnerPin().sha256);
  });

  it("exits 1 with one clear paragraph for an unversioned bucket, a missing bucket, and a bad flag", async () => {
    const unversioned = await makeBucket(s3, false);
    await writeBundleDir(path.join(work, "dist"), examples);
    const r = await deployCli(["--bucket", unversioned, "--from", "dist"]);
    expect(r.exitCode).toBe(1);
    expect(r.stdout).toBe("");
    expect(r.stderr).toBe(
      `✗ bucket ${unversioned} does not have versioning enabled (it was never enabled). MWAA requires a versioned bucket: it runs requirements.txt, startup.sh and plugins.zip by object version. Enable it with \`aws s3api put-bucket-versioning --bucket ${unversioned} --versioning-configuration Status=Enabled\`; nothing was written`,
    );
    const missing = await deployCli(["--bucket", "no-such-bucket-here", "--from", "dist"]);
    expect([missing.exitCode, missing.stderr]).toEqual([
      1,
      "✗ bucket no-such-bucket-here does not exist (or is in another account); nothing was written",
    ]);
    const bad = await deployCli(["--bucket", "ok-bucket", "--concurrency", "lots"]);
    expect([bad.exitCode, bad.stderr]).toEqual([1, '✗ --concurrency must be a whole number from 1 to 64, got "lots"']);
    // No credentials at all: STS (asked for the bucket's account) fails first, in plain words.
    const bare = await execa(
      process.execPath,
      [BIN, "deploy", "--bucket", "ok-bucket", "--from", "dist", "--region", "us-east-1"],
      {
        cwd: work,
        reject: false,
        extendEnv: false,
        env: { PATH: process.env.PATH, HOME: work, AWS_EC2_METADATA_DISABLED: "true" },
      },
    );
    expect([bare.exitCode, bare.stderr]).toEqual([
      1,
      "✗ no AWS credentials were found. In CI, assume a role first (GitHub Actions: aws-actions/configure-aws-credentials with role-to-assume); locally, set AWS_PROFILE or run `aws sso login`",
    ]);
    const noDags = await deployCli(["--bucket", "ok-bucket", "--from", "."]);
    expect([noDags.exitCode, noDags.stderr]).toEqual([
      1,
      "✗ --from . has no DAG files (dags/*.py); there is nothing to deploy",
    ]);
  });

  it("when S3 keeps failing, exits 1 and lists what landed, what failed and what was not uploaded", async () => {
    const bucket = await makeBucket(s3);
    await writeBundleDir(path.join(work, "dist"), examples);
    proxy.setRule((r) => (r.op === "PutObject" && r.key === "requirements.txt" ? "503" : undefined));
    const r = await deployCli(["--bucket", bucket, "--from", "dist", "--retries", "1"]);
    expect(r.exitCode).toBe(1);
    const failure =
      "requirements.txt: ServiceUnavailable (HTTP 503): Service is unable to handle request. (2 attempts)";
    expect(r.stderr).toBe(`✗ 1 file could not be uploaded (${failure})`);
    const out = r.stdout.split("\n");
    const start = out.indexOf("Deploy incomplete.");
    expect(out.slice(start, start + 4)).toEqual([
      "Deploy incomplete.",
      expect.stringMatching(
        /^ {2}landed \(3\): (startup\.sh|dags\/pipegen_xtable\/(operator|__init__)\.py)(, (startup\.sh|dags\/pipegen_xtable\/(operator|__init__)\.py)){2}$/,
      ),
      `  failed: ${failure}`,
      "  not uploaded (7): dags/daily_landing.py, dags/orders_lakehouse.py, dags/partner_feed.py, dags/products.py, dags/sales.py, dags/sales_features.py, dags/.airflowignore",
    ]);
    expect(out.at(-1)).toMatch(
      /Re-run the same deploy to finish; files that landed are recognised and not uploaded again\.$/,
    );
  });

  it("a deploy killed mid-way leaves no DAG without its modules, and the re-run uploads only what had not landed", async () => {
    const bucket = await makeBucket(s3);
    await writeBundleDir(path.join(work, "dist"), examples);
    const child = execa("node", [BIN, "deploy", "--bucket", bucket, "--from", "dist", "--concurrency", "1"], {
      cwd: work,
      env: { NO_COLOR: "1", ...ciEnv() },
      reject: false,
    });
    let dagPuts = 0;
    let killed = false;
    proxy.setRule((r) => (killed && r.op === "PutObject" ? "reset-before" : undefined));
    proxy.onRequest = (r) => {
      if (r.bucket !== bucket || r.op !== "PutObject" || uploadClassOf(r.key) !== 3 || ++dagPuts < 2) return;
      // The second DAG upload: the process dies (no cleanup, no manifest), and nothing more lands.
      killed = true;
      child.kill("SIGKILL");
    };
    const result = await child;
    expect(result.signal).toBe("SIGKILL");

    const contents = await bucketContents(s3, bucket);
    const landed = Object.keys(examples).filter((p) => contents.get(p)?.sha256 === sha256(examples[p]!));
    expect(landed.filter((p) => uploadClassOf(p) === 3)).toHaveLength(1);
    expect(Object.keys(examples).filter((p) => uploadClassOf(p) <= 2 && !landed.includes(p))).toEqual([]);
    expect(contents.has(".pipegen/manifest.json")).toBe(false);

    proxy.setRule(undefined);
    proxy.onRequest = undefined;
    proxy.clearLog();
    const rerun = await deployCli(["--bucket", bucket, "--from", "dist"]);
    expect(rerun.exitCode).toBe(0);
    const put = writes(bucket)
      .map((w) => w.key)
      .sort();
    expect(put).toEqual([...Object.keys(examples).filter((p) => !landed.includes(p)), ".pipegen/manifest.json"].sort());
    // Recognised by the SHA-256 in their metadata: one HEAD each, no upload.
    expect(
      requestsTo(proxy.log, bucket)
        .filter((r) => r.op === "HeadObject")
        .map((r) => r.key)
        .sort(),
    ).toEqual([...landed].sort());
  });

  it("--preflight names every missing Glue resource and sensed bucket with the pipeline and step, and writes nothing", async () => {
    const bucket = await makeBucket(s3);
    const glue = new GlueClient({ endpoint: moto.endpoint, region: "us-east-1" });
    await s3.send(new CreateBucketCommand({ Bucket: "sample-inp-bucket-etl" }));
    await glue.send(new CreateDatabaseCommand({ DatabaseInput: { Name: "sales_db" } }));
    await glue.send(
      new CreateJobCommand({
        Name: "orders_to_delta",
        Role: "arn:aws:iam::123456789012:role/glue",
        Command: { Name: "glueetl", ScriptLocation: "s3://x/y.py" },
      }),
    );
    await glue.send(
      new CreateCrawlerCommand({
        Name: "products",
        Role: "arn:aws:iam::123456789012:role/glue",
        DatabaseName: "products_db",
        Targets: { S3Targets: [{ Path: "s3://sample-inp-bucket-etl/products/" }] },
      }),
    );
    await examplesDeployingTo(ROOT, work, bucket);
    const specs = path.join(work, "pipelines");
    const r = await pipegen(["deploy", specs, "--bucket", bucket, "--preflight"], { cwd: work, env: ciEnv() });
    expect(r.exitCode).toBe(1);
    expect(r.stderr.split("\n")).toEqual([
      "✗ 6 of 10 resources the pipelines name are missing; nothing was written:",
      // The specs' path as given on the command line (absolute here); template steps by their expanded ids.
      `  ${specs}/partner_feed.pipeline.ts partner_feed › inventory_crawl: Glue crawler "partner_inventory" does not exist`,
      `  ${specs}/daily_landing.pipeline.yaml daily_landing › orders_crawl: Glue crawler "partner_orders" does not exist`,
      `  ${specs}/daily_landing.pipeline.yaml daily_landing › returns_crawl: Glue crawler "partner_returns" does not exist`,
      `  ${specs}/orders_lakehouse.pipeline.yaml orders_lakehouse › build_customers: Glue job "customers_to_delta" does not exist`,
      `  ${specs}/orders_lakehouse.pipeline.yaml orders_lakehouse › wait_for_orders: S3 bucket "orders-landing" does not exist`,
      `  ${specs}/daily_landing.pipeline.yaml daily_landing › orders_land: S3 bucket "partner-landing" does not exist`,
      `  ${specs}/daily_landing.pipeline.yaml daily_landing › returns_land: S3 bucket "partner-landing" does not exist`,
      `  ${specs}/partner_feed.pipeline.ts partner_feed › inventory_land: S3 bucket "partner-landing" does not exist`,
    ]);
    expect(writes(bucket)).toEqual([]);
    // The sensed buckets are checked with their owners too: the spec's bucketOwners, else the specs' account.
    const owners = (b: string) => new Set(proxy.log.filter((r) => r.bucket === b).map((r) => r.expectedBucketOwner));
    expect(owners("sample-inp-bucket-etl")).toEqual(new Set(["444455556666"]));
    expect(owners("orders-landing")).toEqual(new Set(["111122223333"]));
    expect(owners(bucket)).toEqual(new Set(["111122223333"]));
  });
});
