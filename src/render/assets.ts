/**
 * Data-aware scheduling in the DAG file: a step's outputs are the `outlets`
 * of its last task, and an asset schedule is the DAG's `schedule`, as
 * Airflow 2's Dataset and DatasetAny or Airflow 3's Asset and AssetAny
 * (airflow.sdk). URIs are emitted in their canonical form, so that the
 * producer and its consumers name one asset.
 */
import type { AirflowTarget } from "../spec/airflow-versions.js";
import { type AssetSchedule, canonicalAssetUri, scheduledAssets } from "../spec/assets.js";
import { PyCall, type PyValue } from "./python.js";

function classes(target: AirflowTarget): { one: string; any: string; module: string } {
  return target.major === 2
    ? { one: "Dataset", any: "DatasetAny", module: "airflow.datasets" }
    : { one: "Asset", any: "AssetAny", module: "airflow.sdk" };
}

/** `Dataset("uri")` or `Asset("uri")`. */
export function assetCall(uri: string, target: AirflowTarget): PyCall {
  const c = classes(target);
  return new PyCall(c.one, [canonicalAssetUri(uri)], [], [`from ${c.module} import ${c.one}`]);
}

/** A task's `outlets`, or undefined when the step declares no outputs. */
export function outletsOf(outputs: readonly string[] | undefined, target: AirflowTarget): PyValue | undefined {
  return outputs?.map((uri) => assetCall(uri, target));
}

/** The DAG's `schedule` for an asset schedule: a list (all of them) or DatasetAny/AssetAny (any of them). */
export function assetScheduleValue(schedule: AssetSchedule, target: AirflowTarget): PyValue {
  const calls = scheduledAssets(schedule).map((a) => assetCall(a.uri, target));
  if (schedule.mode === "all") return calls;
  const c = classes(target);
  return new PyCall(c.any, calls, [], [`from ${c.module} import ${c.any}`]);
}
