/**
 * `pipegen deploy` and the XTable runner archive that startup.sh names,
 * against moto (behind the request-logging proxy). The runners here are small
 * fake runner folders given as PIPEGEN_XTABLE_RUNNER would give them, with a
 * startup.sh that names their archives (test/deploy.test.ts and
 * test/runner-startup.test.ts deploy the real 128 MB runner).
 *
 * MWAA has no local server: its client is mocked by a minimal fake whose
 * environments run the startup.sh version they were last sent.
 */
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import {
  type Environment,
  GetEnvironmentCommand,
  MWAAClient,
  UpdateEnvironmentCommand,
  type UpdateEnvironmentCommandInput,
} from "@aws-sdk/client-mwaa";
import { S3Client } from "@aws-sdk/client-s3";
import { mockClient } from "aws-sdk-client-mock";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createDeployClients, type DeployClients } from "../src/deploy/aws.js";
import { type DeployOptions, deploy } from "../src/deploy/deploy.js";
import { DeploySettingsError } from "../src/deploy/errors.js";
import { type DeployFlags, resolveDeploySettings } from "../src/deploy/settings.js";
import { renderPipelines } from "../src/pipeline-run.js";
import { packRunner } from "../src/runner/archive.js";
import { type RunnerReference, runnerArchivePath, runnerReference } from "../src/runner/location.js";
import { ROOT } from "./helpers/cli.js";
import {
  type BundleSpec,
  bucketContents,
  makeBucket,
  requestsTo,
  withRunner,
  writeBundleDir,
} from "./helpers/deploy.js";
import { MOTO_AWS_ENV, type MotoServer, startMoto } from "./helpers/moto.js";
import { type S3Proxy, startS3Proxy, WRITE_OPS } from "./helpers/s3-proxy.js";

