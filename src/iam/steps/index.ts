/** One grant builder per step kind; the record type makes a missing kind a compile error. */
import type { ResolvedStep } from "../../resolve/index.js";
import type { StepKind } from "../../spec/steps/index.js";
import type { Grant, IamContext, IamStepBuilder } from "../model.js";
import { glueCrawlerGrants } from "./glue-crawler.js";
import { glueJobGrants } from "./glue-job.js";
import { operatorGrants } from "./operator.js";
import { redshiftProcedureGrants } from "./redshift-procedure.js";
import { redshiftSqlGrants } from "./redshift-sql.js";
import { refreshMaterializedViewGrants } from "./refresh-materialized-view.js";
import { s3SensorGrants } from "./s3-sensor.js";
import { unloadGrants } from "./unload.js";
import { xtableGrants } from "./xtable.js";

const BUILDERS: { [K in StepKind]: IamStepBuilder<K> } = {
  s3Sensor: s3SensorGrants,
  glueCrawler: glueCrawlerGrants,
  glueJob: glueJobGrants,
  xtable: xtableGrants,
  redshiftProcedure: redshiftProcedureGrants,
  redshiftSql: redshiftSqlGrants,
  refreshMaterializedView: refreshMaterializedViewGrants,
  unload: unloadGrants,
  operator: operatorGrants,
};

/** What one step needs, for every identity that acts for it. */
export function stepGrants(resolved: ResolvedStep, ctx: IamContext): Grant[] {
  return (BUILDERS[resolved.kind] as IamStepBuilder<StepKind>)(resolved, ctx);
}
