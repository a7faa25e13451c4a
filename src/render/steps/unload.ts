import type { UnloadStep } from "../../spec/steps/index.js";
import { AMAZON, type StepRenderer } from "../model.js";
import { pyDict } from "../python.js";
import { awsConnection, dataApiTarget, redshiftOf, stepOptions } from "./common.js";

/**
 * The bucket and the operator's `s3_key` for an UNLOAD. With `table`, the
 * operator appends `/<table>_` to the key, so a trailing slash is dropped
 * here: `s3://b/day=05/` writes `day=05/products_f_0000_part_00`, not
 * `day=05//products_f_…`. With `query` the key is the prefix as written.
 */
export function unloadTarget(step: UnloadStep): { bucket: string; key: string } {
  const [, bucket, key = ""] = /^s3:\/\/([^/]+)\/?(.*)$/.exec(step.to)!;
  return { bucket: bucket!, key: step.table ? key.replace(/\/+$/, "") : key };
}

export const renderUnload: StepRenderer<UnloadStep> = (step, ctx) => {
  const redshift = redshiftOf(ctx);
  const { bucket, key } = unloadTarget(step);
  const dataApi = !("connId" in redshift) && step.dataApi !== false;
  const dataApiKwargs =
    dataApi && !("connId" in redshift)
      ? pyDict([...dataApiTarget(redshift), ["wait_for_completion", true]])
      : undefined;
  return [
    {
      taskId: step.id,
      operator: { module: `${AMAZON}.transfers.redshift_to_s3`, name: "RedshiftToS3Operator" },
      kwargs: [
        ["task_id", step.id],
        ["s3_bucket", bucket],
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