Object.assign(process.env, MOTO_AWS_ENV, { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true" });

let moto: MotoServer;
let proxy: S3Proxy;
let s3: S3Client;
let clients: DeployClients;
let work: string;
/** The example specs rendered, startup.sh naming the pinned runner (replaced per test with `withRunner`). */
let rendered: BundleSpec;
const mwaa = mockClient(MWAAClient as never);

beforeAll(async () => {
  moto = await startMoto();
  proxy = await startS3Proxy(moto.endpoint);
  s3 = new S3Client({ endpoint: moto.endpoint, region: "us-east-1" });
  clients = createDeployClients({ endpoint: proxy.endpoint, region: "us-east-1", concurrency: 8 });
  rendered = Object.fromEntries(
    (await renderPipelines({ paths: ["pipelines"], cwd: ROOT })).map((f) => [f.path, f.content]),
  );
}, 60_000);
afterAll(async () => {
  await proxy?.close();
  await moto?.stop();
});
beforeEach(async () => {
  mwaa.reset();
  proxy.clearLog();
  work = await mkdtemp(path.join(tmpdir(), "pipegen-deploy-runner-"));
});
afterEach(() => rm(work, { recursive: true, force: true }));

let counter = 0;

/** A small runner folder (a launcher jar and one dependency), and its archive. */
async function fakeRunner(version: string) {
  const dir = path.join(work, `runner-${++counter}`);
  await mkdir(dir);
  await writeFile(path.join(dir, "pipegen-xtable.jar"), `launcher ${version}`);
  await writeFile(path.join(dir, "xtable-core.jar"), `xtable ${version}`);
  return { dir, archive: await packRunner(dir) };
}

/** The examples' bundle with a startup.sh naming this runner at this place. */
async function bundleFor(place: { bucket: string; prefix?: string }, archive: { sha256: string; size: number }) {
  const reference = runnerReference({ bucket: place.bucket, prefix: place.prefix ?? "" }, archive);
  return {
    reference,
    dir: await writeBundleDir(path.join(work, `bundle-${++counter}`), withRunner(rendered, reference)),
  };
}

async function run(flags: DeployFlags, runnerDir: string, options: Partial<DeployOptions> = {}) {
  const settings = await resolveDeploySettings({ region: "us-east-1", ...flags }, [], { env: {}, cwd: ROOT });
  return deploy({
    settings,
    clients,
    cwd: ROOT,
    retry: { baseDelayMs: 1, maxDelayMs: 5 },
    pollIntervalMs: 1,
    tool: "pipegen test",
    runner: { explicit: runnerDir, env: {} },
    ...options,
  });
}

const writes = (bucket: string) => requestsTo(proxy.log, bucket).filter((r) => WRITE_OPS.has(r.op));
const keys = async (bucket: string) => [...(await bucketContents(s3, bucket)).keys()].sort();

describe("the runner archive startup.sh names", () => {
  it("is uploaded under its SHA-256, before startup.sh, and not read again while the bucket has it", async () => {
    const bucket = await makeBucket(s3);
    const { dir, archive } = await fakeRunner("1");
    const bundle = await bundleFor({ bucket, prefix: "team-a" }, archive);
    const report = await run({ bucket, prefix: "team-a", from: bundle.dir }, dir);
    expect(report.outcome).toBe("deployed");
    const key = `team-a/${runnerArchivePath(archive.sha256)}`;
    const contents = await bucketContents(s3, bucket);
    expect(contents.get(key)).toEqual({
      sha256: archive.sha256,
      versionId: expect.any(String),
      metadata: { "pipegen-sha256": archive.sha256 },
    });
    const puts = requestsTo(proxy.log, bucket).filter((r) => r.op === "PutObject");
    const archivePut = puts.find((r) => r.key === key)!;
    expect(puts.find((r) => r.key === "team-a/startup.sh")!.seq).toBeGreaterThan(archivePut.end!);
    expect(report.plan.uploads[0]).toEqual({
      path: runnerArchivePath(archive.sha256),
      action: "add",
      reason: "new",
      uploadClass: 1,
      size: archive.size,
    });

    // Re-run with the runner folder gone: the plan knows the archive by its key and never packs it.
    proxy.clearLog();
    const again = await run({ bucket, prefix: "team-a", from: bundle.dir }, path.join(work, "no-such-runner"));
    expect(again.outcome).toBe("nothing to do");
    expect(writes(bucket)).toEqual([]);
  });

  it("is refused, with nothing written, when the runner packs into other bytes than startup.sh names", async () => {
    const bucket = await makeBucket(s3);
    const { archive } = await fakeRunner("1");
    const { dir: other, archive: otherArchive } = await fakeRunner("2");
    const bundle = await bundleFor({ bucket }, archive);
    const error = await run({ bucket, from: bundle.dir }, other).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DeploySettingsError);
    expect((error as Error).message).toBe(
      `the XTable runner in ${other} packs into an archive with SHA-256 ${otherArchive.sha256} (${otherArchive.size} bytes), but startup.sh fetches s3://${bucket}/${runnerArchivePath(archive.sha256)} and accepts only SHA-256 ${archive.sha256}; nothing was written. Point PIPEGEN_XTABLE_RUNNER at the runner this pipegen pins, or unset it.`,
    );
    expect(writes(bucket)).toEqual([]);
  });

  it.each<[string, { bucket?: string; prefix?: string }, DeployFlags]>([
    ["another bucket", { bucket: "elsewhere-bucket" }, {}],
    ["another prefix", { prefix: "team-b" }, { prefix: "team-a" }],
    ["a prefix, deployed to the bucket root", { prefix: "team-a" }, {}],
  ])("is refused, with nothing written, when startup.sh fetches it from %s", async (_, place, flags) => {
    const bucket = await makeBucket(s3);
    const { dir, archive } = await fakeRunner("1");
    const bundle = await bundleFor({ bucket: place.bucket ?? bucket, prefix: place.prefix ?? "" }, archive);
    const error = await run({ bucket, from: bundle.dir, ...flags }, dir).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DeploySettingsError);
    expect((error as Error).message).toMatch(
      new RegExp(
        `'s startup.sh fetches the XTable runner from s3://${place.bucket ?? bucket}/${place.prefix ? `${place.prefix}/` : ""}xtable-runner/${archive.sha256}\\.zip, but this deploy writes to s3://${bucket}/${flags.prefix ? `${flags.prefix}/` : ""}, so the workers would find no runner\\. Set xtableRunner in the specs to`,
      ),
    );
    expect(requestsTo(proxy.log, bucket)).toEqual([]);
  });
});

