/**
 * The library API: load → validate → resolve → render, with every problem
 * of every spec collected before anything is rendered.
 */
import path from "node:path";
import { SpecError } from "./errors.js";
import {
  type EnvironmentChoice,
  explainSubstitutions,
  NO_ENVIRONMENT,
  readSubstitutions,
  substituteEnvironment,
} from "./load/environment.js";
import { discoverSpecFiles, discoverTemplateFiles, loadSpec, type SpecFile } from "./load/index.js";
import { type LoadedTemplate, loadTemplates, type TemplateRegistry } from "./load/templates.js";
import { type Problem, placeProblem } from "./problem.js";
import { type RenderedFile, renderBundle } from "./render/bundle.js";
import { type ResolvedPipeline, resolvePipeline } from "./resolve/index.js";
import { taskIdProblems } from "./resolve/task-ids.js";
import type { AirflowVersion } from "./spec/airflow-versions.js";
import { type StepTemplate, templateConfigSchema } from "./spec/template.js";
import { chooseEnvironment, loadProjectConfig } from "./validate/config.js";
import { crossFileProblems, validateSpec } from "./validate/index.js";

export interface RunOptions {
  /** Spec files or folders; defaults to `pipelines/`. */
  readonly paths?: readonly string[];
  /** Folder that relative paths and reported file names are relative to. */
  readonly cwd?: string;
  /** Renders every spec for this Airflow version instead of the one it declares. */
  readonly airflowVersion?: AirflowVersion | undefined;
  /** The environment of the project config whose values the specs read (`--env`). */
  readonly env?: string | undefined;
  /** The project config file; by default pipegen.config.{yaml,yml,json,ts} in cwd, if there is one. */
  readonly config?: string | undefined;
}

/**
 * Loads and validates specs, for the environment `options.env` names (if any).
 * @throws {SpecError} with every problem found, when any spec is invalid
 */
export async function validatePipelines(options: RunOptions = {}): Promise<ResolvedPipeline[]> {
  const cwd = options.cwd ?? process.cwd();
  const choice = chooseEnvironment(await loadProjectConfig(cwd, options.config), options.env);
  const { files, templates } = await discover(options, cwd);
  const { problems, pipelines } = await validateFor(files, templates, cwd, options, choice);
  if (problems.length > 0) throw new SpecError(problems);
  return pipelines;
}

/** The specs validated for one environment (or none). */
export interface EnvironmentPipelines {
  /** The environment; undefined when the project declares none. */
  readonly env: string | undefined;
  readonly pipelines: ResolvedPipeline[];
}

/**
 * Validates specs for the environment `options.env` names, or, without it,
 * for every environment the project config declares: what `pipegen validate`
 * checks before any environment is rendered. A problem found in some
 * environments only says which.
 * @throws {SpecError} with every problem found in any environment
 */
export async function validateEveryEnvironment(options: RunOptions = {}): Promise<EnvironmentPipelines[]> {
  const cwd = options.cwd ?? process.cwd();
  const config = await loadProjectConfig(cwd, options.config);
  const names = options.env !== undefined ? [options.env] : [...(config?.environments.keys() ?? [])];
  const choices =
    names.length > 0 ? names.map((name) => chooseEnvironment(config, name)) : [chooseEnvironment(config, undefined)];
  const { files, templates } = await discover(options, cwd);
  const runs = [];
  for (const choice of choices) runs.push({ choice, ...(await validateFor(files, templates, cwd, options, choice)) });
  const problems =
    runs.length === 1
      ? runs[0]!.problems
      : mergeProblems(runs.map((r) => ({ env: r.choice.selected!.name, problems: r.problems })));
  if (problems.length > 0) throw new SpecError(problems);
  return runs.map((r) => ({ env: r.choice.selected?.name, pipelines: r.pipelines }));
}

/**
 * Problems of several environments as one list: one found in every
 * environment is reported once, as it is; one found in some says which.
 */
function mergeProblems(runs: readonly { env: string; problems: readonly Problem[] }[]): Problem[] {
  const byKey = new Map<string, { problem: Problem; envs: string[] }>();
  for (const { env, problems } of runs)
    for (const p of problems) {
      const key = `${p.file}\0${p.line}\0${p.column}\0${p.path}\0${p.message}`;
      const known = byKey.get(key);
      if (known) known.envs.push(env);
      else byKey.set(key, { problem: p, envs: [env] });
    }
  return [...byKey.values()]
    .map(({ problem, envs }) =>
      envs.length === runs.length
        ? problem
        : { ...problem, message: `with --env ${envs.join(", ")}: ${problem.message}` },
    )
    .sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : a.line - b.line || a.column - b.column));
}

/** The folders or files a run reads: `pipelines/` unless the options name others. */
const pathsOf = (options: Pick<RunOptions, "paths">) => (options.paths?.length ? options.paths : ["pipelines"]);

/** The step templates under the paths a run reads, with the problems of their files. */
async function templatesAt(options: Pick<RunOptions, "paths">, cwd: string) {
  return loadTemplates(await discoverTemplateFiles(pathsOf(options), cwd));
}

