/**
 * "Refresh a view, then export it": refresh a Redshift materialized view and
 * UNLOAD what it holds to S3 as Parquet, one folder per day. The team's
 * feature and report pipelines share it; a pipeline pins the version it was
 * written for (`use: refresh_and_unload@1`).
 */
import { defineTemplate, z } from "pipegen";

export default defineTemplate({
  name: "refresh_and_unload",
  version: "1",
  description: "Refresh a Redshift materialized view, then UNLOAD it to S3 as Parquet under dt=<day>/",
  config: z.object({
    /** The view's schema. */
    schema: z.string(),
    /** The materialized view to refresh and export. */
    view: z.string(),
    /** The S3 folder the day's files go under (s3://bucket/prefix/). */
    to: z.string().startsWith("s3://").endsWith("/"),
    /** The role Redshift assumes to write to S3. */
    iamRole: z.string(),
  }),
  steps: (cfg) => [
    { id: "refresh", kind: "refreshMaterializedView", schema: cfg.schema, view: cfg.view },
    {
      id: "unload",
      kind: "unload",
      query: `SELECT * FROM ${cfg.schema}.${cfg.view}`,
      to: `${cfg.to}dt=\${DATE}/`,
      iamRole: cfg.iamRole,
      options: ["FORMAT AS PARQUET", "ALLOWOVERWRITE"],
    },
  ],
  group: { tooltip: "refresh the view, then UNLOAD it to S3" },
});
