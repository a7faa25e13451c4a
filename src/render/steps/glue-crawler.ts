import { AMAZON, type StepRenderer, type TaskModel } from "../model.js";
import { type PyValue, pyTimedelta } from "../python.js";
import { awsConnection, stepOptions } from "./common.js";

export const renderGlueCrawler: StepRenderer<"glueCrawler"> = ({ step, sensorTaskId }, ctx) => {
  const config: PyValue = step.manage
    ? {
        Name: step.crawler,
        Role: step.manage.role,
        DatabaseName: step.manage.database,
        Targets: { S3Targets: step.manage.s3Targets.map((Path) => ({ Path })) },
      }
    : { Name: step.crawler };
  const crawl: TaskModel = {
    taskId: step.id,
    operator: { module: `${AMAZON}.operators.glue_crawler`, name: "GlueCrawlerOperator" },
    kwargs: [
      ["task_id", step.id],
      ["config", config],
      ["wait_for_completion", step.wait === "operator"],
      ["poll_interval", step.wait === "operator" ? step.pollInterval : undefined],
      ...awsConnection(ctx),
      ...stepOptions(step),
    ],
  };
  if (sensorTaskId === undefined) return [crawl];
  return [
    crawl,
    {
      taskId: sensorTaskId,
      operator: { module: `${AMAZON}.sensors.glue_crawler`, name: "GlueCrawlerSensor" },
      kwargs: [
        ["task_id", sensorTaskId],
        ["crawler_name", step.crawler],
        ["poke_interval", pyTimedelta(step.pollInterval)],
        ["mode", "reschedule"],
        ...awsConnection(ctx),
        ["retries", step.retries],
        ["execution_timeout", step.executionTimeout === undefined ? undefined : pyTimedelta(step.executionTimeout)],
      ],
    },
  ];
};
