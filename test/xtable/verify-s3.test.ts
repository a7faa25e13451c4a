/**
 * `pipegen xtable verify s3://bucket/prefix/table`: the same checks as on a
 * local folder, on tables that the real runner synced in moto's S3 (its S3A
 * writes the Iceberg metadata there). pipegen reads S3 with the AWS SDK's
 * standard chain: here the dummy credentials and AWS_ENDPOINT_URL of
 * MOTO_AWS_ENV, as a user's environment would give them.
 */
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { S3Client } from "@aws-sdk/client-s3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readDeltaSnapshot } from "../../src/xtable/verify/delta-log.js";
import { pipegen, ROOT } from "../helpers/cli.js";
import { type MotoServer, startMoto } from "../helpers/moto.js";
import { pythonJson } from "../helpers/python.js";
import { deleteObject, listKeys, motoEnv, motoS3, uploadFolder } from "../helpers/s3-tables.js";
import { RUNNER_DIR } from "../helpers/xtable.js";

const FIXTURES = `${ROOT}test/python/xtable_fixtures.py`;
/** Table name → the deltalake fixture it copies: partitioned, with a checkpoint, and two to change after the sync. */
const TABLES = {
  sales: "partitioned_date",
  orders: "checkpoint",
  stale: "unpartitioned",
  damaged: "partitioned_string",
} as const;
const PREFIX = "s3://lake/warehouse";

let moto: MotoServer;
let s3: S3Client;
let env: Record<string, string>;
let root: string;
const local = (name: string) => join(root, "tables", name);
const uri = (name: string) => `${PREFIX}/${name}`;

const verify = (target: string, extra: string[] = [], environment = env) =>
  pipegen(["xtable", "verify", target, ...extra], { env: environment });

beforeAll(async () => {
  moto = await startMoto();
  s3 = motoS3(moto);
  env = motoEnv(moto);
  root = await mkdtemp(join(tmpdir(), "pipegen-verify-s3-"));
  const spec = Object.entries(TABLES).map(([name, fixture]) => `${name}=${fixture}`);
  await pythonJson("delta", [FIXTURES, "delta", join(root, "tables"), spec.join(",")]);
  for (const name of Object.keys(TABLES)) await uploadFolder(s3, local(name), uri(name));

  // One runner JVM syncs the four S3 tables, as the MWAA operator would.
  const config = join(root, "dataset.yaml");
  await writeFile(
    config,
    JSON.stringify({
      sourceFormat: "DELTA",
      targetFormats: ["ICEBERG"],
      datasets: Object.keys(TABLES).map((name) => ({ tableBasePath: uri(name), tableName: name })),
    }),
  );
  const sync = await pipegen(["xtable", "run", "--config", config, "--runner", RUNNER_DIR, "--quiet"], { env });
  if (sync.exitCode !== 0) throw new Error(`the sync to moto's S3 failed:\n${sync.stderr}`);
}, 600_000);

afterAll(async () => {
  await moto?.stop();
  if (root) await rm(root, { recursive: true, force: true });
});

describe("a table synced in S3 passes, with every check that runs on local disk", () => {
  it.each(["sales", "orders"])("%s: exit 0, all seven checks, every data file read from S3", async (name) => {
    const r = await verify(uri(name), ["--json"]);
    expect(r.stderr).toBe("");
    expect(r.exitCode).toBe(0);
    const report = JSON.parse(r.stdout);
    expect(report.ok).toBe(true);
    expect(report.table).toBe(uri(name));
    expect(report.iceberg.metadataFile).toMatch(new RegExp(`^${uri(name)}/metadata/v\\d+\\.metadata\\.json$`));
    expect(report.checks.map((c: { check: string; ok: boolean }) => [c.check, c.ok])).toEqual([
      ["files", true],
      ["schema", true],
      ["partitionSpec", true],
      ["recordCount", true],
      ["columnBounds", true],
      ["sourceVersion", true],
      ["deltaFeatures", true],
    ]);
    // The bounds were checked against the data files themselves, fetched from S3.
    const bounds = report.checks.find((c: { check: string }) => c.check === "columnBounds");
    expect(bounds.summary).toBe(`${report.iceberg.files} data file${report.iceberg.files === 1 ? "" : "s"} read`);
    expect(report.iceberg.records).toBe(report.delta.records);

    // The Delta side reads as the local copy of the same table does (checkpoint included).
    const snapshot = await readDeltaSnapshot(local(name));
    expect(report.delta).toMatchObject({
      version: snapshot.version,
      files: snapshot.files.length,
      checkpoint: snapshot.checkpoint,
      commitsRead: snapshot.commitsRead,
    });
    if (name === "orders") expect(report.delta.checkpoint).not.toBeNull();
  });

  it("the human report names the S3 table and metadata file; s3a:// and a trailing slash name the same table", async () => {
    const r = await verify(`${uri("sales").replace("s3://", "s3a://")}/`);
    expect(r.exitCode).toBe(0);
    expect(r.stdout.split("\n")[0]).toBe(uri("sales"));
    expect(r.stdout).toMatch(new RegExp(`Iceberg ${uri("sales")}/metadata/v\\d+\\.metadata\\.json`));
    expect(r.stdout).toMatch(/Iceberg metadata matches the Delta table\.$/);
  });
});

