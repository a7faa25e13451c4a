/**
 * `pipegen deploy` against a real local S3 API: moto in server mode on
 * loopback, behind a small proxy that counts requests, records their order
 * and injects faults. The bucket is versioned and the version ids are the
 * server's own.
 *
 * MWAA has no local server (moto does not implement it), so the MWAA client
 * is mocked with aws-sdk-client-mock, behind a small fake environment that
 * goes UPDATING → AVAILABLE; the tests assert the exact UpdateEnvironment
 * inputs, including the version ids the S3 server returned.
 */

import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import {
  type Environment,
  GetEnvironmentCommand,
  MWAAClient,
  UpdateEnvironmentCommand,
  type UpdateEnvironmentCommandInput,
} from "@aws-sdk/client-mwaa";
import { GetBucketVersioningCommand, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { mockClient } from "aws-sdk-client-mock";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createDeployClients, type DeployClients } from "../src/deploy/aws.js";
import { uploadClassOf } from "../src/deploy/bundle.js";
import { type DeployOptions, deploy } from "../src/deploy/deploy.js";
import { PreflightError } from "../src/deploy/errors.js";
import { manifestKey } from "../src/deploy/manifest.js";
import { DeployIncompleteError } from "../src/deploy/report.js";
import { type DeployFlags, resolveDeploySettings } from "../src/deploy/settings.js";
import { renderPipelines } from "../src/pipeline-run.js";
import { runnerArchivePath } from "../src/runner/location.js";
import { runnerPin } from "../src/runner/pin.js";
import { ROOT } from "./helpers/cli.js";
import {
  assertUploadOrder,
  type BundleSpec,
  bucketContents,
  examplesDeployingTo,
  latestVersionId,
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
/** Straight to moto: setup and assertions, never counted. */
let s3: S3Client;
/** Through the proxy: what deploy uses. */
let clients: DeployClients;
let work: string;
/**
 * The repository's example pipelines, rendered: their DAGs, the XTable operator, requirements.txt, startup.sh
 * (naming no XTable runner archive: test/deploy-runner.test.ts and the first test here deploy the runner).
 */
let examples: BundleSpec;
// @aws-sdk/client-mwaa 3.523 is typed against an older @smithy/types than
// aws-sdk-client-mock; the runtime API is the same, so the types are bridged here.
const mwaa = mockClient(MWAAClient as never);
const mwaaCommand = <T>(command: T) => command as never;
/** Inputs of every UpdateEnvironment call so far. */
const updateInputs = () =>
  mwaa
    .commandCalls(mwaaCommand(UpdateEnvironmentCommand))
    .map((c) => (c.args[0] as unknown as UpdateEnvironmentCommand).input);

beforeAll(async () => {
  moto = await startMoto();
  proxy = await startS3Proxy(moto.endpoint);
  s3 = new S3Client({ endpoint: moto.endpoint, region: "us-east-1" });
  clients = createDeployClients({ endpoint: proxy.endpoint, region: "us-east-1", concurrency: 8 });
  examples = withoutRunner(
    Object.fromEntries((await renderPipelines({ paths: ["pipelines"], cwd: ROOT })).map((f) => [f.path, f.content])),
  );
}, 60_000);
afterAll(async () => {
  await proxy?.close();
  await moto?.stop();
});
beforeEach(async () => {
  mwaa.reset();
  proxy.clearLog();
  proxy.setFaults(undefined);
  proxy.setRule(undefined);
  proxy.setBucketOwners(undefined);
  proxy.onRequest = undefined;
  work = await mkdtemp(path.join(tmpdir(), "pipegen-deploy-"));
});
afterEach(() => rm(work, { recursive: true, force: true }));

async function run(flags: DeployFlags, options: Partial<DeployOptions> = {}) {
  const settings = await resolveDeploySettings({ region: "us-east-1", ...flags }, [], { env: {}, cwd: ROOT });
  return deploy({
    settings,
    clients,
    cwd: ROOT,
    retry: { baseDelayMs: 1, maxDelayMs: 5 },
    pollIntervalMs: 1,
    tool: "pipegen test",
    ...options,
  });
}

let bundleCounter = 0;
const bundleDir = (files: BundleSpec) => writeBundleDir(path.join(work, `bundle-${++bundleCounter}`), files);

/** Operations the deploy sent to one bucket, in order. */
const ops = (bucket: string) => requestsTo(proxy.log, bucket).map((r) => `${r.op} ${r.key}`.trim());
const writes = (bucket: string) => requestsTo(proxy.log, bucket).filter((r) => WRITE_OPS.has(r.op));

/**
 * A fake MWAA environment behind the mocked client. UpdateEnvironment puts it
 * in UPDATING for two polls; then it is AVAILABLE with the new versions, or,
 * when `failNextUpdate` is set, rolled back with MWAA's error.
 */
class FakeEnvironment {
  status = "AVAILABLE";
  files: Record<string, { path?: string; version?: string }> = {
    Requirements: { path: "requirements.txt", version: "set-up-by-hand" },
    StartupScript: {},
    Plugins: {},
  };
  lastUpdate: Environment["LastUpdate"] = { Status: "SUCCESS", CreatedAt: new Date(Date.now() - 86_400_000) };
  pending: UpdateEnvironmentCommandInput | undefined;
  polls = 0;
  failNextUpdate: string | undefined;

  constructor(
    readonly bucket: string,
    readonly dagPath = "dags",
  ) {
    mwaa.on(mwaaCommand(GetEnvironmentCommand)).callsFake(() => ({ Environment: this.get() }));
    mwaa
      .on(mwaaCommand(UpdateEnvironmentCommand))
      .callsFake((input: UpdateEnvironmentCommandInput) => this.update(input));
  }

  get(): Environment {
    if (this.status === "UPDATING" && ++this.polls > 2) {
      const failed = this.failNextUpdate;
      if (!failed)
        for (const k of ["Requirements", "StartupScript", "Plugins"] as const) {
          const p = this.pending![`${k}S3Path`];
          if (p) this.files[k] = { path: p, version: this.pending![`${k}S3ObjectVersion`] };
        }
      this.status = "AVAILABLE";
      this.lastUpdate = {
        Status: failed ? "FAILED" : "SUCCESS",
        CreatedAt: new Date(),
        ...(failed ? { Error: { ErrorCode: "RequirementsInstallFailed", ErrorMessage: failed } } : {}),
      };
      this.failNextUpdate = undefined;
    }
    return {
      Name: "prod-airflow",
      Status: this.status as Environment["Status"],
      SourceBucketArn: `arn:aws:s3:::${this.bucket}`,
      DagS3Path: this.dagPath,
      RequirementsS3Path: this.files.Requirements!.path,
      RequirementsS3ObjectVersion: this.files.Requirements!.version,
      StartupScriptS3Path: this.files.StartupScript!.path,
      StartupScriptS3ObjectVersion: this.files.StartupScript!.version,
      PluginsS3Path: this.files.Plugins!.path,
      PluginsS3ObjectVersion: this.files.Plugins!.version,
      LastUpdate: this.lastUpdate,
    };
  }

  update(input: UpdateEnvironmentCommandInput) {
    proxy.mark("UpdateEnvironment");
    if (this.status !== "AVAILABLE")
      throw Object.assign(new Error(`Environment is ${this.status}`), {
        name: "ValidationException",
        $metadata: { httpStatusCode: 400 },
      });
    this.pending = input;
    this.status = "UPDATING";
    this.polls = 0;
    this.lastUpdate = { Status: "PENDING", CreatedAt: new Date() };
    return { Arn: "arn:aws:airflow:us-east-1:123456789012:environment/prod-airflow" };
  }
}

const mwaaCalls = () => mwaa.calls().map((c) => (c.args[0] as { constructor: { name: string } }).constructor.name);

describe("deploy against moto", () => {
  it("first deploy: renders in memory, uploads every file in dependency order (the XTable runner first), records the manifest, and updates MWAA with the new object versions", async () => {
    const bucket = await makeBucket(s3);
    const env = new FakeEnvironment(bucket);
    await examplesDeployingTo(ROOT, work, bucket);
    const rendered: BundleSpec = Object.fromEntries(
      (await renderPipelines({ paths: ["pipelines"], cwd: work })).map((f) => [f.path, f.content]),
    );
    const report = await run({ bucket, environment: "prod-airflow", wait: true }, { cwd: work });

    expect(report.outcome).toBe("deployed");
    const contents = await bucketContents(s3, bucket);
    for (const [p, content] of Object.entries(rendered)) {
      expect(contents.get(p)?.sha256, p).toBe(sha256(content));
      expect(contents.get(p)?.metadata, p).toEqual({ "pipegen-sha256": sha256(content) });
    }
    // The runner archive startup.sh names: the one pinned in jars/, packed from the built runner.
    const runner = runnerArchivePath(runnerPin().sha256);
    expect(contents.get(runner)).toMatchObject({ sha256: runnerPin().sha256 });
    expect([...contents.keys()].sort()).toEqual([...Object.keys(rendered), runner, ".pipegen/manifest.json"].sort());

    // Order, from the server's log: runner → classes 1 → 2 → (MWAA update, waited for) → 3 → 4 → manifest.
    assertUploadOrder(proxy.log);
    const runnerDone = requestsTo(proxy.log, bucket).find((r) => r.op === "CompleteMultipartUpload")!;
    expect(runnerDone.key).toBe(runner);
    const puts = requestsTo(proxy.log, bucket).filter((r) => r.op === "PutObject");
    expect(puts.find((r) => r.key === "startup.sh")!.seq).toBeGreaterThan(runnerDone.end!);
    expect(puts).toHaveLength(Object.keys(rendered).length + 1);
    const update = proxy.marks.find((m) => m.label === "UpdateEnvironment")!.seq;
    for (const put of puts) {
      const cls = put.key.startsWith(".pipegen/") ? 5 : uploadClassOf(put.key);
      if (cls <= 2) expect(put.end!, put.key).toBeLessThan(update);
      else expect(put.seq, put.key).toBeGreaterThan(update);
    }
    expect(puts.at(-1)!.key).toBe(".pipegen/manifest.json");

    // MWAA: exactly the new versions that S3 returned, for requirements.txt and startup.sh.
    expect(updateInputs()).toEqual([
      {
        Name: "prod-airflow",
        RequirementsS3Path: "requirements.txt",
        RequirementsS3ObjectVersion: await latestVersionId(s3, bucket, "requirements.txt"),
        StartupScriptS3Path: "startup.sh",
        StartupScriptS3ObjectVersion: await latestVersionId(s3, bucket, "startup.sh"),
      },
    ]);
    expect(env.files.Requirements!.version).toBe(contents.get("requirements.txt")!.versionId);
    expect(report.environment).toMatchObject({ status: "updated" });
  });

  it("no-op re-deploy: zero writes and zero MWAA calls, in four read requests", async () => {
    const bucket = await makeBucket(s3);
    new FakeEnvironment(bucket);
    const from = await bundleDir(examples);
    await run({ bucket, from, environment: "prod-airflow", wait: true });
    mwaa.resetHistory();
    proxy.clearLog();

    const report = await run({ bucket, from, environment: "prod-airflow", wait: true });
    expect(report.outcome).toBe("nothing to do");
    expect(report.plan.summary).toMatchObject({
      add: 0,
      change: 0,
      delete: 0,
      unchanged: Object.keys(examples).length,
    });
    // Read in parallel: the versioning check, the manifest, the top level and dags/.
    expect(ops(bucket).sort()).toEqual([
      "GetBucketVersioning",
      "GetObject .pipegen/manifest.json",
      "ListObjectsV2",
      "ListObjectsV2",
    ]);
    expect(writes(bucket)).toEqual([]);
    expect(mwaa.calls()).toHaveLength(0);
  });

  it("DAG-only change: uploads that DAG and the manifest, and leaves the environment alone", async () => {
    const bucket = await makeBucket(s3);
    new FakeEnvironment(bucket);
    await run({ bucket, from: await bundleDir(examples), environment: "prod-airflow", wait: true });
    mwaa.resetHistory();
    proxy.clearLog();

    const changed = { ...examples, "dags/products.py": `${examples["dags/products.py"]}# changed\n` };
    const report = await run({ bucket, from: await bundleDir(changed), environment: "prod-airflow", wait: true });
    expect(report.plan.uploads.map((u) => [u.path, u.action])).toEqual([["dags/products.py", "change"]]);
    expect(report.plan.environment.action).toBe("none");
    expect(writes(bucket).map((r) => `${r.op} ${r.key}`)).toEqual([
      "PutObject dags/products.py",
      "PutObject .pipegen/manifest.json",
    ]);
    expect(mwaa.calls()).toHaveLength(0);
    expect((await bucketContents(s3, bucket)).get("dags/products.py")!.sha256).toBe(
      sha256(changed["dags/products.py"]),
    );
  });

  it("requirements change: one UpdateEnvironment with the new requirements version only, and the changed DAG lands after the update", async () => {
    const bucket = await makeBucket(s3);
    const env = new FakeEnvironment(bucket);
    await run({ bucket, from: await bundleDir(examples), environment: "prod-airflow", wait: true });
    const startupVersion = env.files.StartupScript!.version;
    mwaa.resetHistory();
    proxy.clearLog();

    const changed = {
      ...examples,
      "requirements.txt": `${examples["requirements.txt"]}apache-airflow-providers-slack\n`,
      "dags/sales.py": `${examples["dags/sales.py"]}# uses slack\n`,
    };
    const report = await run({ bucket, from: await bundleDir(changed), environment: "prod-airflow", wait: true });
    expect(report.plan.environment).toEqual({ action: "update", reasons: ["requirements.txt changed"] });
    const newVersion = await latestVersionId(s3, bucket, "requirements.txt");
    expect(updateInputs()).toEqual([
      { Name: "prod-airflow", RequirementsS3Path: "requirements.txt", RequirementsS3ObjectVersion: newVersion },
    ]);
    expect(env.files.Requirements!.version).toBe(newVersion);
    expect(env.files.StartupScript!.version).toBe(startupVersion);
    const update = proxy.marks.find((m) => m.label === "UpdateEnvironment")!.seq;
    const req = writes(bucket).find((r) => r.key === "requirements.txt")!;
    const dag = writes(bucket).find((r) => r.key === "dags/sales.py")!;
    expect(req.end!).toBeLessThan(update);
    expect(dag.seq).toBeGreaterThan(update);
    // GetEnvironment: once before writing (preflight), then polled until AVAILABLE.
    expect(mwaaCalls()).toEqual([
      "GetEnvironmentCommand",
      "UpdateEnvironmentCommand",
      "GetEnvironmentCommand",
      "GetEnvironmentCommand",
      "GetEnvironmentCommand",
    ]);
  });

  it("an update requested without --wait is confirmed by the next deploy with one GetEnvironment, then never asked again", async () => {
    const bucket = await makeBucket(s3);
    const env = new FakeEnvironment(bucket);
    const from = await bundleDir(examples);
    const first = await run({ bucket, from, environment: "prod-airflow" });
    expect(first.environment).toMatchObject({ status: "update requested" });
    expect(mwaaCalls()).toEqual(["GetEnvironmentCommand", "UpdateEnvironmentCommand"]);
    env.get(); // MWAA works in the background …
    env.get();
    env.get(); // … and is AVAILABLE again.

    mwaa.resetHistory();
    proxy.clearLog();
    const second = await run({ bucket, from, environment: "prod-airflow" });
    expect(second.plan.environment.action).toBe("check");
    expect(mwaaCalls()).toEqual(["GetEnvironmentCommand"]);
    expect(second.environment).toEqual({ status: "up to date", detail: "prod-airflow already runs these files" });
    expect(writes(bucket).map((r) => r.key)).toEqual([".pipegen/manifest.json"]);

    mwaa.resetHistory();
    proxy.clearLog();
    const third = await run({ bucket, from, environment: "prod-airflow" });
    expect(third.outcome).toBe("nothing to do");
    expect(mwaa.calls()).toHaveLength(0);
    expect(writes(bucket)).toEqual([]);
  });

  it("a failed environment update stops the deploy before the DAG files, and the next deploy requests it again", async () => {
    const bucket = await makeBucket(s3);
    const env = new FakeEnvironment(bucket);
    env.failNextUpdate = "No matching distribution found for apache-airflow-providers-slack==99";
    const from = await bundleDir(examples);
    const error = await run({ bucket, from, environment: "prod-airflow", wait: true }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DeployIncompleteError);
    const report = (error as DeployIncompleteError).report;
    expect((error as Error).message).toBe(
      "environment prod-airflow did not finish updating: the update failed and MWAA rolled it back (RequirementsInstallFailed: No matching distribution found for apache-airflow-providers-slack==99). The DAG files were not uploaded, because they may need what the update installs",
    );
    expect(report.uploaded.map((u) => u.path).sort()).toEqual([
      "dags/pipegen_xtable/__init__.py",
      "dags/pipegen_xtable/operator.py",
      "requirements.txt",
      "startup.sh",
    ]);
    expect([...report.notAttempted].sort()).toEqual([
      "dags/.airflowignore",
      "dags/daily_landing.py",
      "dags/orders_lakehouse.py",
      "dags/partner_feed.py",
      "dags/products.py",
      "dags/sales.py",
      "dags/sales_features.py",
    ]);
    expect(report.manifest).toBe("written");
    expect(
      [...(await bucketContents(s3, bucket)).keys()].filter((k) => uploadClassOf(k) >= 3 && !k.startsWith(".pipegen")),
    ).toEqual([]);

    mwaa.resetHistory();
    proxy.clearLog();
    const retry = await run({ bucket, from, environment: "prod-airflow", wait: true });
    expect(retry.outcome).toBe("deployed");
    expect(retry.plan.environment.action).toBe("check");
    expect(updateInputs()).toHaveLength(1);
    expect(
      writes(bucket)
        .filter((r) => r.op === "PutObject")
        .map((r) => r.key)
        .sort(),
    ).toEqual([
      ".pipegen/manifest.json",
      "dags/.airflowignore",
      "dags/daily_landing.py",
      "dags/orders_lakehouse.py",
      "dags/partner_feed.py",
      "dags/products.py",
      "dags/sales.py",
      "dags/sales_features.py",
    ]);
  });

  it("refuses an environment that reads another bucket or DAG folder, before writing anything", async () => {
    const bucket = await makeBucket(s3);
    new FakeEnvironment("someone-elses-bucket");
    const error = await run({ bucket, from: await bundleDir(examples), environment: "prod-airflow" }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(PreflightError);
    expect((error as Error).message).toBe(
      `MWAA environment prod-airflow reads from bucket someone-elses-bucket, not ${bucket}; deploy to its bucket or name the right environment. Nothing was written`,
    );

    mwaa.reset();
    new FakeEnvironment(bucket, "team-a/dags");
    const wrongPrefix = await run({ bucket, from: await bundleDir(examples), environment: "prod-airflow" }).catch(
      (e: unknown) => e,
    );
    expect((wrongPrefix as Error).message).toBe(
      `MWAA environment prod-airflow reads DAGs from s3://${bucket}/team-a/dags/, but this deploy writes s3://${bucket}/dags/; set --prefix to "team-a". Nothing was written`,
    );
    expect(writes(bucket)).toEqual([]);
  });

  it("prune deletes managed objects the bundle dropped (DAGs before modules), never unmanaged objects or environment files", async () => {
    const bucket = await makeBucket(s3);
    await run({ bucket, from: await bundleDir(examples) });
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: "dags/other_team.py", Body: "# not pipegen's\n" }));
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: "data/products.csv", Body: "id\n1\n" }));

    const slimmer = Object.fromEntries(
      Object.entries(examples).filter(
        ([p]) =>
          ![
            "dags/orders_lakehouse.py",
            "dags/pipegen_xtable/__init__.py",
            "dags/pipegen_xtable/operator.py",
            "startup.sh",
          ].includes(p),
      ),
    );
    const from = await bundleDir(slimmer);
    const dry = await run({ bucket, from, dryRun: true });
    expect(dry.plan.kept.map((k) => k.path)).toEqual([
      "dags/orders_lakehouse.py",
      "dags/pipegen_xtable/__init__.py",
      "dags/pipegen_xtable/operator.py",
      "startup.sh",
    ]);
    expect(dry.plan.deletes).toEqual([]);

    proxy.clearLog();
    const report = await run({ bucket, from, prune: true });
    expect(report.plan.deletes.map((d) => d.path)).toEqual([
      "dags/orders_lakehouse.py",
      "dags/pipegen_xtable/__init__.py",
      "dags/pipegen_xtable/operator.py",
    ]);
    expect(report.plan.kept).toEqual([
      { path: "startup.sh", reason: "no longer in the bundle, but the environment may still use it; never pruned" },
    ]);
    expect(report.deleted).toEqual([
      "dags/orders_lakehouse.py",
      "dags/pipegen_xtable/__init__.py",
      "dags/pipegen_xtable/operator.py",
    ]);
    // DAG first, then the module it imported: two DeleteObjects requests in that order.
    expect(writes(bucket).map((r) => r.op)).toEqual(["DeleteObjects", "DeleteObjects", "PutObject"]);

    const after = [...(await bucketContents(s3, bucket)).keys()].sort();
    expect(after).toEqual([
      ".pipegen/manifest.json",
      "dags/.airflowignore",
      "dags/daily_landing.py",
      "dags/other_team.py",
      "dags/partner_feed.py",
      "dags/products.py",
      "dags/sales.py",
      "dags/sales_features.py",
      "data/products.csv",
      "requirements.txt",
      "startup.sh",
    ]);
    // The listing never walked data/: only the folders the bundle and manifest use.
    expect(ops(bucket).filter((o) => o.startsWith("List"))).toEqual(["ListObjectsV2", "ListObjectsV2"]);
  });

  it("refuses an unversioned bucket before writing anything", async () => {
    const bucket = await makeBucket(s3, false);
    const error = await run({ bucket, from: await bundleDir(examples) }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PreflightError);
    expect((error as Error).message).toBe(
      `bucket ${bucket} does not have versioning enabled (it was never enabled). MWAA requires a versioned bucket: it runs requirements.txt, startup.sh and plugins.zip by object version. Enable it with \`aws s3api put-bucket-versioning --bucket ${bucket} --versioning-configuration Status=Enabled\`; nothing was written`,
    );
    expect(writes(bucket)).toEqual([]);
    expect((await s3.send(new GetBucketVersioningCommand({ Bucket: bucket }))).Status).toBeUndefined();
  });

  // moto 5.2.5 ignores ExpectedBucketOwner, so the proxy makes S3's documented check (403 AccessDenied
  // when the header names another account than the bucket's owner) and logs the header of every request.
  const MOTO_ACCOUNT = "123456789012"; // what moto's STS says the test credentials belong to

  it("sends ExpectedBucketOwner on every S3 call: the specs' aws.account, and a bucket of that account is deployed to", async () => {
    const bucket = await makeBucket(s3);
    proxy.setBucketOwners(new Map([[bucket, "111122223333"]]));
    new FakeEnvironment(bucket);
    await examplesDeployingTo(ROOT, work, bucket);
    const report = await run({ bucket, environment: "prod-airflow", prune: true }, { cwd: work });
    expect(report.outcome).toBe("deployed");
    const requests = requestsTo(proxy.log, bucket);
    expect(requests.length).toBeGreaterThan(10);
    expect(new Set(requests.map((r) => r.expectedBucketOwner))).toEqual(new Set(["111122223333"]));
  });

  it("without --account or a spec that names one, expects the credentials' account (STS GetCallerIdentity)", async () => {
    const bucket = await makeBucket(s3);
    await run({ bucket, from: await bundleDir(examples) });
    expect(new Set(requestsTo(proxy.log, bucket).map((r) => r.expectedBucketOwner))).toEqual(new Set([MOTO_ACCOUNT]));
  });

  it("refuses a bucket of another account before anything is uploaded, naming both accounts", async () => {
    // The specs say the MWAA account is 111122223333; a bucket of the same name belongs to the credentials' account.
    const bucket = await makeBucket(s3);
    proxy.setBucketOwners(new Map([[bucket, MOTO_ACCOUNT]]));
    await examplesDeployingTo(ROOT, work, bucket);
    const error = await run({ bucket, environment: "prod-airflow" }, { cwd: work }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PreflightError);
    const message = (error as Error).message;
    expect(message).toMatch(
      new RegExp(
        `^bucket ${bucket} does not belong to account 111122223333 \\(aws\\.account in pipelines/products\\.pipeline\\.ts\\), or the deploy role may not read it: S3 refused GetBucketVersioning with ExpectedBucketOwner 111122223333 .*The credentials are of account ${MOTO_ACCOUNT}\\. pipegen deploys only into a bucket of the expected account, so nothing was written`,
      ),
    );
    expect(writes(bucket)).toEqual([]);
    expect(requestsTo(proxy.log, bucket).every((r) => r.status === 403)).toBe(true);
    expect(await bucketContents(s3, bucket)).toEqual(new Map());
    expect(mwaaCalls()).toEqual([]);
  });

  it("refuses it too when the account comes from --account, and when it is the credentials' own", async () => {
    const bucket = await makeBucket(s3);
    proxy.setBucketOwners(new Map([[bucket, "444455556666"]]));
    const flagged = await run({ bucket, account: "111122223333", from: await bundleDir(examples) }).catch(
      (e: unknown) => e,
    );
    expect((flagged as Error).message).toMatch(
      /does not belong to account 111122223333 \(--account\).*The credentials are of account 123456789012\./,
    );
    const sts = await run({ bucket, from: await bundleDir(examples) }).catch((e: unknown) => e);
    expect((sts as Error).message).toMatch(
      /does not belong to account 123456789012 \(the credentials' account \(STS GetCallerIdentity\)\)/,
    );
    expect(writes(bucket)).toEqual([]);
  });

  it("dry run: the full plan, and no writes", async () => {
    const bucket = await makeBucket(s3);
    new FakeEnvironment(bucket, "team-a/dags");
    const report = await run({
      bucket,
      from: await bundleDir(examples),
      environment: "prod-airflow",
      dryRun: true,
      prefix: "team-a",
    });
    expect(report.outcome).toBe("planned");
    expect(report.plan.summary.add).toBe(Object.keys(examples).length);
    expect(report.plan.uploads.map((u) => u.uploadClass)).toEqual(
      [...report.plan.uploads.map((u) => u.uploadClass)].sort(),
    );
    expect(report.plan.environment).toEqual({
      action: "update",
      reasons: ["requirements.txt added", "startup.sh added"],
    });
    expect(writes(bucket)).toEqual([]);
    expect(updateInputs()).toEqual([]);
  });

  it("uploads large files as multipart uploads with SHA-256 checksums, and recognises them on the next run", async () => {
    const bucket = await makeBucket(s3);
    const jar = Buffer.alloc(12 * 1024 * 1024 + 123, 0);
    for (let i = 0; i < jar.length; i += 4096) jar[i] = i % 251;
    const from = await bundleDir({ ...examples, "runner/lib/xtable-runner.jar": jar });
    const tuning = { multipartThreshold: 5 * 1024 * 1024, partSize: 5 * 1024 * 1024 };
    const report = await run({ bucket, from }, { tuning });
    expect(report.uploaded.find((u) => u.path === "runner/lib/xtable-runner.jar")).toMatchObject({ multipart: true });
    expect(ops(bucket).filter((o) => o.includes("xtable-runner.jar"))).toEqual([
      "CreateMultipartUpload runner/lib/xtable-runner.jar",
      "UploadPart runner/lib/xtable-runner.jar",
      "UploadPart runner/lib/xtable-runner.jar",
      "UploadPart runner/lib/xtable-runner.jar",
      "CompleteMultipartUpload runner/lib/xtable-runner.jar",
    ]);
    expect((await bucketContents(s3, bucket)).get("runner/lib/xtable-runner.jar")).toMatchObject({
      sha256: sha256(jar),
      metadata: { "pipegen-sha256": sha256(jar) },
    });
    assertUploadOrder(proxy.log);

    proxy.clearLog();
    expect((await run({ bucket, from }, { tuning })).outcome).toBe("nothing to do");
    expect(writes(bucket)).toEqual([]);
  });

  it("deploys under a prefix, with the manifest at <prefix>.pipegen/manifest.json", async () => {
    const bucket = await makeBucket(s3);
    new FakeEnvironment(bucket, "team-a/dags");
    await run({ bucket, from: await bundleDir(examples), prefix: "/team-a/", environment: "prod-airflow", wait: true });
    const keys = [...(await bucketContents(s3, bucket)).keys()];
    expect(keys.every((k) => k.startsWith("team-a/"))).toBe(true);
    expect(keys).toContain(manifestKey("team-a/"));
    expect(updateInputs()[0]).toMatchObject({
      RequirementsS3Path: "team-a/requirements.txt",
      RequirementsS3ObjectVersion: await latestVersionId(s3, bucket, "team-a/requirements.txt"),
      StartupScriptS3Path: "team-a/startup.sh",
    });
  });

  it("does not overwrite the manifest when another deploy wrote it meanwhile", async () => {
    const bucket = await makeBucket(s3);
    await run({ bucket, from: await bundleDir(examples) });
    const changed = { ...examples, "dags/sales.py": `${examples["dags/sales.py"]}# v2\n` };
    const error = await run(
      { bucket, from: await bundleDir(changed) },
      {
        // Another deploy records its own state between this one's plan and its manifest write.
        onPlan: () => void s3.send(new PutObjectCommand({ Bucket: bucket, Key: ".pipegen/manifest.json", Body: "{}" })),
      },
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DeployIncompleteError);
    expect((error as Error).message).toMatch(
      /^every file landed, but the deploy manifest was not written: another deploy changed s3:\/\/.*\/\.pipegen\/manifest\.json while this one ran/,
    );
  });
});

