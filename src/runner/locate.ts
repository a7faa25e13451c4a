/**
 * Where pipegen finds the XTable runner: the folder holding the launcher jar
 * beside every jar it needs. In order:
 *
 * 1. the folder the user names (`--runner`, `$PIPEGEN_XTABLE_RUNNER`);
 * 2. run from a checkout: `jars/target/lib`, which `jars/build.sh` builds;
 * 3. installed from the npm package (which ships jars/ but no build):
 *    `<cache>/xtable-runner/lib`, built there by the package's own
 *    `jars/build.sh` the first time it is needed, where <cache> is
 *    `$PIPEGEN_CACHE_DIR`, else `$XDG_CACHE_HOME/pipegen`, else
 *    `~/.cache/pipegen`.
 *
 * In 2 and 3 a missing runner is built, with a message first: the build runs
 * Maven, and the first one takes minutes.
 */
import { existsSync, realpathSync } from "node:fs";
import { homedir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { execa } from "execa";
import { UserError } from "../errors.js";
import { RUNNER_ENV_VAR } from "./env.js";

/** The package root: where jars/ is, from build/runner/ or src/runner/. */
export const PACKAGE_ROOT = fileURLToPath(new URL("../../", import.meta.url));

/** The launcher jar that jars/build.sh puts beside its dependencies. */
export const LAUNCHER_JAR = "pipegen-xtable.jar";

/** The runner is missing or cannot be built. */
export class RunnerSetupError extends UserError {
  override readonly name = "RunnerSetupError";
}

/** Whether pipegen runs from an installed package rather than from a checkout of its repository. */
export function isInstalledPackage(root: string = PACKAGE_ROOT): boolean {
  return realpathSync(root).split(path.sep).includes("node_modules");
}

/** pipegen's cache folder for an installed package. */
export function cacheDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.PIPEGEN_CACHE_DIR) return path.resolve(env.PIPEGEN_CACHE_DIR);
  return path.join(env.XDG_CACHE_HOME ? path.resolve(env.XDG_CACHE_HOME) : path.join(homedir(), ".cache"), "pipegen");
}

/** Where jars/build.sh puts the runner when no folder is named, and the environment it needs for that. */
export function defaultRunnerBuild(
  env: NodeJS.ProcessEnv = process.env,
  root: string = PACKAGE_ROOT,
): { readonly dir: string; readonly env: Record<string, string> } {
  if (!isInstalledPackage(root)) return { dir: path.join(root, "jars", "target", "lib"), env: {} };
  const cache = cacheDir(env);
  const buildDir = path.join(cache, "xtable-runner");
  return { dir: path.join(buildDir, "lib"), env: { PIPEGEN_CACHE_DIR: cache, PIPEGEN_RUNNER_DIR: buildDir } };
}

/** How to look for the runner. */
export interface RunnerSearch {
  /** A folder the user named (`--runner`); else `$PIPEGEN_XTABLE_RUNNER`. */
  readonly explicit?: string | undefined;
  readonly env?: NodeJS.ProcessEnv;
  /** Against which a relative `explicit` folder resolves. */
  readonly cwd?: string;
  /**
   * `missing`: build the default runner only when it is not there.
   * `refresh`: run jars/build.sh on the default runner even when it is there
   * (it rebuilds only when its inputs changed).
   */
  readonly build?: "missing" | "refresh";
  /** Told, before a build starts, what is built where. */
  readonly onNote?: (message: string) => void;
}

/** The runner folder, and whether the user named it. */
export interface FoundRunner {
  readonly dir: string;
  readonly explicit: boolean;
}

/**
 * Finds the runner, building the default one when needed.
 * @throws {RunnerSetupError} when a named folder holds no runner, or the build fails
 */
export async function locateRunner(search: RunnerSearch = {}): Promise<FoundRunner> {
  const env = search.env ?? process.env;
  const named = search.explicit ?? (env[RUNNER_ENV_VAR] || undefined);
  if (named !== undefined) {
    const dir = path.resolve(search.cwd ?? process.cwd(), named);
    if (!existsSync(path.join(dir, LAUNCHER_JAR)))
      throw new RunnerSetupError(
        `the XTable runner is not at ${dir} (no ${LAUNCHER_JAR}): build it with jars/build.sh (it builds Apache XTable from the source release named by PIPEGEN_XTABLE_SOURCE when your Maven repositories do not serve it). ` +
          `To use a runner built elsewhere, pass --runner <dir> or set ${RUNNER_ENV_VAR}.`,
      );
    return { dir, explicit: true };
  }
  const target = defaultRunnerBuild(env);
  const present = existsSync(path.join(target.dir, LAUNCHER_JAR));
  if (present && search.build !== "refresh") return { dir: target.dir, explicit: false };
  if (!present)
    search.onNote?.(
      `the XTable runner is not built yet: building it into ${target.dir} from the sources pipegen ships (${path.join(PACKAGE_ROOT, "jars")}) with Maven and a JDK 17. ` +
        `Maven Central serves no Apache XTable, so the build needs its source release in PIPEGEN_XTABLE_SOURCE (see jars/README.md); the first build takes a few minutes.`,
    );
  await runBuild(target.env, env);
  return { dir: target.dir, explicit: false };
}

async function runBuild(extra: Record<string, string>, env: NodeJS.ProcessEnv): Promise<void> {
  const script = path.join(PACKAGE_ROOT, "jars", "build.sh");
  const r = await execa("bash", [script], { env: { ...env, ...extra }, extendEnv: false, reject: false });
  if (r.exitCode === 0) return;
  const why = String(r.stderr ?? "")
    .split("\n")
    .filter((l) => l.startsWith("jars/build.sh: "))
    .map((l) => l.slice("jars/build.sh: ".length))
    .join(" ");
  throw new RunnerSetupError(
    `could not build the XTable runner (${script} exited ${r.exitCode ?? r.signal}): ${
      why ||
      String(r.stderr ?? "")
        .trim()
        .split("\n")
        .slice(-5)
        .join(" ") ||
      "it printed nothing"
    }`,
  );
}
