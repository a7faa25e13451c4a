/**
 * What Airflow templates on the operator classes pipegen emits: the union of
 * each class's `template_fields` over the supported versions (Amazon provider
 * 9.0.0 on Airflow 2.10.3 to 9.34.0 on 3.3.1; common-sql 1.19.0 to 2.1.0),
 * and its `template_ext`. Airflow renders every templated string with Jinja,
 * and reads one that ends in a `template_ext` suffix as the name of a
 * template file. They are facts about the classes, so every phase reads them
 * here: validate, to refuse an `operator` step whose class name the DAG module
 * already binds; render, to template what Airflow templates.
 * test/airflow-facts.test.ts compares them with the installed Airflow.
 */

export interface OperatorTemplating {
  readonly templateFields: readonly string[];
  readonly templateExt: readonly string[];
}

const AWS = ["aws_conn_id", "region_name", "verify"];

/** Keyed by `module.ClassName`. */
export const OPERATOR_TEMPLATING: Readonly<Record<string, OperatorTemplating>> = {
  "airflow.providers.amazon.aws.sensors.s3.S3KeySensor": {
    templateFields: [...AWS, "bucket_key", "bucket_name"],
    templateExt: [],
  },
  "airflow.providers.amazon.aws.operators.glue_crawler.GlueCrawlerOperator": {
    templateFields: [...AWS, "config"],
    templateExt: [],
  },
  "airflow.providers.amazon.aws.sensors.glue_crawler.GlueCrawlerSensor": {
    templateFields: [...AWS, "crawler_name"],
    templateExt: [],
  },
  "airflow.providers.amazon.aws.operators.glue.GlueJobOperator": {
    templateFields: [
      ...AWS,
      "create_job_kwargs",
      "iam_role_arn",
      "iam_role_name",
      "job_name",
      "run_job_kwargs",
      "s3_bucket",
      "script_args",
      "script_location",
    ],
    templateExt: [],
  },
  "airflow.providers.amazon.aws.sensors.glue.GlueJobSensor": {
    templateFields: [...AWS, "job_name", "run_id"],
    templateExt: [],
  },
  "airflow.providers.amazon.aws.operators.redshift_data.RedshiftDataOperator": {
    templateFields: [
      ...AWS,
      "cluster_identifier",
      "database",
      "db_user",
      "parameters",
      "session_id",
      "sql",
      "statement_name",
      "workgroup_name",
    ],
    templateExt: [".sql"],
  },
  "airflow.providers.common.sql.operators.sql.SQLExecuteQueryOperator": {
    templateFields: ["conn_id", "database", "hook_params", "parameters", "sql"],
    templateExt: [".sql", ".json"],
  },
  "airflow.providers.amazon.aws.transfers.redshift_to_s3.RedshiftToS3Operator": {
    templateFields: [
      "redshift_conn_id",
      "redshift_data_api_kwargs",
      "s3_bucket",
      "s3_key",
      "schema",
      "select_query",
      "table",
      "unload_options",
    ],
    templateExt: [".sql"],
  },
  "pipegen_xtable.operator.XTableOperator": {
    templateFields: ["dataset_config", "iceberg_catalog_config"],
    templateExt: [],
  },
};
