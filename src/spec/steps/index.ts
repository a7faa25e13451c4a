import { z } from "zod";
import { glueCrawlerStep } from "./glue-crawler.js";
import { glueJobStep } from "./glue-job.js";
import { operatorStep } from "./operator.js";
import { redshiftProcedureStep } from "./redshift-procedure.js";
import { redshiftSqlStep } from "./redshift-sql.js";
import { refreshMaterializedViewStep } from "./refresh-materialized-view.js";
import { s3SensorStep } from "./s3-sensor.js";
import { unloadStep } from "./unload.js";
import { xtableStep } from "./xtable.js";

/** Every step kind, told apart by `kind`. */
export const step = z.discriminatedUnion("kind", [
  s3SensorStep,
  glueCrawlerStep,
  glueJobStep,
  xtableStep,
  redshiftProcedureStep,
  redshiftSqlStep,
  refreshMaterializedViewStep,
  unloadStep,
  operatorStep,
]);

export type Step = z.output<typeof step>;
/** A step as a spec writes it: defaults may be left out. */
export type StepInput = z.input<typeof step>;
export type StepKind = Step["kind"];
export type StepOf<K extends StepKind> = Extract<Step, { kind: K }>;

export type { GlueCrawlerStep } from "./glue-crawler.js";
export type { GlueJobStep } from "./glue-job.js";
export type { OperatorStep } from "./operator.js";
export type { RedshiftProcedureStep } from "./redshift-procedure.js";
export type { RedshiftSqlStep } from "./redshift-sql.js";
export type { RefreshMaterializedViewStep } from "./refresh-materialized-view.js";
export type { S3SensorStep } from "./s3-sensor.js";
export type { UnloadStep } from "./unload.js";
export type { XTableStep } from "./xtable.js";
