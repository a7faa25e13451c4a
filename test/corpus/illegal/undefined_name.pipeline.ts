import { definePipeline } from "pipegen";

export default definePipeline({
  id: "undefined_name",
  airflowVersion: "3.3.1",
  schedule: "@daily",
  startDate: "2024-01-01",
  steps: [
    // expect: 10:69 steps[0].key: uses the name 'name' that nothing defines; this DAG is rendered for Airflow 3.3.1
    { id: "greet", kind: "s3Sensor", bucket: "landing-bucket", key: "Hello {{name}}!" },
    // expect: 12:67 steps[1].key: uses the name 'execution_date' that nothing defines
    { id: "old", kind: "s3Sensor", bucket: "landing-bucket", key: "{{ execution_date }}" },
  ],
});