/** The spec files at the paths, and the step templates found beside them. */
async function discover(options: RunOptions, cwd: string) {
  return { files: await discoverSpecFiles(pathsOf(options), cwd), templates: await templatesAt(options, cwd) };
}

/** Every problem of every spec (and template file) for one environment, and the specs that passed. */
async function validateFor(
  files: readonly SpecFile[],
  templates: { readonly registry: TemplateRegistry; readonly problems: readonly Problem[] },
  cwd: string,
  options: RunOptions,
  choice: EnvironmentChoice,
): Promise<{ problems: Problem[]; pipelines: ResolvedPipeline[] }> {
  const checked = await Promise.all(files.map((f) => checkSpec(f, cwd, options, templates.registry, choice)));

  const problems: Problem[] = [...templates.problems, ...checked.flatMap((c) => c.problems ?? [])];
  const valid = checked.flatMap((c) => (c.problems === undefined ? [c.resolved] : []));
  const byFile = new Map(valid.map((v) => [v.file, v]));
  for (const c of crossFileProblems(valid, {
    checkVersions: !options.airflowVersion,
    allValid: valid.length === checked.length,
  }))
    problems.push(placeProblem(c, byFile.get(c.file)!.locate));
  return { problems, pipelines: valid };
}

/**
 * Validates specs and renders the bundle in memory.
 * @throws {SpecError} when any spec is invalid; nothing is rendered then
 */
export async function renderPipelines(options: RunOptions = {}): Promise<RenderedFile[]> {
  return renderBundle(await validatePipelines(options));
}

type CheckedSpec =
  | { readonly problems: Problem[] }
  | { readonly problems?: undefined; readonly resolved: ResolvedPipeline };

/** One spec file through load, environment values, validate and resolve, with every problem it has on its own. */
async function checkSpec(
  found: SpecFile,
  cwd: string,
  options: RunOptions,
  templates: TemplateRegistry,
  choice: EnvironmentChoice = NO_ENVIRONMENT,
): Promise<CheckedSpec> {
  const loaded = await loadSpec(found.absolute, cwd, found.file, { env: choice });
  if (Array.isArray(loaded)) return { problems: loaded };
  const substituted = substituteEnvironment(loaded, choice);
  if (Array.isArray(substituted)) return { problems: substituted };
  const { spec, substitutions } = substituted;
  const valid = validateSpec(spec, { ...options, templates });
  if (Array.isArray(valid))
    return {
      problems: explainSubstitutions(valid, [
        ...substitutions,
        ...readSubstitutions(spec, spec.envReads ?? [], choice),
      ]),
    };
  const source = path.relative(cwd, found.absolute).split(path.sep).join("/");
  const resolved = resolvePipeline(valid, { ...options, source });
  const problems = taskIdProblems(resolved).map((p) => placeProblem(p, resolved.locate));
  return problems.length > 0 ? { problems } : { resolved };
}

/** A step template as `pipegen templates` lists it. */
export interface TemplateSummary {
  readonly name: string;
  readonly version: string;
  readonly description: string | undefined;
  /** The file that defines it. */
  readonly file: string;
  /** What `with:` takes, as JSON Schema. */
  readonly config: Record<string, unknown>;
}

/**
 * The step templates the specs at these paths may use (`*.template.ts` under
 * them), by name and then version.
 * @throws {SpecError} when a template file does not load or defines no valid template
 */
export async function listTemplates(options: Omit<RunOptions, "airflowVersion"> = {}): Promise<TemplateSummary[]> {
  return inOrder(await templateRegistry(options)).map(({ template, file }) => ({
    name: template.name,
    version: template.version,
    description: template.description,
    file,
    config: templateConfigSchema(template),
  }));
}

/**
 * The step templates under these paths, in `pipegen templates`' order.
 * @throws {SpecError} when a template file does not load or defines no valid template
 */
export async function loadStepTemplates(options: Omit<RunOptions, "airflowVersion"> = {}): Promise<StepTemplate[]> {
  return inOrder(await templateRegistry(options)).map((t) => t.template);
}

/** Templates by name, then by version number. */
function inOrder(registry: TemplateRegistry): LoadedTemplate[] {
  const byVersion = (a: string, b: string) => {
    const [x, y] = [a.split(".").map(Number), b.split(".").map(Number)];
    for (let i = 0; i < 3; i++) if ((x[i] ?? 0) !== (y[i] ?? 0)) return (x[i] ?? 0) - (y[i] ?? 0);
    return 0;
  };
  return [...registry.keys()]
    .sort()
    .flatMap((name) =>
      [...registry.get(name)!.keys()].sort(byVersion).map((version) => registry.get(name)!.get(version)!),
    );
}

async function templateRegistry(options: Omit<RunOptions, "airflowVersion">): Promise<TemplateRegistry> {
  const { registry, problems } = await templatesAt(options, options.cwd ?? process.cwd());
  if (problems.length > 0) throw new SpecError(problems);
  return registry;
}