describe("a wrong or damaged table in S3 fails, naming what is wrong", () => {
  it("a Delta commit after the sync: stale, exit 1", async () => {
    const before = await readDeltaSnapshot(local("stale"));
    await pythonJson("delta", [FIXTURES, "append", local("stale"), "1"]);
    const uploaded = await uploadFolder(s3, local("stale"), uri("stale"), (rel) => {
      return rel.startsWith("_delta_log/")
        ? rel.endsWith(`${String(before.version + 1).padStart(20, "0")}.json`)
        : true;
    });
    expect(uploaded.some((k) => k.endsWith(".json"))).toBe(true);
    const r = await verify(uri("stale"));
    expect(r.exitCode).toBe(1);
    expect(r.stdout).toContain(
      `stale: Iceberg was synced from Delta version ${before.version}, the Delta table is at version ${before.version + 1}`,
    );
    expect(r.stderr).toMatch(
      new RegExp(
        `^✗ ${uri("stale")}: \\d+ differences? between the Delta log and the Iceberg metadata \\(.*sourceVersion.*\\)$`,
      ),
    );
  });

  it("a manifest missing from S3: one paragraph naming it, exit 1, nothing on stdout", async () => {
    const manifests = (await listKeys(s3, `${uri("damaged")}/metadata`)).filter(
      (k) => k.endsWith(".avro") && !k.split("/").at(-1)!.startsWith("snap-"),
    );
    expect(manifests.length).toBeGreaterThan(0);
    const gone = `s3://lake/${manifests[0]}`;
    await deleteObject(s3, gone);
    const r = await verify(uri("damaged"));
    expect(r.exitCode).toBe(1);
    expect(r.stdout).toBe("");
    expect(r.stderr).toBe(`✗ cannot read the Iceberg manifest ${gone}: it does not exist.`);
  });
});

describe("bad locations get a clear message, not a local-path error", () => {
  it.each([
    [
      "gs://lake/sales",
      /^✗ gs:\/\/lake\/sales: gs:\/\/ tables are not supported; pipegen xtable verify reads a local folder \(a path or a file: URI\) or an S3 prefix \(s3:\/\/bucket\/prefix\/table\)\.$/,
    ],
    [
      "abfss://c@acct.dfs.core.windows.net/t",
      /^✗ abfss:\/\/c@acct\.dfs\.core\.windows\.net\/t: abfss:\/\/ tables are not supported;/,
    ],
    ["hdfs://namenode/lake/t", /^✗ hdfs:\/\/namenode\/lake\/t: hdfs:\/\/ tables are not supported;/],
    ["s3://lake", /^✗ s3:\/\/lake names a whole bucket; give the table's prefix, e\.g\. s3:\/\/lake\/path\/to\/table/],
    [
      `${PREFIX}/nothing-here`,
      /^✗ s3:\/\/lake\/warehouse\/nothing-here is not a Delta table: s3:\/\/lake\/warehouse\/nothing-here does not exist\.$/,
    ],
    [
      "s3://no-such-bucket/t",
      /^✗ s3:\/\/no-such-bucket\/t is not a Delta table: cannot read s3:\/\/no-such-bucket\/t \(its bucket does not exist\)\.$/,
    ],
  ])("%s", async (target, message) => {
    const r = await verify(target);
    expect(r.exitCode).toBe(1);
    expect(r.stdout).toBe("");
    expect(r.stderr).toMatch(message);
    expect(r.stderr).not.toContain(process.cwd());
  });

  it("a prefix without _delta_log says what to give", async () => {
    const r = await verify(`${uri("sales")}/metadata`);
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toBe(
      `✗ ${uri("sales")}/metadata is not a Delta table: it has no _delta_log folder. Give the table's root folder (the one that holds _delta_log).`,
    );
  });

  it("no credentials anywhere in the chain: says so and how to give them", async () => {
    const none = {
      AWS_ENDPOINT_URL: moto.endpoint,
      AWS_REGION: "us-east-1",
      AWS_ACCESS_KEY_ID: "",
      AWS_SECRET_ACCESS_KEY: "",
      AWS_SESSION_TOKEN: "",
      AWS_PROFILE: "",
      AWS_CONFIG_FILE: join(root, "no-config"),
      AWS_SHARED_CREDENTIALS_FILE: join(root, "no-credentials"),
      AWS_EC2_METADATA_DISABLED: "true",
    };
    const r = await verify(uri("sales"), [], none);
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toBe(
      `✗ ${uri("sales")} is not a Delta table: cannot read ${uri("sales")} (no AWS credentials found; give them the usual AWS way: environment variables, a profile (AWS_PROFILE), or the role of the machine or container).`,
    );
  });

  it("an endpoint that does not answer: the connection error, one line", async () => {
    const r = await verify(uri("sales"), [], { ...env, AWS_ENDPOINT_URL: "http://127.0.0.1:9" });
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toMatch(/^✗ s3:\/\/lake\/warehouse\/sales is not a Delta table: cannot read .*ECONNREFUSED.*$/);
    expect(r.stderr.split("\n")).toHaveLength(1);
  });
});
