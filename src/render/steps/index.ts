/** One renderer per step kind; the record type makes a missing kind a compile error. */
import type { ResolvedPipeline, ResolvedStep } from "../../resolve/index.js";
import type { Step, StepKind } from "../../spec/steps/index.js";
import { outletsOf } from "../assets.js";
import type { StepRenderer, StepTasks } from "../model.js";
import { notifiers } from "../notify.js";
import { withoutTemplateFileNames } from "../template-files.js";
import { renderGlueCrawler } from "./glue-crawler.js";
import { renderGlueJob } from "./glue-job.js";
import { renderOperator } from "./operator.js";
import { renderRedshiftProcedure } from "./redshift-procedure.js";
import { renderRedshiftSql } from "./redshift-sql.js";
import { renderRefreshMaterializedView } from "./refresh-materialized-view.js";
import { renderS3Sensor } from "./s3-sensor.js";
import { renderUnload } from "./unload.js";
import { renderXTable } from "./xtable.js";

const RENDERERS: { [K in StepKind]: StepRenderer<K> } = {
  s3Sensor: renderS3Sensor,
  glueCrawler: renderGlueCrawler,
  glueJob: renderGlueJob,
  xtable: renderXTable,
  redshiftProcedure: renderRedshiftProcedure,
  redshiftSql: renderRedshiftSql,
  refreshMaterializedView: renderRefreshMaterializedView,
  unload: renderUnload,
  operator: renderOperator,
};

/**
 * The tasks of one step, with the task ids resolve gave it, its outputs and its notifications.
 * @throws {Error} when a renderer's tasks are not the step's resolved task ids (a bug in pipegen)
 */
export function renderStep(resolved: ResolvedStep, ctx: ResolvedPipeline): StepTasks {
  const [first, ...rest] = (RENDERERS[resolved.kind] as StepRenderer<StepKind>)(resolved, ctx);
  const tasks: StepTasks = [withoutTemplateFileNames(first), ...rest.map(withoutTemplateFileNames)];
  if (tasks.map((t) => t.taskId).join() !== resolved.taskIds.join())
    throw new Error(`step ${resolved.step.id} rendered tasks other than its resolved task ids`);
  return withNotifications(resolved.step, withOutputs(resolved.step, tasks, ctx), ctx);
}

/** A step's outputs: the outlets of its last task, which Airflow marks updated when that task succeeds. */
function withOutputs(step: Step, tasks: StepTasks, ctx: ResolvedPipeline): StepTasks {
  const outlets = outletsOf(step.outputs, ctx.target);
  if (outlets === undefined) return tasks;
  const last = tasks.length - 1;
  const [first, ...rest] = tasks.map((t, i) =>
    i === last ? { ...t, kwargs: [...t.kwargs, ["outlets", outlets] as const] } : t,
  );
  return [first!, ...rest];
}

/** A step's notifications: on failure of any of its tasks, on success of its last. */
function withNotifications(step: Step, tasks: StepTasks, ctx: ResolvedPipeline): StepTasks {
  if (!step.notify) return tasks;
  const onFailure = notifiers(step.notify, "failure", "task", ctx);
  const onSuccess = notifiers(step.notify, "success", "task", ctx);
  const [first, ...rest] = tasks.map((t, i) => ({
    ...t,
    kwargs: [
      ...t.kwargs,
      ["on_failure_callback", onFailure] as const,
      ["on_success_callback", i === tasks.length - 1 ? onSuccess : undefined] as const,
    ],
  }));
  return [first!, ...rest];
}
