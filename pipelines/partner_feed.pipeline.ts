/**
 * A partner's Parquet export, landed, crawled and copied into Redshift by
 * version 2 of the land_crawl_load template, typed by its config schema:
 * a misspelt or missing key in `with` fails to compile.
 */
import { definePipeline } from "pipegen";
import { landCrawlLoadV2 } from "./land_crawl_load.template.js";

export default definePipeline({
  id: "partner_feed",
  description: "A partner's Parquet export through land_crawl_load@2",
  owner: "ingestion",
  tags: ["landing", "template"],
  airflowVersion: "2.10.3",
  schedule: "@daily",
  startDate: "2024-01-01",
  connections: {
    redshift: {
      workgroup: "analytics",
      database: "dev",
      secretArn: "arn:aws:secretsmanager:us-east-1:111122223333:secret:airflow/redshift-analytics-Q1w2E3",
      workgroupId: "3c9e7a51-2b64-4f08-8d1a-6e5f4c3b2a19",
    },
  },
  steps: [
    landCrawlLoadV2.use({
      id: "inventory",
      with: {
        bucket: "partner-landing",
        key: "inventory/dt=${DATE}/_SUCCESS",
        crawler: "partner_inventory",
        from: "s3://partner-landing/inventory/dt=${DATE}/",
        table: "staging.inventory",
      },
    }),
    { id: "notify_done", kind: "redshiftSql", sql: "INSERT INTO audit.loads VALUES ('partner_feed', '${DATE}')" },
  ],
});
