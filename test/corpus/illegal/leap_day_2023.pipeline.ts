import { definePipeline } from "pipegen";

export default definePipeline({
  id: "leap_day_2023",
  airflowVersion: "3.3.1",
  schedule: "@daily",
  // expect: 8:14 startDate: is not a real date: 2023-02 has days 01-28, not 29
  startDate: "2023-02-29T25:00",
  steps: [{ id: "a", kind: "s3Sensor", bucket: "landing-bucket", key: "a" }],
});
