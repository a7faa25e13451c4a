/**
 * What pipegen knows, without importing anything, about operator classes an
 * `operator` step may name: the keyword arguments each class takes in the
 * Amazon provider MWAA ships with each measured Airflow version, which of
 * them are required, and which fields Airflow templates. test/airflow-facts.test.ts
 * compares every entry with the installed Airflow. For a class not listed
 * here, `validate` can only warn that it cannot check the class.
 */
import type { AirflowTarget } from "./airflow-versions.js";

/**
 * Keyword arguments of BaseOperator that pipegen sets itself, or that take a
 * Python object a spec cannot hold, each with what to write instead.
 */
export const RESERVED_ARGUMENTS: Readonly<Record<string, string>> = {
  task_id: "the step's id is the task id",
  dag: "the task belongs to the DAG pipegen writes",
  default_args: "set `defaults` at the top of the spec",
  trigger_rule: "use the step's triggerRule",
  retries: "use the step's retries",
  retry_delay: "use the step's retryDelay",
  execution_timeout: "use the step's executionTimeout",
  doc: "use the step's doc",
  doc_md: "use the step's doc",
  doc_json: "use the step's doc",
  doc_rst: "use the step's doc",
  doc_yaml: "use the step's doc",
  on_execute_callback: "it takes Python callables, which a spec cannot hold",
  on_failure_callback: "use the step's notify: { onFailure: [...] }",
  on_retry_callback: "it takes Python callables, which a spec cannot hold",
  on_skipped_callback: "it takes Python callables, which a spec cannot hold",
  on_success_callback: "use the step's notify: { onSuccess: [...] }",
  pre_execute: "it takes a Python callable, which a spec cannot hold",
  post_execute: "it takes a Python callable, which a spec cannot hold",
  task_group: "it takes a TaskGroup object, which a spec cannot hold",
  inlets: "it takes Airflow Dataset or Asset objects, which a spec cannot hold",
  outlets: "use the step's outputs",
  start_date: "the DAG's startDate applies to every task; a task's own date takes a datetime, which a spec cannot hold",
  end_date: "it takes a datetime, which a spec cannot hold",
  sla: "it takes a timedelta, which a spec cannot hold, and Airflow 3 has no SLAs",
};

/** The Airflow versions whose installed classes the facts below were read from. */
export const MEASURED_VERSIONS = ["2.10.3", "3.3.1"] as const;
type Measured = (typeof MEASURED_VERSIONS)[number];

/** BaseOperator's keyword arguments on each measured version. */
const BASE_2 = [
  "allow_nested_operators",
  "dag",
  "default_args",
  "depends_on_past",
  "do_xcom_push",
  "doc",
  "doc_json",
  "doc_md",
  "doc_rst",
  "doc_yaml",
  "email",
  "email_on_failure",
  "email_on_retry",
  "end_date",
  "execution_timeout",
  "executor",
  "executor_config",
  "ignore_first_depends_on_past",
  "inlets",
  "logger_name",
  "map_index_template",
  "max_active_tis_per_dag",
  "max_active_tis_per_dagrun",
  "max_retry_delay",
  "multiple_outputs",
  "on_execute_callback",
  "on_failure_callback",
  "on_retry_callback",
  "on_skipped_callback",
  "on_success_callback",
  "outlets",
  "owner",
  "params",
  "pool",
  "pool_slots",
  "post_execute",
  "pre_execute",
  "priority_weight",
  "queue",
  "resources",
  "retries",
  "retry_delay",
  "retry_exponential_backoff",
  "run_as_user",
  "sla",
  "start_date",
  "task_concurrency",
  "task_display_name",
  "task_group",
  "task_id",
  "trigger_rule",
  "wait_for_downstream",
  "wait_for_past_depends_before_skipping",
  "weight_rule",
];

export const BASE_OPERATOR_ARGUMENTS: Readonly<Record<Measured, readonly string[]>> = {
  "2.10.3": BASE_2,
  "3.3.1": [...BASE_2.filter((a) => a !== "task_concurrency"), "render_template_as_native_obj", "retry_policy"].sort(),
};

