/**
 * pipegen's `XTableOperator` runs the XTable launcher in a child JVM on the
 * worker; the JVM uses the default AWS credential chain, which on MWAA is the
 * execution role (templates/xtable-operator/operator.py.hbs passes no
 * connection).
 * - S3, through S3A (Hadoop 3.4.2) and, with the Glue catalog, Iceberg's
 *   S3FileIO. The source is always Delta (validation refuses any other): the
 *   sync reads the Delta log, `<table>/_delta_log/` (commits and checkpoints,
 *   which carry the data files' paths and statistics), never the data files
 *   themselves, so no read is granted on `<table>/*` or on tableDataPath. S3A
 *   first probes the table path itself (HEAD `<table>`, HEAD `<table>/`, then
 *   a LIST with that prefix), and so does every folder it lists: Delta
 *   Kernel's listing of `_delta_log/` starts with HEAD `<table>/_delta_log`
 *   (recorded against moto with IAM enforcement: without s3:GetObject on that
 *   key, and s3:ListBucket for it as prefix, S3 answers 403 and the sync
 *   fails), so each folder is granted as the key itself plus everything
 *   under it (folderPatterns). The target formats' metadata folders are read
 *   (the previous sync's state) and written: `metadata/` for Iceberg (with
 *   HadoopTables also renaming, i.e. copy + delete), `.hoodie/` for Hudi only
 *   when Hudi is a target. `_delta_log/` is never written. S3A's mkdirs
 *   tolerates access denied on parent directories ("Access denied when
 *   looking for parent directory; skipping checks" in MkdirOperation), so
 *   nothing above the table path is granted.
 * - Glue Data Catalog, through Iceberg's GlueCatalog (iceberg-aws 1.9.2):
 *   XTable's IcebergTableManager calls tableExists and loadTable (GetTable)
 *   and createTable with the table's own location; commits go through
 *   GlueTableOperations (GetTable, CreateTable or UpdateTable). GetDatabase is
 *   only used for a default warehouse location and GetDatabases/GetTables only
 *   for listing, neither of which XTable does, so the reference policy's
 *   GetDatabase(s)/GetTables are left out. Glue's CreateTable, GetTable and
 *   UpdateTable take the catalog, database and table ARNs.
 * - The runner: startup.sh runs `aws s3 cp` on the archive pipegen deploy
 *   uploaded (a HEAD, then ranged GETs; both are s3:GetObject), under
 *   `<prefix>xtable-runner/` in the environment's bucket.
 * The JVM's calls are not recorded by the botocore recorder of
 * test/iam-recorded.test.ts. test/xtable/execution-role.test.ts runs the real
 * runner under these grants (moto's IAM enforcement, container credentials)
 * and evaluates every S3 request it made against them, conditions included.
 */
import { RUNNER_FOLDER, runnerUri } from "../../runner/location.js";
import { s3UriParts } from "../../spec/s3-uri.js";
import type { Grant, IamStepBuilder } from "../model.js";
import { templatePattern } from "../s3-patterns.js";
import { folderPatterns, listCondition } from "./s3-grants.js";

/** Where each target format keeps its metadata, under the table path. */
export const METADATA_FOLDER = { ICEBERG: "metadata", HUDI: ".hoodie", DELTA: "_delta_log" } as const;

