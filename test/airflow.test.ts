/**
 * The golden bundles imported by real Apache Airflow with the Amazon provider
 * MWAA ships, for the oldest and newest supported Airflow: no import errors,
 * the exact tasks, operator classes and edges, and S3 keys that resolve from
 * the data interval at run time, for scheduled and manual runs.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { GOLDEN_TARGETS, goldenBundle, RUN_INTERVAL } from "./helpers/golden.js";
import { pythonJson } from "./helpers/python.js";

interface Inspection {
  airflow_version: string;
  provider_amazon_version: string;
  import_errors: Record<string, string>;
  dags: Record<
    string,
    {
      schedule: string | null;
      timetable: string | null;
      first_interval_from_start: { start: string; end: string; run_after: string } | null;
      catchup: boolean;
      max_active_runs: number;
      tags: string[];
      doc_md: string | null;
      serialization_error: string | null;
      groups: Record<string, { parent: string | null; tooltip: string | null; children: string[] }>;
      tasks: Record<
        string,
        {
          class: string;
          task_group: string | null;
          upstream: string[];
          trigger_rule: string;
          retries: number;
          rendered_scheduled: Record<string, unknown>;
          rendered_manual: Record<string, unknown>;
        }
      >;
    }
  >;
}

const A = "airflow.providers.amazon.aws";
const XTABLE = "pipegen_xtable.operator.XTableOperator";

/** task id → [operator class, upstream task ids] */
const WANT: Record<string, Record<string, [string, string[]]>> = {
  products: {
    wait_for_products: [`${A}.sensors.s3.S3KeySensor`, []],
    crawl_products: [`${A}.operators.glue_crawler.GlueCrawlerOperator`, ["wait_for_products"]],
    wait_for_crawl_products: [`${A}.sensors.glue_crawler.GlueCrawlerSensor`, ["crawl_products"]],
    load_products: [`${A}.operators.glue.GlueJobOperator`, ["wait_for_crawl_products"]],
    wait_for_load_products: [`${A}.sensors.glue.GlueJobSensor`, ["load_products"]],
    transform_products: [`${A}.operators.redshift_data.RedshiftDataOperator`, ["wait_for_load_products"]],
    clear_staging: [`${A}.operators.redshift_data.RedshiftDataOperator`, ["transform_products"]],
    unload_products: [`${A}.operators.redshift_data.RedshiftDataOperator`, ["clear_staging"]],
  },
  sales: {
    write_sales_delta: [`${A}.operators.glue.GlueJobOperator`, []],
    sales_to_iceberg: [XTABLE, ["write_sales_delta"]],
    refresh_sales_mv: [`${A}.operators.redshift_data.RedshiftDataOperator`, ["sales_to_iceberg"]],
  },
  orders_lakehouse: {
    wait_for_orders: [`${A}.sensors.s3.S3KeySensor`, []],
    build_orders: [`${A}.operators.glue.GlueJobOperator`, ["wait_for_orders"]],
    wait_for_build_orders: [`${A}.sensors.glue.GlueJobSensor`, ["build_orders"]],
    build_customers: [`${A}.operators.glue.GlueJobOperator`, ["wait_for_orders"]],
    translate_tables: [XTABLE, ["build_customers", "wait_for_build_orders"]],
    refresh_order_facts: [`${A}.operators.redshift_data.RedshiftDataOperator`, ["translate_tables"]],
    export_daily_orders: [`${A}.operators.redshift_data.RedshiftDataOperator`, ["translate_tables"]],
    record_load: [`${A}.operators.redshift_data.RedshiftDataOperator`, ["export_daily_orders", "refresh_order_facts"]],
  },
  // Two instances of land_crawl_load@1 (pipelines/land_crawl_load.template.ts), ids prefixed by the instance id.
  daily_landing: {
    orders_land: [`${A}.sensors.s3.S3KeySensor`, []],
    orders_crawl: [`${A}.operators.glue_crawler.GlueCrawlerOperator`, ["orders_land"]],
    wait_for_orders_crawl: [`${A}.sensors.glue_crawler.GlueCrawlerSensor`, ["orders_crawl"]],
    orders_load: [`${A}.operators.redshift_data.RedshiftDataOperator`, ["wait_for_orders_crawl"]],
    returns_land: [`${A}.sensors.s3.S3KeySensor`, []],
    returns_crawl: [`${A}.operators.glue_crawler.GlueCrawlerOperator`, ["returns_land"]],
    wait_for_returns_crawl: [`${A}.sensors.glue_crawler.GlueCrawlerSensor`, ["returns_crawl"]],
    returns_load: [`${A}.operators.redshift_data.RedshiftDataOperator`, ["wait_for_returns_crawl"]],
    rebuild_summary: [`${A}.operators.redshift_data.RedshiftDataOperator`, ["orders_load", "returns_load"]],
  },
  // land_crawl_load@2, used from TypeScript.
  partner_feed: {
    inventory_land: [`${A}.sensors.s3.S3KeySensor`, []],
    inventory_crawl: [`${A}.operators.glue_crawler.GlueCrawlerOperator`, ["inventory_land"]],
    wait_for_inventory_crawl: [`${A}.sensors.glue_crawler.GlueCrawlerSensor`, ["inventory_crawl"]],
    inventory_copy: [`${A}.operators.redshift_data.RedshiftDataOperator`, ["wait_for_inventory_crawl"]],
    inventory_analyze: [`${A}.operators.redshift_data.RedshiftDataOperator`, ["inventory_copy"]],
    notify_done: [`${A}.operators.redshift_data.RedshiftDataOperator`, ["inventory_analyze"]],
  },
  sales_features: {
    compute_features: [`${A}.operators.emr.EmrServerlessStartJobOperator`, []],
    refresh_feature_cache: [`${A}.operators.lambda_function.LambdaInvokeFunctionOperator`, ["compute_features"]],
    announce_features: [`${A}.operators.sns.SnsPublishOperator`, ["refresh_feature_cache"]],
  },
};

