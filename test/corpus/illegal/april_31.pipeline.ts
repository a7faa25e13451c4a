import { definePipeline } from "pipegen";

export default definePipeline({
  id: "april_31",
  airflowVersion: "3.3.1",
  // expect: 7:13 schedule: is not a valid cron expression: day of month '31' never falls in month '4,6,9,11'
  schedule: "0 0 31 4,6,9,11 *",
  startDate: "2024-01-01",
  steps: [{ id: "a", kind: "s3Sensor", bucket: "landing-bucket", key: "a" }],
});
