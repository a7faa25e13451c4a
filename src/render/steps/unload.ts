import type { UnloadStep } from "../../spec/steps/index.js";
import { AMAZON, type StepRenderer } from "../model.js";
import { pyDict } from "../python.js";
import { awsConnection, dataApiTarget, redshiftOf, stepOptions } from "./common.js";

export const renderUnload: StepRenderer<UnloadStep> = (step, ctx) => {
  const redshift = redshiftOf(ctx);
  const [, bucket, key = ""] = /^s3:\/\/([^/]+)\/?(.*)$/.exec(step.to)!;
  const dataApi = !("connId" in redshift) && step.dataApi !== false;
  const dataApiKwargs = dataApi && !("connId" in redshift) ? pyDict([...dataApiTarget(redshift), ["wait_for_completion", true]]) : undefined;
  return [
    {
      taskId: step.id,
      operator: { module: `${AMAZON}.transfers.redshift_to_s3`, name: "RedshiftToS3Operator" },
      kwargs: [
        ["task_id", step.id],
        ["s3_bucket", bucket!],
        ["s3_key", ctx.templated(key)],
        ["schema", step.table ? step.schema : undefined],
        ["table", step.table],
        ["select_query", step.query === undefined ? undefined : ctx.templated(step.query)],
        ["unload_options", step.options.length > 0 ? step.options : undefined],
        ["include_header", step.includeHeader || undefined],
        // In Data API mode the operator uses redshift_conn_id as its AWS connection.
        ["redshift_conn_id", "connId" in redshift ? redshift.connId : ctx.pipeline.connections.aws],
        ["redshift_data_api_kwargs", dataApiKwargs],
        ...awsConnection(ctx),
        ...stepOptions(step),
      ],
    },
  ];
};
