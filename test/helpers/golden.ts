/** The golden bundles: the examples rendered for the oldest and newest supported Airflow. */
import { fileURLToPath } from "node:url";

export const GOLDEN_DIR = fileURLToPath(new URL("../golden/", import.meta.url));

/** Airflow versions whose golden bundles are stored and imported by real Airflow. */
export const GOLDEN_TARGETS = ["2.10.3", "3.3.1"] as const;

export const goldenBundle = (version: (typeof GOLDEN_TARGETS)[number]) => `${GOLDEN_DIR}airflow-${version}`;
