/**
 * Clickstream sessions: raw click events land in S3 under an hourly
 * partition; a Glue crawler catalogs them, a Glue job sessionizes them into
 * the lake, and Redshift loads the sessions. Buckets, the workgroup, roles,
 * the alerts topic and the Glue job's size come from the environment
 * (pipegen.config.ts).
 */
import { definePipeline, type EnvOf } from "pipegen";
import type config from "../pipegen.config.js";

export default definePipeline<EnvOf<typeof config>>(({ env }) => ({
  id: "clickstream",
  description: "Click events → Glue crawler and sessionizing job → Redshift",
  owner: "web-analytics",
  tags: ["clickstream"],
  airflowVersion: "2.10.3",
  schedule: "15 * * * *",
  startDate: "2024-03-01",
  defaults: { retries: 2, retryDelay: "5m" },
  params: {
    min_events: {
      type: "integer",
      minimum: 1,
      maximum: 1000,
      default: 3,
      description: "Sessions with fewer events are dropped as bots",
    },
  },
  // A failed run alerts this environment's topic (the message names the DAG, the run and the reason).
  notify: { onFailure: [{ sns: env.alertsTopic }] },
  connections: {
    redshift: {
      workgroup: env.workgroup,
      database: "web",
      secretArn: env.redshiftSecret,
      workgroupId: env.workgroupId,
    },
  },
  steps: [
    {
      id: "wait_for_clicks",
      kind: "s3Sensor",
      bucket: env.landingBucket,
      key: "clicks/dt=${DATE}/hour=${HH}/_SUCCESS",
      mode: "reschedule",
    },
    { id: "crawl_clicks", kind: "glueCrawler", crawler: "clicks_raw", wait: "sensor" },
    {
      id: "sessionize",
      kind: "glueJob",
      job: "sessionize_clicks",
      scriptLocation: `s3://${env.lakeBucket}/scripts/sessionize.py`,
      role: env.glueRole,
      glueVersion: "4.0",
      workerType: "G.1X",
      numberOfWorkers: env.glueWorkers,
      args: { "--hour": "${DATE}T${HH}", "--output": `s3://${env.lakeBucket}/sessions/` },
    },
    {
      id: "load_sessions",
      kind: "redshiftSql",
      sql: [
        `COPY web.sessions FROM 's3://${env.lakeBucket}/sessions/dt=\${DATE}/hour=\${HH}/' IAM_ROLE default FORMAT AS PARQUET`,
        "DELETE FROM web.sessions WHERE events < ${params.min_events}",
      ],
      // clickstream_features runs whenever this table is updated.
      outputs: [`redshift://${env.workgroup}/web/web/sessions`],
    },
  ],
}));
