/** The environment variable that names the XTable runner folder; runner/locate.ts reads it. */
export { RUNNER_ENV_VAR } from "../runner/env.js";
