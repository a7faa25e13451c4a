/**
 * Where deploy settings come from, by name: light enough for the command's
 * help text, which must not load the settings parser (zod, yaml).
 */

/** Config files looked up in the working directory when `--config` is not given. */
export const CONFIG_FILE_NAMES = ["pipegen.config.yaml", "pipegen.config.yml", "pipegen.config.json"] as const;

export const SETTINGS = {
  bucket: { flag: "--bucket", env: "PIPEGEN_BUCKET" },
  prefix: { flag: "--prefix", env: "PIPEGEN_PREFIX" },
  environment: { flag: "--environment", env: "PIPEGEN_ENVIRONMENT" },
  region: { flag: "--region", env: "PIPEGEN_REGION" },
  account: { flag: "--account", env: "PIPEGEN_ACCOUNT" },
  from: { flag: "--from", env: "PIPEGEN_FROM" },
  prune: { flag: "--prune", env: "PIPEGEN_PRUNE" },
  wait: { flag: "--wait", env: "PIPEGEN_WAIT" },
  waitTimeout: { flag: "--wait-timeout", env: "PIPEGEN_WAIT_TIMEOUT" },
  preflight: { flag: "--preflight", env: "PIPEGEN_PREFLIGHT" },
  concurrency: { flag: "--concurrency", env: "PIPEGEN_CONCURRENCY" },
  retries: { flag: "--retries", env: "PIPEGEN_RETRIES" },
} as const;

export type SettingName = keyof typeof SETTINGS;

/** Environment variables read for each setting, for help texts and docs. */
export const SETTING_ENV_VARS: Readonly<Record<SettingName, string>> = Object.fromEntries(
  Object.entries(SETTINGS).map(([k, v]) => [k, v.env]),
) as Record<SettingName, string>;
