/**
 * An MWAA worker, simulated. A bundle with an xtable step is rendered and
 * deployed by the built bin to the local S3 server (moto, behind the proxy
 * that logs every request); then the startup.sh that landed in the bucket is
 * run for real by bash, sourced as MWAA runs it, on a component that runs
 * tasks: with the real AWS CLI from PyPI, the machine's coreutils, unzip and
 * Java 17. Only sudo and yum are fakes on PATH (they log any call; Java 17 is
 * there already, so none is made). Last, the generated XTableOperator syncs a
 * local Delta table with the classpath startup.sh exported, and `pipegen
 * xtable verify` checks the Iceberg metadata it wrote; then, as production
 * has them, tables in S3: the operator syncs one, which verify checks in S3,
 * and refuses a deletion-vector and a column-mapping table, naming each table
 * and feature, with nothing written under their metadata/.
 *
 * The archive is the real runner (128 MB); the fetch-and-unpack time that
 * startup.sh reports is printed, for bench/RESULTS-style notes.
 */
import { createHash } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import { chmod, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { DeleteObjectCommand, GetObjectCommand, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { execa } from "execa";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RunnerReference, readRunnerReference, runnerUri } from "../src/runner/location.js";
import { runnerPin } from "../src/runner/pin.js";
import { pipegen, ROOT } from "./helpers/cli.js";
import { examplesDeployingTo, makeBucket } from "./helpers/deploy.js";
import { MOTO_AWS_ENV, type MotoServer, startMoto } from "./helpers/moto.js";
import { pythonJson, VENVS, venvBin } from "./helpers/python.js";
import { type S3Proxy, startS3Proxy } from "./helpers/s3-proxy.js";
import { listKeys, uploadFolder } from "./helpers/s3-tables.js";
import { RUNNER_DIR } from "./helpers/xtable.js";

let moto: MotoServer;
let proxy: S3Proxy;
let s3: S3Client;
let work: string;
let bucket: string;
let startup: string;
let runner: RunnerReference;
/** sudo and yum, logging their calls to `calls`. */
let fakes: string;
let calls: string;

const PATH = () => [fakes, `${VENVS}/awscli/bin`, "/usr/bin", "/bin"].join(":");

beforeAll(async () => {
  moto = await startMoto();
  proxy = await startS3Proxy(moto.endpoint);
  s3 = new S3Client({
    endpoint: moto.endpoint,
    region: "us-east-1",
    forcePathStyle: true,
    credentials: { accessKeyId: MOTO_AWS_ENV.AWS_ACCESS_KEY_ID, secretAccessKey: MOTO_AWS_ENV.AWS_SECRET_ACCESS_KEY },
  });
  work = await mkdtemp(path.join(tmpdir(), "pipegen-worker-"));
  bucket = await makeBucket(s3);
  await examplesDeployingTo(ROOT, work, bucket);
  const env = { ...MOTO_AWS_ENV, AWS_ENDPOINT_URL_S3: proxy.endpoint, AWS_ENDPOINT_URL_STS: moto.endpoint };
  const render = await pipegen(["render", "-q"], { cwd: work, env });
  expect(render.exitCode, render.stderr).toBe(0);
  const deployed = await pipegen(["deploy", "--bucket", bucket, "--from", "dist"], { cwd: work, env });
  expect(deployed.exitCode, deployed.stderr).toBe(0);

  fakes = path.join(work, "fakes");
  calls = path.join(work, "calls.log");
  await mkdir(fakes);
  for (const tool of ["sudo", "yum"]) {
    await writeFile(path.join(fakes, tool), `#!/bin/bash\necho "${tool} $*" >> ${calls}\n`);
    await chmod(path.join(fakes, tool), 0o755);
  }
}, 600_000);

afterAll(async () => {
  await proxy?.close();
  await moto?.stop();
  if (work) await rm(work, { recursive: true, force: true });
});

/** A fresh $AIRFLOW_HOME: a new worker container. */
const freshHome = () => mkdtemp(path.join(work, "airflow-home-"));

/**
 * Runs startup.sh as MWAA does (sourced by bash, so that its exports reach
 * Airflow) and prints the classpath it exported.
 */
async function start(home: string, component = "worker") {
  proxy.clearLog();
  const began = performance.now();
  const r = await execa(
    "/bin/bash",
    ["-c", 'source "$1"; echo "exported PIPEGEN_XTABLE_CLASSPATH=${PIPEGEN_XTABLE_CLASSPATH-}"', "mwaa", startup],
    {
      env: {
        PATH: PATH(),
        HOME: home,
        AIRFLOW_HOME: home,
        MWAA_AIRFLOW_COMPONENT: component,
        AWS_ENDPOINT_URL: proxy.endpoint,
        ...MOTO_AWS_ENV,
      },
      extendEnv: false,
      reject: false,
    },
  );
  const requests = proxy.log.filter((q) => q.bucket === bucket).map((q) => `${q.op} ${q.key}`);
  return { ...r, requests, wallMs: Math.round(performance.now() - began) };
}

/**
 * The generated XTableOperator run once as a task (test/python/run_xtable_operator.py) in a fresh
 * $AIRFLOW_HOME, with the classpath startup.sh exported and nothing else but `env`.
 */
async function operatorTask(classpath: string, tablesAndNames: readonly string[], env: Record<string, string> = {}) {
  const airflowHome = await mkdtemp(path.join(work, "task-"));
  return execa(
    venvBin("airflow-3.3.1", "python"),
    [`${ROOT}test/python/run_xtable_operator.py`, path.join(work, "dist", "dags"), ...tablesAndNames],
    {
      env: {
        PATH: PATH(),
        HOME: airflowHome,
        AIRFLOW_HOME: airflowHome,
        AIRFLOW__CORE__LOAD_EXAMPLES: "False",
        PIPEGEN_XTABLE_CLASSPATH: classpath,
        ...env,
      },
      extendEnv: false,
      reject: false,
      all: true,
    },
  );
}

const installedAt = (home: string) => path.join(home, "pipegen", "xtable-runner", runner.sha256);
const leftovers = async (home: string) =>
  (await readdir(path.join(home, "pipegen", "xtable-runner")).catch(() => [])).filter((f) => f.startsWith("."));

/** file → sha256 of a folder's files. */
function hashes(dir: string): Record<string, string> {
  return Object.fromEntries(
    readdirSync(dir)
      .sort()
      .map((f) => [
        f,
        createHash("sha256")
          .update(readFileSync(path.join(dir, f)))
          .digest("hex"),
      ]),
  );
}

describe("the deployed bundle", () => {
  it("holds the startup.sh that render wrote, naming the pinned runner archive that deploy uploaded beside it", async () => {
    const got = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: "startup.sh" }));
    const text = await got.Body!.transformToString("utf8");
    expect(text).toBe(await readFile(path.join(work, "dist", "startup.sh"), "utf8"));
    startup = path.join(work, "startup-from-bucket.sh");
    await writeFile(startup, text);
    runner = readRunnerReference(text)!;
    expect(runner).toMatchObject({ bucket, prefix: "", sha256: runnerPin().sha256, size: runnerPin().size });
    const archive = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: runner.key }));
    const bytes = Buffer.from(await archive.Body!.transformToByteArray());
    expect(createHash("sha256").update(bytes).digest("hex")).toBe(runner.sha256);
  });
});

