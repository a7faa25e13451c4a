// A provisioned cluster with a database user, every Redshift step kind over
// the Data API, and odd text in a TypeScript spec.
import { definePipeline } from "pipegen";

export default definePipeline({
  id: "every_option_cluster",
  description: `Template literal with \${DATE} and a backtick \` and a "quote"`,
  airflowVersion: "3.0.6",
  schedule: "@weekly",
  startDate: "2024-02-29",
  connections: { aws: "aws_default", redshift: { cluster: "dw-1", database: "analytics", dbUser: "etl_user" } },
  steps: [
    { id: "proc", kind: "redshiftProcedure", procedure: "sp_x", args: [0, "a\nb"] },
    { id: "sql_one", kind: "redshiftSql", sql: "SELECT '${YYYY}-${MM}' -- monthly", retries: 100 },
    { id: "mv", kind: "refreshMaterializedView", view: "mv$1" },
    { id: "unload", kind: "unload", table: "t", to: "s3://out-bucket/" },
  ],
});