/** Environments whose startup.sh is the version they were last sent; updates apply at once. */
function fakeMwaa(bucket: string) {
  const startupVersion = new Map<string, string | undefined>();
  mwaa.on(GetEnvironmentCommand as never).callsFake((input: { Name: string }) => ({
    Environment: {
      Name: input.Name,
      Status: "AVAILABLE",
      SourceBucketArn: `arn:aws:s3:::${bucket}`,
      DagS3Path: "dags",
      StartupScriptS3Path: startupVersion.has(input.Name) ? "startup.sh" : undefined,
      StartupScriptS3ObjectVersion: startupVersion.get(input.Name),
      LastUpdate: { Status: "SUCCESS", CreatedAt: new Date(0) },
    } satisfies Environment,
  }));
  mwaa.on(UpdateEnvironmentCommand as never).callsFake((input: UpdateEnvironmentCommandInput) => {
    if (input.StartupScriptS3ObjectVersion) startupVersion.set(input.Name!, input.StartupScriptS3ObjectVersion);
    return { Arn: `arn:aws:airflow:us-east-1:123456789012:environment/${input.Name}` };
  });
}

describe("prune and runner archives", () => {
  it("keeps an archive while the bucket's startup.sh names it, and deletes it with --prune once none does", async () => {
    const bucket = await makeBucket(s3);
    const one = await fakeRunner("1");
    const two = await fakeRunner("2");
    const first = await bundleFor({ bucket }, one.archive);
    const second = await bundleFor({ bucket }, two.archive);
    await run({ bucket, from: first.dir }, one.dir);

    // The startup.sh in the bucket before this deploy still names the first runner: kept.
    const replaced = await run({ bucket, from: second.dir, prune: true }, two.dir);
    expect(replaced.plan.kept).toEqual([
      {
        path: runnerArchivePath(one.archive.sha256),
        reason: "a deployed startup.sh fetches this XTable runner; never pruned while one does",
      },
    ]);
    expect(await keys(bucket)).toContain(runnerArchivePath(one.archive.sha256));

    // Now no deployed startup.sh names it.
    const next = await run({ bucket, from: second.dir, prune: true }, two.dir);
    expect(next.plan.deletes).toEqual([
      { path: runnerArchivePath(one.archive.sha256), reason: "no longer in the bundle", uploadClass: 1 },
    ]);
    expect(next.deleted).toEqual([runnerArchivePath(one.archive.sha256)]);
    expect(await keys(bucket)).toContain(runnerArchivePath(two.archive.sha256));
    expect(await keys(bucket)).not.toContain(runnerArchivePath(one.archive.sha256));
  });

  it("keeps an archive that an environment still runs a startup.sh version of, though the bucket's startup.sh moved on", async () => {
    const bucket = await makeBucket(s3);
    fakeMwaa(bucket);
    const runners = [await fakeRunner("1"), await fakeRunner("2"), await fakeRunner("3")];
    const bundles: { reference: RunnerReference; dir: string }[] = [];
    for (const r of runners) bundles.push(await bundleFor({ bucket }, r.archive));
    const archive = (i: number) => runnerArchivePath(runners[i]!.archive.sha256);

    // "blue" runs the first startup.sh; "green" gets the second, then the third.
    await run({ bucket, from: bundles[0]!.dir, environment: "blue" }, runners[0]!.dir);
    await run({ bucket, from: bundles[1]!.dir, environment: "green" }, runners[1]!.dir);
    const third = await run({ bucket, from: bundles[2]!.dir, environment: "green", prune: true }, runners[2]!.dir);
    expect(third.plan.kept.map((k) => k.path).sort()).toEqual([archive(0), archive(1)].sort());
    expect(third.deleted).toEqual([]);

    // Sending "blue" the third startup.sh: the second archive is named by nothing deployed any more. The
    // first is kept once more: at plan time "blue" still runs it (and MWAA would roll back to it).
    const blue = await run({ bucket, from: bundles[2]!.dir, environment: "blue", prune: true }, runners[2]!.dir);
    expect(blue.deleted).toEqual([archive(1)]);
    expect(blue.plan.kept.map((k) => k.path)).toEqual([archive(0)]);
    const after = await run({ bucket, from: bundles[2]!.dir, environment: "blue", prune: true }, runners[2]!.dir);
    expect(after.deleted).toEqual([archive(0)]);
    expect((await keys(bucket)).filter((k) => k.startsWith("xtable-runner/"))).toEqual([archive(2)]);
  });
});
