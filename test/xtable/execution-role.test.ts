/**
 * The runner as an MWAA worker runs it: no AWS keys anywhere, only the
 * container credentials endpoint that hands out the execution role, and
 * every request signed with that role's session and checked against the
 * execution role that `pipegen iam` writes.
 *
 * - moto runs with IAM access control on (test/helpers/moto_role_server.py):
 *   it knows only the session of a role that holds the xtable steps'
 *   statements of `pipegen iam`, plus an admin user for the test's own set-up.
 *   moto matches S3 requests against Action and Resource (not Condition) and
 *   other services against Resource "*" only, so the Glue statement's
 *   resources are widened to "*" for moto (its actions stay as they are).
 * - A recording proxy sits between the runner and moto. Every S3 and Glue
 *   request the runner made is then mapped to the IAM requests AWS authorizes
 *   (test/helpers/iam-calls.ts) and judged by the IAM evaluator
 *   (test/helpers/iam-eval.ts) against the statements exactly as `pipegen
 *   iam` writes them, conditions (s3:prefix) and scoped Glue ARNs included.
 * - Credentials come from a loopback endpoint (test/helpers/container-credentials.ts):
 *   AWS_CONTAINER_CREDENTIALS_RELATIVE_URI, as ECS and Fargate set it (the
 *   AWS SDK for Java v2 takes the host from AWS_CONTAINER_SERVICE_ENDPOINT
 *   instead of 169.254.170.2), and AWS_CONTAINER_CREDENTIALS_FULL_URI with an
 *   authorization token.
 *
 * The steps are the examples' own: `sales` (Glue catalog + S3FileIO) and
 * `orders_lakehouse` (two tables, HadoopTables on S3A), run by `pipegen xtable
 * run --pipeline … --step …`.
 */
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CreateDatabaseCommand, GetTableCommand, GlueClient } from "@aws-sdk/client-glue";
import { S3Client } from "@aws-sdk/client-s3";
import { execa } from "execa";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildIam } from "../../src/iam/index.js";
import type { PolicyStatement } from "../../src/iam/model.js";
import { validatePipelines } from "../../src/pipeline-run.js";
import { BIN, ROOT } from "../helpers/cli.js";
import { type CredentialsEndpoint, startCredentialsEndpoint } from "../helpers/container-credentials.js";
import { type MappingContext, type RecordedCall, requestsFor } from "../helpers/iam-calls.js";
import { evaluate, type NamedPolicy } from "../helpers/iam-eval.js";
import { type MotoRoleServer, startMotoWithRole } from "../helpers/moto.js";
import { pythonJson } from "../helpers/python.js";
import { type LoggedRequest, type S3Proxy, startS3Proxy } from "../helpers/s3-proxy.js";
import { listKeys, uploadFolder } from "../helpers/s3-tables.js";
import { RUNNER_DIR } from "../helpers/xtable.js";

const FIXTURES = `${ROOT}test/python/xtable_fixtures.py`;
const ACCOUNT = "111122223333";
const REGION = "us-east-1";
/** The xtable steps of the examples, and the tables they name. */
const STEPS = {
  sales: {
    spec: "pipelines/sales.pipeline.yaml",
    step: "sales_to_iceberg",
    sid: "SalesSalesToIceberg",
    tables: { "s3://datalake-sales/sales": "partitioned_date" },
  },
  orders: {
    spec: "pipelines/orders_lakehouse.pipeline.yaml",
    step: "translate_tables",
    sid: "OrdersLakehouseTranslateTables",
    tables: {
      "s3://orders-lake/delta/orders": "partitioned_string",
      "s3://orders-lake/delta/customers": "unpartitioned",
    },
  },
} as const;

let work: string;
let statements: PolicyStatement[];
let moto: MotoRoleServer;
let proxy: S3Proxy;
let admin: { s3: S3Client; glue: GlueClient };
/**
 * Granted actions no recorded request uses, and why they stay. (With
 * HadoopTables, S3A's renames delete, so the orders tables use DeleteObject.)
 */
