/**
 * The products ETL: raw CSVs land in S3 under a date partition; a Glue
 * crawler catalogs them, a Glue job loads Redshift Serverless, stored
 * procedures transform, and the result is unloaded back to S3 under the same
 * partition. The partition comes from the run's data interval at run time.
 */
import { definePipeline } from "pipegen";

export default definePipeline({
  id: "products",
  description: "Products ETL: S3 → Glue crawler and job → Redshift Serverless → UNLOAD to S3",
  owner: "data-engineering",
  tags: ["products", "redshift"],
  airflowVersion: "2.10.3",
  schedule: "0 6 * * *",
  startDate: "2024-01-01",
  defaults: { retries: 2, retryDelay: "5m" },
  dagrunTimeout: "20h",
  connections: {
    aws: "aws_default",
    redshift: {
      workgroup: "sample-workgroup",
      database: "dev",
      secretArn: "arn:aws:secretsmanager:us-east-1:111122223333:secret:airflow/connections/redshift_conn_test-AbCdEf",
      workgroupId: "8f1c2d3e-4a5b-4c6d-9e8f-0a1b2c3d4e5f",
    },
  },
  // For `pipegen iam`: MWAA, Glue and Redshift run in 111122223333; the raw
  // and exported data stay in the data account's buckets.
  aws: {
    account: "111122223333",
    region: "us-east-1",
    bucketOwners: { "sample-inp-bucket-etl": "444455556666", "sample-opt-bucket-etl": "444455556666" },
  },
  // The Glue half of the pipeline, boxed in the Airflow graph view.
  groups: [{ id: "glue", tooltip: "Crawl the landed CSVs, then load them into Redshift" }],
  steps: [
    {
      id: "wait_for_products",
      kind: "s3Sensor",
      bucket: "sample-inp-bucket-etl",
      key: "products/year=${YYYY}/month=${MM}/day=${DD}/*.csv",
      mode: "reschedule",
      pokeInterval: "2m",
      timeout: "18h",
    },
    { id: "crawl_products", kind: "glueCrawler", crawler: "products", wait: "sensor", group: "glue" },
    {
      id: "load_products",
      kind: "glueJob",
      job: "sample_glue_job",
      scriptLocation: "s3://aws-glue-assets-111122223333-us-east-1/scripts/sample_glue_job.py",
      role: "arn:aws:iam::111122223333:role/service-role/glue-products",
      glueVersion: "4.0",
      workerType: "G.1X",
      numberOfWorkers: 10,
      wait: "sensor",
      verbose: true,
      group: "glue",
    },
    { id: "transform_products", kind: "redshiftProcedure", procedure: "sp_products" },
    { id: "clear_staging", kind: "redshiftSql", sql: "DELETE FROM products;", triggerRule: "all_done" },
    {
      id: "unload_products",
      kind: "unload",
      table: "products_f",
      to: "s3://sample-opt-bucket-etl/products/year=${YYYY}/month=${MM}/day=${DD}/",
      // Redshift writes as this role (associated with the namespace), never with the worker's credentials.
      iamRole: "arn:aws:iam::111122223333:role/service-role/redshift-unload-products",
      options: ["FORMAT AS PARQUET", "ALLOWOVERWRITE"],
      triggerRule: "all_done",
    },
  ],
});