describe("deploy with faults injected by the proxy", () => {
  it("retries transient errors, including a lost response to the manifest write", async () => {
    const bucket = await makeBucket(s3);
    let manifestPuts = 0;
    let requirementsPuts = 0;
    proxy.setRule((r) => {
      if (r.op === "PutObject" && r.key === ".pipegen/manifest.json" && ++manifestPuts === 1) return "reset-after";
      if (r.op === "PutObject" && r.key === "requirements.txt" && ++requirementsPuts <= 3)
        return (["throttle", "500", "reset-before"] as const)[requirementsPuts - 1];
      return undefined;
    });
    const report = await run(
      { bucket, from: await bundleDir(examples) },
      { retry: { baseDelayMs: 1, maxDelayMs: 2, retries: 20 } },
    );
    expect(report.outcome).toBe("deployed");
    expect(report.retries).toBe(4);
    expect(report.uploaded.find((u) => u.path === "requirements.txt")!.retries).toBe(3);
    expect(
      requestsTo(proxy.log, bucket)
        .filter((r) => r.key === ".pipegen/manifest.json" && r.op === "PutObject")
        .map((r) => r.fault ?? "ok"),
    ).toEqual(["reset-after", "ok"]);
    proxy.setRule(undefined);
    proxy.clearLog();
    expect((await run({ bucket, from: await bundleDir(examples) })).outcome).toBe("nothing to do");
  });

  it("under a 30% fault rate every deploy completes or reports exactly what landed, never a DAG without its modules, and re-runs converge", async () => {
    const bucket = await makeBucket(s3);
    // Start from an older bundle so the run replaces modules and DAGs alike.
    const old: BundleSpec = Object.fromEntries(Object.entries(examples).map(([p, c]) => [p, `${c}\n# old\n`]));
    const dags = Object.fromEntries(
      Array.from({ length: 30 }, (_, i) => [`dags/generated_${i}.py`, `# DAG ${i} imports pipegen_xtable\n`]),
    );
    await run({ bucket, from: await bundleDir({ ...old, ...dags }) });
    const next: BundleSpec = {
      ...examples,
      ...Object.fromEntries(Object.entries(dags).map(([p, c]) => [p, `${c}# v2\n`])),
    };
    const from = await bundleDir(next);
    const supportFiles = Object.keys(next).filter((p) => uploadClassOf(p) <= 2);

    proxy.setFaults({ rate: 0.3, kinds: ["500", "503", "throttle", "reset-before", "reset-after"], seed: 42 });
    const outcomes: string[] = [];
    for (
      let attempt = 0;
      attempt < 20 && outcomes.at(-1) !== "deployed" && outcomes.at(-1) !== "nothing to do";
      attempt++
    ) {
      proxy.clearLog();
      const result = await run({ bucket, from }, { retry: { retries: 1, baseDelayMs: 1, maxDelayMs: 2 } }).catch(
        (e: unknown) => e,
      );
      assertUploadOrder(proxy.log);
      const contents = await bucketContents(s3, bucket);
      const isNew = (p: string) => contents.get(p)?.sha256 === sha256(next[p]!);
      // Invariant: a new DAG is live only when every module and requirement it may import is new too.
      if (Object.keys(next).some((p) => uploadClassOf(p) === 3 && isNew(p)))
        expect(supportFiles.filter((p) => !isNew(p))).toEqual([]);
      if (result instanceof DeployIncompleteError) {
        const r = result.report;
        // The report is the truth: what it says landed is in the bucket; what failed or was not tried is not new there.
        for (const u of r.uploaded) expect(isNew(u.path), u.path).toBe(true);
        for (const p of r.notAttempted) expect(isNew(p), p).toBe(false);
        outcomes.push("incomplete");
      } else if (result instanceof Error) {
        // Failing before any write (e.g. listing the bucket) is also a clean outcome.
        expect(result.name).toMatch(/AwsCallError/);
        outcomes.push("failed before writing");
      } else outcomes.push((result as { outcome: string }).outcome);
    }
    expect(["deployed", "nothing to do"]).toContain(outcomes.at(-1));

    // Converged: the bucket holds the bundle, and a clean re-run writes nothing.
    proxy.setFaults(undefined);
    proxy.clearLog();
    expect((await run({ bucket, from })).outcome).toBe("nothing to do");
    expect(writes(bucket)).toEqual([]);
    const contents = await bucketContents(s3, bucket);
    for (const [p, c] of Object.entries(next)) expect(contents.get(p)?.sha256, p).toBe(sha256(c));
  });

  it("when retries run out, lists what landed and what did not; the re-run uploads only the rest", async () => {
    const bucket = await makeBucket(s3);
    const from = await bundleDir(examples);
    proxy.setRule((r) => (r.op === "PutObject" && r.key === "dags/products.py" ? "503" : undefined));
    const error = await run({ bucket, from }, { retry: { retries: 2, baseDelayMs: 1, maxDelayMs: 2 } }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(DeployIncompleteError);
    const report = (error as DeployIncompleteError).report;
    expect((error as Error).message).toBe(
      "1 file could not be uploaded (dags/products.py: ServiceUnavailable (HTTP 503): Service is unable to handle request. (3 attempts))",
    );
    expect(report.failed).toEqual([
      {
        path: "dags/products.py",
        error: "ServiceUnavailable (HTTP 503): Service is unable to handle request. (3 attempts)",
      },
    ]);
    expect(report.notAttempted).toContain("dags/.airflowignore");
    expect(report.manifest).toBe("written");
    const landed = report.uploaded.map((u) => u.path);
    expect(landed).toEqual(
      expect.arrayContaining(["startup.sh", "requirements.txt", "dags/pipegen_xtable/operator.py"]),
    );

    proxy.setRule(undefined);
    proxy.clearLog();
    const rerun = await run({ bucket, from });
    expect(rerun.outcome).toBe("deployed");
    const uploadedAgain = writes(bucket)
      .map((r) => r.key)
      .filter((k) => !k.startsWith(".pipegen"));
    expect(uploadedAgain.sort()).toEqual(
      Object.keys(examples)
        .filter((p) => !landed.includes(p))
        .sort(),
    );
  });
});
