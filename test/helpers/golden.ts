/** The golden bundles: the examples rendered for the oldest and newest supported Airflow. */
import { rm } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { RenderedFile } from "../../src/render/bundle.js";
import { type FolderKind, MANIFEST, writeBundle } from "../../src/write/index.js";

export const GOLDEN_DIR = fileURLToPath(new URL("../golden/", import.meta.url));

/** Airflow versions whose golden bundles are stored and imported by real Airflow. */
export const GOLDEN_TARGETS = ["2.10.3", "3.3.1"] as const;

export const goldenBundle = (version: (typeof GOLDEN_TARGETS)[number]) => `${GOLDEN_DIR}airflow-${version}`;

/** The example project with environments (its own pipegen.config.ts), rendered for each. */
export const EXAMPLE_PROJECT = fileURLToPath(new URL("../../examples/clickstream/", import.meta.url));

export const EXAMPLE_ENVIRONMENTS = ["dev", "prod"] as const;

/** The example project's golden bundle for one environment and Airflow version. */
export const exampleBundle = (env: (typeof EXAMPLE_ENVIRONMENTS)[number], version: (typeof GOLDEN_TARGETS)[number]) =>
  fileURLToPath(new URL(`../golden-clickstream/${env}/airflow-${version}`, import.meta.url));

/** Every golden bundle: the examples of pipelines/, and the example project for each environment. */
export const GOLDEN_BUNDLES: ReadonlyArray<
  readonly [label: string, dir: string, version: (typeof GOLDEN_TARGETS)[number]]
> = [
  ...GOLDEN_TARGETS.map((v) => [`pipelines/ for Airflow ${v}`, goldenBundle(v), v] as const),
  ...EXAMPLE_ENVIRONMENTS.flatMap((env) =>
    GOLDEN_TARGETS.map(
      (v) => [`examples/clickstream --env ${env} for Airflow ${v}`, exampleBundle(env, v), v] as const,
    ),
  ),
];

/**
 * UPDATE_GOLDEN: writes a golden folder as the writer does, without the
 * writer's manifest. Golden folders hold exactly what render emits (and what
 * deploy uploads); the writer recognises them by their files' shapes.
 */
export async function writeGolden(dir: string, files: readonly RenderedFile[], kind: FolderKind): Promise<void> {
  await writeBundle(dir, files, { kind });
  await rm(path.join(dir, MANIFEST), { force: true });
}

/** inspect_dags.py arguments: a daily run for 2024-03-05 that starts on 2024-03-06; a manual run triggered on 2024-03-07. */
export const RUN_INTERVAL = [
  "--data-interval-start",
  "2024-03-05T06:00:00+00:00",
  "--data-interval-end",
  "2024-03-06T06:00:00+00:00",
  "--run-after",
  "2024-03-07T10:00:00+00:00",
];
