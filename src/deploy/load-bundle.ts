/**
 * The bundle a deploy sends: the specs rendered in memory, or the folder
 * `--from` names. The specs are also read with `--from --preflight`, which
 * checks the resources they name.
 */
import path from "node:path";
import type { ResolvedPipeline } from "../resolve/index.js";
import { type BundleFile, bundleFromRendered, readBundleDir } from "./bundle.js";
import type { DeploySettings } from "./settings.js";

/** The bundle, and the specs it came from when they were read. */
export interface LoadedBundle {
  readonly bundle: BundleFile[];
  /** The validated specs; undefined when the bundle came from `--from` and `--preflight` is off. */
  readonly pipelines: ResolvedPipeline[] | undefined;
}

/**
 * Loads the bundle, and the specs when it is rendered or `--preflight` needs them.
 * @throws {SpecError} when a spec is invalid
 * @throws {DeploySettingsError} when the `--from` folder is not a bundle
 */
export async function loadBundle(settings: DeploySettings, cwd: string): Promise<LoadedBundle> {
  const readFrom = (from: string) => readBundleDir(from, path.relative(cwd, from) || ".");
  if (settings.from !== undefined && !settings.preflight)
    return { bundle: await readFrom(settings.from), pipelines: undefined };
  // Loaded only when specs are read: deploying a rendered folder needs no spec parser or renderer.
  const [{ validatePipelines }, { renderBundle }] = await Promise.all([
    import("../pipeline-run.js"),
    import("../render/bundle.js"),
  ]);
  const pipelines = await validatePipelines({
    paths: settings.paths,
    cwd,
    airflowVersion: settings.airflowVersion,
    env: settings.env,
    config: settings.config,
  });
  if (settings.from !== undefined) return { bundle: await readFrom(settings.from), pipelines };
  return { bundle: bundleFromRendered(renderBundle(pipelines)), pipelines };
}
