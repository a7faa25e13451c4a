/**
 * Shared by the procedure, SQL and materialized-view steps: runs statements
 * through the Redshift Data API (`RedshiftDataOperator`) when the DAG names a
 * workgroup or cluster, or over an Airflow connection (`SQLExecuteQueryOperator`).
 */
import type { ResolvedPipeline, ResolvedRedshiftStep } from "../../resolve/index.js";
import { AMAZON, type StepTasks } from "../model.js";
import { awsConnection, dataApiTarget, stepOptions } from "./common.js";

export function redshiftStatements(
  { step, redshift }: ResolvedRedshiftStep,
  statements: readonly string[],
  ctx: ResolvedPipeline,
): StepTasks {
  const sql = statements.length === 1 ? statements[0]! : [...statements];
  if (redshift.via === "connection") {
    return [
      {
        taskId: step.id,
        operator: { module: "airflow.providers.common.sql.operators.sql", name: "SQLExecuteQueryOperator" },
        kwargs: [["task_id", step.id], ["conn_id", redshift.connId], ["sql", sql], ...stepOptions(step)],
      },
    ];
  }
  return [
    {
      taskId: step.id,
      operator: { module: `${AMAZON}.operators.redshift_data`, name: "RedshiftDataOperator" },
      kwargs: [
        ["task_id", step.id],
        ...dataApiTarget(redshift.connection),
        ["sql", sql],
        ["wait_for_completion", true],
        ...awsConnection(ctx),
        ...stepOptions(step),
      ],
    },
  ];
}

/** A SQL string literal: single quotes, with embedded quotes doubled. */
export function sqlString(text: string): string {
  return `'${text.replaceAll("'", "''")}'`;
}

/** `schema.name`, or `name` when no schema is given. */
export function qualified(name: string, schema: string | undefined): string {
  return schema ? `${schema}.${name}` : name;
}