export interface KnownOperator {
  /** Fields Airflow renders with Jinja (the union over the measured versions). */
  readonly templateFields: readonly string[];
  readonly templateExt: readonly string[];
  /** Keyword arguments of the class and its bases up to BaseOperator, on each measured version. */
  readonly parameters: Readonly<Record<Measured, readonly string[]>>;
  /** Keyword arguments without a default. */
  readonly required: readonly string[];
}

const AWS_BASE = ["aws_conn_id", "botocore_config", "region", "region_name", "verify"];

const AMAZON = "airflow.providers.amazon.aws.operators";

/** Keyed by `module.ClassName`. */
export const KNOWN_OPERATORS: Readonly<Record<string, KnownOperator>> = {
  [`${AMAZON}.lambda_function.LambdaInvokeFunctionOperator`]: {
    templateFields: [
      "aws_conn_id",
      "function_name",
      "invocation_type",
      "payload",
      "qualifier",
      "region_name",
      "verify",
    ],
    templateExt: [],
    parameters: {
      "2.10.3": [
        ...AWS_BASE,
        "client_context",
        "function_name",
        "invocation_type",
        "keep_empty_log_lines",
        "log_type",
        "payload",
        "qualifier",
      ],
      "3.3.1": [
        ...AWS_BASE,
        "client_context",
        "function_name",
        "invocation_type",
        "keep_empty_log_lines",
        "log_type",
        "payload",
        "qualifier",
      ],
    },
    required: ["function_name"],
  },
  [`${AMAZON}.emr.EmrServerlessStartJobOperator`]: {
    templateFields: [
      "application_id",
      "aws_conn_id",
      "config",
      "configuration_overrides",
      "execution_role_arn",
      "job_driver",
      "name",
      "region_name",
      "verify",
    ],
    templateExt: [],
    parameters: {
      "2.10.3": [
        "application_id",
        "aws_conn_id",
        "client_request_token",
        "config",
        "configuration_overrides",
        "deferrable",
        "enable_application_ui_links",
        "execution_role_arn",
        "job_driver",
        "name",
        "wait_for_completion",
        "waiter_delay",
        "waiter_max_attempts",
      ],
      "3.3.1": [
        ...AWS_BASE,
        "application_id",
        "cancel_on_kill",
        "client_request_token",
        "config",
        "configuration_overrides",
        "deferrable",
        "enable_application_ui_links",
        "execution_role_arn",
        "job_driver",
        "name",
        "openlineage_inject_parent_job_info",
        "openlineage_inject_transport_info",
        "wait_for_completion",
        "waiter_delay",
        "waiter_max_attempts",
      ],
    },
    required: ["application_id", "execution_role_arn", "job_driver"],
  },
  [`${AMAZON}.sns.SnsPublishOperator`]: {
    templateFields: [
      "aws_conn_id",
      "message",
      "message_attributes",
      "message_deduplication_id",
      "message_group_id",
      "region_name",
      "subject",
      "target_arn",
      "verify",
    ],
    templateExt: [],
    parameters: {
      "2.10.3": [...AWS_BASE, "message", "message_attributes", "subject", "target_arn"],
      "3.3.1": [
        ...AWS_BASE,
        "message",
        "message_attributes",
        "message_deduplication_id",
        "message_group_id",
        "subject",
        "target_arn",
      ],
    },
    required: ["message", "target_arn"],
  },
};

/**
 * The keyword arguments a known class accepts on `target`: as measured for
 * that version, else those accepted on every measured version (an MWAA
 * image between two measured ones ships a provider release in between).
 */
export function acceptedArguments(known: KnownOperator, target: AirflowTarget): Set<string> {
  const measured = (MEASURED_VERSIONS as readonly string[]).includes(target.version)
    ? [target.version as Measured]
    : [...MEASURED_VERSIONS];
  const sets = measured.map((v) => new Set([...known.parameters[v], ...BASE_OPERATOR_ARGUMENTS[v]]));
  return new Set([...sets[0]!].filter((a) => sets.every((s) => s.has(a))));
}
