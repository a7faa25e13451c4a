/**
 * The Glue Data Catalog path, as the `sales` example renders it: Iceberg's
 * `org.apache.iceberg.aws.glue.GlueCatalog` with `S3FileIO`, the Delta table
 * in S3. The sales example's own xtable step runs (`pipegen xtable run
 * --pipeline pipelines/sales.pipeline.yaml --step sales_to_iceberg`: its
 * bucket, database, warehouse and region), against moto's S3 and Glue, which
 * the runner reaches through AWS_ENDPOINT_URL alone: the catalog options carry
 * no endpoint, as on MWAA.
 *
 * What proves it: Glue holds the table with its newest metadata location;
 * pyiceberg reads the rows back through its own Glue catalog (boto3) and
 * S3 FileIO (pyarrow), independently of the runner; `pipegen xtable verify`
 * checks the metadata in S3; a new Delta commit syncs incrementally and moves
 * Glue's pointer; with nothing new, Glue is left alone.
 */
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CreateDatabaseCommand, GetTableCommand, GetTablesCommand, GlueClient } from "@aws-sdk/client-glue";
import type { S3Client } from "@aws-sdk/client-s3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { pipegen, ROOT } from "../helpers/cli.js";
import { MOTO_AWS_ENV, type MotoServer, startMoto } from "../helpers/moto.js";
import { pythonJson } from "../helpers/python.js";
import { listKeys, motoEnv, motoS3, uploadFolder } from "../helpers/s3-tables.js";
import { RUNNER_DIR } from "../helpers/xtable.js";

const FIXTURES = `${ROOT}test/python/xtable_fixtures.py`;
/** From pipelines/sales.pipeline.yaml. */
const TABLE = "s3://datalake-sales/sales";
const DATABASE = "sales_db";

interface GlueRows {
  metadataLocation: string;
  delta: unknown[];
  iceberg: unknown[];
}

let moto: MotoServer;
let s3: S3Client;
let glue: GlueClient;
let env: Record<string, string>;
let root: string;
let local: string;

/** The sales example's xtable step, run as a user runs it. */
const sync = () =>
  pipegen(
    [
      "xtable",
      "run",
      "--pipeline",
      "pipelines/sales.pipeline.yaml",
      "--step",
      "sales_to_iceberg",
      "--runner",
      RUNNER_DIR,
      "--max-heap",
      "512m",
    ],
    { env },
  );

const glueTable = async () => (await glue.send(new GetTableCommand({ DatabaseName: DATABASE, Name: "sales" }))).Table!;

/** The newest Iceberg metadata file in S3: NNNNN-<uuid>.metadata.json, as a catalog names them. */
async function newestMetadata(): Promise<string> {
  const files = (await listKeys(s3, `${TABLE}/metadata`)).filter((k) => k.endsWith(".metadata.json"));
  expect(files.every((k) => /\/\d{5}-[0-9a-f-]{36}\.metadata\.json$/.test(k))).toBe(true);
  return `s3://datalake-sales/${files.sort().at(-1)}`;
}

const readBack = () => pythonJson<GlueRows>("delta", [FIXTURES, "glue-rows", local, `${DATABASE}.sales`], env);

beforeAll(async () => {
  moto = await startMoto();
  s3 = motoS3(moto);
  env = motoEnv(moto);
  glue = new GlueClient({
    endpoint: moto.endpoint,
    region: MOTO_AWS_ENV.AWS_REGION,
    credentials: { accessKeyId: MOTO_AWS_ENV.AWS_ACCESS_KEY_ID, secretAccessKey: MOTO_AWS_ENV.AWS_SECRET_ACCESS_KEY },
  });
  root = await mkdtemp(join(tmpdir(), "pipegen-glue-catalog-"));
  await pythonJson("delta", [FIXTURES, "delta", root, "sales=partitioned_date"]);
  local = join(root, "sales");
  await uploadFolder(s3, local, TABLE);
  await glue.send(new CreateDatabaseCommand({ DatabaseInput: { Name: DATABASE } }));
}, 300_000);

afterAll(async () => {
  await moto?.stop();
  if (root) await rm(root, { recursive: true, force: true });
});