describe.each(GOLDEN_TARGETS)("Airflow %s", (version) => {
  let bag: Inspection;
  beforeAll(async () => {
    bag = await pythonJson<Inspection>(`airflow-${version}`, [
      "test/python/inspect_dags.py",
      `${goldenBundle(version)}/dags`,
      ...RUN_INTERVAL,
    ]);
  });

  it("imports every DAG with no import errors", () => {
    expect(bag.airflow_version).toBe(version);
    expect(bag.import_errors).toEqual({});
    expect(Object.keys(bag.dags).sort()).toEqual([
      "daily_landing",
      "orders_lakehouse",
      "partner_feed",
      "products",
      "sales",
      "sales_features",
    ]);
  });

  it.each(Object.keys(WANT))("%s has exactly the expected tasks, classes and edges", (dagId) => {
    const tasks = bag.dags[dagId]!.tasks;
    expect(Object.fromEntries(Object.entries(tasks).map(([id, t]) => [id, [t.class, t.upstream]]))).toEqual(
      WANT[dagId],
    );
  });

  it("puts each task in the task group its spec declares, task ids unprefixed", () => {
    const groupOf = (dagId: string) =>
      Object.fromEntries(Object.entries(bag.dags[dagId]!.tasks).map(([id, t]) => [id, t.task_group]));
    expect(groupOf("orders_lakehouse")).toEqual({
      wait_for_orders: null,
      build_orders: "build",
      wait_for_build_orders: "build",
      build_customers: "build",
      translate_tables: "lakehouse",
      refresh_order_facts: "publish",
      export_daily_orders: "publish",
      record_load: null,
    });
    expect(bag.dags.orders_lakehouse!.groups).toEqual({
      lakehouse: {
        parent: null,
        tooltip: "Build the Delta tables and translate them",
        children: ["build", "translate_tables"],
      },
      build: {
        parent: "lakehouse",
        tooltip: "The two Glue jobs, side by side",
        children: ["build_customers", "build_orders", "wait_for_build_orders"],
      },
      publish: { parent: null, tooltip: null, children: ["export_daily_orders", "refresh_order_facts"] },
    });
    expect(groupOf("products")).toEqual({
      wait_for_products: null,
      crawl_products: "glue",
      wait_for_crawl_products: "glue",
      load_products: "glue",
      wait_for_load_products: "glue",
      transform_products: null,
      clear_staging: null,
      unload_products: null,
    });
    expect(bag.dags.products!.groups).toEqual({
      glue: {
        parent: null,
        tooltip: "Crawl the landed CSVs, then load them into Redshift",
        children: ["crawl_products", "load_products", "wait_for_crawl_products", "wait_for_load_products"],
      },
    });
    expect(bag.dags.sales!.groups).toEqual({});
    // The scheduler (2.x) or dag processor (3.x) serializes grouped DAGs as they are.
    for (const dag of Object.values(bag.dags)) expect(dag.serialization_error).toBeNull();
  });

  it("draws each template instance as a task group named by its id, inside the instance's group", () => {
    const groupOf = (dagId: string) =>
      Object.fromEntries(Object.entries(bag.dags[dagId]!.tasks).map(([id, t]) => [id, t.task_group]));
    expect(groupOf("daily_landing")).toEqual({
      orders_land: "orders",
      orders_crawl: "orders",
      wait_for_orders_crawl: "orders",
      orders_load: "orders",
      returns_land: "returns",
      returns_crawl: "returns",
      wait_for_returns_crawl: "returns",
      returns_load: "returns",
      rebuild_summary: null,
    });
    const v1 = "Wait for a file in S3, crawl it with Glue, load it with Redshift SQL";
    expect(bag.dags.daily_landing!.groups).toEqual({
      feeds: { parent: null, tooltip: "One template instance per partner feed", children: ["orders", "returns"] },
      orders: {
        parent: "feeds",
        tooltip: v1,
        children: ["orders_crawl", "orders_land", "orders_load", "wait_for_orders_crawl"],
      },
      returns: {
        parent: "feeds",
        tooltip: v1,
        children: ["returns_crawl", "returns_land", "returns_load", "wait_for_returns_crawl"],
      },
    });
    expect(bag.dags.partner_feed!.groups).toEqual({
      inventory: {
        parent: null,
        tooltip: "land → crawl → COPY → ANALYZE",
        children: [
          "inventory_analyze",
          "inventory_copy",
          "inventory_crawl",
          "inventory_land",
          "wait_for_inventory_crawl",
        ],
      },
    });
    expect(groupOf("partner_feed").notify_done).toBeNull();
  });

  it("passes each instance's config into its steps, placeholders resolved at run time", () => {
    const landing = bag.dags.daily_landing!.tasks;
    expect(landing.orders_land!.rendered_scheduled.bucket_key).toBe("orders/dt=2024-03-05/_SUCCESS");
    expect(landing.returns_land!.rendered_scheduled.bucket_key).toBe("returns/dt=2024-03-05/_SUCCESS");
    expect(landing.orders_load!.rendered_scheduled.sql).toBe("CALL staging.load_orders('2024-03-05')");
    expect(landing.returns_load!.rendered_scheduled.sql).toEqual([
      "DELETE FROM staging.returns WHERE dt = '2024-03-05'",
      "CALL staging.load_returns('2024-03-05')",
    ]);
    expect(bag.dags.partner_feed!.tasks.inventory_copy!.rendered_scheduled.sql).toBe(
      "COPY staging.inventory FROM 's3://partner-landing/inventory/dt=2024-03-05/' IAM_ROLE default FORMAT AS PARQUET",
    );
  });

  it("shows the description and the task graph in the Airflow UI", () => {
    const doc = bag.dags.products!.doc_md!;
    expect(
      doc.startsWith(
        "Products ETL: S3 → Glue crawler and job → Redshift Serverless → UNLOAD to S3\n\n```mermaid\nflowchart LR\n",
      ),
    ).toBe(true);
    expect(doc).toContain("    clear_staging -. all_done .-> unload_products\n```");
  });

  it("keeps schedule, catchup, trigger rules and retries from the specs", () => {
    expect(bag.dags.products!.schedule).toBe("0 6 * * *");
    expect(bag.dags.products!.catchup).toBe(false);
    expect(bag.dags.products!.tasks.clear_staging!.trigger_rule).toBe("all_done");
    expect(bag.dags.products!.tasks.wait_for_products!.retries).toBe(2);
    expect(bag.dags.orders_lakehouse!.tasks.record_load!.trigger_rule).toBe("all_done");
    // @daily, as a data-interval timetable on Airflow 3.
    expect(bag.dags.sales!.schedule).toBe(version.startsWith("2.") ? "@daily" : "0 0 * * *");
  });

  it("schedules products with the interval the keys are rendered for, on every version", () => {
    // The timetable's own first run at or after the interval start: the scheduled run rendered below.
    expect(bag.dags.products!.timetable).toBe("airflow.timetables.interval.CronDataIntervalTimetable");
    expect(bag.dags.products!.first_interval_from_start).toEqual({
      start: "2024-03-05T06:00:00+00:00",
      end: "2024-03-06T06:00:00+00:00",
      run_after: "2024-03-06T06:00:00+00:00",
    });
  });

  it("resolves date-partitioned keys from the data interval for a scheduled run", () => {
    const products = bag.dags.products!.tasks;
    expect(products.wait_for_products!.rendered_scheduled.bucket_key).toBe("products/year=2024/month=03/day=05/*.csv");
    // UNLOAD writes products/year=2024/month=03/day=05/products_f_0000_part_00… as the role Redshift assumes.
    expect(products.unload_products!.rendered_scheduled.sql).toBe(
      "UNLOAD ('SELECT * FROM public.products_f') TO 's3://sample-opt-bucket-etl/products/year=2024/month=03/day=05/products_f_' IAM_ROLE 'arn:aws:iam::111122223333:role/service-role/redshift-unload-products' FORMAT AS PARQUET ALLOWOVERWRITE",
    );
    const orders = bag.dags.orders_lakehouse!.tasks;
    expect(orders.wait_for_orders!.rendered_scheduled.bucket_key).toBe("exports/dt=2024-03-05/_SUCCESS");
    expect(orders.export_daily_orders!.rendered_scheduled.sql).toBe(
      "UNLOAD ('SELECT * FROM reporting.orders WHERE order_date = ''2024-03-05''') TO 's3://orders-exports/daily/dt=2024-03-05/' IAM_ROLE default FORMAT AS PARQUET ALLOWOVERWRITE",
    );
    expect(bag.dags.sales!.tasks.write_sales_delta!.rendered_scheduled.script_args).toEqual({
      "--run_date": "2024-03-05",
      "--datalake-formats": "delta",
    });
  });

  it("passes an operator step's arguments as the spec writes them, placeholders resolved where the class templates", () => {
    const t = bag.dags.sales_features!.tasks;
    expect(t.compute_features!.rendered_scheduled.name).toBe("sales-features-2024-03-05");
    expect(t.compute_features!.rendered_scheduled.job_driver).toEqual({
      sparkSubmit: {
        entryPoint: "s3://ml-artifacts/jobs/sales_features.py",
        entryPointArguments: ["--date", "2024-03-05", "--out", "s3://ml-features/sales/dt=2024-03-05/"],
        sparkSubmitParameters: "--conf spark.executor.cores=2 --conf spark.executor.memory=4g",
      },
    });
    expect(t.refresh_feature_cache!.rendered_scheduled.payload).toBe('{"dataset": "sales", "date": "2024-03-05"}');
    expect(t.refresh_feature_cache!.retries).toBe(2);
    expect(t.announce_features!.rendered_scheduled.message).toBe(
      "Sales features for 2024-03-05 are in s3://ml-features/sales/dt=2024-03-05/.\nRun id: scheduled__2024-03-05T06:00:00+00:00",
    );
    expect(t.announce_features!.rendered_scheduled.subject).toBe("Sales features for 2024-03-05");
  });

  it("resolves them for a manually triggered run too", () => {
    const key = bag.dags.products!.tasks.wait_for_products!.rendered_manual.bucket_key;
    // Airflow 2 gives a manual run a data interval; Airflow 3 may not, and pipegen falls back to the trigger time.
    expect(key).toBe(
      version.startsWith("2.")
        ? "products/year=2024/month=03/day=05/*.csv"
        : "products/year=2024/month=03/day=07/*.csv",
    );
  });
});
