/**
 * Facts about the supported Airflow versions that decide whether a spec can
 * work there, each read from that version's source (apache-airflow 2.10.3
 * and 2.11.0; apache-airflow-core and apache-airflow-task-sdk 3.0.6, 3.2.1
 * and 3.3.1). test/airflow-facts.test.ts compares them with the Airflow
 * installed in the test venvs.
 */
import type { AirflowTarget } from "./airflow-versions.js";

/** "3.1.0" → [3, 1, 0]. */
function versionParts(version: string): number[] {
  return version.split(".").map(Number);
}

/** True when `version` is `since` or later. */
export function isAtLeast(version: string, since: string): boolean {
  const [a, b] = [versionParts(version), versionParts(since)];
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const d = (a[i] ?? 0) - (b[i] ?? 0);
    if (d !== 0) return d > 0;
  }
  return true;
}

/**
 * Trigger rules that not every supported version knows, with the first
 * version that does. `all_done_min_one_success` is in airflow/task/trigger_rule.py
 * from 3.1 (3.2.1, 3.3.1), and in none of airflow/utils/trigger_rule.py of
 * 2.10.3, 2.11.0 and 3.0.6, where BaseOperator refuses it at import.
 */
export const TRIGGER_RULE_SINCE: Readonly<Record<string, string>> = {
  all_done_min_one_success: "3.1.0",
};

/** The Airflow version a trigger rule needs, when the target is older; undefined when the target has it. */
export function triggerRuleNeeds(rule: string, target: AirflowTarget): string | undefined {
  const since = TRIGGER_RULE_SINCE[rule];
  return since !== undefined && !isAtLeast(target.version, since) ? since : undefined;
}

/** Jinja 3.1's global functions (jinja2.defaults.DEFAULT_NAMESPACE), in every Airflow's template environment. */
export const JINJA_GLOBALS = ["cycler", "dict", "joiner", "lipsum", "namespace", "range"] as const;

/** Jinja 3.1's filters, and the five Airflow adds (airflow.templates.FILTERS; the task SDK's templater on 3.x). */
export const JINJA_FILTERS = [
  ...["abs", "attr", "batch", "capitalize", "center", "count", "d", "default", "dictsort", "e", "escape"],
  ...["filesizeformat", "first", "float", "forceescape", "format", "groupby", "indent", "int", "items"],
  ...["join", "last", "length", "list", "lower", "map", "max", "min", "pprint", "random", "reject"],
  ...["rejectattr", "replace", "reverse", "round", "safe", "select", "selectattr", "slice", "sort"],
  ...["string", "striptags", "sum", "title", "tojson", "trim", "truncate", "unique", "upper", "urlencode"],
  ...["urlize", "wordcount", "wordwrap", "xmlattr"],
  ...["ds", "ds_nodash", "ts", "ts_nodash", "ts_nodash_with_tz"],
] as const;

/** Jinja 3.1's tests (jinja2.tests.TESTS). */
export const JINJA_TESTS = [
  ...["!=", "<", "<=", "==", ">", ">=", "boolean", "callable", "defined", "divisibleby", "eq", "equalto"],
  ...["escaped", "even", "false", "filter", "float", "ge", "greaterthan", "gt", "in", "integer", "iterable"],
  ...["le", "lessthan", "lower", "lt", "mapping", "ne", "none", "number", "odd", "sameas", "sequence"],
  ...["string", "test", "true", "undefined", "upper"],
] as const;

/**
 * The names in a task's template context. Airflow 2 (2.10.3 and 2.11.0:
 * airflow/models/taskinstance.py, _get_template_context) and Airflow 3
 * (the task SDK's RuntimeTaskInstance.get_template_context: 1.0.6 for 3.0.6,
 * 1.2.1 for 3.2.1, 1.3.1 for 3.3.1) differ: 3.x dropped execution_date,
 * next_ds, prev_ds, yesterday_ds, tomorrow_ds and conf, renamed
 * triggering_dataset_events, and 3.3 adds partition keys and the task state
 * store. On 3.x a manual run without a logical date has no logical_date, ds,
 * ts* and data_interval_* (pipegen's date placeholders fall back to
 * dag_run.run_after there).
 */
const CONTEXT_2 = [
  ...["conf", "conn", "dag", "dag_run", "data_interval_end", "data_interval_start", "ds", "ds_nodash"],
  ...["execution_date", "expanded_ti_count", "inlet_events", "inlets", "logical_date", "macros"],
  ...["map_index_template", "next_ds", "next_ds_nodash", "next_execution_date", "outlet_events", "outlets"],
  ...["params", "prev_data_interval_end_success", "prev_data_interval_start_success", "prev_ds"],
  ...["prev_ds_nodash", "prev_end_date_success", "prev_execution_date", "prev_execution_date_success"],
  ...["prev_start_date_success", "run_id", "task", "task_instance", "task_instance_key_str", "test_mode"],
  ...["ti", "tomorrow_ds", "tomorrow_ds_nodash", "triggering_dataset_events", "ts", "ts_nodash"],
  ...["ts_nodash_with_tz", "var", "yesterday_ds", "yesterday_ds_nodash"],
];
const CONTEXT_3_0 = [
  ...["conn", "dag", "dag_run", "data_interval_end", "data_interval_start", "ds", "ds_nodash", "inlet_events"],
  ...["inlets", "logical_date", "macros", "map_index_template", "outlet_events", "outlets", "params"],
  ...["prev_data_interval_end_success", "prev_data_interval_start_success", "prev_end_date_success"],
  ...["prev_start_date_success", "run_id", "task", "task_instance", "task_instance_key_str"],
  ...["task_reschedule_count", "ti", "triggering_asset_events", "ts", "ts_nodash", "ts_nodash_with_tz", "var"],
];
const CONTEXT_3_3 = [...CONTEXT_3_0, "partition_date", "partition_key", "task_state_store"];

/** Names a templated field may read on the target: its context and Jinja's globals. */
export function templateNames(target: AirflowTarget): ReadonlySet<string> {
  const context = target.major === 2 ? CONTEXT_2 : isAtLeast(target.version, "3.3.0") ? CONTEXT_3_3 : CONTEXT_3_0;
  return new Set([...context, ...JINJA_GLOBALS]);
}

/** What a name that is not in the target's context was, or became, when Airflow 2 has it. */
export const CONTEXT_RENAMED_IN_3: Readonly<Record<string, string>> = {
  execution_date: "logical_date or data_interval_start",
  next_ds: "{{ data_interval_end | ds }}",
  next_ds_nodash: "{{ data_interval_end | ds_nodash }}",
  next_execution_date: "data_interval_end",
  prev_execution_date_success: "prev_data_interval_start_success",
  triggering_dataset_events: "triggering_asset_events",
  yesterday_ds: "{{ macros.ds_add(ds, -1) }}",
  tomorrow_ds: "{{ macros.ds_add(ds, 1) }}",
};
