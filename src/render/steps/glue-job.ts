import { AMAZON, type StepRenderer, type TaskModel } from "../model.js";
import { PyCode, pyDict, pyTimedelta } from "../python.js";
import { awsConnection, stepOptions } from "./common.js";

export const renderGlueJob: StepRenderer<"glueJob"> = ({ step, sensorTaskId }, ctx) => {
  const createJobKwargs = pyDict([
    ["GlueVersion", step.glueVersion],
    ["WorkerType", step.workerType],
    ["NumberOfWorkers", step.numberOfWorkers],
  ]);
  const roleIsArn = step.role?.startsWith("arn:") ?? false;
  const run: TaskModel = {
    taskId: step.id,
    operator: { module: `${AMAZON}.operators.glue`, name: "GlueJobOperator" },
    kwargs: [
      ["task_id", step.id],
      ["job_name", step.job],
      ["script_location", step.scriptLocation],
      [roleIsArn ? "iam_role_arn" : "iam_role_name", step.role],
      ["create_job_kwargs", Object.keys(createJobKwargs).length > 0 ? createJobKwargs : undefined],
      [
        "script_args",
        step.args && Object.fromEntries(Object.entries(step.args).map(([k, v]) => [k, ctx.templated(v)])),
      ],
      ["wait_for_completion", step.wait === "operator"],
      ["verbose", step.wait === "operator" && step.verbose ? true : undefined],
      ["job_poll_interval", step.wait === "operator" ? step.pollInterval : undefined],
      ...awsConnection(ctx),
      ...stepOptions(step),
    ],
  };
  if (sensorTaskId === undefined) return [run];
  return [
    run,
    {
      taskId: sensorTaskId,
      operator: { module: `${AMAZON}.sensors.glue`, name: "GlueJobSensor" },
      kwargs: [
        ["task_id", sensorTaskId],
        ["job_name", step.job],
        // The run id the operator pushed to XCom; also makes the sensor depend on it.
        ["run_id", new PyCode(`${step.id}.output`)],
        ["verbose", step.verbose || undefined],
        ["poke_interval", pyTimedelta(step.pollInterval)],
        ["mode", "reschedule"],
        ...awsConnection(ctx),
        ["retries", step.retries],
        ["execution_timeout", step.executionTimeout === undefined ? undefined : pyTimedelta(step.executionTimeout)],
      ],
    },
  ];
};
