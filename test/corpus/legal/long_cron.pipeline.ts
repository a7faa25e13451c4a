// A cron expression too long for one line with its timezone, and one too
// long even for a line of its own.
import { definePipeline } from "pipegen";

export default definePipeline({
  id: "long_cron",
  airflowVersion: "3.3.1",
  schedule: "0,5,10,15,20,25,30,35,40,45,50,55 0-23/2,1 1-31 jan-dec mon,tue,wed,thu,fri",
  startDate: "2024-01-01T00:00:01Z",
  steps: [{ id: "a", kind: "s3Sensor", bucket: "landing-bucket", key: "a" }],
});
