/**
 * The library API: load → validate → resolve → render, with every problem
 * of every spec collected before anything is rendered.
 */
import path from "node:path";
import { SpecError } from "./errors.js";
import { discoverSpecFiles, loadSpec, type SpecFile } from "./load/index.js";
import { type Problem, placeProblem } from "./problem.js";
import { type RenderedFile, renderBundle } from "./render/bundle.js";
import { type ResolvedPipeline, resolvePipeline } from "./resolve/index.js";
import { taskIdProblems } from "./resolve/task-ids.js";
import type { AirflowVersion } from "./spec/airflow-versions.js";
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
  const files = await discoverSpecFiles(options.paths?.length ? options.paths : ["pipelines"], cwd);
  const checked = await Promise.all(files.map((f) => checkSpec(f, cwd, options)));

  const problems: Problem[] = checked.flatMap((c) => c.problems ?? []);
  const valid = checked.flatMap((c) => (c.problems === undefined ? [c.resolved] : []));
  const byFile = new Map(valid.map((v) => [v.file, v]));
  for (const c of crossFileProblems(valid, { checkVersions: !options.airflowVersion }))
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
async function checkSpec(found: SpecFile, cwd: string, options: RunOptions): Promise<CheckedSpec> {
  const spec = await loadSpec(found.absolute, cwd, found.file);
  if (Array.isArray(spec)) return { problems: spec };
  const valid = validateSpec(spec, options);
  if (Array.isArray(valid)) return { problems: valid };
  const source = path.relative(cwd, found.absolute).split(path.sep).join("/");
  const resolved = resolvePipeline(valid, { ...options, source });
  const problems = taskIdProblems(resolved).map((p) => placeProblem(p, resolved.locate));
  return problems.length > 0 ? { problems } : { resolved };
}
