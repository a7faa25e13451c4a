/**
 * `pipegen xtable verify`: compares a Delta table's log with the Iceberg
 * metadata XTable wrote beside it, and reports every difference. The table
 * is a local folder or an S3 prefix (storage.ts); the checks are the same.
 */
import { detectUnsupportedFeatures } from "../delta-features.js";
import { compareColumnBounds } from "./bounds.js";
import {
  type CheckResult,
  compareFiles,
  comparePartitioning,
  compareRecordCounts,
  compareSchema,
  compareSourceVersion,
} from "./compare.js";
import { readDeltaSnapshot } from "./delta-log.js";
import { readIcebergTable } from "./iceberg-metadata.js";
import { storageFor } from "./storage.js";

export { type CheckName, type CheckResult, parseSyncState, XTABLE_METADATA, type XTableSyncState } from "./compare.js";
export { type DeltaFile, type DeltaSnapshot, readDeltaSnapshot } from "./delta-log.js";
export { type IcebergDataFile, type IcebergTableState, readIcebergTable } from "./iceberg-metadata.js";
export { DELTA_TO_ICEBERG_PRIMITIVES, icebergPrimitiveFor } from "./type-mapping.js";

/** The outcome of verifying one table; `ok` when no check found a difference. */
export interface VerifyReport {
  readonly table: string;
  readonly ok: boolean;
  readonly delta: {
    readonly version: number;
    readonly files: number;
    readonly records: number | null;
    readonly checkpoint: { readonly version: number; readonly parts: number } | null;
    readonly commitsRead: number;
  };
  readonly iceberg: {
    readonly metadataFile: string;
    readonly snapshotId: string | null;
    readonly files: number;
    readonly records: number;
  };
  readonly checks: readonly CheckResult[];
}

/**
 * Verifies the Iceberg metadata under `<tablePath>/metadata` against the
 * Delta log under `<tablePath>/_delta_log`. `tablePath` is a local path, a
 * `file:` URI or an S3 URI (`s3://bucket/prefix/table`, read with the AWS
 * SDK's standard credential chain; `AWS_ENDPOINT_URL` for a local server).
 * @throws {DeltaTableError} when the path is not a readable Delta table, or its URI scheme is not supported
 * @throws {IcebergMetadataError} when there is no readable Iceberg metadata
 */
export async function verifyTable(tablePath: string): Promise<VerifyReport> {
  const storage = storageFor(tablePath);
  const delta = await readDeltaSnapshot(tablePath, storage);
  const iceberg = await readIcebergTable(delta.tablePath, storage);
  // Escaped paths are judged by the file comparison itself: what matters is
  // whether the Iceberg paths are right, not whether XTable might get them wrong.
  const features = detectUnsupportedFeatures(delta).filter((f) => f.feature !== "escapedPaths");
  const checks: CheckResult[] = [
    compareFiles(delta, iceberg),
    compareSchema(delta, iceberg),
    comparePartitioning(delta, iceberg),
    compareRecordCounts(delta, iceberg),
    await compareColumnBounds(storage, iceberg),
    compareSourceVersion(delta, iceberg),
    {
      check: "deltaFeatures",
      ok: features.length === 0,
      summary: features.length === 0 ? "none that XTable mistranslates" : features.map((f) => f.feature).join(", "),
      differences: features.map((f) => `unsupported Delta feature ${f.feature}: ${f.detail}`),
    },
  ];
  const unknownRecords = delta.files.some((f) => f.numRecords === null);
  return {
    table: delta.tablePath,
    ok: checks.every((c) => c.ok),
    delta: {
      version: delta.version,
      files: delta.files.length,
      records: unknownRecords ? null : delta.files.reduce((n, f) => n + (f.numRecords ?? 0), 0),
      checkpoint: delta.checkpoint,
      commitsRead: delta.commitsRead,
    },
    iceberg: {
      metadataFile: iceberg.metadataFile,
      snapshotId: iceberg.currentSnapshot?.snapshotId ?? null,
      files: iceberg.dataFiles.length,
      records: iceberg.dataFiles.reduce((n, f) => n + f.recordCount, 0),
    },
    checks,
  };
}

/** Every difference of a report, each prefixed by its check. */
export function reportDifferences(report: VerifyReport): string[] {
  return report.checks.flatMap((c) => c.differences.map((d) => `${c.check}: ${d}`));
}
