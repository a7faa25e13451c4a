/**
 * The names of the project config file, looked up in the working directory
 * when no `--config` is given. Light on purpose: the CLI reads it to write
 * its help.
 */
export const CONFIG_FILE_NAMES = [
  "pipegen.config.yaml",
  "pipegen.config.yml",
  "pipegen.config.json",
  "pipegen.config.ts",
] as const;
