/**
 * pipegen: typed pipeline specs to verified Amazon MWAA bundles.
 * @packageDocumentation
 */
export { definePipeline } from "./spec/define.js";
export type { Pipeline, PipelineInput, RedshiftConnection } from "./spec/pipeline.js";
export type { Step, StepKind } from "./spec/steps/index.js";
export { AIRFLOW_TARGETS, type AirflowVersion } from "./spec/airflow-versions.js";
export { pipelineJsonSchema } from "./spec/json-schema.js";
export { validatePipelines, renderPipelines, type RunOptions } from "./pipeline-run.js";
export type { RenderedFile } from "./render/bundle.js";
export { writeBundle, diffBundle, type FileChange, type WriteResult } from "./write/index.js";
export { SpecError, StaleOutputError, UserError, formatProblem, type Problem } from "./errors.js";
export { buildIam, type IamOptions, type IamResult, type IamDocument } from "./iam/index.js";
export { verifyTable, reportDifferences, readDeltaSnapshot, readIcebergTable, type VerifyReport } from "./xtable/verify/index.js";
export { detectUnsupportedFeatures, assertTranslatable, type UnsupportedFeature } from "./xtable/delta-features.js";
export { runXTable, type RunResult as XTableRunResult, type RunOptions as XTableRunOptions } from "./xtable/run.js";
export { DeltaTableError, IcebergMetadataError, UnsupportedDeltaFeatureError, XTableSyncError } from "./xtable/errors.js";