export const xtableGrants: IamStepBuilder<"xtable"> = ({ step, glue }, ctx) => {
  const to = { kind: "execution-role" } as const;
  const grants: Grant[] = [];
  const many = step.datasets.length > 1;
  for (const d of step.datasets) {
    const name = many ? pascal(d.tableName) : "";
    if (!d.tableBasePath.startsWith("s3://")) {
      ctx.note(
        `${ctx.resolved.pipeline.id}.${step.id}: table ${d.tableName} is a local path (${d.tableBasePath}); no AWS permissions`,
      );
      continue;
    }
    const { bucket, key } = s3UriParts(d.tableBasePath);
    const base = templatePattern(key).replace(/\/+$/, "");
    const under = (folder: string) => `${base ? `${base}/` : ""}${folder}`;
    const source = METADATA_FOLDER[step.sourceFormat];
    const targets = step.targetFormats.map((f) => METADATA_FOLDER[f]);
    const table = d.tableBasePath.replace(/\/+$/, "");
    const probes = base ? [base, `${base}/`] : [];
    // Each folder as S3A reads it: the key itself (HEAD before a LIST), then everything under it.
    const folders = [source, ...targets].flatMap((f) => folderPatterns(under(f)).objects);
    // Hudi finds partitions by listing the table's folders and HEADing the partition-metadata file
    // (`.hoodie_partition_metadata`, `.parquet` variant too) in the root and in each folder; a
    // denied call fails the sync ("Error fetching partition paths from metadata table"; seen with
    // the real runner in test/xtable/execution-role.test.ts). It lists data folders, never reads data.
    const hudi = step.targetFormats.includes("HUDI");
    const hudiPartitionFiles = hudi
      ? [under(".hoodie_partition_metadata*"), under("*/.hoodie_partition_metadata*")]
      : [];
    const hudiListing = hudi ? [under("*")] : [];
    grants.push(
      {
        to,
        bucket,
        sid: ctx.sid(step, `Read${name}Log`),
        explain: `XTable reads the ${step.sourceFormat} log of ${d.tableName} (${table}/${source}/) and the ${step.targetFormats.join(" and ")} metadata it wrote before, and probes the table path itself; never the data files`,
        actions: ["s3:GetObject"],
        resources: [...probes, ...folders, ...hudiPartitionFiles].map((o) => ctx.arns.s3Object(bucket, o)),
      },
      {
        to,
        bucket,
        sid: ctx.sid(step, `List${name}Log`),
        explain: `XTable lists the table path (S3A's directory probe), its log and its metadata folders${hudi ? ", and every folder of the table (Hudi finds partitions by listing them and reading their .hoodie_partition_metadata files)" : ""}${base ? "" : " (the table is the bucket's root)"}`,
        actions: ["s3:ListBucket"],
        resources: [ctx.arns.s3Bucket(bucket)],
        condition: listCondition([...probes, ...folders, ...hudiPartitionFiles, ...hudiListing]),
      },
      {
        to,
        bucket,
        sid: ctx.sid(step, `Write${name}Metadata`),
        explain: `XTable writes ${step.targetFormats.join(" and ")} metadata for ${d.tableName} only under ${targets.map((f) => `${table}/${f}/`).join(" and ")} (and replaces or expires its own files there)${hudi ? ", plus Hudi's partition-metadata files" : ""}; data files and the ${step.sourceFormat} log are never written`,
        actions: ["s3:DeleteObject", "s3:PutObject"],
        resources: [...targets.map((f) => `${under(f)}/*`), ...hudiPartitionFiles].map((o) =>
          ctx.arns.s3Object(bucket, o),
        ),
      },
    );
  }
  const runner = ctx.resolved.runner;
  if (runner)
    grants.push({
      to,
      bucket: runner.bucket,
      sid: ctx.sid(step, "ReadRunner"),
      explain: `startup.sh fetches the XTable runner that pipegen deploy uploads (${runnerUri(runner)}) on each component that runs tasks: HeadObject and GetObject on the runner archives' key prefix only`,
      actions: ["s3:GetObject"],
      resources: [ctx.arns.s3Object(runner.bucket, `${runner.prefix}${RUNNER_FOLDER}/*`)],
    });
  if (step.glueCatalog) {
    const region = step.glueCatalog.region ?? ctx.arns.placement.region;
    const tables = glue.flatMap((g) => (g.kind === "table" ? [{ db: g.database, table: g.name }] : []));
    const databases = glue.flatMap((g) => (g.kind === "database" ? [g.name] : []));
    grants.push({
      to,
      sid: ctx.sid(step, "GlueCatalog"),
      explain: `XTable registers ${tables.map((t) => `${t.db}.${t.table}`).join(", ")} as Iceberg tables: GetTable, then CreateTable or UpdateTable, on those tables, their database and the catalog only`,
      actions: ["glue:CreateTable", "glue:GetTable", "glue:UpdateTable"],
      resources: [
        ctx.arns.glue("catalog", region),
        ...databases.map((db) => ctx.arns.glue(`database/${db}`, region)),
        ...tables.map((t) => ctx.arns.glue(`table/${t.db}/${t.table}`, region)),
      ],
    });
  }
  return grants;
};

function pascal(name: string): string {
  return name
    .split(/[^A-Za-z0-9]+/)
    .map((w) => w.charAt(0).toUpperCase() + w.slice(1))
    .join("");
}
