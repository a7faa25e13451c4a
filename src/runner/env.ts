/** The environment variable that names the XTable runner folder (launcher jar + dependencies). */
export const RUNNER_ENV_VAR = "PIPEGEN_XTABLE_RUNNER";
