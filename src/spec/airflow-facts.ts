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
