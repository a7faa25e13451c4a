/**
 * pipegen: typed pipeline specs to verified Amazon MWAA bundles.
 * @packageDocumentation
 */

export { formatProblem, type Problem, SpecError, StaleOutputError, UserError } from "./errors.js";
export { buildIam, type IamDocument, type IamOptions, type IamResult } from "./iam/index.js";
export {
  type EnvironmentPipelines,
  type RunOptions,
  renderPipelines,
  validateEveryEnvironment,
  validatePipelines,
} from "./pipeline-run.js";
export type { RenderedFile } from "./render/bundle.js";
export { AIRFLOW_TARGETS, type AirflowVersion } from "./spec/airflow-versions.js";
export type { ProjectConfigInput } from "./spec/config.js";
export {
  defineConfig,
  definePipeline,
  defineTemplate,
  type EnvOf,
  type EnvValue,
  type EnvValues,
  type PipelineBuilder,
  type PipelineContext,
  type StepTemplate,
  type TemplateDefinition,
  z,
} from "./spec/define.js";
export { pipelineJsonSchema } from "./spec/json-schema.js";
export type { Pipeline, PipelineInput, RedshiftConnection } from "./spec/pipeline.js";
export type { Step, StepInput, StepKind } from "./spec/steps/index.js";
export { diffBundle, type FileChange, type WriteResult, writeBundle } from "./write/index.js";
export { assertTranslatable, detectUnsupportedFeatures, type UnsupportedFeature } from "./xtable/delta-features.js";
export {
  DeltaTableError,
  IcebergMetadataError,
  UnsupportedDeltaFeatureError,
  XTableSyncError,
} from "./xtable/errors.js";
export { type RunOptions as XTableRunOptions, type RunResult as XTableRunResult, runXTable } from "./xtable/run.js";
export {
  readDeltaSnapshot,
  readIcebergTable,
  reportDifferences,
  type VerifyReport,
  verifyTable,
} from "./xtable/verify/index.js";