describe("startup.sh on a worker", () => {
  let home: string;
  let classpath: string;

  it("fetches the runner, verifies it, unpacks it outside the DAGs folder and exports its classpath", async () => {
    home = await freshHome();
    const r = await start(home);
    expect(r.exitCode, r.stderr).toBe(0);
    const lines = r.stdout.split("\n");
    expect(lines).toContain(`pipegen: fetching the XTable runner (${runner.size} bytes) from ${runnerUri(runner)}`);
    const done = lines.find((l) => l.includes("(fetched, verified and unpacked in "));
    expect(done).toMatch(
      new RegExp(
        `^pipegen: the XTable runner ${runner.sha256.slice(0, 12)} is in ${installedAt(home)} \\(fetched, verified and unpacked in \\d+ ms: fetch \\d+ ms, SHA-256 \\d+ ms, unzip and rename \\d+ ms\\)$`,
      ),
    );
    classpath = `${installedAt(home)}/*`;
    expect(lines.at(-1)).toBe(`exported PIPEGEN_XTABLE_CLASSPATH=${classpath}`);
    // The runner that jars/build.sh built, file for file; nothing left beside it; no install attempted.
    expect(hashes(installedAt(home))).toEqual(hashes(RUNNER_DIR));
    expect(await leftovers(home)).toEqual([]);
    expect(await readFile(calls, "utf8").catch(() => "")).toBe("");
    // The AWS CLI read the archive and nothing else.
    expect(new Set(r.requests)).toEqual(new Set([`HeadObject ${runner.key}`, `GetObject ${runner.key}`]));
    const ms = Number(/unpacked in (\d+) ms/.exec(done!)![1]);
    console.log(
      `runner archive: ${runner.size} bytes; ${done!.replace(/^.* \(/, "").slice(0, -1)}; whole startup.sh ${r.wallMs} ms`,
    );
    expect(ms).toBeGreaterThan(0);
  });

  it("a second start with the runner there downloads nothing", async () => {
    const r = await start(home);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stdout.split("\n")).toContain(
      `pipegen: the XTable runner ${runner.sha256.slice(0, 12)} is already in ${installedAt(home)}; nothing to download`,
    );
    expect(r.stdout.split("\n").at(-1)).toBe(`exported PIPEGEN_XTABLE_CLASSPATH=${classpath}`);
    expect(r.requests).toEqual([]);
  });

  it("the generated XTableOperator syncs a local Delta table with that classpath, and verify agrees", async () => {
    const tables = path.join(work, "tables");
    const made = await pythonJson<{ cases: Record<string, { path: string }> }>("delta", [
      `${ROOT}test/python/xtable_fixtures.py`,
      "delta",
      tables,
      "sales=partitioned_date",
    ]);
    const table = made.cases.sales!.path;
    const r = await operatorTask(classpath, [table, "sales"]);
    expect(r.exitCode, r.all).toBe(0);
    expect(r.all).toContain(`-cp '${classpath}' pipegen.xtable.Launcher`);
    expect(r.stdout.split("\n").at(-1)).toBe('RESULT [["sales", "ICEBERG"]]');
    const verify = await pipegen(["xtable", "verify", table, "--json"]);
    expect(verify.exitCode, verify.stdout + verify.stderr).toBe(0);
    expect(JSON.parse(verify.stdout)).toMatchObject({ ok: true });
  });

  it("the operator syncs an S3 table, refuses the unsafe ones writing nothing, and verify checks it on S3", async () => {
    const tables = path.join(work, "s3-tables");
    await pythonJson("delta", [
      `${ROOT}test/python/xtable_fixtures.py`,
      "delta",
      tables,
      "sales=partitioned_date,dv=dv_file,column_mapping=column_mapping",
    ]);
    const lake = `s3://${await makeBucket(s3, false)}/lake`;
    for (const name of ["sales", "dv", "column_mapping"])
      await uploadFolder(s3, path.join(tables, name), `${lake}/${name}`);
    // The task's AWS settings as a worker has them (keys here; MWAA's come from its container endpoint,
    // test/xtable/execution-role.test.ts), the endpoint pointing at the local S3 server.
    const aws = { ...MOTO_AWS_ENV, AWS_ENDPOINT_URL: moto.endpoint };
    const task = (...tablesAndNames: string[]) => operatorTask(classpath, tablesAndNames, aws);

    const synced = await task(`${lake}/sales`, "sales");
    expect(synced.exitCode, synced.all).toBe(0);
    expect(synced.stdout.split("\n").at(-1)).toBe('RESULT [["sales", "ICEBERG"]]');
    const verify = await pipegen(["xtable", "verify", `${lake}/sales`, "--json"], { env: aws });
    expect(verify.exitCode, verify.stdout + verify.stderr).toBe(0);
    expect(JSON.parse(verify.stdout)).toMatchObject({ ok: true, table: `${lake}/sales`, iceberg: { records: 5 } });

    const refused = await task(`${lake}/dv`, "dv", `${lake}/column_mapping`, "column_mapping");
    expect(refused.exitCode).toBe(1);
    const failed = refused.stdout.split("\n").at(-1)!;
    expect(failed).toMatch(
      new RegExp(
        `^FAILED XTable sync failed: the JVM exited with code 1; refused: dv \\(ICEBERG\\): refusing to translate the Delta table dv \\(${lake}/dv\\): deletionVectors — `,
      ),
    );
    expect(failed).toContain(
      `; column_mapping (ICEBERG): refusing to translate the Delta table column_mapping (${lake}/column_mapping): columnMapping — column mapping mode 'name'`,
    );
    for (const name of ["dv", "column_mapping"]) {
      const keys = await listKeys(s3, `${lake}/${name}`);
      expect(keys.some((k) => k.includes("/_delta_log/"))).toBe(true);
      expect(keys.filter((k) => k.includes("/metadata/"))).toEqual([]);
    }
  });

  it("on the webserver, installs nothing and fetches nothing", async () => {
    const webserver = await freshHome();
    const r = await start(webserver, "webserver");
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stdout.split("\n")).toEqual([
      "pipegen: webserver runs no tasks; nothing to install",
      "exported PIPEGEN_XTABLE_CLASSPATH=",
    ]);
    expect(r.requests).toEqual([]);
    expect(await readdir(webserver)).toEqual([]);
  });
});

