/** `pipegen deploy` as a library: settings, the deploy itself, and its report. */
export { deploy, type DeployOptions } from "./deploy.js";
export { resolveDeploySettings, normalizePrefix, CONFIG_FILE_NAMES, SETTING_ENV_VARS, type DeploySettings, type DeployFlags } from "./settings.js";
export { createDeployClients, type DeployClients } from "./aws.js";
export { formatPlan, formatOutcome, type DeployReport, type PlanReport } from "./report.js";
export { terminalProgress, NO_PROGRESS, type ProgressSink } from "./progress.js";
export { DeploySettingsError, PreflightError, AwsCallError, DeployIncompleteError } from "./errors.js";
