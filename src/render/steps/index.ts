/** One renderer per step kind; the record type makes a missing kind a compile error. */
import type { ResolvedPipeline, ResolvedStep } from "../../resolve/index.js";
import type { StepKind } from "../../spec/steps/index.js";
import type { StepRenderer, StepTasks } from "../model.js";
import { withoutTemplateFileNames } from "../template-files.js";
import { renderGlueCrawler } from "./glue-crawler.js";
import { renderGlueJob } from "./glue-job.js";
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
};

/**
 * The tasks of one step, with the task ids resolve gave it.
 * @throws {Error} when a renderer's tasks are not the step's resolved task ids (a bug in pipegen)
 */
export function renderStep(resolved: ResolvedStep, ctx: ResolvedPipeline): StepTasks {
  const [first, ...rest] = (RENDERERS[resolved.kind] as StepRenderer<StepKind>)(resolved, ctx);
  const tasks: StepTasks = [withoutTemplateFileNames(first), ...rest.map(withoutTemplateFileNames)];
  if (tasks.map((t) => t.taskId).join() !== resolved.taskIds.join())
    throw new Error(`step ${resolved.step.id} rendered tasks other than its resolved task ids`);
  return tasks;
}