const KEPT: Record<string, string> = {
  "SalesSalesToIcebergWriteMetadata s3:DeleteObject":
    "XTable's IcebergConversionTarget.completeSync expires snapshots older than the target's metadata retention (7 days by default) with cleanExpiredFiles, and S3FileIO deletes their metadata files; a test's syncs are younger than that",
};

/** Every call the runner made, through the proxy, in the two successful runs. */
const recorded: RecordedCall[] = [];
/** The environment every run starts from: no credentials of any kind, AWS reached through the proxy. */
let bare: Record<string, string>;

/** `pipegen xtable run` of an example's step, with exactly this environment (nothing inherited). */
async function runStep(name: keyof typeof STEPS, env: Record<string, string>) {
  const { spec, step } = STEPS[name];
  const r = await execa(
    "node",
    [BIN, "xtable", "run", "--pipeline", spec, "--step", step, "--runner", RUNNER_DIR, "--max-heap", "512m"],
    { cwd: ROOT, env: { ...bare, ...env }, extendEnv: false, reject: false },
  );
  return { exitCode: r.exitCode ?? -1, stdout: r.stdout, stderr: r.stderr };
}

/** The proxy's log entry as a recorded call, for the IAM mapping. */
function recordedCall(r: LoggedRequest): RecordedCall {
  const base = { dag: "runner", task: "xtable", identity: "execution-role", on_behalf: null, region: REGION };
  const outcome = { status: r.status ?? 0, error: null, response: {} };
  if (r.target) {
    const [, operation] = r.target.split(".");
    return { ...base, ...outcome, service: "glue", operation: operation!, params: JSON.parse(r.body ?? "{}") };
  }
  const params: Record<string, unknown> = { Bucket: r.bucket, Key: r.key };
  if (r.op === "ListObjectsV2") params.Prefix = r.query?.get("prefix") ?? "";
  if (r.copySource) params.CopySource = r.copySource;
  if (r.op === "DeleteObjects")
    params.Delete = { Objects: [...(r.body ?? "").matchAll(/<Key>([^<]*)<\/Key>/g)].map((m) => ({ Key: m[1] })) };
  return { ...base, ...outcome, service: "s3", operation: r.op, params };
}

const context: MappingContext = {
  account: ACCOUNT,
  region: REGION,
  executionRole: `arn:aws:iam::${ACCOUNT}:role/mwaa-execution`,
  workgroupIds: new Map(),
  bucketOwners: new Map(),
};

/** Every IAM request behind the runner's recorded calls that `policy` does not allow, one line each. */
function denials(calls: readonly RecordedCall[], policy: NamedPolicy): string[] {
  return requestsFor(calls, context).flatMap((r) => {
    const d = evaluate([policy], undefined, r);
    return d.allowed ? [] : [`${r.call.operation} → ${r.action} on ${r.resource}: ${d.why}`];
  });
}

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), "pipegen-execution-role-"));
  const pipelines = await validatePipelines({ cwd: ROOT, paths: Object.values(STEPS).map((s) => s.spec) });
  const iam = buildIam(pipelines, { account: ACCOUNT });
  // The tables' statements; ReadRunner is startup.sh's (test/runner-startup.test.ts), not the runner's.
  statements = iam.documents
    .filter((d) => d.kind === "execution-role")
    .flatMap((d) => d.policy.Statement)
    .filter((s) => Object.values(STEPS).some((step) => s.Sid.startsWith(step.sid)) && !s.Sid.endsWith("ReadRunner"));
  expect(statements.some((s) => s.Action.includes("glue:UpdateTable"))).toBe(true);
  const forMoto = join(work, "role-policy.json");
  await writeFile(
    forMoto,
    JSON.stringify({
      Version: "2012-10-17",
      Statement: statements.map((s) => (s.Action.some((a) => a.startsWith("glue:")) ? { ...s, Resource: "*" } : s)),
    }),
  );
  moto = await startMotoWithRole([forMoto], { MOTO_ACCOUNT_ID: ACCOUNT });
  proxy = await startS3Proxy(moto.endpoint);

  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";
  const credentials = { accessKeyId: moto.admin.AccessKeyId, secretAccessKey: moto.admin.SecretAccessKey };
  admin = {
    s3: new S3Client({ endpoint: moto.endpoint, region: REGION, credentials }),
    glue: new GlueClient({ endpoint: moto.endpoint, region: REGION, credentials }),
  };
  const names = Object.values(STEPS).flatMap((s) => Object.entries(s.tables));
  await pythonJson("delta", [
    FIXTURES,
    "delta",
    join(work, "tables"),
    names.map(([uri, fixture]) => `${uri.split("/").at(-1)}=${fixture}`).join(","),
  ]);
  for (const [uri] of names) await uploadFolder(admin.s3, join(work, "tables", uri.split("/").at(-1)!), uri);
  await admin.glue.send(new CreateDatabaseCommand({ DatabaseInput: { Name: "sales_db" } }));

  const home = join(work, "home");
  await mkdir(home);
  bare = {
    PATH: process.env.PATH ?? "/usr/bin:/bin",
    ...(process.env.JAVA_HOME ? { JAVA_HOME: process.env.JAVA_HOME } : {}),
    HOME: home,
    NO_COLOR: "1",
    AWS_REGION: REGION,
    AWS_ENDPOINT_URL: proxy.endpoint,
    // No profile files and no instance metadata service: the chain has nothing but what a test gives it.
    AWS_CONFIG_FILE: join(home, "no-aws-config"),
    AWS_SHARED_CREDENTIALS_FILE: join(home, "no-aws-credentials"),
    AWS_EC2_METADATA_DISABLED: "true",
  };
}, 600_000);

