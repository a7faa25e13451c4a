/**
 * The project config, validated: its deploy settings and its environments,
 * each with the values specs read and where the config sets them, for
 * messages about a value that does not fit where a spec puts it.
 */
import { ConfigError, type Problem, UserError } from "../errors.js";
import { findConfigFile, loadConfigFile } from "../load/config.js";
import type { Environment, EnvironmentChoice, EnvironmentValue } from "../load/environment.js";
import type { LoadedSpec } from "../load/index.js";
import { placeProblem } from "../problem.js";
import { type DeployConfigData, projectConfig } from "../spec/config.js";
import { nearest } from "../spec/nearest.js";
import { credentialProblems } from "./credentials.js";
import { zodProblems } from "./zod-problems.js";

/** One environment of the config: its values and its own deploy settings. */
export interface ConfigEnvironment extends Environment {
  readonly deploy: DeployConfigData | undefined;
}

export interface ProjectConfig {
  /** The config file as messages name it. */
  readonly file: string;
  /** The top-level deploy settings. */
  readonly deploy: DeployConfigData | undefined;
  /** The environments, in the order the config declares them. */
  readonly environments: ReadonlyMap<string, ConfigEnvironment>;
}

/** Checks a loaded config; every problem is located in its file. */
export function validateProjectConfig(loaded: LoadedSpec): ProjectConfig | Problem[] {
  const result = projectConfig.safeParse(loaded.data, { reportInput: true });
  // Values land in DAG files: the config is held to the specs' credential gate.
  const credentials = credentialProblems(loaded).map((c) => ({
    ...c,
    hint: c.hint?.replace(/^specs must not carry credentials/, "the config must not carry credentials either"),
  }));
  const found = [
    ...(result.success ? [] : zodProblems(projectConfig, result.error.issues, loaded, { listKeys: true })),
    ...credentials,
  ];
  if (found.length > 0 || !result.success) return found.map((p) => placeProblem(p, loaded.locate));
  const config = result.data;
  const setAt = (path: readonly string[]): string => {
    const { line, column } = loaded.locate(path);
    return `${loaded.file}:${line}:${column}`;
  };
  const environments = new Map<string, ConfigEnvironment>();
  for (const [name, env] of Object.entries(config.environments)) {
    const values = new Map<string, EnvironmentValue>();
    for (const [key, value] of Object.entries(config.values)) values.set(key, { value, setAt: setAt(["values", key]) });
    for (const [key, value] of Object.entries(env.values))
      values.set(key, { value, setAt: setAt(["environments", name, "values", key]) });
    environments.set(name, {
      name,
      values: new Map([...values].sort(([a], [b]) => (a < b ? -1 : 1))),
      deploy: env.deploy,
    });
  }
  return { file: loaded.file, deploy: config.deploy, environments };
}

/**
 * The environment `--env` names, with what the config declares.
 * @throws {UserError} when the config declares no such environment
 */
export function chooseEnvironment(config: ProjectConfig | undefined, name: string | undefined): EnvironmentChoice {
  const declared = config ? [...config.environments.keys()] : [];
  const choice = { declared, configFile: config?.file };
  if (name === undefined) return { ...choice, selected: undefined };
  const selected = config?.environments.get(name);
  if (selected) return { ...choice, selected };
  if (!config)
    throw new UserError(
      `--env ${name} names an environment, but there is no pipegen.config file here: declare the environments in pipegen.config.yaml (or .ts), e.g. environments: { ${name}: { values: { ... } } }`,
    );
  if (declared.length === 0)
    throw new UserError(`--env ${name} names an environment, but ${config.file} declares no environments`);
  const near = nearest(name, declared);
  throw new UserError(
    `--env ${name}: ${config.file} declares ${declared.length === 1 ? "one environment" : "the environments"} ${declared.join(", ")}${near ? `; did you mean ${near}?` : ""}`,
  );
}

/**
 * Finds, loads and validates the project config.
 * @returns undefined when there is no config file
 * @throws {ConfigError} with every problem in the file
 * @throws {UserError} when the given file does not exist, or there are two config files
 */
export async function loadProjectConfig(cwd: string, given?: string): Promise<ProjectConfig | undefined> {
  const found = findConfigFile(cwd, given);
  if (!found) return undefined;
  const loaded = await loadConfigFile(found);
  const config = Array.isArray(loaded) ? loaded : validateProjectConfig(loaded);
  if (Array.isArray(config)) throw new ConfigError(config);
  return config;
}

/** The deploy settings a config gives for an environment: its own section over the top-level one. */
export function deploySettingsFor(config: ProjectConfig | undefined, env: string | undefined): DeployConfigData {
  const own = env === undefined ? undefined : config?.environments.get(env)?.deploy;
  return { ...config?.deploy, ...own };
}
