/** Keyword arguments that many step kinds share. */
import type { ResolvedPipeline } from "../../resolve/index.js";
import type { DataApiConnection } from "../../spec/pipeline.js";
import type { Step } from "../../spec/steps/index.js";
import { type PyValue, pyTimedelta } from "../python.js";

type Kwargs = Array<readonly [string, PyValue | undefined]>;

/** Per-step overrides of the DAG defaults; emitted only when the spec sets them. */
export function stepOptions(step: Step): Kwargs {
  return [
    ["trigger_rule", step.triggerRule],
    ["retries", step.retries],
    ["retry_delay", step.retryDelay === undefined ? undefined : pyTimedelta(step.retryDelay)],
    ["execution_timeout", step.executionTimeout === undefined ? undefined : pyTimedelta(step.executionTimeout)],
    ["doc_md", step.doc],
  ];
}

/** The AWS connection every Amazon-provider operator takes; the region comes from the connection. */
export function awsConnection(ctx: ResolvedPipeline): Kwargs {
  return [["aws_conn_id", ctx.pipeline.connections.aws]];
}

/** Redshift Data API coordinates: workgroup or cluster, database and credentials. */
export function dataApiTarget(redshift: DataApiConnection): Kwargs {
  return [
    ["database", redshift.database],
    "workgroup" in redshift ? ["workgroup_name", redshift.workgroup] : ["cluster_identifier", redshift.cluster],
    ["secret_arn", redshift.secretArn],
    ["db_user", "dbUser" in redshift ? redshift.dbUser : undefined],
  ];
}
