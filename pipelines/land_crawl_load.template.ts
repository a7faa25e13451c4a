/**
 * "Land a file, crawl it, load it": wait for a partner's file in S3, run the
 * Glue crawler that catalogs it, then load it into Redshift. Defined once
 * here, used by daily_landing.pipeline.yaml and partner_feed.pipeline.ts.
 * Both versions stay: a pipeline pins the one it was written for.
 */
import { defineTemplate, z } from "pipegen";

const landing = {
  /** The bucket the file lands in. */
  bucket: z.string(),
  /** The key to wait for; date placeholders such as ${DATE} resolve per run. */
  key: z.string(),
  /** The Glue crawler that catalogs the landed data. */
  crawler: z.string(),
  /** How long to wait for the file. */
  timeout: z.string().default("6h"),
};

/** Version 1: the load is SQL the pipeline writes. */
export const landCrawlLoadV1 = defineTemplate({
  name: "land_crawl_load",
  version: "1",
  description: "Wait for a file in S3, crawl it with Glue, load it with Redshift SQL",
  config: z.object({
    ...landing,
    /** The statements that load the crawled data. */
    sql: z.union([z.string(), z.array(z.string()).min(1)]),
  }),
  steps: (cfg) => [
    { id: "land", kind: "s3Sensor", bucket: cfg.bucket, key: cfg.key, timeout: cfg.timeout },
    { id: "crawl", kind: "glueCrawler", crawler: cfg.crawler, wait: "sensor" },
    { id: "load", kind: "redshiftSql", sql: cfg.sql },
  ],
  group: true,
});

/** Version 2: the load is a COPY into a table, and an ANALYZE of it afterwards. */
export const landCrawlLoadV2 = defineTemplate({
  name: "land_crawl_load",
  version: "2",
  description: "Wait for Parquet files in S3, crawl them with Glue, COPY them into a Redshift table",
  config: z.object({
    ...landing,
    /** The folder COPY reads: s3://bucket/prefix/. */
    from: z.string().startsWith("s3://"),
    /** The table to load, as schema.table. */
    table: z.string().regex(/^[a-z_][a-z0-9_]*\.[a-z_][a-z0-9_]*$/, "must be schema.table in lowercase"),
  }),
  steps: (cfg) => [
    { id: "land", kind: "s3Sensor", bucket: cfg.bucket, key: cfg.key, timeout: cfg.timeout },
    { id: "crawl", kind: "glueCrawler", crawler: cfg.crawler, wait: "sensor" },
    { id: "copy", kind: "redshiftSql", sql: `COPY ${cfg.table} FROM '${cfg.from}' IAM_ROLE default FORMAT AS PARQUET` },
    { id: "analyze", kind: "redshiftSql", sql: `ANALYZE ${cfg.table}` },
  ],
  group: { tooltip: "land → crawl → COPY → ANALYZE" },
});

export default [landCrawlLoadV1, landCrawlLoadV2];
