import { AMAZON, type StepRenderer } from "../model.js";
import { pyTimedelta } from "../python.js";
import { awsConnection, stepOptions } from "./common.js";

export const renderS3Sensor: StepRenderer<"s3Sensor"> = ({ step, keyForm, wildcard }, ctx) => [
  {
    taskId: step.id,
    operator: { module: `${AMAZON}.sensors.s3`, name: "S3KeySensor" },
    kwargs: [
      ["task_id", step.id],
      // A key with a URL scheme (part:06/x) works only as a URL: S3Hook refuses it next to a bucket.
      ...(keyForm === "url"
        ? ([["bucket_key", `s3://${step.bucket}/${ctx.templated(step.key)}`]] as const)
        : ([
            ["bucket_name", step.bucket],
            ["bucket_key", ctx.templated(step.key)],
          ] as const)),
      ["wildcard_match", wildcard],
      ...(step.mode === "deferrable" ? ([["deferrable", true]] as const) : ([["mode", step.mode]] as const)),
      ["poke_interval", pyTimedelta(step.pokeInterval)],
      ["timeout", pyTimedelta(step.timeout)],
      ...awsConnection(ctx),
      ...stepOptions(step),
    ],
  },
];
