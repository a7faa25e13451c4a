import { definePipeline } from "pipegen";

export default definePipeline({
  id: "json_password_in_sql",
  airflowVersion: "3.3.1",
  schedule: "@daily",
  startDate: "2024-01-01",
  connections: { redshift: { workgroup: "analytics", database: "dev" } },
  steps: [
    {
      id: "seed",
      kind: "redshiftSql",
      // expect: 14:12 steps[0].sql: looks like a password or key assignment
      sql: `INSERT INTO app_settings VALUES ('{"user": "etl", "password": "Tr0ub4dor"}')`,
    },
  ],
});
