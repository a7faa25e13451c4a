/**
 * The real XTable runner for the tests: jars/build.sh builds it once (Apache
 * XTable from its source release when Maven does not serve it) and caches it
 * under .cache/ and jars/target/; later calls only compare input hashes.
 */
import { existsSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { execa } from "execa";
import { ROOT } from "./cli.js";

const TARBALL = "apache-xtable-0.4.0-incubating-rc2-src.tar.gz";

/**
 * The XTable source tarball: $PIPEGEN_XTABLE_SOURCE, else the shared vendor
 * copy beside the repository (as CI lays it out), else at its absolute place.
 */
export function xtableSource(env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (env.PIPEGEN_XTABLE_SOURCE) return env.PIPEGEN_XTABLE_SOURCE;
  return [resolve(ROOT, "../shared/vendor/xtable", TARBALL), join("/work/shared/vendor/xtable", TARBALL)].find((f) =>
    existsSync(f),
  );
}

/** The environment jars/build.sh needs: the XTable source, when one is found. */
export function buildEnv(extra: Record<string, string> = {}): Record<string, string> {
  const source = xtableSource();
  return { ...(source ? { PIPEGEN_XTABLE_SOURCE: source } : {}), ...extra };
}

/** Builds (or reuses) the runner; returns its folder (launcher jar + dependencies). */
export async function buildRunner(): Promise<string> {
  const r = await execa("bash", [`${ROOT}jars/build.sh`], { env: buildEnv(), stderr: "inherit" });
  return dirname(r.stdout.trim());
}

/** Where buildRunner puts the runner. */
export const RUNNER_DIR = `${ROOT}jars/target/lib`;

/** The runner's verdict on one table (jars/…/DeltaSafetyCheck.java): refused features, or why it could not read it. */
export interface JavaSafetyVerdict {
  readonly table: string;
  readonly refusals?: { feature: string; detail: string }[];
  readonly error?: string;
}

/**
 * Runs the runner's safety check (pipegen.xtable.DeltaSafetyCheck) on every table in one JVM.
 * @returns the verdicts by table path
 */
export async function javaSafetyCheck(
  tables: readonly string[],
  env: Record<string, string> = {},
): Promise<Record<string, JavaSafetyVerdict>> {
  const r = await execa("java", ["-cp", `${RUNNER_DIR}/*`, "pipegen.xtable.DeltaSafetyCheck", ...tables], {
    env,
    reject: false,
  });
  if (r.exitCode !== 0) throw new Error(`DeltaSafetyCheck exited ${r.exitCode}:\n${r.stderr.slice(-3000)}`);
  const verdicts = r.stdout
    .split("\n")
    .filter((l) => l.startsWith("{"))
    .map((l) => JSON.parse(l) as JavaSafetyVerdict);
  return Object.fromEntries(verdicts.map((v) => [v.table, v]));
}
