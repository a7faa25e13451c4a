/**
 * The `unload` step. By default pipegen builds the UNLOAD statement itself,
 * `UNLOAD ('<query>') TO 's3://…' IAM_ROLE …`, and runs it like every other
 * Redshift step (redshift-statements.ts): Redshift assumes the step's role to
 * write to S3, so no credential is part of the SQL. `legacyOperator` keeps
 * the provider's `RedshiftToS3Operator`, which builds the statement from the
 * AWS connection's credentials.
 */
import type { ResolvedPipeline, ResolvedStep } from "../../resolve/index.js";
import { AMAZON, type StepRenderer, type StepTasks } from "../model.js";
import { pyDict } from "../python.js";
import { awsConnection, dataApiTarget, stepOptions } from "./common.js";
import { qualified, redshiftStatements } from "./redshift-statements.js";

/** Raw Jinja that a spec may write, passed through untouched (placeholders hold no quote or backslash). */
const JINJA = /\{\{[\s\S]*?\}\}|\{%[\s\S]*?%\}|\{#[\s\S]*?#\}/g;

/**
 * A Redshift string literal for templated text. Redshift reads `\` as an
 * escape inside string literals and `''` as a quote, so both are doubled;
 * raw Jinja is left as written so that Airflow can still render it.
 */
export function redshiftLiteral(text: string): string {
  let out = "";
  let last = 0;
  for (const m of text.matchAll(JINJA)) {
    out += escapeLiteral(text.slice(last, m.index)) + m[0];
    last = m.index + m[0].length;
  }
  return `'${out}${escapeLiteral(text.slice(last))}'`;
}

function escapeLiteral(text: string): string {
  return text.replaceAll("\\", "\\\\").replaceAll("'", "''");
}

/** The UNLOAD statement, before date placeholders are expanded. */
function unloadStatement({ step, target }: ResolvedStep<"unload">): string {
  const { bucket, prefix } = target;
  // A query written as a statement ("SELECT …;") loses its terminator: inside UNLOAD ('…') it is not one.
  const query = step.query?.replace(/[\s;]+$/, "") ?? `SELECT * FROM ${qualified(step.table!, step.schema)}`;
  const role = step.iamRole === undefined || step.iamRole === "default" ? "default" : redshiftLiteral(step.iamRole);
  const options = step.options.map((o) => o.trim().replace(/\s+/g, " "));
  if (step.includeHeader && !options.some((o) => /^HEADER$/i.test(o))) options.push("HEADER");
  return [
    `UNLOAD (${redshiftLiteral(query)})`,
    `TO ${redshiftLiteral(`s3://${bucket}/${prefix}`)}`,
    `IAM_ROLE ${role}`,
    ...options,
  ].join(" ");
}

export const renderUnload: StepRenderer<"unload"> = (resolved, ctx) =>
  resolved.step.legacyOperator
    ? renderLegacyUnload(resolved, ctx)
    : redshiftStatements(resolved, [ctx.templated(unloadStatement(resolved))], ctx);

/**
 * `RedshiftToS3Operator`, on explicit request only. The file prefix is passed
 * whole with `table_as_file_name=False`, so a bare bucket gives no `//`.
 */
function renderLegacyUnload({ step, target, redshift }: ResolvedStep<"unload">, ctx: ResolvedPipeline): StepTasks {
  const { bucket, prefix } = target;
  const dataApiKwargs =
    redshift.via === "dataApi"
      ? pyDict([...dataApiTarget(redshift.connection), ["wait_for_completion", true]])
      : undefined;
  return [
    {
      taskId: step.id,
      operator: { module: `${AMAZON}.transfers.redshift_to_s3`, name: "RedshiftToS3Operator" },
      kwargs: [
        ["task_id", step.id],
        ["s3_bucket", bucket],
        ["s3_key", ctx.templated(prefix)],
        ["schema", step.table ? step.schema : undefined],
        ["table", step.table],
        ["table_as_file_name", step.table ? false : undefined],
        ["select_query", step.query === undefined ? undefined : ctx.templated(step.query)],
        ["unload_options", step.options.length > 0 ? step.options : undefined],
        ["include_header", step.includeHeader || undefined],
        // In Data API mode the operator uses redshift_conn_id as its AWS connection.
        ["redshift_conn_id", redshift.via === "connection" ? redshift.connId : ctx.pipeline.connections.aws],
        ["redshift_data_api_kwargs", dataApiKwargs],
        ...awsConnection(ctx),
        ...stepOptions(step),
      ],
    },
  ];
}
