// A TypeScript spec's group problems are placed in its source like a YAML spec's.
import { definePipeline } from "pipegen";

export default definePipeline({
  id: "groups_typed",
  airflowVersion: "2.10.3",
  schedule: "@daily",
  startDate: "2024-01-01",
  groups: [{ id: "ingest" }, { id: "empty", parent: "ingest" }],
  steps: [{ id: "land", kind: "s3Sensor", bucket: "landing", key: "in/x.csv", group: "ingest" }],
});
// expect: 9:30 groups[1]: group "empty" holds no step
