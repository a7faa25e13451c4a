/** The golden bundles: the examples rendered for the oldest and newest supported Airflow. */
import { fileURLToPath } from "node:url";

export const GOLDEN_DIR = fileURLToPath(new URL("../golden/", import.meta.url));

/** Airflow versions whose golden bundles are stored and imported by real Airflow. */
export const GOLDEN_TARGETS = ["2.10.3", "3.3.1"] as const;

export const goldenBundle = (version: (typeof GOLDEN_TARGETS)[number]) => `${GOLDEN_DIR}airflow-${version}`;

/** inspect_dags.py arguments: a daily run for 2024-03-05 that starts on 2024-03-06; a manual run triggered on 2024-03-07. */
export const RUN_INTERVAL = [
  "--data-interval-start",
  "2024-03-05T06:00:00+00:00",
  "--data-interval-end",
  "2024-03-06T06:00:00+00:00",
  "--run-after",
  "2024-03-07T10:00:00+00:00",
];