describe("startup.sh refuses what it cannot verify, and installs nothing", () => {
  it("an archive whose bytes differ from the SHA-256 it names (one byte flipped)", async () => {
    const got = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: runner.key }));
    const bytes = Buffer.from(await got.Body!.transformToByteArray());
    const middle = bytes.length >> 1;
    bytes[middle] = bytes[middle]! ^ 0xff;
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: runner.key, Body: bytes }));
    const home = await freshHome();
    const r = await start(home);
    expect(r.exitCode).not.toBe(0);
    const sha = createHash("sha256").update(bytes).digest("hex");
    expect(r.stderr.split("\n")).toContain(
      `pipegen: refusing the XTable runner from ${runnerUri(runner)}: its SHA-256 is ${sha}, but this startup.sh expects ${runner.sha256}; nothing was installed. Deploy the bundle again with pipegen deploy, which uploads the archive this startup.sh names.`,
    );
    expect(r.stdout).not.toContain("exported PIPEGEN_XTABLE_CLASSPATH");
    expect(await readdir(path.join(home, "pipegen", "xtable-runner"))).toEqual([]);
  });

  it("a missing archive", async () => {
    await s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: runner.key }));
    const home = await freshHome();
    const r = await start(home);
    expect(r.exitCode).not.toBe(0);
    expect(r.stderr).toContain(`Key "${runner.key}" does not exist`);
    expect(r.stderr.split("\n")).toContain(
      `pipegen: could not fetch the XTable runner from ${runnerUri(runner)} (the aws error is above). pipegen deploy uploads it with the bundle: deploy again, and check that the execution role may s3:GetObject it (pipegen iam grants that).`,
    );
    expect(r.stdout).not.toContain("exported PIPEGEN_XTABLE_CLASSPATH");
    expect(await readdir(path.join(home, "pipegen", "xtable-runner"))).toEqual([]);
  });
});
