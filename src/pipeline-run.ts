/**
 * The library API: load → validate → resolve → render, with every problem
 * of every spec collected before anything is rendered.
 */
import path from "node:path";
import { SpecError } from "./errors.js";
import { discoverSpecFiles, discoverTemplateFiles, loadSpec, type SpecFile } from "./load/index.js";
import { type LoadedTemplate, loadTemplates, type TemplateRegistry } from "./load/templates.js";
import { type Problem, placeProblem } from "./problem.js";
import { type RenderedFile, renderBundle } from "./render/bundle.js";
import { type ResolvedPipeline, resolvePipeline } from "./resolve/index.js";
import { taskIdProblems } from "./resolve/task-ids.js";
import type { AirflowVersion } from "./spec/airflow-versions.js";
import { type StepTemplate, templateConfigSchema } from "./spec/template.js";
import { crossFileProblems, validateSpec } from "./validate/index.js";

export interface RunOptions {
  /** Spec files or folders; defaults to `pipelines/`. */
  readonly paths?: readonly string[];
  /** Folder that relative paths and reported file names are relative to. */
  readonly cwd?: string;
  /** Renders every spec for this Airflow version instead of the one it declares. */
  readonly airflowVersion?: AirflowVersion | undefined;
}

/**
 * Loads and validates specs.
 * @throws {SpecError} with every problem found, when any spec is invalid
 */
export async function validatePipelines(options: RunOptions = {}): Promise<ResolvedPipeline[]> {
  const cwd = options.cwd ?? process.cwd();
  const paths = options.paths?.length ? options.paths : ["pipelines"];
  const files = await discoverSpecFiles(paths, cwd);
  const templates = await loadTemplates(await discoverTemplateFiles(paths, cwd));
  const checked = await Promise.all(files.map((f) => checkSpec(f, cwd, options, templates.registry)));

  const problems: Problem[] = [...templates.problems, ...checked.flatMap((c) => c.problems ?? [])];
  const valid = checked.flatMap((c) => (c.problems === undefined ? [c.resolved] : []));
  const byFile = new Map(valid.map((v) => [v.file, v]));
  for (const c of crossFileProblems(valid, {
    checkVersions: !options.airflowVersion,
    allValid: valid.length === checked.length,
  }))
    problems.push(placeProblem(c, byFile.get(c.file)!.locate));
  if (problems.length > 0) throw new SpecError(problems);
  return valid;
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

/** One spec file through load, validate and resolve, with every problem it has on its own. */
async function checkSpec(
  found: SpecFile,
  cwd: string,
  options: RunOptions,
  templates: TemplateRegistry,
): Promise<CheckedSpec> {
  const spec = await loadSpec(found.absolute, cwd, found.file);
  if (Array.isArray(spec)) return { problems: spec };
  const valid = validateSpec(spec, { ...options, templates });
  if (Array.isArray(valid)) return { problems: valid };
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
  const cwd = options.cwd ?? process.cwd();
  const paths = options.paths?.length ? options.paths : ["pipelines"];
  const { registry, problems } = await loadTemplates(await discoverTemplateFiles(paths, cwd));
  if (problems.length > 0) throw new SpecError(problems);
  return registry;
}