afterAll(async () => {
  await proxy?.close();
  await moto?.stop();
  if (work) await rm(work, { recursive: true, force: true });
});

describe("credentials come from the container endpoint only", () => {
  it("with no credentials at all, the sync fails and writes nothing", async () => {
    const r = await runStep("sales", {});
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toMatch(/✗ XTable sync failed: failed: sales \(ICEBERG\): .*credentials/i);
    expect(await listKeys(admin.s3, "s3://datalake-sales/sales/metadata")).toEqual([]);
  });

  it("static keys moto never issued (the usual test dummies) are refused: moto really checks", async () => {
    const r = await runStep("sales", { AWS_ACCESS_KEY_ID: "testing", AWS_SECRET_ACCESS_KEY: "testing" });
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toMatch(/InvalidAccessKeyId|403|FORBIDDEN/);
    expect(await listKeys(admin.s3, "s3://datalake-sales/sales/metadata")).toEqual([]);
  });

  let endpoint: CredentialsEndpoint;
  afterAll(async () => endpoint?.close());

  it("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI (ECS/Fargate): S3A, S3FileIO and the Glue catalog sync the sales table", async () => {
    endpoint = await startCredentialsEndpoint(moto.credentials);
    proxy.clearLog();
    const r = await runStep("sales", {
      AWS_CONTAINER_CREDENTIALS_RELATIVE_URI: endpoint.relativeUri,
      AWS_CONTAINER_SERVICE_ENDPOINT: endpoint.serviceEndpoint,
    });
    recorded.push(...proxy.log.map(recordedCall));
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stdout).toBe("✓ sales → ICEBERG (full)\n✓ 1 sync succeeded");
    expect(endpoint.requests.length).toBeGreaterThan(0);
    expect(endpoint.requests.every((q) => q.served)).toBe(true);
    // Signed with the role's session: S3 (S3A reads the log, S3FileIO writes metadata) and Glue.
    expect(proxy.log.some((q) => q.target === "AWSGlue.CreateTable" && q.status === 200)).toBe(true);
    expect(proxy.log.some((q) => q.op === "PutObject" && q.key.startsWith("sales/metadata/"))).toBe(true);
    const table = await admin.glue.send(new GetTableCommand({ DatabaseName: "sales_db", Name: "sales" }));
    const newest = (await listKeys(admin.s3, "s3://datalake-sales/sales/metadata"))
      .filter((k) => k.endsWith(".metadata.json"))
      .sort()
      .at(-1);
    expect(table.Table?.Parameters?.metadata_location).toBe(`s3://datalake-sales/${newest}`);
  });

  it("AWS_CONTAINER_CREDENTIALS_FULL_URI with an authorization token: HadoopTables and Hudi on S3A sync both orders tables", async () => {
    const token = "pipegen-test-token";
    const full = await startCredentialsEndpoint(moto.credentials, { token });
    try {
      proxy.clearLog();
      const r = await runStep("orders", {
        AWS_CONTAINER_CREDENTIALS_FULL_URI: full.fullUri,
        AWS_CONTAINER_AUTHORIZATION_TOKEN: token,
      });
      recorded.push(...proxy.log.map(recordedCall));
      expect(r.exitCode, r.stderr).toBe(0);
      expect(r.stdout).toBe(
        "✓ orders → ICEBERG (full)\n✓ orders → HUDI (full)\n✓ customers → ICEBERG (full)\n✓ customers → HUDI (full)\n✓ 4 syncs succeeded",
      );
      expect(full.requests.length).toBeGreaterThan(0);
      expect(full.requests.every((q) => q.authorization === token && q.served)).toBe(true);
      for (const table of ["orders", "customers"])
        expect(await listKeys(admin.s3, `s3://orders-lake/delta/${table}/metadata`)).toContain(
          `delta/${table}/metadata/version-hint.text`,
        );
      for (const table of ["orders", "customers"])
        expect(await listKeys(admin.s3, `s3://orders-lake/delta/${table}/.hoodie`)).toContain(
          `delta/${table}/.hoodie/hoodie.properties`,
        );
    } finally {
      await full.close();
    }
  });
});