describe("the sales example's step registers its Iceberg table in Glue (GlueCatalog + S3FileIO)", () => {
  it("first sync: Glue names the newest metadata, pyiceberg reads Delta's rows through Glue, verify passes", async () => {
    const r = await sync();
    expect(r.stderr).not.toMatch(/retrying as a FULL snapshot sync/);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stdout).toBe("✓ sales → ICEBERG (full)\n✓ 1 sync succeeded");

    const table = await glueTable();
    expect(table.Parameters).toMatchObject({ table_type: "ICEBERG", metadata_location: await newestMetadata() });
    expect(table.StorageDescriptor?.Location).toBe(TABLE);

    const rows = await readBack();
    expect(rows.metadataLocation).toBe(table.Parameters!.metadata_location);
    expect(rows.delta).toHaveLength(5);
    expect(rows.iceberg).toEqual(rows.delta);

    const verify = await pipegen(["xtable", "verify", TABLE, "--json"], { env });
    expect(verify.exitCode, verify.stderr).toBe(0);
    expect(JSON.parse(verify.stdout)).toMatchObject({
      ok: true,
      iceberg: { metadataFile: table.Parameters!.metadata_location, records: 5 },
    });
  });

  it("a new Delta commit: incremental sync, Glue's pointer moves, pyiceberg reads the new rows", async () => {
    const before = (await glueTable()).Parameters!.metadata_location;
    const { version } = await pythonJson<{ version: number }>("delta", [FIXTURES, "append", local, "1"]);
    const commit = `${String(version).padStart(20, "0")}.json`;
    await uploadFolder(s3, local, TABLE, (rel) => !rel.startsWith("_delta_log/") || rel.endsWith(commit));

    const r = await sync();
    expect(r.stderr).not.toMatch(/retrying as a FULL snapshot sync/);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stdout).toBe("✓ sales → ICEBERG (incremental)\n✓ 1 sync succeeded");

    const after = (await glueTable()).Parameters!.metadata_location;
    expect(after).not.toBe(before);
    expect(after).toBe(await newestMetadata());
    expect((await glueTable()).Parameters!.previous_metadata_location).toBe(before);
    const rows = await readBack();
    expect(rows.delta).toHaveLength(7);
    expect(rows.iceberg).toEqual(rows.delta);
    const verify = await pipegen(["xtable", "verify", TABLE], { env });
    expect(verify.exitCode, verify.stdout + verify.stderr).toBe(0);
  });

  it("nothing new: up to date, and Glue is left as it was", async () => {
    const before = (await glueTable()).Parameters!.metadata_location;
    const r = await sync();
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stdout).toBe("✓ sales → ICEBERG (up to date)\n✓ 1 sync succeeded");
    expect((await glueTable()).Parameters!.metadata_location).toBe(before);
  });
});

describe("an unsafe table is refused before anything reaches Glue or S3", () => {
  it("a deletion-vector table with the same catalog: REFUSED, no Glue table, nothing under metadata/", async () => {
    await pythonJson("delta", [FIXTURES, "delta", root, "dv=dv_file"]);
    const dv = "s3://datalake-sales/dv";
    await uploadFolder(s3, join(root, "dv"), dv);
    const dataset = join(root, "dv.yaml");
    const catalog = join(root, "catalog.yaml");
    await writeFile(
      dataset,
      JSON.stringify({
        sourceFormat: "DELTA",
        targetFormats: ["ICEBERG"],
        datasets: [{ tableBasePath: dv, tableName: "dv", namespace: DATABASE }],
      }),
    );
    // The catalog config the sales step renders (templates/… and test/golden/…/sales.py).
    await writeFile(
      catalog,
      JSON.stringify({
        catalogImpl: "org.apache.iceberg.aws.glue.GlueCatalog",
        catalogName: "glue",
        catalogOptions: {
          warehouse: "s3://datalake-sales/",
          "io-impl": "org.apache.iceberg.aws.s3.S3FileIO",
          "client.region": "us-east-1",
        },
      }),
    );
    const r = await pipegen(
      ["xtable", "run", "--config", dataset, "--catalog", catalog, "--runner", RUNNER_DIR, "--max-heap", "512m"],
      { env },
    );
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toMatch(
      /│ pipegen-xtable: dv DELTA -> ICEBERG: REFUSED \(.*\): refusing to translate the Delta table dv \(s3:\/\/datalake-sales\/dv\): deletionVectors — 1 active data file has a deletion vector/,
    );
    expect(r.stderr.split("\n").at(-1)).toMatch(
      /^✗ XTable sync failed: refused: dv \(ICEBERG\): refusing to translate/,
    );
    await expect(glue.send(new GetTableCommand({ DatabaseName: DATABASE, Name: "dv" }))).rejects.toMatchObject({
      name: "EntityNotFoundException",
    });
    const tables = (await glue.send(new GetTablesCommand({ DatabaseName: DATABASE }))).TableList ?? [];
    expect(tables.map((t) => t.Name)).not.toContain("dv");
    const keys = await listKeys(s3, dv);
    expect(keys.some((k) => k.includes("/_delta_log/"))).toBe(true);
    expect(keys.filter((k) => k.includes("/metadata/"))).toEqual([]);
  });
});
