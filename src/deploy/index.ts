/** `pipegen deploy` as a library: settings, the deploy itself, and its report. */

export { createDeployClients, type DeployClients } from "./aws.js";
export { type DeployOptions, deploy } from "./deploy.js";
export { AwsCallError, DeployIncompleteError, DeploySettingsError, PreflightError } from "./errors.js";
export { NO_PROGRESS, type ProgressSink, terminalProgress } from "./progress.js";
export { type DeployReport, formatOutcome, formatPlan, type PlanReport } from "./report.js";
export {
  CONFIG_FILE_NAMES,
  type DeployFlags,
  type DeploySettings,
  normalizePrefix,
  resolveDeploySettings,
  SETTING_ENV_VARS,
} from "./settings.js";
