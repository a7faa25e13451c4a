/**
 * Data-aware scheduling in the golden bundles, as real Airflow 2.10.3 and
 * 3.3.1 import it (test/python/inspect_assets.py): sales' steps declare their
 * outputs as outlets, sales_features is scheduled on two of them with a
 * dataset/asset timetable, and the consumer names each asset exactly as its
 * producer does after Airflow's own normalization (URI, and on 3.x the name),
 * which is what Airflow matches when it triggers the consumer. The corpus
 * pair assets_producer/assets_consumer does the same for every URI kind, for
 * spellings that differ in slashes, and for `mode: any`.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { pipegen } from "./helpers/cli.js";
import { GOLDEN_TARGETS, goldenBundle } from "./helpers/golden.js";
import { pythonJson } from "./helpers/python.js";

type AssetId = [uri: string, name: string | null];
interface Report {
  airflow_version: string;
  import_errors: Record<string, string>;
  dags: Record<
    string,
    {
      timetable: string;
      schedule: { op: "all" | "any"; assets: AssetId[] } | null;
      outlets: Record<string, AssetId[]>;
      serialization_error: string | null;
    }
  >;
}

describe.each(GOLDEN_TARGETS)("assets on Airflow %s", (version) => {
  const v2 = version.startsWith("2.");
  // Airflow 3's Amazon provider normalizes redshift:// URIs with the default port; the name stays as written.
  const asset = (uri: string, normalized = uri): AssetId => (v2 ? [uri, null] : [normalized, uri]);
  const TABLE = asset("glue://sales_db/sales");
  const VIEW = asset(
    "redshift://analytics/dev/analytics/sales_daily_mv",
    "redshift://analytics:5439/dev/analytics/sales_daily_mv",
  );
  let report: Report;
  beforeAll(async () => {
    report = await pythonJson<Report>(`airflow-${version}`, [
      "test/python/inspect_assets.py",
      `${goldenBundle(version)}/dags`,
    ]);
  });

  it("imports and serializes every DAG", () => {
    expect(report.airflow_version).toBe(version);
    expect(report.import_errors).toEqual({});
    for (const [id, dag] of Object.entries(report.dags)) expect([id, dag.serialization_error]).toEqual([id, null]);
  });

  it("declares the producing steps' outputs as outlets of their last tasks, and nothing else", () => {
    expect(Object.fromEntries(Object.entries(report.dags).map(([id, d]) => [id, d.outlets]))).toEqual({
      daily_landing: {},
      orders_lakehouse: {},
      partner_feed: {},
      products: {},
      sales: {
        sales_to_iceberg: [TABLE, asset("s3://datalake-sales/sales/metadata")],
        refresh_sales_mv: [VIEW],
      },
      sales_features: {},
    });
  });

  it("schedules sales_features on both outputs, with the dataset/asset timetable, and the others on time", () => {
    const features = report.dags.sales_features!;
    expect(features.timetable).toBe(
      v2
        ? "airflow.timetables.simple.DatasetTriggeredTimetable"
        : "airflow.sdk.definitions.timetables.assets.AssetTriggeredTimetable",
    );
    expect(features.schedule).toEqual({ op: "all", assets: [TABLE, VIEW] });
    for (const id of ["orders_lakehouse", "products", "sales"])
      expect([id, report.dags[id]!.schedule]).toEqual([id, null]);
  });

  it("names every scheduled asset exactly as a producer's outlet does", () => {
    const produced = Object.values(report.dags).flatMap((d) => Object.values(d.outlets).flat());
    for (const a of report.dags.sales_features!.schedule!.assets) expect(produced).toContainEqual(a);
  });
});

describe.each(GOLDEN_TARGETS)("the corpus producer and consumer on Airflow %s", (version) => {
  let work: string;
  let report: Report;
  beforeAll(async () => {
    work = await mkdtemp(path.join(tmpdir(), "pipegen-assets-"));
    const specs = ["assets_producer", "assets_consumer"].map((n) => `test/corpus/legal/${n}.pipeline.yaml`);
    const r = await pipegen(["render", ...specs, "--out", `${work}/out`, "--airflow-version", version, "-q"]);
    if (r.exitCode !== 0) throw new Error(r.stderr);
    report = await pythonJson<Report>(`airflow-${version}`, ["test/python/inspect_assets.py", `${work}/out/dags`]);
  });
  afterAll(() => rm(work, { recursive: true, force: true }));

  it("triggers the consumer on any update of an asset the producer's outlets name the same way", () => {
    expect(report.import_errors).toEqual({});
    const consumer = report.dags.assets_consumer!.schedule!;
    expect(consumer.op).toBe("any");
    const produced = Object.values(report.dags.assets_producer!.outlets).flat();
    expect(produced).toHaveLength(4);
    // Every produced asset is one the consumer waits for, and the consumer waits for one more (external).
    for (const a of produced) expect(consumer.assets).toContainEqual(a);
    expect(consumer.assets.filter((a) => !produced.some((p) => p[0] === a[0] && p[1] === a[1]))).toEqual([
      version.startsWith("2.")
        ? ["s3://partner-drop/daily", null]
        : ["s3://partner-drop/daily", "s3://partner-drop/daily"],
    ]);
  });
});