describe("pipegen iam's execution role allows every request the runner made, and no more than it uses", () => {
  const policy = (): NamedPolicy => ({ name: "mwaa-execution-role.json", Statement: statements });

  it("recorded both paths: S3 reads, lists, writes, copies, deletes and the Glue catalog", () => {
    const ops = new Set(recorded.map((c) => `${c.service} ${c.operation}`));
    expect([...ops].sort()).toEqual(
      expect.arrayContaining([
        "glue CreateTable",
        "glue GetTable",
        "s3 GetObject",
        "s3 HeadObject",
        "s3 ListObjectsV2",
        "s3 PutObject",
        "s3 DeleteObject",
      ]),
    );
    expect(recorded.every((c) => c.status > 0 && c.status < 500)).toBe(true);
  });

  it("every IAM request behind them is allowed, s3:prefix conditions and Glue ARNs included", () => {
    expect(recorded.length).toBeGreaterThan(50);
    expect(denials(recorded, policy())).toEqual([]);
  });

  it("every action of the tables' statements is used, apart from the keeps listed with their reasons", () => {
    const used = new Set<string>();
    for (const r of requestsFor(recorded, context))
      for (const m of evaluate([policy()], undefined, r).allowedBy) used.add(`${m.sid} ${m.action}`);
    const granted = statements.flatMap((s) => s.Action.map((a) => `${s.Sid} ${a}`));
    expect(granted.filter((g) => !used.has(g))).toEqual(Object.keys(KEPT));
  });

  it("canary: without each folder's own key (the grant before this issue), S3A's HEAD of _delta_log is denied", () => {
    const old = statements.map((s) => ({
      ...s,
      ...(s.Resource ? { Resource: s.Resource.filter((r) => !/\/(_delta_log|metadata)$/.test(r)) } : {}),
      ...(s.Condition?.StringLike
        ? {
            Condition: {
              StringLike: {
                "s3:prefix": (s.Condition.StringLike["s3:prefix"] as string[]).filter(
                  (p) => !/\/(_delta_log|metadata)$/.test(p),
                ),
              },
            },
          }
        : {}),
    }));
    const denied = denials(recorded, { name: "old", Statement: old });
    expect(denied).toEqual(
      expect.arrayContaining([
        "HeadObject → s3:GetObject on arn:aws:s3:::datalake-sales/sales/_delta_log: no Allow (implicit deny)",
        // (orders' HUDI target lists the whole table for partitions, so there only GetObject is missing)
        "HeadObject → s3:GetObject on arn:aws:s3:::orders-lake/delta/orders/_delta_log: no Allow (implicit deny)",
      ]),
    );
  });
});
