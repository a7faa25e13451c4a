/**
 * The library API: load → validate → resolve → render, with every problem
 * of every spec collected before anything is rendered.
 */
import { SpecError, type Problem } from "./errors.js";
import { discoverSpecFiles, loadSpec, type LoadedSpec } from "./load/index.js";
import { renderBundle, type RenderedFile } from "./render/bundle.js";
import { resolvePipeline, type ResolvedPipeline } from "./resolve/index.js";
import type { AirflowVersion } from "./spec/airflow-versions.js";
import { validateBundle, validateSpec, type ValidSpec } from "./validate/index.js";
import { taskIdProblems } from "./validate/task-ids.js";

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
  const loaded = await Promise.all(files.map((f) => loadSpec(f, cwd)));

  const problems: Problem[] = [];
  const valid: Array<ValidSpec & { locate: LoadedSpec["locate"] }> = [];
  for (const spec of loaded) {
    if (Array.isArray(spec)) {
      problems.push(...spec);
      continue;
    }
    const result = validateSpec(spec);
    if (Array.isArray(result)) problems.push(...result);
    else valid.push({ ...result, locate: spec.locate });
  }
  const resolved = valid.map((v) => resolvePipeline(v, options));
  for (const [i, r] of resolved.entries()) problems.push(...taskIdProblems(r, valid[i]!.locate));
  if (!options.airflowVersion) problems.push(...validateBundle(valid));
  if (problems.length > 0) throw new SpecError(problems);
  return resolved;
}

/**
 * Validates specs and renders the bundle in memory.
 * @throws {SpecError} when any spec is invalid; nothing is rendered then
 */
export async function renderPipelines(options: RunOptions = {}): Promise<RenderedFile[]> {
  return renderBundle(await validatePipelines(options));
}
